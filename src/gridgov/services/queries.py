"""Figures of services, shared by the star metrics and the figures page.

For the applications under a node (path prefix) over a window of local days since..until (both inclusive):

    finished      = applications done or refused with finished_at inside the window
    on_time       = of those, finished by the item's time limit (Application.on_time)
    on_time_rate  = on_time / finished (None when nothing finished)
    rated         = applications rated inside the window; satisfied = of those, rated 4 or 5
    satisfaction  = satisfied / rated (None when nobody rated)
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count, Q

from .models import FINAL, Application


def bounds(since: datetime.date, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (datetime.datetime.combine(since, datetime.time.min, tz),
            datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tz))


def _rate(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def figures(path: str, since: datetime.date, until: datetime.date) -> dict:
    first, after = bounds(since, until)
    rows = Application.objects.filter(path__startswith=path)
    done = rows.filter(state__in=FINAL, finished_at__gte=first, finished_at__lt=after).aggregate(
        finished=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    rated = rows.filter(rating__isnull=False, rated_at__gte=first, rated_at__lt=after).aggregate(
        rated=Count("id"), satisfied=Count("id", filter=Q(rating__gte=4)))
    applied = rows.filter(created_at__gte=first, created_at__lt=after).exclude(state="draft").count()
    return {"applied": applied, **done, "on_time_rate": _rate(done["on_time"], done["finished"]), **rated,
            "satisfaction": _rate(rated["satisfied"], rated["rated"])}


def grouped(path: str, since: datetime.date, until: datetime.date, by: str) -> list[dict]:
    """Figures per item (`item`), per village (`village`) or per agent (`agent`), in a fixed number of queries."""
    first, after = bounds(since, until)
    key = {"item": "item__name", "agent": "agent__username", "village": "path"}[by]
    base = Application.objects.filter(path__startswith=path).exclude(state="draft")
    applied = base.filter(created_at__gte=first, created_at__lt=after).values(key).annotate(n=Count("id"))
    done = base.filter(state__in=FINAL, finished_at__gte=first, finished_at__lt=after).values(key).annotate(
        finished=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    rated = base.filter(rating__isnull=False, rated_at__gte=first, rated_at__lt=after).values(key).annotate(
        rated=Count("id"), satisfied=Count("id", filter=Q(rating__gte=4)))
    table: dict = {}

    def name(value):
        if by == "village":
            parts = [p for p in (value or "").split(".") if p]
            return ".".join(parts[:3]) + "."
        return value or "—"

    for r in applied:
        table.setdefault(name(r[key]), {"applied": 0, "finished": 0, "on_time": 0, "rated": 0, "satisfied": 0})[
            "applied"] += r["n"]
    for r in done:
        row = table.setdefault(name(r[key]), {"applied": 0, "finished": 0, "on_time": 0, "rated": 0, "satisfied": 0})
        row["finished"] += r["finished"]
        row["on_time"] += r["on_time"]
    for r in rated:
        row = table.setdefault(name(r[key]), {"applied": 0, "finished": 0, "on_time": 0, "rated": 0, "satisfied": 0})
        row["rated"] += r["rated"]
        row["satisfied"] += r["satisfied"]
    if by == "village":
        from gridgov.org.models import Region

        names = dict(Region.objects.filter(path__in=list(table)).values_list("path", "name"))
        table = {names.get(k, k): v for k, v in table.items()}
    return sorted(({"name": k, **v, "on_time_rate": _rate(v["on_time"], v["finished"]),
                    "satisfaction": _rate(v["satisfied"], v["rated"])} for k, v in table.items()),
                  key=lambda r: (-r["applied"], r["name"]))
