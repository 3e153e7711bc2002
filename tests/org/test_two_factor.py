"""Two factors for staff (issue 17, controls): password + TOTP code, recovery codes, lockout, token endpoint."""

import datetime

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.core.models import AuditEntry
from gridgov.org import twofactor
from gridgov.org.models import User

from ..conftest import PASSWORD

T0 = datetime.datetime(2026, 12, 4, 9, 0, 0, tzinfo=datetime.timezone.utc)  # a multiple of 30 s


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_at(device, when=None) -> str:
    """The device's code now (or at `when`), computed here from its key."""
    if when is not None:
        with time_machine.travel(when, tick=False):
            return code_at(device)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, device, code_at(device))
    assert codes and len(codes) == 10
    device.refresh_from_db()
    return device, codes


def password_step(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def token(username, otp=None, password=PASSWORD):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def test_who_must(personas, settings, required):
    assert twofactor.must_use(personas.town_admin)
    assert not twofactor.must_use(personas.worker_a1)
    personas.worker_a1.is_superuser = True
    assert twofactor.must_use(personas.worker_a1)
    settings.TWO_FACTOR_ROLES = ["village_secretary"]
    assert twofactor.must_use(personas.secretary_a) and not twofactor.must_use(personas.resident_a1)
    settings.TWO_FACTOR_REQUIRED = False  # the demo: nobody must, the enrolled are asked all the same
    assert not twofactor.needs_code(personas.town_admin)
    enrol(personas.town_admin)
    assert twofactor.needs_code(personas.town_admin)


def test_web_enrol_then_code(personas, required):
    client = Client()
    response = password_step(client, "town_admin")
    assert response.status_code == 302 and response["Location"].startswith("/login/enrol/")
    assert client.get("/").status_code == 302  # not logged in yet
    page = client.get("/login/enrol/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=personas.town_admin, confirmed=False)
    assert twofactor.secret_text(device).replace(" ", "") in page.content.decode().replace(" ", "")
    assert client.post("/login/enrol/", {"code": "000000" if code_at(device) != "000000" else "111111"}).status_code == 400
    done = client.post("/login/enrol/", {"code": code_at(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get("/").status_code == 200  # logged in and verified
    assert AuditEntry.objects.filter(action="user.otp_enrol", object_id=str(personas.town_admin.pk)).count() == 1

    # Next time: password, then the code step; a wrong code refused, the right one lets in.
    device.refresh_from_db()
    other = Client()
    assert password_step(other, "town_admin")["Location"].startswith("/login/code/")
    assert other.post("/login/code/", {"code": "12345x"}).status_code == 401
    assert other.get("/").status_code == 302
    with time_machine.travel(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=31)):
        ok = other.post("/login/code/", {"code": code_at(device)})
        assert ok.status_code == 302 and other.get("/").status_code == 200


def test_recovery_code_works_once(personas, required):
    device, codes = enrol(personas.town_admin)
    client = Client()
    password_step(client, "town_admin")
    assert client.post("/login/code/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    again = Client()
    password_step(again, "town_admin")
    assert again.post("/login/code/", {"code": codes[0]}).status_code == 401
    entry = AuditEntry.objects.get(action="user.otp_recovery_used")
    assert entry.after == {"left": 9}


def test_wrong_codes_lock_like_wrong_passwords(personas, required, settings):
    enrol(personas.town_admin)
    client = Client()
    password_step(client, "town_admin")  # attempt 1: the right password does not end the count
    for _i in range(settings.LOGIN_FAILURE_LIMIT - 2):
        assert client.post("/login/code/", {"code": "999999x"}).status_code == 401
    last = client.post("/login/code/", {"code": "999999x"})  # the limit-th attempt locks
    user = User.objects.get(pk=personas.town_admin.pk)
    assert user.locked_until is not None and last.status_code == 401
    assert AuditEntry.objects.filter(action="account.lock", object_id=str(user.pk)).exists()
    # Locked: neither the right code nor the password gets in.
    assert token("town_admin", code_at(TOTPDevice.objects.get(user=user))).status_code == 401


def test_token_endpoint(personas, required):
    no_device = token("town_admin")
    assert no_device.status_code == 401 and set(no_device.json()) == {"detail"}
    device, codes = enrol(personas.town_admin)
    missing = token("town_admin")
    assert missing.status_code == 401 and set(missing.json()) == {"detail"}
    assert "otp" in missing.json()["detail"]
    assert token("town_admin", "000000" if code_at(device) != "000000" else "111111").status_code == 401
    assert token("town_admin", codes[3]).status_code == 200
    user = User.objects.get(pk=personas.town_admin.pk)
    assert user.failed_logins == 0  # a finished sign-in ends the count
    assert token("worker_a1").status_code == 200  # the rule does not oblige a grid worker


def test_token_api_counts_code_guesses(personas, required, settings):
    enrol(personas.town_admin)
    for _i in range(settings.LOGIN_FAILURE_LIMIT):
        assert token("town_admin", "abcdefgh").status_code == 401
    assert User.objects.get(pk=personas.town_admin.pk).locked_until is not None


@pytest.mark.parametrize("offset, accepted", [(0, True), (24, True), (25, True), (54, True), (55, False),
                                              (-5, True), (-6, True), (-35, True), (-36, False)])
def test_time_steps_around_the_boundary(db, offset, accepted):
    """A code shown at T0+5 s (step [T0, T0+30)) is taken in its step and the one on either side
    (tolerance 1), not two steps away."""
    user = User.objects.create(username="boundary")
    device = twofactor.start_enrolment(user)
    shown = T0 + datetime.timedelta(seconds=5)
    code = code_at(device, shown)
    with time_machine.travel(shown + datetime.timedelta(seconds=offset), tick=False):
        assert bool(device.verify_token(code)) is accepted


def test_code_is_not_replayed(personas):
    device, _codes = enrol(personas.town_admin)
    with time_machine.travel(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=90)):
        code = code_at(device)
        assert twofactor.verify(personas.town_admin, code) is not None
        assert twofactor.verify(personas.town_admin, code) is None


def test_session_opened_before_enforcement_owes_its_code(personas, login, settings):
    client = login(personas.town_admin)
    assert client.get("/").status_code == 200
    settings.TWO_FACTOR_REQUIRED = True
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/enrol/")
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_admin_resets_a_second_factor(personas, login):
    enrol(personas.worker_a1)
    enrol(personas.outsider)
    admin = login(personas.town_admin)
    assert admin.post("/password/two-factor/reset/", {"username": "worker_a1"}).status_code == 302
    assert not twofactor.is_enrolled(personas.worker_a1)
    entry = AuditEntry.objects.get(action="user.otp_reset")
    assert entry.actor_id == personas.town_admin.pk and entry.object_id == str(personas.worker_a1.pk)
    # A village secretary may not reset another village's account, nor anyone outside their scope.
    secretary = login(personas.secretary_a)
    secretary.post("/password/two-factor/reset/", {"username": "outsider"})
    assert twofactor.is_enrolled(personas.outsider)


def test_own_removal_is_audited(personas, login):
    enrol(personas.worker_a1)
    client = login(personas.worker_a1)
    assert client.get("/password/two-factor/").status_code == 200
    client.post("/password/two-factor/remove/")
    assert not twofactor.is_enrolled(personas.worker_a1)
    assert AuditEntry.objects.filter(action="user.otp_remove").count() == 1
