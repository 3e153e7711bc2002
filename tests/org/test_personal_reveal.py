"""The full value is given to the roles that need it, each time with an audit row; others get 403 or
404. The value itself never reaches the audit log or the logs."""

import logging

import pytest

from gridgov.core.models import AuditEntry

ZHANG_ID, ZHANG_PHONE = "445321198112120113", "13800000011"


def reveal(client, person, field="id_number"):
    return client.post(f"/api/v1/people/{person.pk}/reveal", {"field": field}, content_type="application/json")


@pytest.mark.parametrize("role", ["town_admin", "secretary_a", "worker_a1"])
@pytest.mark.parametrize("field, value", [("id_number", ZHANG_ID), ("phone", ZHANG_PHONE)])
def test_staff_of_the_persons_area_see_the_full_value_and_it_is_audited(personas, api_client, role, field, value):
    response = reveal(api_client(role), personas.town.zhang, field)

    assert response.status_code == 200
    assert response.json() == {"field": field, "value": value}
    entry = AuditEntry.objects.get(action=f"person.reveal_{field}")
    assert entry.actor == getattr(personas, role)
    assert entry.object_type == "org.person" and entry.object_id == str(personas.town.zhang.pk)
    assert entry.request_id == response["X-Request-ID"]
    assert entry.path == personas.town.zhang.path


@pytest.mark.parametrize("role, status", [
    ("resident_a1", 403),  # may see their own record, not the identifiers in full
    ("party_a1", 404),
    ("department", 404),
    ("outsider", 404),
])
def test_other_roles_are_refused_and_nothing_is_audited(personas, api_client, role, status):
    response = reveal(api_client(role), personas.town.zhang)
    assert response.status_code == status
    assert ZHANG_ID not in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="person.reveal").exists()


def test_a_party_member_cannot_reveal_even_their_own_number(personas, api_client):
    response = reveal(api_client("party_a1"), personas.town.wang)
    assert response.status_code == 403


def test_unknown_field_is_invalid_input(personas, api_client):
    response = reveal(api_client("town_admin"), personas.town.zhang, "birth_date")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "field"


def test_full_values_never_reach_the_audit_log_or_the_logs(personas, api_client, caplog):
    caplog.set_level(logging.DEBUG)
    client = api_client("town_admin")
    reveal(client, personas.town.zhang, "id_number")
    reveal(client, personas.town.zhang, "phone")
    client.get("/api/v1/people", {"q": ZHANG_ID})
    client.get("/api/v1/people", {"q": "1" * 60})  # a 422, which Django logs
    reveal(api_client("outsider"), personas.town.zhang)  # a 404, which Django logs

    stored = " ".join(f"{e.before} {e.after} {e.object_repr}" for e in AuditEntry.objects.all())
    assert AuditEntry.objects.filter(action__startswith="person.").count() >= 7
    for value in (ZHANG_ID, ZHANG_PHONE):
        assert value not in stored
        assert value not in caplog.text
