"""Five-star metric sources (gridgov.stars.metrics): services.on_time and services.satisfaction of a village."""

import datetime
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from . import queries


def _link(village, since, until) -> str:
    return "/services/figures/?" + urlencode({"scope": village.code, "since": since.isoformat(),
                                              "until": until.isoformat()})


def on_time(village, since: datetime.date, until: datetime.date) -> dict:
    """Of the village's applications finished (done or refused) in the period, the share finished within
    the item's time limit in working days (None when none finished)."""
    f = queries.figures(village.path, since, until)
    return {"value": f["on_time_rate"], "score": f["on_time_rate"],
            "records": {"kind": "services", "since": since.isoformat(), "until": until.isoformat(),
                        "finished": f["finished"], "on_time": f["on_time"], "link": _link(village, since, until)}}


def satisfaction(village, since: datetime.date, until: datetime.date) -> dict:
    """Of the ratings given in the period to the village's applications, the share of 4 or 5 stars."""
    f = queries.figures(village.path, since, until)
    return {"value": f["satisfaction"], "score": f["satisfaction"],
            "records": {"kind": "services", "since": since.isoformat(), "until": until.isoformat(),
                        "rated": f["rated"], "satisfied": f["satisfied"], "link": _link(village, since, until)}}


def register():
    from gridgov.stars import metrics

    metrics.register("services.on_time", _("Service applications finished on time"), on_time)
    metrics.register("services.satisfaction", _("Service satisfaction (ratings of 4 or 5 stars)"), satisfaction)
