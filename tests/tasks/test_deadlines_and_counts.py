"""Deadlines on the case loop's working calendar (by hand across a weekend and a holiday), the overdue
clock, and the 问责 counts per village and period."""

import datetime

import pytest
import time_machine

from gridgov.cases import actions as case_actions
from gridgov.tasks import actions, queries
from gridgov.tasks.actions import TaskError

from .conftest import assignment_of, local


def test_working_days_skip_the_weekend_and_a_holiday(personas, issue, clock):
    # Friday 6 March 10:00: two working days are Monday 9 and Tuesday 10, ending 17:30.
    clock.move_to(local(2026, 3, 6, 10, 0))
    task = issue(deadline=None, days=2)
    assert task.deadline == datetime.date(2026, 3, 10)
    assert task.due_at == local(2026, 3, 10, 17, 30)
    # A holiday on Monday 9 March moves the second working day to Wednesday 11.
    case_actions.do_set_holiday(None, datetime.date(2026, 3, 9), False, "本地假日")
    assert issue(deadline=None, days=2).deadline == datetime.date(2026, 3, 11)
    # A deadline given as a date must be a workday: the holiday and the Saturday are refused with the next one.
    with pytest.raises(TaskError) as refused:
        issue(deadline=datetime.date(2026, 3, 9))
    assert refused.value.field == "deadline" and "2026-03-10" in refused.value.message
    with pytest.raises(TaskError) as refused:
        issue(deadline=datetime.date(2026, 3, 7))
    assert "2026-03-10" in refused.value.message
    # A make-up workday (调休) on Sunday 8 March is a deadline like any workday.
    case_actions.do_set_holiday(None, datetime.date(2026, 3, 8), True, "调休上班")
    assert issue(deadline=datetime.date(2026, 3, 8)).due_at == local(2026, 3, 8, 17, 30)
    # Issued at 17:00 on the deadline itself: still half an hour; at 18:00 it has passed.
    clock.move_to(local(2026, 3, 10, 18, 0))
    with pytest.raises(TaskError):
        issue(deadline=datetime.date(2026, 3, 10))


def test_the_clock_turns_amber_then_red(personas, issue, clock):
    a = assignment_of(issue(deadline=datetime.date(2026, 3, 4)), personas.town.village_a)
    assert a.clock(local(2026, 3, 3, 17, 0)) == "normal"
    assert a.clock(local(2026, 3, 4, 9, 0)) == "due_soon"
    assert a.clock(local(2026, 3, 4, 17, 31)) == "overdue" and a.is_overdue(local(2026, 3, 4, 17, 31))
    a.state = "completed"
    assert a.clock(local(2026, 3, 4, 17, 31)) is None


def _complete(secretary, a, at):
    with time_machine.travel(at, tick=False):
        actions.do_act(secretary, a, "sign")
        actions.do_act(secretary, a, "complete")


def test_overdue_and_late_are_counted_per_village(personas, issue, clock):
    """Three tasks due in March for villages A and B, one due in April, worked out by hand:
    A: on time and accepted; late (completed after the deadline); overdue (never completed).
    B: overdue three times. The April task is not due yet on 31 March and counts for nothing."""
    town, sec_a, admin = personas.town, personas.secretary_a, personas.town_admin
    first = issue(deadline=datetime.date(2026, 3, 4))
    second = issue(deadline=datetime.date(2026, 3, 5))
    third = issue(deadline=datetime.date(2026, 3, 6))
    issue(deadline=datetime.date(2026, 4, 7))
    a1 = assignment_of(first, town.village_a)
    _complete(sec_a, a1, local(2026, 3, 4, 17, 0))
    with time_machine.travel(local(2026, 3, 5, 9, 0), tick=False):
        actions.do_act(admin, a1, "accept")
    _complete(sec_a, assignment_of(second, town.village_a), local(2026, 3, 5, 17, 45))
    assert assignment_of(third, town.village_a).state == "issued"
    now = local(2026, 3, 31, 12, 0)
    rows = {r["village"]: r for r in queries.accountability(town.town.path, datetime.date(2026, 3, 1),
                                                             datetime.date(2026, 3, 31), now)}
    assert rows[town.village_a.code] == {"village": town.village_a.code, "name": "碧塘村", "due": 3, "on_time": 1,
                                         "late": 1, "overdue": 1, "flagged": 2}
    assert rows[town.village_b.code]["overdue"] == 3 and rows[town.village_b.code]["flagged"] == 3
    assert list(rows) == [town.village_b.code, town.village_a.code]  # the most flagged first
    # On 5 March at noon only the first deadline has passed.
    early = queries.accountability(town.town.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31),
                                   local(2026, 3, 5, 12, 0))
    assert {r["village"]: r["due"] for r in early} == {town.village_a.code: 1, town.village_b.code: 1}
    # The period is a filter: April holds only the April task, not due yet on 31 March.
    assert all(r["due"] == 0 for r in queries.accountability(town.town.path, datetime.date(2026, 4, 1),
                                                              datetime.date(2026, 4, 30), now))
    # The board of March: village A has one accepted, one completed, one issued (red), B three issued (red).
    board = queries.board(town.town.path, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), now)
    by_code = {r["code"]: r for r in board["rows"]}
    assert by_code[town.village_a.code]["cells"] == [1, 0, 0, 1, 1] and by_code[town.village_a.code]["overdue"] == 1
    assert by_code[town.village_b.code]["cells"] == [3, 0, 0, 0, 0] and board["overdue"] == 4


def test_the_accountability_api(personas, issue, clock, api_client):
    issue(deadline=datetime.date(2026, 3, 3))
    clock.move_to(local(2026, 3, 4, 9, 0))
    body = api_client("town_admin").get("/api/v1/tasks/accountability").json()
    assert body["since"] == "2026-03-01" and body["count"] == 2
    assert [r["overdue"] for r in body["items"]] == [1, 1]
    overdue = api_client("town_admin").get("/api/v1/tasks", {"overdue": "true"}).json()
    assert overdue["count"] == 2 and all(i["clock"] == "overdue" for i in overdue["items"])
    mine = api_client("secretary_a").get("/api/v1/tasks/accountability").json()
    assert [r["village"] for r in mine["items"]] == [personas.town.village_a.code]
    r = api_client("town_admin").get("/api/v1/tasks/accountability", {"since": "2026-03-05", "until": "2026-03-01"})
    assert r.status_code == 422
