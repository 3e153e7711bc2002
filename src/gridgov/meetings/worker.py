"""Organisational life's periodic sweep, run by `gridgov worker` every tick (see core.jobs):
- meetings.remind: remind branch secretaries before a month ends of the meetings not yet held, and tell
  the town's admins after it ends what was missed (reminders.py). Idempotent: each reminder is keyed."""

from gridgov.core import jobs
from gridgov.core.context import acting_as

from . import reminders


@jobs.periodic("meetings.remind")
def remind(now):
    with acting_as(None):
        return reminders.remind(now)
