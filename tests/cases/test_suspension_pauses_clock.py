"""Suspending a case stops its clock; resuming moves the deadline by the working time it was paused."""

from gridgov.cases import actions
from gridgov.cases.models import Case
from tests.cases.conftest import local


def test_suspension_adds_the_paused_working_time_to_the_deadline(personas, report, drive, clock):
    case = drive(report(), "in_progress")  # handling due Tuesday 11:00 (8 h from Monday 10:00)
    assert case.deadline == local(2026, 3, 3, 11, 0)
    clock.move_to(local(2026, 3, 2, 15, 0))
    case = actions.do_suspend(personas.party_a1, case, reason="等待户主回乡")
    assert case.clock() == "paused" and case.paused_at == local(2026, 3, 2, 15, 0)
    clock.move_to(local(2026, 3, 4, 9, 0))  # past the old deadline, but the clock was stopped
    assert actions.mark_clocks()["overdue"] == 0
    case = actions.do_resume(personas.party_a1, case)
    # Paused Monday 15:00 - Wednesday 09:00: 2.5 h Monday + 7 h Tuesday + 0.5 h Wednesday = 10 working hours.
    assert case.paused_seconds == 10 * 3600
    assert case.deadline == local(2026, 3, 4, 16, 0)  # Tuesday 11:00 + 10 working hours
    assert (case.state, case.paused_at, case.clock()) == ("in_progress", None, "normal")
    assert case.late_steps == 0


def test_a_suspension_over_a_weekend_costs_no_working_time(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    clock.move_to(local(2026, 3, 6, 17, 30))
    case = actions.do_suspend(personas.worker_a1, case, reason="周末无法联系")  # the assessor may suspend too
    clock.move_to(local(2026, 3, 9, 8, 0))
    case = actions.do_resume(personas.worker_a1, case)
    assert case.paused_seconds == 0 and case.deadline == local(2026, 3, 3, 11, 0)


def test_suspended_cases_are_skipped_by_the_clock_sweep(personas, report, drive, clock):
    case = actions.do_suspend(personas.party_a1, drive(report(), "in_progress"), reason="等待")
    clock.move_to(local(2026, 3, 20, 10, 0))
    actions.mark_clocks()
    assert Case.objects.get(pk=case.pk).overdue is False
