"""API tokens end like sessions do: after an idle spell (GRIDGOV_API_TOKEN_IDLE_HOURS), when their owner
revokes them (one by one, from the API or the password page) and when their owner logs out of the web."""

import datetime

from django.test import Client
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.org.models import ApiToken

from ..conftest import PASSWORD


def _token(username, agent="script/1.0"):
    client = Client(HTTP_USER_AGENT=agent)
    answer = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 200
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {answer.json()['token']}"
    return client, ApiToken.objects.order_by("-pk").first()


def test_an_idle_token_ends_and_a_used_one_lives(personas, settings):
    settings.API_TOKEN_IDLE_HOURS = 72
    client, token = _token("town_admin")
    assert client.get("/api/v1/regions").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(hours=71))
    assert client.get("/api/v1/regions").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(hours=73))
    assert client.get("/api/v1/regions").status_code == 401
    # Never used at all: idle since it was issued.
    fresh, fresh_token = _token("town_admin")
    ApiToken.objects.filter(pk=fresh_token.pk).update(created_at=timezone.now() - datetime.timedelta(hours=73))
    assert fresh.get("/api/v1/regions").status_code == 401


def test_one_lists_and_revokes_only_ones_own_tokens(personas):
    phone, phone_token = _token("town_admin", agent="gridgov-phone")
    script, script_token = _token("town_admin", agent="county-sync")
    other, other_token = _token("secretary_a")

    listed = phone.get("/api/v1/auth/tokens").json()
    assert listed["count"] == 2
    assert {(t["id"], t["label"], t["current"]) for t in listed["items"]} == {
        (phone_token.pk, "gridgov-phone", True), (script_token.pk, "county-sync", False)}

    assert phone.delete(f"/api/v1/auth/tokens/{other_token.pk}").status_code == 404
    assert other.get("/api/v1/regions").status_code == 200
    assert phone.delete(f"/api/v1/auth/tokens/{script_token.pk}").status_code == 204
    assert script.get("/api/v1/regions").status_code == 401
    assert phone.get("/api/v1/regions").status_code == 200
    row = AuditEntry.objects.get(action="user.token_revoked")
    assert row.after["token_ids"] == [script_token.pk] and row.actor_id == personas.town_admin.pk


def test_logging_out_of_the_web_ends_the_accounts_tokens(personas):
    script, _token_row = _token("secretary_a")
    browser = Client()
    assert browser.post("/login/", {"username": "secretary_a", "password": PASSWORD}).status_code == 302
    assert script.get("/api/v1/regions").status_code == 200
    browser.post("/logout/")
    assert script.get("/api/v1/regions").status_code == 401


def test_the_password_page_lists_and_revokes_tokens(personas, login):
    script, token = _token("town_admin", agent="county-sync")
    browser = login(personas.town_admin)
    page = browser.get("/password/")
    assert "county-sync" in page.content.decode()
    browser.post(f"/password/tokens/{token.pk}/revoke/")
    assert script.get("/api/v1/regions").status_code == 401
    assert "county-sync" not in browser.get("/password/").content.decode()
