"""gridgov installs as a phone app (issue 11): the manifest, the service worker at the site root and the
favicon, served to anyone (the login page installs the app too)."""

import json

from django.test import Client


def test_manifest_names_the_app_its_icons_and_theme(db):
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["display"] == "standalone" and data["scope"] == "/" and data["start_url"].startswith("/")
    assert data["theme_color"] == "#b3261e" and data["short_name"] == "网格化治理"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(i.get("purpose") == "maskable" for i in data["icons"])
    for icon in data["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_service_worker_at_the_root_lists_the_shell_and_field_pages(db):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "__VERSION__" not in body and "gridgov-shell-" in body
    assert '"/cases/report/"' in body and "/static/web/outbox.js" in body
    # a shell that installs: every file it keeps exists
    shell = json.loads(body.split("var SHELL_FILES = ", 1)[1].split(";\n", 1)[0])
    assert "/static/cases/report.js" in shell
    for url in shell:
        assert Client().get(url).status_code == 200, url
    # the version follows the content: the same worker twice is byte-identical (no needless update)
    assert Client().get("/sw.js").content == response.content


def test_favicon_and_page_head(db, personas, login):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = login(personas.resident_a1).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#b3261e">' in page
    assert f'<meta name="gridgov-user" content="{personas.resident_a1.pk}">' in page
    assert '<meta name="gridgov-user" content="">' in Client().get("/login/").content.decode()
