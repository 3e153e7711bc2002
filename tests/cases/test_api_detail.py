"""GET /api/v1/cases/{id}: state, level, deadline, the clock in each of its colours, the timeline, the
caller's allowed actions, the masked reporter phone and its audited reveal."""

import datetime

import pytest

from gridgov.cases import actions
from gridgov.core.models import AuditEntry

from .conftest import local

pytestmark = pytest.mark.usefixtures("clock")


def detail(client, case_id):
    response = client.get(f"/api/v1/cases/{case_id}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_clock_turns_due_soon_then_overdue_and_pauses(api_client, personas, report, drive, clock):
    case = report()  # garbage: 2 working hours to assess, from Monday 10:00
    worker = api_client("worker_a1")
    body = detail(worker, case.pk)
    assert (body["state"], body["level"], body["clock"]) == ("reported", "grid", "normal")
    assert datetime.datetime.fromisoformat(body["deadline"]) == local(2026, 3, 2, 12, 0)
    clock.move_to(local(2026, 3, 2, 11, 30))  # 1 h 30 used: under 80% (1 h 36)
    assert detail(worker, case.pk)["clock"] == "normal"
    clock.move_to(local(2026, 3, 2, 11, 45))  # 1 h 45 of 2 h used: past 80%
    assert detail(worker, case.pk)["clock"] == "due_soon"
    clock.move_to(local(2026, 3, 2, 14, 30))
    assert detail(worker, case.pk)["clock"] == "overdue"
    suspended = drive(report(), "suspended")
    assert detail(worker, suspended.pk)["clock"] == "paused"


def test_the_timeline_names_actors_states_and_notes(api_client, personas, report, drive):
    case = drive(report(), "in_progress")
    actions.do_comment(personas.party_a1, case, text="明早带车过去")
    timeline = detail(api_client("resident_a1"), case.pk)["timeline"]
    assert [(e["action"], e["from_state"], e["to_state"]) for e in timeline] == [
        ("report", "", "reported"), ("accept", "reported", "accepted"), ("dispatch", "accepted", "dispatched"),
        ("claim", "dispatched", "in_progress"), ("comment", "in_progress", "in_progress")]
    assert timeline[-1]["note"] == "明早带车过去" and timeline[-1]["actor"] == "王志强"
    assert timeline[0]["actor"] == "张建国" and timeline[0]["time"]


@pytest.mark.parametrize("username, expected", [
    # No answer_supervision without an open supervision order (see the test below).
    ("worker_a1", ["accept", "reject", "merge", "escalate", "supervise", "add_photo", "comment"]),
    ("secretary_a", ["accept", "reject", "merge", "escalate", "supervise", "add_photo", "comment"]),
    ("resident_a1", ["add_photo", "comment"]),
    ("department", ["comment"]),
])
def test_allowed_actions_are_the_callers(api_client, report, username, expected):
    assert detail(api_client(username), report().pk)["allowed_actions"] == expected


def test_the_handler_sees_the_handling_actions(api_client, report, drive):
    case = drive(report(), "in_progress")
    allowed = detail(api_client("party_a1"), case.pk)["allowed_actions"]
    assert {"return", "extend", "suspend", "resolve"} <= set(allowed) and "accept" not in allowed


def test_the_phone_is_masked_and_revealed_to_staff_with_an_audit_row(api_client, report):
    case = report(reporter_phone="13912345678")
    assert detail(api_client("worker_a1"), case.pk)["reporter_phone"] == "139****5678"
    revealed = api_client("worker_a1").post(f"/api/v1/cases/{case.pk}/reveal_phone")
    assert revealed.status_code == 200 and revealed.json() == {"value": "13912345678"}
    assert AuditEntry.objects.filter(action="case.reveal_phone").count() == 1
    # The reporter may see the case but not reveal through this door; the outsider not even see it.
    assert api_client("resident_a1").post(f"/api/v1/cases/{case.pk}/reveal_phone").status_code == 403
    assert api_client("outsider").post(f"/api/v1/cases/{case.pk}/reveal_phone").status_code == 404
    assert AuditEntry.objects.filter(action="case.reveal_phone").count() == 1


def test_a_case_waiting_for_assessment_lists_its_duplicates(api_client, report):
    first, second = report(), report(description="同一处")
    assert [d["id"] for d in detail(api_client("worker_a1"), second.pk)["duplicates"]] == [first.pk]


def test_actions_that_need_something_pending_are_offered_only_while_it_is(api_client, personas, report, drive):
    case = drive(report(), "in_progress")
    party = api_client("party_a1")
    assert "answer_supervision" not in detail(party, case.pk)["allowed_actions"]
    actions.do_supervise(personas.secretary_a, case, note="请今天内处理")
    assert "answer_supervision" in detail(party, case.pk)["allowed_actions"]
    actions.do_answer_supervision(personas.party_a1, case, answer="已安排车辆")
    assert "answer_supervision" not in detail(party, case.pk)["allowed_actions"]

    worker = api_client("worker_a1")
    assert "approve_extension" not in detail(worker, case.pk)["allowed_actions"]
    actions.do_extend(personas.party_a1, case, 2, reason="材料未齐")
    assert "approve_extension" in detail(worker, case.pk)["allowed_actions"]

    closed = drive(report(), "closed")
    resident = api_client("resident_a1")
    assert "rate" in detail(resident, closed.pk)["allowed_actions"]
    actions.do_rate(personas.resident_a1, closed, "satisfied")
    assert "rate" not in detail(resident, closed.pk)["allowed_actions"]
