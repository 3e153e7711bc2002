"""The time that actions stamp on records.

It is the real time, except inside `replaying_at(moment)`, which the demo uses to build a history that
depends on its reference date only, never on the day it happens to be loaded. Every app's actions ask
`clock.now()` for "now" (cases, points, stars, Open311), so one context sets the time for all of them.
"""

from __future__ import annotations

import contextvars
import datetime
from contextlib import contextmanager

from django.utils import timezone

_now_override: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "gridgov_now", default=None)


def now() -> datetime.datetime:
    """The real time, or the moment `replaying_at` set."""
    return _now_override.get() or timezone.now()


@contextmanager
def replaying_at(moment: datetime.datetime):
    """Run actions as if at `moment`."""
    if timezone.is_naive(moment):
        raise ValueError("replaying_at needs an aware datetime")
    token = _now_override.set(moment)
    try:
        yield
    finally:
        _now_override.reset(token)
