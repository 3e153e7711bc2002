"""The whole loop through the JSON API: a resident reports, the grid worker accepts and publishes, a party
member claims and resolves, the grid worker verifies, the resident rates; a rejection; an escalation."""

import pytest

from gridgov.cases.models import Case, CaseEvent

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock", "english")


def act(client, case_id, action, **fields):
    return client.post(f"/api/v1/cases/{case_id}/actions", {"action": action, **fields},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def report(client, **fields):
    body = {"category": "0101", "description": "垃圾堆积在巷口三天无人清理", "lat": POINT_A1[0], "lng": POINT_A1[1],
            **fields}
    return client.post("/api/v1/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_resident_to_rating(api_client):
    resident, worker, party = api_client("resident_a1"), api_client("worker_a1"), api_client("party_a1")
    created = report(resident, reporter_phone="13912345678")
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["state"] == "reported" and case["grid"] == "445321104201001" and case["number"]
    assert case["reporter_phone"] == "139****5678"
    assert case["duplicates"] == []

    steps = [
        (worker, "accept", {"priority": "urgent"}, "accepted"),
        (worker, "publish", {}, "dispatched"),
        (party, "claim", {}, "in_progress"),
        (party, "resolve", {"result": "已清运"}, "resolved"),
        (worker, "verify", {"passed": True}, "closed"),
    ]
    for client, action, fields, state in steps:
        response = act(client, case["id"], action, **fields)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state
    rated = act(resident, case["id"], "rate", rating="satisfied")
    assert rated.status_code == 200
    body = rated.json()
    assert body["rating"] == "satisfied" and body["priority"] == "urgent" and body["closed_level"] == "grid"
    assert [e["action"] for e in body["timeline"]] == ["report", "accept", "publish", "claim", "resolve", "verify",
                                                      "rate"]
    assert body["timeline"][3]["from_state"] == "dispatched" and body["timeline"][3]["to_state"] == "in_progress"
    assert body["allowed_actions"] == ["comment"]


def test_failed_verification_reopens_for_rework(api_client, personas, report):
    case = report()
    worker, party = api_client("worker_a1"), api_client("party_a1")
    for action, fields in [("accept", {}), ("dispatch", {"to": "party_a1"}), ("claim", {}),
                           ("resolve", {"result": "已清运"})]:
        assert act(worker if action in ("accept", "dispatch") else party, case.pk, action, **fields).status_code == 200
    reopened = act(worker, case.pk, "verify", passed=False, reason="巷尾还有一堆")
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "in_progress" and reopened.json()["rework_count"] == 1


def test_reject_path(api_client, personas):
    resident, worker = api_client("resident_a1"), api_client("worker_a1")
    case_id = report(resident).json()["id"]
    assert act(worker, case_id, "reject").status_code == 400  # a rejection needs its reason
    rejected = act(worker, case_id, "reject", reason="不属于受理范围")
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    seen = resident.get(f"/api/v1/cases/{case_id}").json()
    assert seen["state"] == "rejected" and seen["timeline"][-1]["note"] == "不属于受理范围"
    assert seen["clock"] is None


def test_escalation_to_the_village_then_a_unit(api_client, personas):
    worker, secretary = api_client("worker_a1"), api_client("secretary_a")
    case_id = report(api_client("resident_a1")).json()["id"]
    escalated = act(worker, case_id, "escalate", reason="需要村里协调")
    assert escalated.status_code == 200
    assert escalated.json()["level"] == "village" and escalated.json()["state"] == "reported"
    assert escalated.json()["escalation_count"] == 1
    # The village assesses now; the grid worker no longer may.
    assert act(worker, case_id, "accept").status_code == 409
    assert act(secretary, case_id, "accept").status_code == 200
    dispatched = act(secretary, case_id, "dispatch", to="U-A")
    assert dispatched.status_code == 200 and dispatched.json()["unit"] == "U-A"


def test_a_refused_action_answers_409_and_changes_nothing(api_client, personas, report):
    case = report()
    before = Case.objects.values().get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    refused = act(api_client("worker_a1"), case.pk, "resolve", result="已处理")
    assert refused.status_code == 409
    assert "cannot be given the action" in refused.json()["detail"]
    wrong_actor = act(api_client("resident_a1"), case.pk, "accept")
    assert wrong_actor.status_code == 409 and "You may not accept" in wrong_actor.json()["detail"]
    assert Case.objects.values().get(pk=case.pk) == before
    assert CaseEvent.objects.filter(case=case).count() == events
