import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from tests.conftest import PASSWORD


def test_login_page_renders_in_chinese_by_default(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    assert b'lang="zh-hans"' in response.content
    assert b'name="password"' in response.content


def test_login_with_right_password_lands_on_home(personas):
    client = Client()
    response = client.post("/login/", {"username": "worker_a1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"].username == "worker_a1"


def test_login_follows_a_local_next_but_not_a_foreign_one(personas):
    response = Client().post("/login/?next=/tree/", {"username": "worker_a1", "password": PASSWORD})
    assert response["Location"] == "/tree/"
    response = Client().post("/login/", {"username": "worker_a1", "password": PASSWORD,
                                         "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(personas):
    response = Client().post("/login/", {"username": "worker_a1", "password": "Wrong-Pass-1"})
    assert response.status_code == 401
    assert response.context["error"]
    assert "_auth_user_id" not in response.client.session


def test_locked_account_shows_the_lock_message_even_with_the_right_password(personas, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "worker_a1", "password": "Wrong-Pass-1"})
    response = client.post("/login/", {"username": "worker_a1", "password": PASSWORD})
    assert response.status_code == 401
    personas.worker_a1.refresh_from_db()
    assert personas.worker_a1.locked_until is not None
    assert f"{personas.worker_a1.locked_until.year}" in response.context["error"]
    assert AuditEntry.objects.filter(action="account.lock").exists()


@pytest.mark.parametrize("url", ["/", "/tree/", "/map/", "/households/", "/people/", "/audit/", "/password/",
                                 "/grids/445321104201001/", "/regions/445321104201/", "/households/1/",
                                 "/people/1/"])
def test_anonymous_visitors_are_sent_to_login(personas, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_logout_takes_a_post_and_ends_the_session(personas, login):
    client = login(personas.worker_a1)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302
