"""Working time on the calendar: working hours of workdays, weekends, the 2026 holidays and make-up days."""

import datetime

import pytest

from gridgov.cases import actions, calendar, demo
from gridgov.cases.calendar import CalendarError, parse_workday
from tests.cases.conftest import local


@pytest.fixture
def cal2026(db):
    demo.load_holidays()
    return calendar.current()


H = 3600


@pytest.mark.parametrize("start, hours, expected", [
    (local(2026, 3, 2, 10, 0), 2, local(2026, 3, 2, 12, 0)),      # ends exactly at lunch, not after it
    (local(2026, 3, 2, 11, 0), 2, local(2026, 3, 2, 15, 0)),      # the lunch break does not count
    (local(2026, 3, 2, 7, 0), 1, local(2026, 3, 2, 9, 30)),       # before work: counted from 08:30
    (local(2026, 3, 2, 12, 30), 1, local(2026, 3, 2, 15, 0)),     # in the break: counted from 14:00
    (local(2026, 3, 2, 18, 0), 1, local(2026, 3, 3, 9, 30)),      # after work: the next morning
    (local(2026, 3, 6, 17, 0), 1, local(2026, 3, 9, 9, 0)),       # Friday evening to Monday
    (local(2026, 3, 7, 10, 0), 7, local(2026, 3, 9, 17, 30)),     # Saturday: a whole Monday
    (local(2026, 3, 2, 8, 30), 14, local(2026, 3, 3, 17, 30)),    # two full days of 7 hours
])
def test_working_hours(cal2026, start, hours, expected):
    assert cal2026.add(start, hours, "h") == expected


@pytest.mark.parametrize("start, days, expected", [
    (local(2026, 3, 2, 10, 0), 1, local(2026, 3, 3, 17, 30)),     # the report day itself does not count
    (local(2026, 3, 2, 17, 20), 1, local(2026, 3, 3, 17, 30)),    # a late report gets as much time
    (local(2026, 3, 6, 10, 0), 1, local(2026, 3, 9, 17, 30)),     # Friday + 1 = Monday
    (local(2026, 3, 7, 10, 0), 1, local(2026, 3, 9, 17, 30)),     # Saturday + 1 = Monday
    (local(2026, 3, 2, 10, 0), 5, local(2026, 3, 9, 17, 30)),
])
def test_working_days(cal2026, start, days, expected):
    assert cal2026.add(start, days, "d") == expected


def test_the_labour_day_holiday_and_its_make_up_saturday(cal2026):
    # 1-5 May 2026 are holidays; Saturday 9 May is a workday (劳动节调休).
    assert cal2026.add(local(2026, 4, 30, 16, 0), 2, "h") == local(2026, 5, 6, 9, 0)
    assert cal2026.add(local(2026, 5, 8, 17, 0), 1, "h") == local(2026, 5, 9, 9, 0)
    assert cal2026.add(local(2026, 4, 30, 10, 0), 1, "d") == local(2026, 5, 6, 17, 30)
    assert cal2026.add(local(2026, 5, 8, 10, 0), 1, "d") == local(2026, 5, 9, 17, 30)


def test_the_spring_festival_2026(cal2026):
    assert cal2026.is_workday(datetime.date(2026, 2, 14))  # Saturday, make-up workday
    assert not any(cal2026.is_workday(datetime.date(2026, 2, d)) for d in range(15, 24))
    assert cal2026.is_workday(datetime.date(2026, 2, 28))
    # Friday 13 Feb 17:00 + 1 h: half an hour on Friday, half an hour on the make-up Saturday.
    assert cal2026.add(local(2026, 2, 13, 17, 0), 1, "h") == local(2026, 2, 14, 9, 0)
    # Saturday 14 Feb 17:00 + 1 h: the festival, then Tuesday 24 Feb.
    assert cal2026.add(local(2026, 2, 14, 17, 0), 1, "h") == local(2026, 2, 24, 9, 0)


def test_working_seconds_between(cal2026):
    assert cal2026.seconds_between(local(2026, 3, 2, 11, 0), local(2026, 3, 2, 15, 0)) == 2 * H
    assert cal2026.seconds_between(local(2026, 3, 6, 17, 0), local(2026, 3, 9, 9, 0)) == 1 * H
    assert cal2026.seconds_between(local(2026, 3, 2, 15, 0), local(2026, 3, 2, 11, 0)) == 0
    assert cal2026.seconds_between(local(2026, 4, 30, 17, 30), local(2026, 5, 6, 8, 30)) == 0


def test_add_and_between_are_inverse(cal2026):
    start = local(2026, 9, 24, 16, 45)  # before the mid-autumn and national day holidays
    for hours in (1, 3.5, 7, 20, 60):
        end = cal2026.add(start, hours, "h")
        assert cal2026.seconds_between(start, end) == hours * H


def test_holiday_rows_change_the_calendar_at_once(clock):
    monday = local(2026, 3, 2, 10, 0)
    assert calendar.add_working_time(monday, 1, "d") == local(2026, 3, 3, 17, 30)
    actions.do_set_holiday(None, datetime.date(2026, 3, 3), False, "本地假日")
    assert calendar.add_working_time(monday, 1, "d") == local(2026, 3, 4, 17, 30)
    actions.do_remove_holiday(None, datetime.date(2026, 3, 3))
    assert calendar.add_working_time(monday, 1, "d") == local(2026, 3, 3, 17, 30)


def test_other_processes_see_holiday_rows_through_the_fingerprint(clock):
    from gridgov.cases.models import Holiday

    calendar.current()
    Holiday.objects.create(date=datetime.date(2026, 3, 3), is_workday=False, name="written elsewhere")
    assert not calendar.current().is_workday(datetime.date(2026, 3, 3))


def test_working_hours_come_from_settings(clock, settings):
    settings.GRIDGOV_WORKDAY = "09:00-17:00"
    assert calendar.add_working_time(local(2026, 3, 2, 16, 0), 2, "h") == local(2026, 3, 3, 10, 0)


@pytest.mark.parametrize("spec", ["8-12", "08:30-12:00,11:00-17:30", "17:00-08:00", ""])
def test_malformed_working_hours_are_refused(spec):
    with pytest.raises(CalendarError):
        parse_workday(spec)
