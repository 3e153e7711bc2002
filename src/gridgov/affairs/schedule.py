"""Periods of scheduled disclosures: months ("2026-11") and quarters ("2026Q4").

A monthly kind discloses each month, a quarterly kind each quarter; the disclosure of a period is due
`due_days` days after the period's last day (finances of November by 10 December with the default).
A period is owed once it has ended; it is overdue when its due day has passed and nothing was published
for it. Per-event kinds have no period and are never overdue.
"""

from __future__ import annotations

import calendar
import datetime
import re

from .models import Frequency

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def label(frequency: str, day: datetime.date) -> str:
    """The period of `frequency` that holds `day`."""
    if frequency == Frequency.MONTH:
        return f"{day:%Y-%m}"
    if frequency == Frequency.QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return ""


def frequency_of(period: str) -> str | None:
    if MONTH_RE.match(period or ""):
        return Frequency.MONTH
    if QUARTER_RE.match(period or ""):
        return Frequency.QUARTER
    return None


def bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a period label; ValueError for anything else."""
    m = MONTH_RE.match(period or "")
    if m:
        year, month = int(m[1]), int(m[2])
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    q = QUARTER_RE.match(period or "")
    if q:
        year, first = int(q[1]), 3 * (int(q[2]) - 1) + 1
        last = first + 2
        return datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])
    raise ValueError(period)


def due_on(period: str, due_days: int) -> datetime.date:
    """The last day the period's disclosure is on time."""
    return bounds(period)[1] + datetime.timedelta(days=due_days)


def previous(period: str) -> str:
    start = bounds(period)[0]
    return label(frequency_of(period), start - datetime.timedelta(days=1))


def ended_periods(frequency: str, since: datetime.date, until: datetime.date) -> list[str]:
    """The periods of `frequency` whose last day falls in [since, until], oldest first."""
    if frequency not in (Frequency.MONTH, Frequency.QUARTER) or until < since:
        return []
    out = []
    period = label(frequency, until)
    while True:
        first, last = bounds(period)
        if last <= until and last >= since:
            out.append(period)
        if first <= since:
            break
        period = previous(period)
    return out[::-1]


def owed(frequency: str, since: datetime.date, today: datetime.date, due_days: int) -> list[tuple[str, datetime.date]]:
    """(period, due day) of the periods whose due day falls in [since, today]: those that had to be
    disclosed by today, counted from `since` (e.g. when the village started using the board)."""
    if frequency not in (Frequency.MONTH, Frequency.QUARTER):
        return []
    lag = datetime.timedelta(days=due_days)
    return [(p, due_on(p, due_days)) for p in ended_periods(frequency, since - lag, today - lag)]
