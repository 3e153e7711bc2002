"""API keys: issued by town administrators on the key page and by `gridgov open311-key`, shown once,
stored only as a hash, revocable, audited; nobody else sees or issues them."""

import hashlib
import io

import pytest
from django.core.management import call_command

from gridgov.core.models import AuditEntry
from gridgov.open311 import actions
from gridgov.open311.models import ApiKey

from .conftest import POINT_A1

pytestmark = pytest.mark.django_db
PAGE = "/open311/v2/keys/"


def test_town_admin_issues_a_key_on_the_page_and_it_works(login, personas, cfg, clock, o311):
    client = login(personas.town_admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    response = client.post(PAGE, {"name": "县12345热线", "town": personas.town.town.pk})
    assert response.status_code == 200
    secret = response.context["issued"]["secret"]
    assert secret.startswith("o311_") and secret in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiKey.objects.values()))
    assert (key.name, key.town, key.created_by) == ("县12345热线", personas.town.town, personas.town_admin)
    # The secret is shown once: the list shows only its first characters.
    again = client.get(PAGE).content.decode()
    assert secret not in again and key.prefix in again
    assert o311.post(api_key=secret, service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 200
    entry = AuditEntry.objects.get(action="open311.key_issue")
    assert entry.actor == personas.town_admin and secret not in str(entry.after)
    assert entry.path == personas.town.town.path


def test_revoke_on_the_page(login, personas, key, clock, o311, english):
    client = login(personas.town_admin)
    response = client.post(f"/open311/v2/keys/{key[0].pk}/revoke/")
    assert response.status_code == 302
    key[0].refresh_from_db()
    assert key[0].revoked_at is not None and key[0].revoked_by == personas.town_admin
    assert AuditEntry.objects.filter(action="open311.key_revoke", object_id=str(key[0].pk)).count() == 1
    assert o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 403
    page = client.get(PAGE).content.decode()
    assert "revoked 2026-03-02 10:00" in page and f"/open311/v2/keys/{key[0].pk}/revoke/" not in page


@pytest.mark.parametrize("who", ["secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"])
def test_only_town_admins_reach_the_key_page(login, personas, key, who):
    client = login(getattr(personas, who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "town": personas.town.town.pk}).status_code == 403
    assert client.post(f"/open311/v2/keys/{key[0].pk}/revoke/").status_code == 403
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None
    assert "Open311" not in client.get("/").content.decode()


def test_menu_link_for_town_admins(login, personas):
    assert '/open311/v2/keys/' in login(personas.town_admin).get("/").content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_towns_admin_neither_sees_nor_revokes_the_key(login, second_town, key):
    client = login(second_town.admin)
    assert key[0].prefix not in client.get(PAGE).content.decode()
    assert client.post(f"/open311/v2/keys/{key[0].pk}/revoke/").status_code == 404
    key[0].refresh_from_db()
    assert key[0].revoked_at is None
    # ... nor issues one for town A.
    response = client.post(PAGE, {"name": "x", "town": key[0].town.pk})
    assert response.status_code == 200 and not ApiKey.objects.filter(name="x").exists()
    with pytest.raises(actions.Open311ActionError):
        actions.do_issue_key(second_town.admin, "x", key[0].town)


def test_page_form_needs_a_name(login, personas):
    response = login(personas.town_admin).post(PAGE, {"name": " ", "town": personas.town.town.pk})
    assert response.status_code == 200 and not ApiKey.objects.exists()


def test_command_create_prints_the_key_on_its_last_line(town, cfg, clock, o311):
    out = io.StringIO()
    call_command("open311-key", "create", "省12345平台", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.town == town.town and key.created_by is None  # the server's only town
    assert AuditEntry.objects.filter(action="open311.key_issue", actor_name="system").count() == 1
    assert o311.post(api_key=secret, service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 200


def test_command_list_and_revoke(town, cfg, clock, o311, english):
    out = io.StringIO()
    call_command("open311-key", "create", "A", "--town", town.town.code, stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    out = io.StringIO()
    call_command("open311-key", "list", stdout=out)
    listing = out.getvalue()
    assert "A" in listing and "active" in listing and secret not in listing
    key = ApiKey.objects.get()
    call_command("open311-key", "revoke", key.prefix, stdout=io.StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="open311.key_revoke").count() == 1
    assert o311.post(api_key=secret, service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 403


def test_command_refuses_an_unknown_town_and_key(town):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("open311-key", "create", "A", "--town", "999", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("open311-key", "revoke", "424242", stdout=io.StringIO())


def test_the_gridgov_script_prints_the_key_last(tmp_path):
    """The real console script in a process of its own, on a fresh SQLite database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    gridgov = str(Path(sys.executable).parent / "gridgov")
    subprocess.run([gridgov, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    done = subprocess.run([gridgov, "open311-key", "create", "hotline"], env=env, check=True, capture_output=True,
                          text=True)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("o311_") and len(last) > 40
