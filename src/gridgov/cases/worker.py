"""The case loop's periodic sweeps, run by `gridgov worker` every tick (see core.jobs).

Each reads what is due from the database and is idempotent (see actions and channels), so ticks can be
missed, repeated, or run by two workers at once without a notice going out twice:
- cases.clocks: flag steps due soon (80 % of their time used) and overdue, and notify (actions.mark_clocks);
- cases.escalate: escalate overdue cases as configured (actions.auto_escalate_overdue);
- cases.auto_rate: rate closed cases left unrated (actions.auto_close_unrated);
- cases.outbox: deliver notifications through their channels (channels.deliver_outbox).
The order matters within a tick: the notices the first three queue are delivered in the same round.
"""

from gridgov.core import jobs
from gridgov.core.context import acting_as

from . import actions, channels


def _as_system(func):
    def sweep(now):
        with acting_as(None):
            return func(now)

    sweep.__name__ = func.__name__
    sweep.__doc__ = func.__doc__
    return sweep


mark_clocks = jobs.periodic("cases.clocks")(_as_system(actions.mark_clocks))
auto_escalate = jobs.periodic("cases.escalate")(_as_system(actions.auto_escalate_overdue))
auto_rate = jobs.periodic("cases.auto_rate")(_as_system(actions.auto_close_unrated))
deliver = jobs.periodic("cases.outbox", last=True)(channels.deliver_outbox)
