"""Metric sources: figures about a village computed from gridgov's own records.

A source is `func(village: Region, since: date, until: date) -> {"value": number or None,
"score": optional 0..1, "records": {...}}`, where `records` says which records the figure came from
(ids, counts, a link) and is stored with the score. Other modules add sources without touching this
one:

    from gridgov.stars import metrics
    metrics.register("meetings.held", _("Branch meetings held"), my_func)

How a value becomes points is the indicator's business (scoring.py), not the source's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    func: Callable
    # The keys of the indicator's config the source reads (e.g. "categories"); a source with options is
    # called as func(village, since, until, config).
    options: tuple = ()

    def compute(self, village, since: datetime.date, until: datetime.date, config: dict | None = None) -> dict:
        if self.options:
            return self.func(village, since, until, config or {})
        return self.func(village, since, until)


SOURCES: dict[str, Source] = {}


def register(code: str, label, func: Callable, options: tuple = ()) -> Callable:
    """Add a metric source; registering a code twice with another function is a mistake."""
    known = SOURCES.get(code)
    if known is not None and known.func is not func:
        raise ValueError(f"metric source {code!r} is registered twice")
    SOURCES[code] = Source(code, label, func, tuple(options))
    return func


def source(code: str) -> Source | None:
    return SOURCES.get(code)


def choices() -> list[tuple[str, str]]:
    return [(s.code, str(s.label)) for s in SOURCES.values()]


# --- the sources of this module -----------------------------------------------------------------------

# Most listed ids in a snapshot; the counts are always complete.
MAX_IDS = 500


def _village_cases(village):
    from gridgov.cases.models import Case

    return Case.objects.filter(path__startswith=village.path)


def _stats_link(village, since, until) -> str:
    return "/cases/stats/?" + urlencode({"scope": village.code, "since": since.isoformat(), "until": until.isoformat()})


def _case_rate(field: str, *keys: str):
    def compute(village, since: datetime.date, until: datetime.date) -> dict:
        from gridgov.cases import queries

        cases = _village_cases(village)
        figures = queries.stats(cases, since, until)
        ids = list(queries.cohort(cases, since, until).order_by("pk").values_list("pk", flat=True)[:MAX_IDS])
        rate = figures[field]
        return {
            "value": rate,
            "records": {
                "kind": "cases", "since": since.isoformat(), "until": until.isoformat(),
                **{key: figures[key] for key in keys},
                "case_ids": ids, "link": _stats_link(village, since, until),
            },
        }

    return compute


def dispute_family() -> str:
    """The category code whose subcategories are disputes (矛盾纠纷) for a scheme that names none: the
    setting GRIDGOV_STARS_DISPUTE_CATEGORY, "04" in the demo's category tree."""
    return getattr(settings, "GRIDGOV_STARS_DISPUTE_CATEGORY", "04")


def dispute_families(config: dict | None) -> list[str]:
    """The main categories (大类) whose cases are disputes: the indicator's config names them
    ({"categories": ["04"]}, chosen on the scheme page among the town's categories); else the setting."""
    return list((config or {}).get("categories") or [dispute_family()])


def disputes_resolved(village, since: datetime.date, until: datetime.date, config: dict | None = None) -> dict:
    """Dispute cases of the village closed in the window: the share of the window's accepted disputes
    (cases of the categories in dispute_families() and their subcategories) that are closed. No dispute
    accepted in the window is no figure (value None), not 100 %: the indicator then has no records."""
    from gridgov.cases import queries
    from gridgov.cases.models import Category

    families = dispute_families(config)
    codes = Category.objects.filter(Q(code__in=families) | Q(parent__code__in=families)).values("pk")
    cases = _village_cases(village).filter(category_id__in=codes)
    figures = queries.stats(cases, since, until)
    ids = list(queries.cohort(cases, since, until).order_by("pk").values_list("pk", flat=True)[:MAX_IDS])
    accepted, closed = figures["accepted"], figures["closed"]
    link = _stats_link(village, since, until) + "".join("&" + urlencode({"category": f}) for f in families)
    return {
        "value": round(closed / accepted, 4) if accepted else None,
        "records": {"kind": "cases", "categories": families, "since": since.isoformat(), "until": until.isoformat(),
                    "closed": closed, "accepted": accepted, "case_ids": ids, "link": link},
    }


def points_participation(village, since: datetime.date, until: datetime.date) -> dict:
    """The share of the village's residents who earned points in the window (gridgov.points)."""
    try:
        from gridgov.points.public import participation
    except ImportError:  # the points module is not installed: no figure rather than a wrong one
        return {"value": None, "records": {"kind": "points", "missing": "gridgov.points.public"}}
    result = participation(village.path, since, until)
    return {"value": result.get("rate"),
            "records": {"kind": "points", "since": since.isoformat(), "until": until.isoformat(),
                        "participants": result.get("participants"), "residents": result.get("residents")}}


def collective_income(village, since: datetime.date, until: datetime.date) -> dict:
    """The village's collective economy income of the window's year, entered with evidence."""
    from .models import Income

    row = Income.objects.filter(village=village, year=since.year).first()
    if row is None:
        return {"value": None, "records": {"kind": "income", "year": since.year, "missing": True}}
    return {"value": row.amount,
            "records": {"kind": "income", "year": row.year, "income_id": row.pk, "amount": row.amount,
                        "evidence": row.evidence}}


register("cases.completion_rate", _("Case completion rate"),
         _case_rate("completion_rate", "closed", "accepted"))
register("cases.on_time_rate", _("Cases closed on time"), _case_rate("on_time_rate", "closed_on_time", "closed"))
register("cases.satisfaction_rate", _("Satisfaction with cases"), _case_rate("satisfaction_rate", "rated", "rated_auto"))
register("cases.disputes_resolved", _("Disputes resolved"), disputes_resolved, options=("categories",))
register("points.participation", _("Points participation"), points_participation)
register("stars.collective_income", _("Collective economy income"), collective_income)
