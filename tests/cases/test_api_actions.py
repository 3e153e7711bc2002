"""POST /api/v1/cases/{id}/actions for every action name: its fields, its answer (the updated case, the
shape of GET detail), missing fields (422), bad input (400), wrong state or actor (409) and scope (404)."""

import pytest

from gridgov.cases.models import Case, ExtensionRequest, Supervision

pytestmark = pytest.mark.usefixtures("clock")


def act(client, case_id, action, **fields):
    return client.post(f"/api/v1/cases/{case_id}/actions", {"action": action, **fields},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def ok(response, state=None):
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"id", "state", "level", "deadline", "clock", "timeline", "allowed_actions"} <= set(body)
    if state:
        assert body["state"] == state
    return body


def test_accept_with_level_and_priority_then_dispatch_to_a_unit(api_client, report):
    case = report()
    secretary = api_client("secretary_a")
    assert ok(act(api_client("worker_a1"), case.pk, "escalate", reason="需要村里协调"), "reported")["level"] == \
        "village"
    body = ok(act(secretary, case.pk, "accept", level="village", priority="urgent"), "accepted")
    assert (body["level"], body["priority"]) == ("village", "urgent")
    body = ok(act(secretary, case.pk, "dispatch", to="U-A"), "dispatched")
    assert body["unit"] == "U-A" and body["assignee"] is None


def test_accept_may_lower_the_level_not_raise_it(api_client, report):
    worker = api_client("worker_a1")
    assert act(worker, report().pk, "accept", level="town").status_code == 409
    assert act(worker, report().pk, "accept", level="nowhere").status_code == 422


def test_merge_into_another_case(api_client, report):
    target, duplicate = report(), report(description="同一处")
    worker = api_client("worker_a1")
    assert act(worker, duplicate.pk, "merge").status_code == 422  # `into` is required
    body = ok(act(worker, duplicate.pk, "merge", into=target.pk), "merged")
    assert body["merged_into"] == target.pk
    assert act(worker, target.pk, "merge", into=target.pk).status_code == 400  # not into itself


def test_transfer_return_and_claim_after_a_dispatch(api_client, report, drive):
    case = drive(report(), "dispatched")
    worker, party = api_client("worker_a1"), api_client("party_a1")
    assert ok(act(worker, case.pk, "transfer", to="worker_a1", reason="转给网格员"), "dispatched")["assignee"] == \
        "worker_a1"
    ok(act(worker, case.pk, "return", reason="不是我的"), "accepted")
    ok(act(worker, case.pk, "dispatch", to="party_a1"), "dispatched")
    ok(act(party, case.pk, "claim"), "in_progress")


def test_extension_asked_and_decided(api_client, report, drive):
    case = drive(report(), "in_progress")
    party, worker = api_client("party_a1"), api_client("worker_a1")
    deadline = ok(act(party, case.pk, "extend", amount=4, unit="h", reason="等待车辆"))["deadline"]
    assert ExtensionRequest.objects.get(case=case).state == "pending"
    assert act(worker, case.pk, "approve_extension").status_code == 422  # `approved` is required
    body = ok(act(worker, case.pk, "approve_extension", approved=True))
    assert body["deadline"] > deadline and ExtensionRequest.objects.get(case=case).state == "approved"


def test_suspend_resume_resolve_reopen(api_client, report, drive):
    case = drive(report(), "in_progress")
    party, worker = api_client("party_a1"), api_client("worker_a1")
    assert ok(act(party, case.pk, "suspend", reason="等待村民回乡"), "suspended")["clock"] == "paused"
    ok(act(party, case.pk, "resume"), "in_progress")
    ok(act(party, case.pk, "resolve", result="已清运"), "resolved")
    assert ok(act(worker, case.pk, "reopen", reason="没清干净"), "in_progress")["rework_count"] == 1


def test_supervise_answer_and_comment(api_client, report, drive):
    case = drive(report(), "in_progress")
    secretary, party, resident = api_client("secretary_a"), api_client("party_a1"), api_client("resident_a1")
    ok(act(secretary, case.pk, "supervise", note="今天内处理完"))
    assert Supervision.objects.get(case=case).answered_at is None
    ok(act(party, case.pk, "answer_supervision", answer="下午处理"))
    assert Supervision.objects.get(case=case).answer == "下午处理"
    body = ok(act(resident, case.pk, "comment", text="谢谢"))
    assert body["timeline"][-1]["action"] == "comment" and body["timeline"][-1]["note"] == "谢谢"


def test_verify_and_rate_need_their_fields(api_client, report, drive):
    case = drive(report(), "resolved")
    worker, resident = api_client("worker_a1"), api_client("resident_a1")
    missing = act(worker, case.pk, "verify")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "passed"
    ok(act(worker, case.pk, "verify", passed=True), "closed")
    assert act(resident, case.pk, "rate").status_code == 422
    assert act(resident, case.pk, "rate", rating="superb").status_code == 422
    assert ok(act(resident, case.pk, "rate", rating="dissatisfied"))["rating"] == "dissatisfied"
    assert act(resident, case.pk, "rate", rating="satisfied").status_code == 409  # rated already


@pytest.mark.parametrize("username, action, fields, status", [
    ("worker_a1", "publish", {}, 409),  # reported: must be accepted first
    ("party_a1", "claim", {}, 404),  # not dispatched, not in the pool: the party member does not see it
    ("department", "accept", {}, 409),  # sees the case, does not assess at grid level
    ("worker_a1", "dispatch", {"to": "nobody"}, 409),  # state comes first
    ("worker_a1", "teleport", {}, 422),
    ("outsider", "comment", {"text": "看看"}, 404),
])
def test_refusals_map_to_statuses_and_change_nothing(api_client, report, username, action, fields, status):
    case = report()
    before = Case.objects.values().get(pk=case.pk)
    response = act(api_client(username), case.pk, action, **fields)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert Case.objects.values().get(pk=case.pk) == before


def test_bad_input_answers_400(api_client, report, drive):
    case = drive(report(), "accepted")
    worker = api_client("worker_a1")
    response = act(worker, case.pk, "dispatch", to="nobody")
    assert response.status_code == 400 and "nobody" in response.json()["detail"]
    assert act(worker, case.pk, "escalate").status_code == 400  # the reason is required
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_an_unknown_case_is_404(api_client, personas):
    assert act(api_client("town_admin"), 999999, "comment", text="x").status_code == 404
