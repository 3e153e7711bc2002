"""The worker escalates cases left unassessed past their deadline (as configured) and rates closed
cases left unrated for N days; both only once."""

import datetime

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent
from tests.cases.conftest import local


def test_an_unassessed_case_climbs_one_level_per_missed_deadline(personas, report, clock):
    case = report()
    clock.move_to(local(2026, 3, 2, 12, 30))
    assert actions.auto_escalate_overdue() == 1
    assert actions.auto_escalate_overdue() == 0
    case.refresh_from_db()
    assert (case.state, case.level, case.escalation_count) == ("reported", "village", 1)
    event = CaseEvent.objects.get(case=case, action="escalate")
    assert event.actor is None and event.data["auto"] is True and event.actor_name == "system"
    clock.move_to(local(2026, 3, 3, 17, 0))
    assert actions.auto_escalate_overdue() == 1
    clock.move_to(local(2026, 3, 20, 17, 0))
    assert actions.auto_escalate_overdue() == 0  # the town is as high as automatic escalation goes
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("town", 2)


def test_only_the_configured_states_are_escalated(personas, report, drive, clock, settings):
    accepted = drive(report(), "accepted")
    clock.move_to(local(2026, 3, 2, 16, 0))
    assert actions.auto_escalate_overdue() == 0
    settings.GRIDGOV_CASE_AUTO_ESCALATE_STATES = "reported,accepted"
    assert actions.auto_escalate_overdue() == 1
    assert Case.objects.get(pk=accepted.pk).level == "village"
    settings.GRIDGOV_CASE_AUTO_ESCALATE_STATES = ""
    clock.move_to(local(2026, 3, 30, 16, 0))
    assert actions.auto_escalate_overdue() == 0


@pytest.mark.parametrize("rated_by_reporter", [False, True])
def test_unrated_closed_cases_are_rated_after_the_configured_days(personas, report, drive, clock,
                                                                  rated_by_reporter):
    case = drive(report(), "closed")
    if rated_by_reporter:
        actions.do_rate(personas.resident_a1, case, "dissatisfied")
    clock.shift(datetime.timedelta(days=6))
    assert actions.auto_close_unrated() == 0
    clock.shift(datetime.timedelta(days=1, minutes=1))
    assert actions.auto_close_unrated() == (0 if rated_by_reporter else 1)
    assert actions.auto_close_unrated() == 0
    case.refresh_from_db()
    if rated_by_reporter:
        assert (case.rating, case.rating_auto) == ("dissatisfied", False)
    else:
        assert (case.rating, case.rating_auto) == ("satisfied", True)
        assert CaseEvent.objects.filter(case=case, action="auto_rate").count() == 1


def test_the_reporter_may_still_rate_an_automatically_rated_case(personas, report, drive, clock):
    case = drive(report(), "closed")
    clock.shift(datetime.timedelta(days=8))
    actions.auto_close_unrated()
    case = actions.do_rate(personas.resident_a1, case, "basic")
    assert (case.rating, case.rating_auto) == ("basic", False)


def test_auto_rating_can_be_turned_off(report, drive, clock, settings):
    drive(report(), "closed")
    settings.GRIDGOV_CASE_AUTO_RATE_DAYS = 0
    clock.shift(datetime.timedelta(days=100))
    assert actions.auto_close_unrated() == 0
