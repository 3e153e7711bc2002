"""Bad input is a 400/422 with a message, never a 500: NUL bytes anywhere in a request, numbers too large
for the database (a page far past the end, an id beyond 2^63), with and without login. PostgreSQL refuses
NUL in text and both databases overflow on such integers, so these reach the database unless stopped."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

HUGE = str(2**63)
PAGE = "999999999999999999"


def _not_server_error(response):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    return response


@pytest.fixture
def staff(personas, login):
    return login(personas.town_admin)


@pytest.mark.parametrize("path", [
    "/api/v1/regions", "/api/v1/cases", "/api/v1/points/rules", "/api/v1/stars/assessments",
    "/api/v1/notifications", "/api/v1/people",
])
def test_a_page_far_past_the_end_is_refused(staff, path):
    response = _not_server_error(staff.get(path, {"page": PAGE}))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["page"]
    assert staff.get(path, {"page": "1000000000"}).status_code == 200  # the largest page still answers


@pytest.mark.parametrize("path", [
    f"/api/v1/cases/{HUGE}", f"/api/v1/people/{HUGE}", f"/cases/{HUGE}/", f"/data/people/{HUGE}/",
    f"/api/v1/shop/orders/{HUGE}/pickup",
])
def test_an_id_beyond_the_database_is_not_found_or_refused(staff, path):
    response = _not_server_error(staff.get(path) if "pickup" not in path else
                                 staff.post(path, {"code": "1"}, content_type="application/json"))
    assert response.status_code == 404


def test_a_large_id_that_fits_is_simply_not_found(staff):
    assert staff.get(f"/api/v1/cases/{2**63 - 1}").status_code == 404
    assert staff.get(f"/api/v1/cases/{2**62}", {"q": str(2**64)}).status_code == 404


def test_nul_without_login(db):
    client = Client()
    token = client.post("/api/v1/auth/token", json.dumps({"username": "a\u0000b", "password": "x"}),
                        content_type="application/json")
    assert token.status_code == 400 and "\\0" in token.json()["detail"]  # 空字符（\\0） / a NUL character (\\0)
    open311 = client.get("/open311/v2/tokens/ab%00c.json")
    assert open311.status_code == 400 and open311.json()[0]["code"] == 400  # the spec's error body
    assert b"<errors>" in client.get("/open311/v2/tokens/ab%00c.xml").content
    assert client.get("/open311/v2/requests.json", {"service_code": "a\x00"}).status_code == 400
    assert client.post("/login/", {"username": "a\x00", "password": "b"}).status_code == 400
    # A photo is binary and may hold NUL bytes: only text fields of a multipart form are checked.
    upload = client.post("/login/", {"username": "a", "password": "b",
                                     "file": SimpleUploadedFile("x.bin", b"\x00\x01", "application/octet-stream")})
    assert upload.status_code != 400


def test_nul_in_api_input(staff):
    for path in ("/api/v1/cases", "/api/v1/regions"):
        assert staff.get(path, {"q": "a\x00b", "scope": "44\x00"}).status_code == 400
    created = staff.post("/api/v1/cases", json.dumps({"category": "0101\u0000", "description": "x\u0000"}),
                         content_type="application/json")
    assert created.status_code == 400 and created.json()["detail"]
    assert staff.get("/data/people/", {"q": "张\x00"}).status_code == 400
