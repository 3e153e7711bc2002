"""The periods of the patrol rule: ISO weeks (Monday to Sunday, 2026-W53 exists) and half months
(the 1st-15th and the 16th to the month's last day)."""

import calendar
import datetime
import re

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_label(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> datetime.date:
    """The Monday of an ISO week "2026-W49"; ValueError for a malformed or non-existent week."""
    match = WEEK_RE.match((value or "").strip())
    if not match:
        raise ValueError(value)
    return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def half_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the half month holding `day`."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    return day.replace(day=16), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def half_month_label(start: datetime.date) -> str:
    return f"{start:%Y-%m}-{'1' if start.day == 1 else '2'}"


def half_month_of_week(monday: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half month a week is judged in: the one holding its Thursday (as ISO puts a week in the
    year holding its Thursday)."""
    return half_month(monday + datetime.timedelta(days=3))


def weeks_between(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    """The Mondays of the ISO weeks whose Thursday lies in [since, until], so consecutive periods
    share no week."""
    monday = week_start(since)
    if monday + datetime.timedelta(days=3) < since:
        monday += datetime.timedelta(days=7)
    out = []
    while monday + datetime.timedelta(days=3) <= until:
        out.append(monday)
        monday += datetime.timedelta(days=7)
    return out


def half_months_between(since: datetime.date, until: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The half months overlapping [since, until]."""
    out = []
    start = half_month(since)[0]
    while start <= until:
        out.append(half_month(start))
        start = out[-1][1] + datetime.timedelta(days=1)
    return out
