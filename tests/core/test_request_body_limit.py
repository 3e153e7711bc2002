"""Issue 17, finding 10: a body larger than settings.MAX_REQUEST_BYTES is answered 413 from its
Content-Length, before any middleware or view reads it (Django would otherwise spool it whole first)."""

import pytest
from django.test import Client


class UnreadableBody:
    """A request body that records any attempt to read it."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("path, language, expected", [
    ("/api/v1/cases/1/photos", "en", "The request is too large: at most 64 MB may be sent at once."),
    ("/cases/report/", "zh-hans", "请求内容过大：一次最多可发送 64 MB。"),
])
def test_an_oversized_body_is_refused_unread(db, settings, path, language, expected):
    settings.MAX_REQUEST_BYTES = 64 * 1024 * 1024
    body = UnreadableBody()
    response = Client().generic("POST", path, b"x", content_type="multipart/form-data; boundary=B",
                                CONTENT_LENGTH=str(200 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE=language,
                                **{"wsgi.input": body})
    assert response.status_code == 413
    text = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert text == expected
    assert body.reads == 0


def test_a_body_within_the_limit_goes_through(db, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = Client().post("/api/v1/auth/token", {"username": "nobody", "password": "x" * 900},
                             content_type="application/json")
    assert response.status_code == 401
    response = Client().post("/api/v1/auth/token", {"username": "nobody", "password": "x" * 1100},
                             content_type="application/json")
    assert response.status_code == 413


def test_open311_answers_an_oversized_body_in_its_own_error_body(db, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = Client().post("/open311/v2/requests.json", "x" * (1024 * 1024 + 1), content_type="application/x-www-form-urlencoded",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json() == [{"code": 413, "description": "The request is too large: at most 1 MB may be sent at once."}]
