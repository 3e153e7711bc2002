"""Five failed logins lock an account for 30 minutes, for the web login (django.contrib.auth.authenticate)
and the API token endpoint alike; the lock is audited and ends by itself."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.org.auth import authenticate_or_reason
from gridgov.org.models import User
from tests.conftest import PASSWORD

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")

WRONG = "Wrong-Pass-99"


def web_attempt(password, username="worker_a1"):
    return authenticate(None, username=username, password=password)


def api_attempt(password, username="worker_a1"):
    return Client().post("/api/v1/auth/token", {"username": username, "password": password},
                         content_type="application/json")


def fail(path, times):
    for _ in range(times):
        if path == "web":
            assert web_attempt(WRONG) is None
        else:
            assert api_attempt(WRONG).status_code == 401


def worker():
    return User.objects.get(username="worker_a1")


@pytest.mark.parametrize("path", ["web", "api"])
def test_four_failures_do_not_lock_and_the_fifth_does_for_thirty_minutes(personas, path):
    fail(path, 4)
    assert worker().locked_until is None
    assert worker().failed_logins == 4
    fail(path, 1)
    locked_until = worker().locked_until
    assert locked_until is not None
    assert abs(locked_until - timezone.now() - datetime.timedelta(minutes=30)) < datetime.timedelta(seconds=30)


def test_the_web_and_api_paths_share_one_counter(personas):
    fail("web", 3)
    fail("api", 2)
    assert worker().locked_until is not None


def test_while_locked_the_right_password_is_refused_on_both_paths(personas):
    fail("web", 5)
    assert web_attempt(PASSWORD) is None
    user, reason = authenticate_or_reason(None, "worker_a1", PASSWORD)
    assert user is None and "locked" in reason
    response = api_attempt(PASSWORD)
    assert response.status_code == 401
    local = timezone.localtime(worker().locked_until).strftime("%Y-%m-%d %H:%M")
    assert local in response.json()["detail"]


def test_lock_message_follows_the_language(personas):
    fail("api", 5)
    english = Client().post("/api/v1/auth/token", {"username": "worker_a1", "password": PASSWORD},
                            content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("This account is locked")


def test_the_lock_ends_by_itself_after_its_time(personas):
    fail("api", 5)
    User.objects.filter(username="worker_a1").update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert web_attempt(PASSWORD) == personas.worker_a1
    assert worker().locked_until is None
    assert api_attempt(PASSWORD).status_code == 200
    assert AuditEntry.objects.filter(action="account.unlock", object_id=str(personas.worker_a1.pk)).count() == 1


def test_a_success_resets_the_counter(personas):
    fail("web", 4)
    assert web_attempt(PASSWORD) == personas.worker_a1
    assert worker().failed_logins == 0
    fail("web", 4)
    assert worker().locked_until is None


def test_locking_writes_an_audit_row_naming_the_account(personas):
    response = None
    for _ in range(5):
        response = api_attempt(WRONG)
    entry = AuditEntry.objects.get(action="account.lock")
    assert entry.object_type == "org.user" and entry.object_id == str(personas.worker_a1.pk)
    assert entry.after["locked_until"] == worker().locked_until.isoformat()
    assert entry.request_id == response["X-Request-ID"]
    assert entry.path == personas.worker_a1.scope_path


def test_other_accounts_are_not_affected(personas):
    fail("web", 5)
    assert web_attempt(PASSWORD, "secretary_a") == personas.secretary_a


def test_unknown_usernames_are_refused_like_wrong_passwords(personas):
    assert api_attempt(PASSWORD, "nobody").json()["detail"] == api_attempt(WRONG).json()["detail"]


def test_a_deactivated_account_is_refused_without_counting_a_failure(personas):
    User.objects.filter(username="worker_a1").update(is_active=False)
    for _ in range(6):
        assert api_attempt(PASSWORD).status_code == 401
    assert worker().failed_logins == 0 and worker().locked_until is None
