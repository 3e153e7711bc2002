"""Periods of the scheduled disclosures (三务公开), as pure functions of the day: months and quarters across
month, quarter and year ends and leap years, due days after a period's last day (0 included: due on the
last day itself), and which periods were owed in a window."""

import datetime
from datetime import date as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.affairs import schedule
from gridgov.affairs.models import Frequency

MONTH, QUARTER, EVENT = Frequency.MONTH, Frequency.QUARTER, Frequency.EVENT


@pytest.mark.parametrize("day, month, quarter", [
    (D(2026, 1, 1), "2026-01", "2026Q1"), (D(2026, 3, 31), "2026-03", "2026Q1"), (D(2026, 4, 1), "2026-04", "2026Q2"),
    (D(2026, 6, 30), "2026-06", "2026Q2"), (D(2026, 9, 30), "2026-09", "2026Q3"), (D(2026, 10, 1), "2026-10", "2026Q4"),
    (D(2026, 12, 31), "2026-12", "2026Q4"), (D(2028, 2, 29), "2028-02", "2028Q1")])
def test_the_period_of_a_day(day, month, quarter):
    assert schedule.label(MONTH, day) == month and schedule.label(QUARTER, day) == quarter
    assert schedule.label(EVENT, day) == ""
    assert schedule.frequency_of(month) == MONTH and schedule.frequency_of(quarter) == QUARTER
    for period in (month, quarter):
        first, last = schedule.bounds(period)
        assert first <= day <= last


@pytest.mark.parametrize("period, first, last", [
    ("2026-01", D(2026, 1, 1), D(2026, 1, 31)), ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
    ("2028-02", D(2028, 2, 1), D(2028, 2, 29)), ("2100-02", D(2100, 2, 1), D(2100, 2, 28)),  # not a leap year
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29)), ("2026-04", D(2026, 4, 1), D(2026, 4, 30)),
    ("2026-12", D(2026, 12, 1), D(2026, 12, 31)), ("2026Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026Q2", D(2026, 4, 1), D(2026, 6, 30)), ("2026Q3", D(2026, 7, 1), D(2026, 9, 30)),
    ("2026Q4", D(2026, 10, 1), D(2026, 12, 31)), ("2028Q1", D(2028, 1, 1), D(2028, 3, 31))])
def test_bounds(period, first, last):
    assert schedule.bounds(period) == (first, last)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "2026Q0", "2026Q5", "26Q1", "2026q1", "", "2026",
                                 "2026-01 ", None])
def test_labels_that_are_not_periods(bad):
    assert schedule.frequency_of(bad) is None
    with pytest.raises(ValueError):
        schedule.bounds(bad)


@pytest.mark.parametrize("period, due_days, due", [
    ("2026-11", 10, D(2026, 12, 10)), ("2026-12", 10, D(2027, 1, 10)), ("2026Q4", 10, D(2027, 1, 10)),
    ("2026-01", 0, D(2026, 1, 31)), ("2026Q1", 0, D(2026, 3, 31)), ("2028-02", 0, D(2028, 2, 29)),
    ("2027-02", 0, D(2027, 2, 28)), ("2028-01", 29, D(2028, 2, 29)), ("2027-01", 29, D(2027, 3, 1)),
    ("2026Q4", 60, D(2027, 3, 1)), ("2027Q4", 60, D(2028, 2, 29))])
def test_due_days_after_the_period(period, due_days, due):
    assert schedule.due_on(period, due_days) == due


@pytest.mark.parametrize("period, before", [
    ("2027-01", "2026-12"), ("2026-03", "2026-02"), ("2028-03", "2028-02"), ("2027Q1", "2026Q4"), ("2026Q3", "2026Q2")])
def test_previous(period, before):
    assert schedule.previous(period) == before


