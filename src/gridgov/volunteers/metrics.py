"""The five-star metric source "volunteers.participation" (see gridgov.stars.metrics).

Per resident, not per household: volunteering is one person's act, and a household where three people
serve should count three times what a household with one does; the denominator is the people registered
in the village (Person.path under it), the same as points.participation, so the two figures compare.
"""

import datetime
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from gridgov.org.models import Person

from . import queries


def participation(village, since: datetime.date, until: datetime.date) -> dict:
    """Volunteers living in the village who served (time counted on an activity that started in the period,
    not cancelled) / people registered in the village; None when no one is registered there."""
    f = queries.figures(village.path, since, until)
    residents = Person.objects.filter(path__startswith=village.path).count()
    value = round(f["active_volunteers"] / residents, 4) if residents else None
    link = "/volunteers/stats/?" + urlencode({"scope": village.code, "since": since.isoformat(),
                                              "until": until.isoformat()})
    return {"value": value, "score": value,
            "records": {"kind": "volunteers", "since": since.isoformat(), "until": until.isoformat(),
                        "residents": residents, "volunteers": f["volunteers"], "active": f["active_volunteers"],
                        "activities": f["activities"], "hours": f["hours"], "teams": f["teams"], "link": link}}


def register():
    from gridgov.stars import metrics

    metrics.register("volunteers.participation", _("Volunteers who served, per resident"), participation)
