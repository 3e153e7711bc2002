"""Village affairs' periodic sweep, run by `gridgov worker` every tick (see core.jobs):
- affairs.remind: tell village secretaries of their overdue scheduled disclosures and unanswered questions,
  and each town's admins once a month of every village's overdue disclosures (reminders.py). Idempotent:
  each reminder is keyed, and the figures are read once a day."""

from gridgov.core import jobs
from gridgov.core.context import acting_as

from . import reminders


@jobs.periodic("affairs.remind")
def remind(now):
    with acting_as(None):
        return reminders.remind(now)
