"""The five-star sweep run by `gridgov worker` every tick (see core.jobs):
- stars.name: name the published results whose publicity window is over and whose objections are all
  answered (actions.name_due). Idempotent: a result named once is no longer published."""

from gridgov.core import jobs
from gridgov.core.context import acting_as

from . import actions


@jobs.periodic("stars.name")
def name_due(now):
    with acting_as(None):
        return {"named": actions.name_due(now)}
