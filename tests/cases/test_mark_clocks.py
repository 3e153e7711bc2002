"""The worker's clock sweep flags due-soon and overdue cases once per step and tells those responsible once,
however often it runs."""

import datetime

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, Notification, Outbox
from gridgov.core.models import AuditEntry
from tests.cases.conftest import local


def notes(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("case_id", "user__username"))


def test_due_soon_then_overdue_each_once(personas, report, clock):
    case = report()  # assessment due 12:00, due soon from 11:36
    clock.move_to(local(2026, 3, 2, 11, 0))
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 0}
    clock.move_to(local(2026, 3, 2, 11, 40))
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 1}
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 0}
    assert notes("due_soon") == [(case.pk, "worker_a1")]  # the grid worker assesses; those above hear if late
    clock.move_to(local(2026, 3, 2, 12, 1))
    assert actions.mark_clocks() == {"overdue": 1, "due_soon": 0}
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 0}
    case.refresh_from_db()
    assert case.overdue and case.overdue_at == local(2026, 3, 2, 12, 1) and case.late_steps == 1
    assert notes("overdue") == sorted([(case.pk, "worker_a1"), (case.pk, "secretary_a"), (case.pk, "town_admin")])
    assert CaseEvent.objects.filter(case=case, action="overdue").count() == 1
    assert AuditEntry.objects.filter(action="case.overdue", object_id=str(case.pk)).count() == 1
    assert Outbox.objects.filter(notification__kind="overdue").count() == 3


def test_a_case_found_late_is_flagged_overdue_without_a_due_soon_notice(report, clock):
    report()
    clock.move_to(local(2026, 3, 3, 9, 0))
    assert actions.mark_clocks() == {"overdue": 1, "due_soon": 0}
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 0}
    assert notes("due_soon") == []


def test_the_handler_is_told_and_the_supervisors_hear_of_overdue_cases(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    clock.move_to(local(2026, 3, 3, 10, 40))  # handling due Tuesday 11:00; due soon from 09:42
    actions.mark_clocks()
    assert notes("due_soon") == [(case.pk, "party_a1")]
    clock.move_to(local(2026, 3, 3, 11, 30))
    actions.mark_clocks()
    assert notes("overdue") == sorted([(case.pk, "party_a1"), (case.pk, "secretary_a"), (case.pk, "town_admin")])


def test_a_new_step_gets_a_new_clock(personas, report, clock):
    case = report()
    clock.move_to(local(2026, 3, 2, 12, 30))
    actions.mark_clocks()
    clock.move_to(local(2026, 3, 2, 14, 0))
    case = actions.do_accept(personas.worker_a1, case)  # dispatch due 16:00
    assert (case.overdue, case.due_soon_notified) == (False, False)
    clock.move_to(local(2026, 3, 2, 16, 5))
    assert actions.mark_clocks()["overdue"] == 1
    assert Case.objects.get(pk=case.pk).late_steps == 2


def test_final_cases_are_never_flagged(report, drive, clock):
    drive(report(), "closed")
    drive(report(), "rejected")
    clock.shift(datetime.timedelta(days=30))
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 0}


def test_an_approved_extension_earns_a_new_due_soon_notice(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    clock.move_to(local(2026, 3, 3, 10, 40))
    actions.mark_clocks()
    actions.do_extend(personas.party_a1, case, 7, reason="理由")
    actions.do_approve_extension(personas.secretary_a, case)  # due Wednesday 11:00 now
    clock.move_to(local(2026, 3, 4, 10, 30))
    assert actions.mark_clocks() == {"overdue": 0, "due_soon": 1}
