"""The working calendar that case deadlines are counted on.

A workday is Monday to Friday, unless a Holiday row says otherwise: public holidays are rows with
is_workday False, make-up workdays (调休, often a Saturday or Sunday) rows with is_workday True. The
working hours of a workday come from the GRIDGOV_WORKDAY setting ("08:30-12:00,14:00-17:30").
Times are counted in the site's time zone (Asia/Shanghai by default).

- Working hours: `add_working_time(start, 3, "h")` is the moment when three hours of working time
  have passed since `start`; time outside working hours does not count.
- Working days: `add_working_time(start, 2, "d")` is the end of the working hours of the second
  workday after the day of `start` (the day itself does not count, so a report at 17:00 gets as
  much time as one at 09:00).

Each process keeps the Holiday rows in memory and reloads them when a cheap fingerprint of the table
(one aggregate query) changes. The fingerprint is checked at most once per RECHECK_SECONDS, so an
edit in one process reaches every other within that time; the process that made the edit forgets
its copy at once (invalidate()), and a change of the working hours or time zone settings is seen
at the next call.
"""

from __future__ import annotations

import datetime
import threading
import time
import zoneinfo

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from gridgov.core import clock

from . import conf

MAX_DAYS_AHEAD = 3660  # no time limit reaches ten years: a calendar without workdays is an error

# Kept here too: the case actions and the demo name them as part of the calendar.
now = clock.now
replaying_at = clock.replaying_at


class CalendarError(ValueError):
    pass


def parse_workday(spec: str) -> list[tuple[datetime.time, datetime.time]]:
    """"08:30-12:00,14:00-17:30" -> [(08:30, 12:00), (14:00, 17:30)], checked to be ordered and disjoint."""
    periods = []
    try:
        for part in spec.split(","):
            start, end = (datetime.time.fromisoformat(t.strip()) for t in part.split("-"))
            periods.append((start, end))
    except ValueError:
        raise CalendarError(_("Working hours must look like 08:30-12:00,14:00-17:30")) from None
    for (s1, e1), nxt in zip(periods, periods[1:] + [None]):
        if not s1 < e1 or (nxt is not None and not e1 <= nxt[0]):
            raise CalendarError(_("Working hours must be ordered periods within one day"))
    if not periods:
        raise CalendarError(_("Working hours must look like 08:30-12:00,14:00-17:30"))
    return periods


class WorkCalendar:
    """Workdays and working hours; pure computation, no database."""

    def __init__(self, overrides: dict[datetime.date, bool], periods: list[tuple[datetime.time, datetime.time]],
                 tz: datetime.tzinfo):
        self.overrides = overrides
        self.periods = periods
        self.tz = tz

    def is_workday(self, day: datetime.date) -> bool:
        return self.overrides.get(day, day.weekday() < 5)

    def day_periods(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        if not self.is_workday(day):
            return []
        return [(datetime.datetime.combine(day, s, self.tz), datetime.datetime.combine(day, e, self.tz))
                for s, e in self.periods]

    def _local_date(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.tz).date()

    def add_seconds(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        """The moment at which `seconds` of working time have passed since `start`."""
        if seconds <= 0:
            return start
        remaining = datetime.timedelta(seconds=seconds)
        day = self._local_date(start)
        for _i in range(MAX_DAYS_AHEAD):
            for p_start, p_end in self.day_periods(day):
                begin = max(p_start, start)
                if begin >= p_end:
                    continue
                available = p_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(datetime.timezone.utc)
                remaining -= available
            day += datetime.timedelta(days=1)
        raise CalendarError(_("The working calendar has no workdays ahead"))

    def end_of_nth_workday(self, start: datetime.datetime, n: int) -> datetime.datetime:
        """The end of the working hours of the n-th workday after the day of `start`."""
        day = self._local_date(start)
        counted = 0
        for _i in range(MAX_DAYS_AHEAD):
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted >= n:
                    return self.day_periods(day)[-1][1].astimezone(datetime.timezone.utc)
        raise CalendarError(_("The working calendar has no workdays ahead"))

    def add(self, start: datetime.datetime, amount: float, unit: str) -> datetime.datetime:
        if unit == "h":
            return self.add_seconds(start, amount * 3600)
        if unit == "d":
            return self.end_of_nth_workday(start, int(amount)) if amount > 0 else start
        raise CalendarError(_("A time limit is counted in working hours (h) or working days (d)"))

    def seconds_between(self, a: datetime.datetime, b: datetime.datetime) -> int:
        """Working seconds from a to b (0 when b is not after a)."""
        if b <= a:
            return 0
        total = datetime.timedelta()
        day, last = self._local_date(a), self._local_date(b)
        while day <= last:
            for p_start, p_end in self.day_periods(day):
                begin, end = max(p_start, a), min(p_end, b)
                if end > begin:
                    total += end - begin
            day += datetime.timedelta(days=1)
        return int(total.total_seconds())


# How stale another process's holiday edit may be seen here: every deadline asks for the calendar,
# and holidays are edited a few times a year.
RECHECK_SECONDS = 2.0
_lock = threading.Lock()
# (fingerprint, calendar, fingerprint last checked at by time.monotonic())
_cache: tuple[tuple, WorkCalendar, float] | None = None


def _settings_part() -> tuple:
    return (conf.get("GRIDGOV_WORKDAY"), settings.TIME_ZONE)


def _fingerprint() -> tuple:
    from .models import Holiday

    agg = Holiday.objects.aggregate(n=Count("id"), top=Max("id"), first=Min("date"), last=Max("date"),
                                    workdays=Count("id", filter=Q(is_workday=True)))
    return tuple(agg.values()) + _settings_part()


def current() -> WorkCalendar:
    """The calendar as the database and settings say now (no query when the fingerprint was checked
    less than RECHECK_SECONDS ago, else one aggregate query when nothing changed)."""
    global _cache
    from .models import Holiday

    cache = _cache
    if (cache is not None and time.monotonic() - cache[2] < RECHECK_SECONDS
            and cache[0][-2:] == _settings_part()):
        return cache[1]
    fingerprint = _fingerprint()
    with _lock:
        if _cache is None or _cache[0] != fingerprint:
            overrides = dict(Holiday.objects.values_list("date", "is_workday"))
            _cache = (fingerprint, WorkCalendar(overrides, parse_workday(conf.get("GRIDGOV_WORKDAY")),
                                                zoneinfo.ZoneInfo(settings.TIME_ZONE)), time.monotonic())
        else:
            _cache = (*_cache[:2], time.monotonic())
        return _cache[1]


def invalidate() -> None:
    global _cache
    with _lock:
        _cache = None


def add_working_time(start: datetime.datetime, amount: float, unit: str) -> datetime.datetime:
    return current().add(start, amount, unit)


def working_seconds_between(a: datetime.datetime, b: datetime.datetime) -> int:
    return current().seconds_between(a, b)
