"""Bearer tokens from POST /api/v1/auth/token; everything else needs one (or a session with CSRF on writes)."""

import datetime

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from gridgov.org.models import ApiToken
from tests.conftest import PASSWORD

PROTECTED = ["/api/v1/me", "/api/v1/regions", "/api/v1/grids", "/api/v1/grids/445321104201001",
             "/api/v1/grids/locate?lat=22.705&lng=112.305", "/api/v1/households", "/api/v1/people"]


def obtain(username="worker_a1", password=PASSWORD, **extra):
    return Client().post("/api/v1/auth/token", {"username": username, "password": password},
                         content_type="application/json", **extra)


def test_token_endpoint_returns_a_token_that_is_stored_only_as_a_hash(personas):
    response = obtain()
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert len(token) >= 40
    assert datetime.datetime.fromisoformat(body["expires_at"]) > timezone.now() + datetime.timedelta(days=29)
    stored = ApiToken.objects.get(user=personas.worker_a1)
    assert stored.key_hash != token and token not in stored.key_hash
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["user"] == "worker_a1"


def test_wrong_password_is_401_with_a_message(personas):
    response = obtain(password="Wrong-Pass-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password."}


def test_token_request_missing_a_field_names_it(db):
    response = Client().post("/api/v1/auth/token", {"username": "worker_a1"}, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


@pytest.mark.parametrize("url", PROTECTED)
def test_without_a_token_every_endpoint_answers_401(personas, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "Token abc", "Basic d29ya2VyX2ExOnBhc3M="])
def test_garbage_tokens_answer_401(personas, header):
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401


def test_an_expired_token_answers_401(personas, api_client):
    client = api_client("worker_a1")
    ApiToken.objects.filter(user=personas.worker_a1).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401


def test_a_session_can_read(personas, login):
    assert login(personas.worker_a1).get("/api/v1/me").json()["user"] == "worker_a1"


def test_a_session_cannot_write_without_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.town_admin)
    url = f"/api/v1/people/{personas.town.zhang.pk}/reveal"
    refused = client.post(url, {"field": "phone"}, content_type="application/json")
    assert refused.status_code == 403

    csrf = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = csrf
    allowed = client.post(url, {"field": "phone"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200


def test_a_bearer_token_needs_no_csrf_token(personas, api_client):
    client = api_client("town_admin")
    client.handler.enforce_csrf_checks = True
    response = client.post(f"/api/v1/people/{personas.town.zhang.pk}/reveal", {"field": "phone"},
                           content_type="application/json")
    assert response.status_code == 200


def test_a_token_is_last_used_stamped(personas, api_client):
    api_client("worker_a1").get("/api/v1/me")
    assert ApiToken.objects.get(user=personas.worker_a1).last_used_at is not None
