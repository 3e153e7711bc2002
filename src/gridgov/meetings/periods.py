"""Periods of organisational life: months ("2026-12") and quarters ("2026Q4").

A rule's slot is one month (monthly kinds) or one quarter (quarterly kinds). A period counts the slots
that END inside it, so a month counts the quarterly slot of the quarter it closes, consecutive periods
share no slot, and a quarter counts three monthly slots and one quarterly slot.
"""

import calendar
import datetime
import re

from .models import MONTH, QUARTER

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: datetime.date) -> datetime.date:
    start = quarter_start(day)
    return month_end(start.replace(month=start.month + 2))


def next_month(day: datetime.date) -> datetime.date:
    return month_end(day) + datetime.timedelta(days=1)


def month_label(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse(value: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of "2026-12" or "2026Q4"; ValueError otherwise."""
    value = (value or "").strip().upper()
    if m := QUARTER_RE.match(value):
        start = datetime.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return start, quarter_end(start)
    if m := MONTH_RE.match(value):
        start = datetime.date(int(m[1]), int(m[2]), 1)  # ValueError for month 13
        return start, month_end(start)
    raise ValueError(value)


def label(start: datetime.date, end: datetime.date) -> str:
    return month_label(start) if end == month_end(start) and start.day == 1 else quarter_label(start)


def slot(frequency: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The slot of `frequency` holding `day`."""
    if frequency == QUARTER:
        return quarter_start(day), quarter_end(day)
    return day.replace(day=1), month_end(day)


def slot_label(frequency: str, start: datetime.date) -> str:
    return quarter_label(start) if frequency == QUARTER else month_label(start)


def slots(frequency: str, since: datetime.date, until: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The slots of `frequency` that end inside [since, until]."""
    if frequency not in (MONTH, QUARTER):
        return []
    out = []
    start, end = slot(frequency, since)
    while end <= until:
        if end >= since:
            out.append((start, end))
        start = end + datetime.timedelta(days=1)
        start, end = slot(frequency, start)
    return out


def recent_quarters(today: datetime.date, count: int) -> list[tuple[datetime.date, datetime.date]]:
    """The `count` quarters up to the one holding `today`, oldest first."""
    out = []
    start = quarter_start(today)
    for _i in range(count):
        out.append((start, quarter_end(start)))
        start = quarter_start(start - datetime.timedelta(days=1))
    return out[::-1]
