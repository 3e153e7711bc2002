from django.test import Client

from gridgov.core.models import AuditEntry
from tests.conftest import PASSWORD

NEW_PASSWORD = "Fresh-Start-2027"


def _logged_in_with_password() -> Client:
    client = Client()
    client.post("/login/", {"username": "worker_a1", "password": PASSWORD})
    return client


def test_changing_the_password_keeps_this_session_and_is_audited(personas):
    client = _logged_in_with_password()
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                           "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    personas.worker_a1.refresh_from_db()
    assert personas.worker_a1.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.password", object_id=str(personas.worker_a1.pk)).count() == 1


def test_other_sessions_of_the_account_end(personas):
    other = _logged_in_with_password()
    client = _logged_in_with_password()
    client.post("/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                               "new_password2": NEW_PASSWORD})
    assert other.get("/").status_code == 302


def test_a_weak_password_is_refused(personas):
    client = _logged_in_with_password()
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": "abcdefgh",
                                           "new_password2": "abcdefgh"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    personas.worker_a1.refresh_from_db()
    assert personas.worker_a1.check_password(PASSWORD)


def test_a_short_password_is_refused(personas):
    client = _logged_in_with_password()
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": "Ab1-xyz",
                                           "new_password2": "Ab1-xyz"})
    assert response.context["form"].errors["new_password1"]


def test_the_current_password_must_be_right(personas):
    client = _logged_in_with_password()
    response = client.post("/password/", {"old_password": "Not-The-One-1", "new_password1": NEW_PASSWORD,
                                           "new_password2": NEW_PASSWORD})
    assert response.context["form"].errors["old_password"]
    assert not AuditEntry.objects.filter(action="user.password").exists()


def test_the_two_new_passwords_must_match(personas):
    client = _logged_in_with_password()
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                           "new_password2": NEW_PASSWORD + "x"})
    assert response.context["form"].errors["new_password2"]
