"""Every do_* action writes an audit row: actor, action, object, before/after and the request id."""

import datetime

import pytest
from django.test import Client

from gridgov.core import audit
from gridgov.core.context import acting_as
from gridgov.core.models import AuditEntry
from gridgov.org import actions
from gridgov.org.actions import OrgError
from gridgov.org.models import Person
from tests.conftest import PASSWORD, make_id_number, square

REQUEST_ID = "cli-run-00000042"


def run(personas, call):
    admin = personas.town_admin
    with acting_as(admin, REQUEST_ID):
        return call(admin, personas.town)


CASES = {
    "region.create": (lambda a, t: actions.do_create_region(a, "445321104203", "东成社区", parent=t.town), False),
    "grid.create": (lambda a, t: actions.do_create_grid(a, "445321104201003", "碧塘第三网格", parent=t.grid_a), False),
    "grid.geometry": (lambda a, t: actions.do_set_grid_geometry(a, t.a1, square(112.5, 22.5)), True),
    "party_org.create": (lambda a, t: actions.do_create_party_org(a, "DC", "东成镇党委", "committee", region=t.town),
                         False),
    "household.create": (lambda a, t: actions.do_create_household(a, "H9", t.a1, "碧塘村九巷"), False),
    "person.create": (lambda a, t: actions.do_create_person(
        a, name="赵敏", grid=t.a1, id_number=make_id_number("445321", datetime.date(1990, 5, 6), 77)), False),
    "post.create": (lambda a, t: actions.do_add_post(a, t.wang, "party_responsible", grid=t.a1), False),
    "person.reveal_id_number": (lambda a, t: actions.do_reveal_personal(a, t.zhang, "id_number") and t.zhang, False),
    "user.create": (lambda a, t: actions.do_create_user(a, "worker_a2", "grid_worker", t.a2.code, password=PASSWORD),
                    False),
    "user.password": (lambda a, t: actions.do_change_password(a, a, "Fresh-Start-7") or a, False),
    "user.token": (lambda a, t: actions.do_issue_api_token(a) and a, False),
}


@pytest.mark.parametrize("action", list(CASES))
def test_each_action_writes_one_row_with_actor_object_values_and_request_id(personas, action):
    call, has_before = CASES[action]
    obj = run(personas, call)

    entry = AuditEntry.objects.get(action=action, request_id=REQUEST_ID)
    assert entry.actor == personas.town_admin
    assert entry.actor_name == "town_admin"
    assert entry.object_type == obj._meta.label_lower
    assert entry.object_id == str(obj.pk)
    assert entry.after
    assert (entry.before is not None) == has_before
    assert entry.time is not None


def test_creation_rows_hold_the_objects_audited_fields(personas):
    grid = run(personas, CASES["grid.create"][0])
    entry = AuditEntry.objects.get(action="grid.create", request_id=REQUEST_ID)
    assert entry.after == {"code": "445321104201003", "name": "碧塘第三网格", "level": 3, "parent_id": grid.parent_id,
                           "region_id": grid.region_id, "path": "445321.104.201.g003."}
    assert entry.path == grid.path


def test_geometry_rows_hold_the_old_and_new_boundary(personas):
    run(personas, CASES["grid.geometry"][0])
    entry = AuditEntry.objects.get(action="grid.geometry")
    assert entry.before == {"geometry": square(112.30, 22.70)}
    assert entry.after == {"geometry": square(112.5, 22.5)}


def test_person_rows_never_hold_identifiers(personas):
    person = run(personas, CASES["person.create"][0])
    entry = AuditEntry.objects.get(action="person.create", request_id=REQUEST_ID)
    text = str(entry.after)
    assert person.id_number not in text
    assert not any(key.endswith(("_enc", "_hash")) for key in entry.after)


def test_a_refused_action_writes_nothing(personas):
    before = AuditEntry.objects.count()
    with pytest.raises(OrgError):
        actions.do_create_person(personas.town_admin, name="冒名", grid=personas.town.a1,
                                 id_number=personas.town.zhang.id_number)
    assert AuditEntry.objects.count() == before
    assert not Person.objects.filter(name="冒名").exists()


def test_a_resident_account_created_with_its_person_writes_both_rows(personas):
    with acting_as(personas.town_admin, REQUEST_ID):
        user = actions.do_create_user(personas.town_admin, "resident_a2", "resident", personas.town.a2.code,
                                      person_name="新居民")
    rows = AuditEntry.objects.filter(request_id=REQUEST_ID).order_by("id")
    assert [r.action for r in rows] == ["person.create", "user.create"]
    assert rows[1].after["person_id"] == user.person_id


def test_without_an_explicit_actor_the_acting_user_is_recorded(personas):
    with acting_as(personas.secretary_a, "ctx-actor-01"):
        entry = audit.record("test.touch", personas.town.a1)
    assert entry.actor == personas.secretary_a and entry.request_id == "ctx-actor-01"
    assert audit.record("test.touch", personas.town.a1).actor_name == "system"


def test_diff_keeps_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == ({"b": 2, "c": None}, {"b": 3, "c": 4})


def test_token_issue_through_http_carries_the_responses_request_id(personas):
    response = Client().post("/api/v1/auth/token", {"username": "worker_a1", "password": PASSWORD},
                             content_type="application/json")
    entry = AuditEntry.objects.get(action="user.token")
    assert entry.request_id == response["X-Request-ID"] != ""
    assert entry.actor == personas.worker_a1
    assert response.json()["token"] not in str(entry.after)
