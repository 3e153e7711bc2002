"""The five-star metric source "patrols.compliance" (see gridgov.stars.metrics)."""

import datetime
from urllib.parse import urlencode

from django.utils import timezone

from gridgov.core import clock

from . import periods, queries


def compliance(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of (small grid x ISO week) pairs of the village that met the town's weekly rule, over
    the ISO weeks whose Thursday lies in the period and that have ended (None when there is none)."""
    today = timezone.localdate(clock.now())
    figures = queries.weekly_share(village.path, since, until, today)
    mondays = [m for m in periods.weeks_between(since, until) if m + datetime.timedelta(days=6) < today]
    link = "/patrols/board/?" + urlencode({"scope": village.code, **(
        {"week": periods.week_label(mondays[-1]), "weeks": len(mondays)} if mondays else {})})
    return {
        "value": figures["value"],
        "score": figures["value"],
        "records": {"kind": "patrols", "since": since.isoformat(), "until": until.isoformat(),
                    "weeks": figures["weeks"], "grids": figures["grids"], "pairs": figures["pairs"],
                    "met": figures["met"], "short": figures["short"], "none": figures["none"],
                    "patrols": queries.patrol_count(village.path, since, until), "link": link},
    }
