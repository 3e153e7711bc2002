"""Static files (issue 11): after collectstatic a page links hashed names that whitenoise serves gzipped and
cached for a year; before any collection (a fresh checkout, the tests) the plain names still work."""

from django.core.management import call_command
from django.templatetags.static import static


def test_hashed_gzip_and_immutable_after_collectstatic(settings, tmp_path, client):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("vendor/leaflet/leaflet.js")
    assert url != "/static/vendor/leaflet/leaflet.js" and url.startswith("/static/vendor/leaflet/leaflet.")
    from whitenoise.middleware import WhiteNoiseMiddleware

    served = WhiteNoiseMiddleware(lambda request: None)
    from django.test import RequestFactory

    response = served(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    # only the files pages load are collected, not the libraries' whole dist folders
    collected = {p.name for p in (tmp_path / "static" / "vendor" / "echarts").iterdir()}
    assert "echarts.js" not in collected and "echarts.common.min.js" in collected


def test_plain_names_without_a_collection(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"
    (tmp_path / "empty").mkdir()
    assert static("web/gridgov.css") == "/static/web/gridgov.css"
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    response = WhiteNoiseMiddleware(lambda request: None)(RequestFactory().get("/static/vendor/htmx/htmx.min.js"))
    assert response.status_code == 200 and "immutable" not in response["Cache-Control"]


def test_files_collected_after_the_server_started_are_served(settings, tmp_path):
    """`gridgov serve` builds the application (and whitenoise's list of files) before collectstatic runs:
    the hashed names a page then links are still served, gzipped and cached for a year."""
    from django.test import RequestFactory

    from gridgov.web.static_middleware import StaticFilesMiddleware

    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "static").mkdir()
    served = StaticFilesMiddleware(lambda request: None)  # built first, on an empty STATIC_ROOT
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("cases/report.js")
    assert url != "/static/cases/report.js"
    response = served(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    # only inside STATIC_ROOT, and a missing name is still a miss
    assert served(RequestFactory().get("/static/../settings.py")) is None
    assert served(RequestFactory().get("/static/cases/nothing.0123456789ab.js")) is None
