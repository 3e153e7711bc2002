"""The five-star metric sources "tasks.on_time" and "tasks.inspection" (see gridgov.stars.metrics)."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock

from . import actions, queries
from .models import Inspection, Item, Score


def on_time(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of the village's assignments due in the period (and by now) that were completed by
    their deadline and accepted by the town (None when none was due)."""
    f = queries.on_time(village.path, since, until, clock.now())
    link = "/tasks/accountability/?" + urlencode({"scope": village.code, "month": since.strftime("%Y-%m"),
                                                  "period": "quarter" if (until - since).days > 40 else "month"})
    return {"value": f["value"], "score": f["value"],
            "records": {"kind": "tasks", "since": since.isoformat(), "until": until.isoformat(), "due": f["due"],
                        "on_time": f["on_time"], "late": f["late"], "overdue": f["overdue"], "link": link}}


def inspection(village, since: datetime.date, until: datetime.date) -> dict:
    """The village's points in the town's quarterly inspections of the quarters ending in the period, as a
    share of the checklists' maximum (None when no such inspection scored the village)."""
    town = actions.town_of_path(village.path)
    rows = []
    if town is not None:
        for insp in Inspection.objects.filter(town=town).order_by("year", "quarter"):
            end = actions.quarter_bounds(insp.year, insp.quarter)[1]
            if not since <= end <= until:
                continue
            scored = Score.objects.filter(inspection=insp, village=village)
            if not scored.exists():
                continue
            points = scored.aggregate(p=Sum("points"))["p"] or Decimal(0)
            maximum = Item.objects.filter(inspection=insp).aggregate(m=Sum("max_points"))["m"] or Decimal(0)
            rows.append({"id": insp.pk, "quarter": insp.label, "points": float(points), "max_points": float(maximum)})
    total = sum(r["max_points"] for r in rows)
    value = round(sum(r["points"] for r in rows) / total, 4) if total else None
    return {"value": value, "score": value,
            "records": {"kind": "inspections", "since": since.isoformat(), "until": until.isoformat(),
                        "inspections": rows,
                        "link": f"/tasks/inspections/{rows[-1]['id']}/" if rows else "/tasks/inspections/"}}


def register():
    from gridgov.stars import metrics

    metrics.register("tasks.on_time", _("Town tasks completed on time"), on_time)
    metrics.register("tasks.inspection", _("Quarterly inspection score"), inspection)
