"""Who may do what: residents apply for themselves, a grid worker (代办员) for people of their grid when the
item allows an agent, village staff handle their village's applications, the town all; an outsider, a
party member who is not the applicant and the auditor get 404 exactly like a missing application."""

from gridgov.org.actions import do_create_user
from gridgov.services import actions
from gridgov.services.models import Application

from .conftest import photo

BASE = "/api/v1/services"


def _submitted(personas, items):
    resident = personas.resident_a1
    app = actions.do_apply(resident, items.proof)
    actions.do_add_material(resident, app.pk, "身份证", photo())
    return actions.do_action(resident, app.pk, "submit")


def test_outsiders_get_404_and_staff_act_in_scope(personas, items, api):
    app = _submitted(personas, items)
    url = f"{BASE}/applications/{app.pk}"
    auditor = do_create_user(None, "auditor_t", "auditor", personas.town.town.code, password="Grid-Test-2026")
    for user, refused in ((personas.outsider, 404), (personas.party_a1, 404), (auditor, 403)):
        client = api(user)  # the auditor's writes stop at the core's read-only guard (403)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}/actions", {"action": "accept"},
                           content_type="application/json").status_code == refused
        assert client.post(f"{url}/materials", {"material": "身份证", "file": photo()}).status_code == refused
        assert client.get(f"{BASE}/applications").json()["count"] == 0
    assert Application.objects.get(pk=app.pk).state == "submitted"
    assert api(auditor).get(f"{BASE}/items").json()["count"] == 0
    # The grid worker sees it (their grid) but does not handle it; the resident does not accept their own.
    worker = api(personas.worker_a1)
    assert worker.get(url).status_code == 200
    assert worker.post(f"{url}/actions", {"action": "accept"}, content_type="application/json").status_code == 403
    assert api(personas.resident_a1).post(f"{url}/actions", {"action": "accept"},
                                          content_type="application/json").status_code == 403
    secretary = api(personas.secretary_a)
    assert secretary.get(f"{BASE}/applications?scope={personas.town.village_a.code}").json()["count"] == 1
    # another village's code answers like an unknown one: 404, as every scope= of the API
    assert secretary.get(f"{BASE}/applications?scope={personas.town.village_b.code}").status_code == 404
    assert secretary.get(f"{BASE}/applications?state=submitted&item=ZM001").json()["count"] == 1
    assert secretary.post(f"{url}/actions", {"action": "accept"}, content_type="application/json").status_code == 200
    assert Application.objects.get(pk=app.pk).state == "accepted"


def test_agents_apply_for_people_of_their_grid_only(personas, items, api):
    worker = api(personas.worker_a1)
    town = personas.town
    r = worker.post(f"{BASE}/applications", {"item": "MZ001", "for_person": town.zhang.pk},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["agent"] == personas.worker_a1.pk
    # The agent uploads and submits for them; the applicant sees it among theirs.
    url = f"{BASE}/applications/{r.json()['id']}"
    assert worker.post(f"{url}/materials", {"material": "户口簿", "file": photo()}).status_code == 201
    assert api(personas.resident_a1).get(url).status_code == 200
    # An item that must be applied for in person, and a person outside the worker's grid.
    r = worker.post(f"{BASE}/applications", {"item": "ZM001", "for_person": town.zhang.pk},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "item"
    r = worker.post(f"{BASE}/applications", {"item": "MZ001", "for_person": town.liu.pk},
                    content_type="application/json")
    assert r.status_code == 404
    # A resident may not apply for a neighbour, nor for an item of another town.
    r = api(personas.resident_a1).post(f"{BASE}/applications", {"item": "MZ001", "for_person": town.chen.pk},
                                       content_type="application/json")
    assert r.status_code == 404
    r = api(personas.resident_a1).post(f"{BASE}/applications", {"item": "NOPE"}, content_type="application/json")
    assert r.status_code == 404


def test_catalogue_contract(personas, items, api):
    body = api(personas.resident_a1).get(f"{BASE}/items?group=civil").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {k: item[k] for k in ("code", "name", "group", "limit_days", "agent_allowed")} == {
        "code": "MZ001", "name": "最低生活保障申请", "group": "civil", "limit_days": 3, "agent_allowed": True}
    assert item["materials"][3] == {"name": "银行卡", "original": True, "count": 1, "photo_ok": False}
    assert api(personas.secretary_a).get(f"{BASE}/items?q=居住").json()["count"] == 1
    assert api(personas.outsider).get(f"{BASE}/items").json()["count"] == 2  # same town: same catalogue
