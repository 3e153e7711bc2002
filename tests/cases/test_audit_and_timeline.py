"""Every action appends a timeline event (actor, from and to state, level, note) and an audit row with
the request id; the timeline of a whole case reads as its story."""

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent
from gridgov.core.context import acting_as
from gridgov.core.models import AuditEntry

REQUEST_ID = "req-cases-0001"


def test_a_whole_case_tells_its_story(personas, report):
    p = personas
    with acting_as(p.resident_a1, REQUEST_ID):
        case = report()
    with acting_as(p.worker_a1, REQUEST_ID):
        case = actions.do_accept(p.worker_a1, case)
        case = actions.do_publish(p.worker_a1, case, note="请党员认领")
    with acting_as(p.party_a1, REQUEST_ID):
        case = actions.do_claim(p.party_a1, case)
        actions.do_comment(p.party_a1, case, text="已到现场")
        case = actions.do_resolve(p.party_a1, case, result="已清运")
    with acting_as(p.worker_a1, REQUEST_ID):
        case = actions.do_verify(p.worker_a1, case, passed=False, note="还有一袋")
        case = actions.do_resolve(p.party_a1, case, result="全部清运")
        case = actions.do_verify(p.worker_a1, case)
    with acting_as(p.resident_a1, REQUEST_ID):
        actions.do_rate(p.resident_a1, case, "satisfied")
    story = list(CaseEvent.objects.filter(case=case).values_list("action", "actor__username", "from_state",
                                                                  "to_state"))
    assert story == [
        ("report", "resident_a1", "", "reported"),
        ("accept", "worker_a1", "reported", "accepted"),
        ("publish", "worker_a1", "accepted", "dispatched"),
        ("claim", "party_a1", "dispatched", "in_progress"),
        ("comment", "party_a1", "in_progress", "in_progress"),
        ("resolve", "party_a1", "in_progress", "resolved"),
        ("reopen", "worker_a1", "resolved", "in_progress"),
        ("resolve", "party_a1", "in_progress", "resolved"),
        ("verify", "worker_a1", "resolved", "closed"),
        ("rate", "resident_a1", "closed", "closed"),
    ]
    assert CaseEvent.objects.get(case=case, action="reopen").note == "还有一袋"
    audit = list(AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("id")
                 .values_list("action", "actor__username", "request_id", "path"))
    assert [a for a, *_rest in audit] == [f"case.{action}" for action, *_rest in story]
    assert {rid for _a, _u, rid, _p in audit} == {REQUEST_ID}
    assert {path for *_rest, path in audit} == {case.path}


def test_audit_rows_hold_what_changed(personas, report):
    case = actions.do_accept(personas.worker_a1, report(), priority="urgent")
    entry = AuditEntry.objects.get(action="case.accept", object_id=str(case.pk))
    assert entry.before["state"] == "reported" and entry.after["state"] == "accepted"
    assert entry.after["priority"] == "urgent" and "event" in entry.after
    assert "description" not in entry.after


def test_events_carry_the_actors_name(personas, report):
    case = actions.do_accept(personas.worker_a1, report())
    event = CaseEvent.objects.get(case=case, action="accept")
    assert event.actor_name == "worker_a1" and event.level == "grid"
    report_event = CaseEvent.objects.get(case=case, action="report")
    assert report_event.actor_name == "张建国"  # a resident account is named after its person
