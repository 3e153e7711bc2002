"""Who sees and does what: town staff issue, see the town's and accept; a village secretary sees and acts
on their own village's only; the outsider (village B's secretary) gets 404 for village A's; grid
workers, party members, residents, departments and auditors see nothing and can do nothing."""

import pytest

from gridgov.org.actions import do_create_user
from gridgov.tasks import actions

from .conftest import assignment_of


@pytest.fixture
def task(personas, issue):
    return issue()


@pytest.mark.parametrize("who, sees", [("town_admin", 2), ("secretary_a", 1), ("outsider", 1), ("worker_a1", 0),
                                       ("party_a1", 0), ("resident_a1", 0), ("department", 0), ("auditor", 0)])
def test_who_sees_tasks(task, personas, api_client, who, sees):
    if who == "auditor":
        do_create_user(None, "auditor", "auditor", personas.town.town.code, password="Grid-Test-2026")
    a = assignment_of(task, personas.town.village_a)
    client = api_client(who)
    assert client.get("/api/v1/tasks").json()["count"] == sees
    mine = who in ("town_admin", "secretary_a")
    assert client.get(f"/api/v1/tasks/{a.pk}").status_code == (200 if mine else 404)
    r = client.post(f"/api/v1/tasks/{a.pk}/actions", {"action": "sign"}, content_type="application/json")
    assert r.status_code == {"town_admin": 403, "secretary_a": 200, "auditor": 403}.get(who, 404)
    r = client.post("/api/v1/tasks", {"title": "x", "deadline": "2026-03-06"}, content_type="application/json")
    assert r.status_code == (201 if who == "town_admin" else 403)


def test_the_outsider_cannot_name_village_a(task, personas, api_client):
    client = api_client("outsider")
    assert client.get("/api/v1/tasks", {"scope": personas.town.village_a.code}).status_code == 404
    assert client.get("/api/v1/tasks/accountability", {"scope": personas.town.village_a.code}).status_code == 404
    assert client.get("/api/v1/tasks", {"scope": personas.town.village_b.code}).json()["count"] == 1


def test_a_town_admin_of_another_town_cannot_accept(task, personas, api_client):
    from gridgov.org import actions as org

    other = org.do_create_region(None, "445321105000", "六祖镇", parent=personas.town.county)
    do_create_user(None, "other_admin", "town_admin", other.code, password="Grid-Test-2026")
    a = assignment_of(task, personas.town.village_a)
    actions.do_act(personas.secretary_a, a, "sign")
    actions.do_act(personas.secretary_a, a, "complete")
    client = api_client("other_admin")
    r = client.post(f"/api/v1/tasks/{a.pk}/actions", {"action": "accept"}, content_type="application/json")
    assert r.status_code == 404
    r = client.post("/api/v1/tasks", {"title": "x", "deadline": "2026-03-06", "town": personas.town.town.code},
                    content_type="application/json")
    assert r.status_code == 404