def test_ended_periods_across_the_year_end():
    assert schedule.ended_periods(MONTH, D(2026, 11, 15), D(2027, 1, 31)) == ["2026-11", "2026-12", "2027-01"]
    assert schedule.ended_periods(MONTH, D(2026, 11, 15), D(2027, 1, 30)) == ["2026-11", "2026-12"]
    assert schedule.ended_periods(MONTH, D(2026, 12, 1), D(2026, 12, 31)) == ["2026-12"]
    assert schedule.ended_periods(QUARTER, D(2026, 10, 1), D(2027, 3, 31)) == ["2026Q4", "2027Q1"]
    assert schedule.ended_periods(QUARTER, D(2026, 12, 31), D(2026, 12, 31)) == ["2026Q4"]
    assert schedule.ended_periods(QUARTER, D(2027, 1, 1), D(2027, 3, 30)) == []
    assert schedule.ended_periods(MONTH, D(2027, 1, 2), D(2027, 1, 1)) == []
    assert schedule.ended_periods(EVENT, D(2026, 1, 1), D(2026, 12, 31)) == []
    assert len(schedule.ended_periods(MONTH, D(2028, 1, 1), D(2028, 12, 31))) == 12


@pytest.mark.parametrize("frequency, since, today, due_days, owed", [
    # The finances of December and the fourth quarter, due 10 January.
    (MONTH, D(2027, 1, 1), D(2027, 1, 9), 10, []),
    (MONTH, D(2027, 1, 1), D(2027, 1, 10), 10, [("2026-12", D(2027, 1, 10))]),
    (QUARTER, D(2027, 1, 1), D(2027, 1, 10), 10, [("2026Q4", D(2027, 1, 10))]),
    (QUARTER, D(2027, 1, 11), D(2027, 4, 9), 10, []),
    # Due days 0: due on the period's last day.
    (MONTH, D(2026, 3, 31), D(2026, 3, 31), 0, [("2026-03", D(2026, 3, 31))]),
    (QUARTER, D(2026, 3, 31), D(2026, 3, 31), 0, [("2026Q1", D(2026, 3, 31))]),
    (MONTH, D(2026, 3, 30), D(2026, 3, 30), 0, []),
    # A leap year's February, due 10 March whatever its length.
    (MONTH, D(2028, 3, 10), D(2028, 3, 10), 10, [("2028-02", D(2028, 3, 10))]),
    (MONTH, D(2027, 3, 10), D(2027, 3, 10), 10, [("2027-02", D(2027, 3, 10))]),
    (MONTH, D(2028, 3, 1), D(2028, 3, 1), 1, [("2028-02", D(2028, 3, 1))]),
    # A whole year: twelve months, four quarters; per-event kinds owe nothing.
    (MONTH, D(2026, 1, 11), D(2027, 1, 10), 10, [(f"2026-{m:02}", None) for m in range(1, 13)]),
    (QUARTER, D(2026, 1, 11), D(2027, 1, 10), 10, [(f"2026Q{q}", None) for q in range(1, 5)]),
    (EVENT, D(2026, 1, 1), D(2026, 12, 31), 10, []),
])
def test_owed(frequency, since, today, due_days, owed):
    found = schedule.owed(frequency, since, today, due_days)
    assert [p for p, _due in found] == [p for p, _d in owed]
    assert all(due == expected for (_p, due), (_q, expected) in zip(found, owed, strict=True) if expected)


@settings(max_examples=300, deadline=None)
@given(since=st.dates(D(2024, 1, 1), D(2029, 12, 31)), span=st.integers(0, 800), due_days=st.integers(0, 60),
       frequency=st.sampled_from([MONTH, QUARTER]))
def test_owed_is_every_period_due_in_the_window_once(since, span, due_days, frequency):
    today = since + datetime.timedelta(days=span)
    found = schedule.owed(frequency, since, today, due_days)
    periods = [p for p, _due in found]
    assert len(periods) == len(set(periods)) and periods == sorted(periods)
    assert all(since <= due <= today and due == schedule.due_on(p, due_days) for p, due in found)
    # Every period whose due day falls in the window, walked a day at a time from well before it.
    expected, day = set(), since - datetime.timedelta(days=due_days + 100)
    while day <= today:
        period = schedule.label(frequency, day)
        if since <= schedule.due_on(period, due_days) <= today:
            expected.add(period)
        day += datetime.timedelta(days=28)
    assert expected <= set(periods)
