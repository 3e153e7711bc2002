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
