"""The app's own files reach a signed-in user who still owes the second factor (issue 11): the browser fetches
the service worker, the manifest and the icon by itself on every page, the code step's included; a redirect
to the code step would break the worker's install and update."""

import pytest
from django.test import Client


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_service_worker_manifest_and_icon_are_served_before_the_code(personas, required):
    client = Client()
    client.force_login(personas.town_admin)  # two factors are hers to use; no code given yet
    for path, kind in (("/sw.js", "javascript"), ("/manifest.webmanifest", "manifest+json"),
                       ("/favicon.ico", "image/")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert kind in response["Content-Type"], path
    assert client.get("/cases/report/")["Location"].startswith("/login/")  # a page still asks for the code
