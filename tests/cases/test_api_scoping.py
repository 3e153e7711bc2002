"""Who sees which case through the API: staff the cases under their node, departments the town's,
residents and party members their own reports, their orders and their village's pool; the outsider
(village B's secretary) nothing of village A: 404 on every door, exactly like a case that does not exist."""

import pytest

from gridgov.cases import actions

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("clock")
EVERYONE = ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]


@pytest.fixture
def cases(personas, cfg, report, drive):
    p = personas
    c = {}
    c["mine"] = report()  # resident_a1's report in A1
    c["a2"] = report(actor=p.secretary_a, point=None, grid=p.town.a2)  # hotline case in A2
    c["b1"] = report(actor=p.town_admin, point=POINT_B1)
    c["pool"] = actions.do_publish(p.worker_a1, actions.do_accept(p.worker_a1, report(actor=p.worker_a1)))
    return c


VISIBLE = {
    "town_admin": {"mine", "a2", "b1", "pool"},
    "secretary_a": {"mine", "a2", "pool"},
    "worker_a1": {"mine", "pool"},
    "party_a1": {"pool"},  # the pool of the village they live in
    "resident_a1": {"mine"},
    "department": {"mine", "a2", "b1", "pool"},
    "outsider": {"b1"},
}


@pytest.mark.parametrize("username", EVERYONE)
def test_list_and_detail_per_persona(api_client, cases, username):
    client = api_client(username)
    listed = {item["id"] for item in client.get("/api/v1/cases").json()["items"]}
    assert listed == {cases[k].pk for k in VISIBLE[username]}
    for key, case in cases.items():
        expected = 200 if key in VISIBLE[username] else 404
        assert client.get(f"/api/v1/cases/{case.pk}").status_code == expected, key


def test_the_outsider_meets_404_on_every_door(api_client, cases):
    outsider = api_client("outsider")
    case = cases["mine"]
    assert outsider.get(f"/api/v1/cases/{case.pk}").json() == outsider.get("/api/v1/cases/999999").json()
    for action in ("accept", "comment", "supervise"):
        response = outsider.post(f"/api/v1/cases/{case.pk}/actions", {"action": action, "text": "x", "note": "x"},
                                 content_type="application/json")
        assert response.status_code == 404, action
    assert outsider.get("/api/v1/cases/stats?scope=445321104201").status_code == 404
    assert outsider.get("/api/v1/cases/rankings?scope=445321104201001").status_code == 404
    assert outsider.get("/api/v1/cases?region=445321104201").json()["count"] == 0
    assert outsider.get("/api/v1/cases?grid=445321104201001").json()["count"] == 0
    case.refresh_from_db()
    assert case.state == "reported"


def test_a_resident_keeps_seeing_their_case_wherever_it_goes(api_client, personas, cases):
    case = actions.do_escalate(personas.worker_a1, cases["mine"], reason="需要村里协调")
    assert api_client("resident_a1").get(f"/api/v1/cases/{case.pk}").json()["level"] == "village"


def test_a_party_member_sees_the_order_they_took_after_the_pool(api_client, cases):
    party = api_client("party_a1")
    pool = cases["pool"]
    claimed = party.post(f"/api/v1/cases/{pool.pk}/actions", {"action": "claim"}, content_type="application/json")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == "party_a1"
    assert party.get(f"/api/v1/cases/{pool.pk}").status_code == 200


def test_anonymous_callers_see_nothing(client, cases):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{cases['mine'].pk}").status_code == 401
