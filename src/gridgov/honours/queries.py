"""Reads of honours: named titles by node, kind and year; counts by village and year; a village's
public list (under public notice, and named); the figures of the five-star metric."""

from __future__ import annotations

from django.db.models import Count

from gridgov.core.personal import mask_name
from gridgov.org.models import Household, Region

from .models import Entry

TITLE_RELATED = ("kind", "household", "household__head", "person")


def titles(rows, path: str = "", kind: str | None = None, year: int | None = None):
    """Named titles (not revoked) among `rows`, under `path`, of a kind code and a year."""
    rows = rows.filter(state=Entry.State.NAMED)
    if path:
        rows = rows.filter(path__startswith=path)
    if kind:
        rows = rows.filter(kind__code=kind)
    if year:
        rows = rows.filter(year=year)
    return rows.select_related(*TITLE_RELATED).order_by("village_path", "kind_id", "-stars", "path", "id")


def who(entry: Entry) -> str:
    """The household's head or the person, masked (张**): lists are read by the village."""
    person = entry.person if entry.person_id else (entry.household.head if entry.household_id else None)
    return mask_name(person.name) if person is not None else ""


def villages(paths) -> dict[str, Region]:
    return {r.path: r for r in Region.objects.filter(path__in=set(paths), level=Region.Level.VILLAGE)}


def counts(rows, path: str = "", year: int | None = None) -> list[dict]:
    """Named titles per village, year and honour, among `rows` under `path`."""
    rows = rows.filter(state=Entry.State.NAMED)
    if path:
        rows = rows.filter(path__startswith=path)
    if year:
        rows = rows.filter(year=year)
    grouped = list(rows.values("village_path", "year", "kind__code", "kind__name")
                   .annotate(n=Count("id")).order_by("village_path", "-year", "kind__code"))
    names = villages(r["village_path"] for r in grouped)
    return [{"village": names[r["village_path"]].code if r["village_path"] in names else "",
             "village_name": names[r["village_path"]].name if r["village_path"] in names else "",
             "year": r["year"], "kind": r["kind__code"], "kind_name": r["kind__name"], "named": r["n"]}
            for r in grouped]


def per_hundred(village_path: str, year: int, on) -> dict:
    """Titles of `year` held on the day `on` (named by then, not revoked by then) in the village, per
    hundred of its households."""
    from django.db.models import Q

    end = on
    held = Entry.objects.filter(village_path=village_path, year=year, named_at__date__lte=end).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=end))
    by_kind = list(held.values("kind__code", "kind__name").annotate(n=Count("id")).order_by("kind__code"))
    households = Household.objects.filter(path__startswith=village_path).count()
    total = sum(r["n"] for r in by_kind)
    return {"households": households, "titles": total,
            "kinds": [{"kind": r["kind__code"], "name": r["kind__name"], "titles": r["n"]} for r in by_kind],
            "ids": list(held.order_by("id").values_list("id", flat=True)[:500]),
            "value": round(total * 100 / households, 2) if households else None}
