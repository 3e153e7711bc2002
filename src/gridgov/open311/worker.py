"""The Open311 adapter's periodic sweep (see core.jobs): forget the rate-limit counters of windows
that ended long ago, so the table stays as small as the number of active keys."""

from gridgov.core import jobs

from . import actions

forget_rate_windows = jobs.periodic("open311.rate_windows")(actions.forget_rate_windows)
