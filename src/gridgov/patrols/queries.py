"""Reads of patrols for the board, the API and the five-star metric. They take an org path the caller
has already scoped (through restrict / scope_node) and read `Visit` rows: one range read on (path, day)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Count, Q

from gridgov.org.models import Grid

from . import periods
from .models import DEFAULT_HALF_MONTH, DEFAULT_WEEKLY, PatrolRule, Visit

MET, SHORT, NONE = "met", "short", "none"


def under(path: str) -> Q:
    """Rows whose path lies under `path`. SQLite's LIKE (case-insensitive, with an ESCAPE clause) reads
    no index, so there it is a range ("445321.104." <= path < "445321.104/", binary collation); PostgreSQL
    keeps LIKE 'x%', which its varchar_pattern_ops index on `path` serves whatever the collation."""
    if not path:
        return Q()
    if connection.vendor == "sqlite":
        return Q(path__gte=path, path__lt=path[:-1] + chr(ord(path[-1]) + 1))
    return Q(path__startswith=path)


def _town_path(path: str) -> str:
    parts = [p for p in path.split(".") if p]
    return ".".join(parts[:2]) + "."


def rules_under(path: str) -> dict[str, tuple[int, int]]:
    """Town path -> (weekly count, half-month count) of the towns that set a rule: the town holding `path`
    (a town, village or grid), or every town under a county."""
    parts = [p for p in path.split(".") if p]
    rows = PatrolRule.objects.filter(path=_town_path(path)) if len(parts) >= 2 else \
        PatrolRule.objects.filter(path__startswith=path)
    return {r.path: (r.weekly_count, r.half_month_count) for r in rows}


def small_grids(path: str) -> list[dict]:
    return list(Grid.objects.filter(under(path), level=Grid.Level.SMALL).order_by("code")
                .values("id", "code", "name", "path"))


def daily_counts(path: str, since: datetime.date, until: datetime.date) -> dict[int, dict[datetime.date, int]]:
    """grid id -> day -> patrols that counted for it that day."""
    out: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    rows = (Visit.objects.filter(under(path), day__gte=since, day__lte=until)
            .values("grid_id", "day").annotate(n=Count("id")).values_list("grid_id", "day", "n"))
    for grid_id, day, n in rows:
        out[grid_id][day] = n
    return out


def _sum(days: dict, since: datetime.date, until: datetime.date) -> int:
    return sum(n for day, n in days.items() if since <= day <= until)


def status(patrols: int, weekly: int) -> str:
    if patrols == 0:
        return NONE
    return MET if patrols >= weekly else SHORT


def board(path: str, mondays: list[datetime.date]) -> dict:
    """The grid x week board of the small grids under `path`: for each grid and each week its patrols
    and met / short / none; for each half month the weeks touch, its patrols and whether it was covered.
    Four queries whatever the number of grids and weeks."""
    mondays = sorted(mondays)
    halves = periods.half_months_between(mondays[0], mondays[-1] + datetime.timedelta(days=6))
    since = min(mondays[0], halves[0][0])
    until = max(mondays[-1] + datetime.timedelta(days=6), halves[-1][1])
    grids = small_grids(path)
    counts = daily_counts(path, since, until)
    rules = rules_under(path)
    rows = []
    totals = {"met": [0] * len(mondays), "short": [0] * len(mondays), "none": [0] * len(mondays),
              "covered": [0] * len(halves)}
    for grid in grids:
        weekly, per_half = rules.get(_town_path(grid["path"]), (DEFAULT_WEEKLY, DEFAULT_HALF_MONTH))
        days = counts.get(grid["id"], {})
        weeks = []
        for i, monday in enumerate(mondays):
            n = _sum(days, monday, monday + datetime.timedelta(days=6))
            s = status(n, weekly)
            totals[s][i] += 1
            weeks.append({"monday": monday, "patrols": n, "status": s})
        halfs = []
        for i, (start, end) in enumerate(halves):
            n = _sum(days, start, end)
            covered = n >= max(per_half, 1)
            totals["covered"][i] += covered
            halfs.append({"start": start, "end": end, "patrols": n, "covered": covered})
        rows.append({**grid, "weekly": weekly, "half_month": per_half, "weeks": weeks, "halves": halfs})
    return {"mondays": mondays, "halves": halves, "rows": rows, "totals": totals, "grids": len(grids)}


def week_compliance(path: str, monday: datetime.date) -> list[dict]:
    """Per small grid under `path`, the contract's item for one ISO week: patrols that week, whether
    they meet the weekly rule, and whether the grid was covered in the half month holding the week's
    Thursday (the whole half month)."""
    start, end = periods.half_month_of_week(monday)
    since, until = min(monday, start), max(monday + datetime.timedelta(days=6), end)
    counts = daily_counts(path, since, until)
    rules = rules_under(path)
    out = []
    for grid in small_grids(path):
        weekly, per_half = rules.get(_town_path(grid["path"]), (DEFAULT_WEEKLY, DEFAULT_HALF_MONTH))
        days = counts.get(grid["id"], {})
        n = _sum(days, monday, monday + datetime.timedelta(days=6))
        out.append({"grid": grid["code"], "name": grid["name"], "patrols": n, "meets_weekly": n >= weekly,
                    "covered_half_month": _sum(days, start, end) >= max(per_half, 1)})
    return out


def patrol_count(path: str, since: datetime.date, until: datetime.date) -> int:
    """Patrols that counted for at least one small grid under `path` in [since, until] (a patrol through
    two grids is one patrol here, and counts for each grid on the board)."""
    return (Visit.objects.filter(under(path), day__gte=since, day__lte=until)
            .values("patrol_id").distinct().count())


def weekly_share(path: str, since: datetime.date, until: datetime.date, today: datetime.date) -> dict:
    """The share of (small grid x ISO week) pairs under `path` that met the weekly rule, over the weeks
    whose Thursday lies in [since, until] and which ended before `today` (a week under way is not judged)."""
    mondays = [m for m in periods.weeks_between(since, until) if m + datetime.timedelta(days=6) < today]
    grids = small_grids(path)
    if not mondays or not grids:
        return {"pairs": 0, "met": 0, "short": 0, "none": 0, "weeks": len(mondays), "grids": len(grids),
                "value": None}
    result = board(path, mondays)
    met = sum(result["totals"]["met"])
    short = sum(result["totals"]["short"])
    none = sum(result["totals"]["none"])
    pairs = len(mondays) * len(grids)
    return {"pairs": pairs, "met": met, "short": short, "none": none, "weeks": len(mondays), "grids": len(grids),
            "value": round(met / pairs, 4)}


def note_photo(user, patrol_id: int, note_id: int):
    """A note with a photo on a patrol the user may see (or walked, as the detail page allows), or None
    (outsiders: as if it did not exist)."""
    from gridgov.core.scoping import VIEW, restrict

    from .models import Note, Patrol

    if not (restrict(user, VIEW, Patrol).filter(pk=patrol_id).exists()
            or (user.is_authenticated and Patrol.objects.filter(pk=patrol_id, user=user).exists())):
        return None
    return Note.objects.filter(pk=note_id, patrol_id=patrol_id).exclude(photo="").first()
