"""Each step's clock on the working calendar, with time frozen: deadline, due soon at 80 %, overdue."""

import datetime

import pytest

from gridgov.cases import actions
from tests.cases.conftest import local


def test_hours_limits_step_by_step(personas, report, clock):
    case = report()  # Monday 10:00; 2 h to assess
    assert case.deadline == local(2026, 3, 2, 12, 0)
    assert case.due_soon_at == local(2026, 3, 2, 11, 36)
    assert case.clock() == "normal"
    clock.move_to(local(2026, 3, 2, 11, 40))
    assert case.clock() == "due_soon"
    clock.move_to(local(2026, 3, 2, 14, 30))
    assert case.clock() == "overdue"
    case = actions.do_accept(personas.worker_a1, case)  # 2 h to dispatch from 14:30
    assert case.deadline == local(2026, 3, 2, 16, 30) and case.clock() == "normal"
    case = actions.do_dispatch(personas.worker_a1, case, "party_a1")  # 8 h to handle from 14:30
    assert case.deadline == local(2026, 3, 3, 15, 30)
    clock.move_to(local(2026, 3, 3, 9, 0))
    case = actions.do_claim(personas.party_a1, case)  # signing does not restart the handling clock
    assert case.deadline == local(2026, 3, 3, 15, 30)
    case = actions.do_resolve(personas.party_a1, case, result="已清运")  # 4 h to verify from 09:00, over lunch
    assert case.deadline == local(2026, 3, 3, 15, 0)


def test_days_limits(personas, report, cfg, clock):
    case = report(category=cfg.neighbours)  # 1 working day to assess
    assert case.deadline == local(2026, 3, 3, 17, 30)
    clock.move_to(local(2026, 3, 3, 9, 0))
    case = actions.do_dispatch(personas.worker_a1, actions.do_accept(personas.worker_a1, case), "party_a1")
    assert case.deadline == local(2026, 3, 6, 17, 30)  # 3 working days to handle


def test_a_late_step_makes_the_closure_late(personas, report, drive, clock):
    on_time = drive(report(), "closed")
    assert on_time.closed_on_time is True and on_time.late_steps == 0
    case = report()
    clock.move_to(local(2026, 3, 3, 10, 0))  # a day later: the assessment was due at 12:00 on Monday
    case = actions.do_accept(personas.worker_a1, case)
    assert case.late_steps == 1
    case = actions.do_claim(personas.party_a1, actions.do_dispatch(personas.worker_a1, case, "party_a1"))
    case = actions.do_verify(personas.worker_a1, actions.do_resolve(personas.party_a1, case, result="已清运"))
    assert case.closed_on_time is False and case.late_steps == 1


def test_the_worker_flag_and_the_action_count_a_late_step_once(personas, report, clock):
    case = report()
    clock.move_to(local(2026, 3, 2, 15, 0))
    assert actions.mark_clocks()["overdue"] == 1
    case = actions.do_accept(personas.worker_a1, case)
    assert case.late_steps == 1 and not case.overdue


def test_urgency_is_a_flag_not_a_shorter_limit(personas, report, clock):
    case = actions.do_accept(personas.worker_a1, report(), priority="urgent")
    assert case.deadline - case.step_started_at == datetime.timedelta(hours=2)


@pytest.mark.parametrize("state, step", [("reported", "accept"), ("accepted", "dispatch"), ("dispatched", "handle"),
                                         ("in_progress", "handle"), ("suspended", "handle"), ("resolved", "verify"),
                                         ("closed", None)])
def test_each_state_belongs_to_a_step(report, drive, state, step):
    assert drive(report(), state).step == step
