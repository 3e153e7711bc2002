"""ISO weeks (Monday to Sunday; 2026-W53 exists) and months of the screenings and summaries. A week belongs
to the month (and the metric period) that holds its Thursday, as ISO puts a week in the year holding its
Thursday, so consecutive months share no week."""

import calendar
import datetime
import re

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_label(monday: datetime.date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> datetime.date:
    """The Monday of "2026-W49"; ValueError for a malformed or non-existent week."""
    match = WEEK_RE.match((value or "").strip())
    if not match:
        raise ValueError(value)
    return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def parse_month(value: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of "2026-12"; ValueError for a malformed month."""
    match = MONTH_RE.match((value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise ValueError(value)
    first = datetime.date(int(match[1]), int(match[2]), 1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def weeks_between(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    """The Mondays of the ISO weeks whose Thursday lies in [since, until]."""
    monday = week_start(since)
    if monday + datetime.timedelta(days=3) < since:
        monday += datetime.timedelta(days=7)
    out = []
    while monday + datetime.timedelta(days=3) <= until:
        out.append(monday)
        monday += datetime.timedelta(days=7)
    return out
