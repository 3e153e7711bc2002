"""Reads of tasks for the board, the 问责 list, the ranking, the API and the five-star metrics. They take
an org path the caller has already scoped (through restrict / scope_node)."""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from gridgov.core import clock
from gridgov.org.models import Region

from .models import OPEN_STATES, Assignment, Item, Score, State


def today() -> datetime.date:
    return timezone.localdate(clock.now())


def under(path: str) -> Q:
    """Rows whose path lies under `path` (a range on SQLite, whose LIKE reads no index; see patrols)."""
    if not path:
        return Q()
    if connection.vendor == "sqlite":
        return Q(path__gte=path, path__lt=path[:-1] + chr(ord(path[-1]) + 1))
    return Q(path__startswith=path)


def overdue_q(now) -> Q:
    return Q(state__in=OPEN_STATES, due_at__lt=now)


def day_bounds(since: datetime.date, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of `since`, start of the day after `until`) in the site's time zone."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(since, datetime.time.min, tz),
            datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tz))


def villages_under(path: str) -> list[dict]:
    return list(Region.objects.filter(under(path), level=Region.Level.VILLAGE).order_by("code")
                .values("id", "code", "name", "path"))


def counts(path: str, since: datetime.date, until: datetime.date, now) -> dict[int, dict]:
    """village id -> {due, on_time, late, overdue, open}: the assignments under `path` due in [since, until]
    and no later than `now` (a deadline still ahead is judged when it comes). One grouped query."""
    start, end = day_bounds(since, until)
    end = min(end, now)
    out: dict[int, dict] = defaultdict(lambda: {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "open": 0})
    if end <= start:
        return out
    rows = (Assignment.objects.filter(under(path), due_at__gte=start, due_at__lt=end)
            .values("village_id")
            .annotate(due=Count("id"),
                      on_time=Count("id", filter=Q(state=State.ACCEPTED, completed_at__lte=F("due_at"))),
                      late=Count("id", filter=Q(completed_at__gt=F("due_at"))),
                      overdue=Count("id", filter=Q(state__in=OPEN_STATES)),
                      waiting=Count("id", filter=Q(state=State.COMPLETED, completed_at__lte=F("due_at")))))
    for r in rows:
        out[r["village_id"]] = {"due": r["due"], "on_time": r["on_time"], "late": r["late"],
                                "overdue": r["overdue"], "open": r["waiting"]}
    return out


def accountability(path: str, since: datetime.date, until: datetime.date, now) -> list[dict]:
    """The 问责 list: every village under `path` with its assignments due in the period (up to now), how
    many were completed late and how many are overdue; the most flagged first, then by code."""
    figures = counts(path, since, until, now)
    out = []
    for v in villages_under(path):
        f = figures.get(v["id"], {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "open": 0})
        out.append({"village": v["code"], "name": v["name"], "due": f["due"], "on_time": f["on_time"],
                    "late": f["late"], "overdue": f["overdue"], "flagged": f["late"] + f["overdue"]})
    out.sort(key=lambda r: (-r["flagged"], r["village"]))
    return out


def board(path: str, since: datetime.date, until: datetime.date, now) -> dict:
    """The task board: villages × state of the assignments due in [since, until] under `path`, with the
    overdue ones counted apart (red). Two queries whatever the size."""
    start, end = day_bounds(since, until)
    villages = villages_under(path)
    cells: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (Assignment.objects.filter(under(path), due_at__gte=start, due_at__lt=end)
            .values("village_id", "state")
            .annotate(n=Count("id"), late=Count("id", filter=Q(state__in=OPEN_STATES, due_at__lt=now))))
    for r in rows:
        cells[r["village_id"]][r["state"]] += r["n"]
        cells[r["village_id"]]["overdue"] += r["late"]
    states = list(State.values)
    out, totals = [], defaultdict(int)
    for v in villages:
        c = cells.get(v["id"], {})
        row = {**v, "cells": [c.get(s, 0) for s in states], "pairs": [(s, c.get(s, 0)) for s in states],
               "overdue": c.get("overdue", 0),
               "total": sum(c.get(s, 0) for s in states)}
        for s in states:
            totals[s] += c.get(s, 0)
        totals["overdue"] += row["overdue"]
        out.append(row)
    return {"rows": out, "states": [(s, State(s).label) for s in states],
            "totals": [totals[s] for s in states], "overdue": totals["overdue"]}


def on_time(path: str, since: datetime.date, until: datetime.date, now) -> dict:
    figures = counts(path, since, until, now)
    due = sum(f["due"] for f in figures.values())
    done = sum(f["on_time"] for f in figures.values())
    return {"due": due, "on_time": done, "late": sum(f["late"] for f in figures.values()),
            "overdue": sum(f["overdue"] for f in figures.values()),
            "value": round(done / due, 4) if due else None}


def ranking(inspection) -> list[dict]:
    """Each village of the inspection's town with its points and share of the checklist's maximum, best
    first; villages with equal points share a rank (1, 1, 3). Unscored villages rank last with 0."""
    maximum = Item.objects.filter(inspection=inspection).aggregate(m=Sum("max_points"))["m"] or decimal.Decimal(0)
    points = dict(Score.objects.filter(inspection=inspection).values("village_id").annotate(p=Sum("points"))
                  .values_list("village_id", "p"))
    rows = [{"id": v.pk, "code": v.code, "name": v.name, "points": float(points.get(v.pk) or 0),
             "scored": v.pk in points, "max_points": float(maximum),
             "share": round(float(points.get(v.pk) or 0) / float(maximum), 4) if maximum else None}
            for v in Region.objects.filter(parent_id=inspection.town_id, level=Region.Level.VILLAGE).order_by("code")]
    rows.sort(key=lambda r: (-r["points"], r["code"]))
    for i, r in enumerate(rows):
        r["rank"] = rows[i - 1]["rank"] if i and rows[i - 1]["points"] == r["points"] else i + 1
    return rows
