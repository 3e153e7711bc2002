"""Reads the pages and the API share: what a user may see, rankings, trends, what a village lacks, its ledger.

Who sees which assessment (policy.py has the rows restrict() applies):
- town staff see every assessment under their node, at every step; the county sees its towns';
- a village secretary sees their own village at every step, and the other villages of the town only
  once published (公示/命名): a result in publicity is public town-wide, an unpublished score is not;
- grid workers and department staff see the published results of their town;
- residents and party members see the published results of their own village (Assessment.own_q).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditEntry
from gridgov.core.scoping import PERSONAL_ROLES, VIEW, restrict
from gridgov.org import names
from gridgov.org import queries as org_queries
from gridgov.org.models import Grid, Region

from . import scoring
from .models import PUBLIC_STATES, Assessment, Scheme

prefixes = org_queries.path_prefixes  # the paths of every node above and at a path


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_assessments(user) -> QuerySet:
    own = restrict(user, VIEW, Assessment.objects.all())
    if not _active(user) or user.is_superuser or user.role in PERSONAL_ROLES or not user.scope_path:
        return own
    public = Assessment.objects.filter(state__in=PUBLIC_STATES, town_path__in=prefixes(user.scope_path))
    return own | public


def visible_schemes(user) -> QuerySet:
    """Schemes under the user's node, and the scheme of the town the user works or lives in: the rules
    of the game are not secret to those they apply to."""
    own = restrict(user, VIEW, Scheme.objects.all())
    if not _active(user) or user.is_superuser or not user.scope_path:
        return own
    return own | Scheme.objects.filter(path__in=prefixes(user.scope_path))


def scheme_for(user, year: int, code: str | None = None) -> Scheme | None:
    schemes = visible_schemes(user).filter(year=year)
    if code:
        node = org_queries.scope_node(user, code, above=True)
        if node is None:
            return None
        # The town of the node: the node itself or the town above it.
        schemes = schemes.filter(path__in=prefixes(node.path)) | schemes.filter(path__startswith=node.path)
    found = list(schemes.select_related("town").order_by("path")[:2])
    return found[0] if len(found) == 1 else None


def scope_region(user, code: str | None) -> Region | Grid | None:
    """The region or grid `code` if the user may see it or lives under it (org.queries.scope_node); by
    default the user's town. A town or village grid stands for its region, whose path it shares."""
    if not code:
        # By default the town the user works in (or the county above it): a village's ranking is the town's.
        if not _active(user) or not user.scope_path:
            return None
        return (Region.objects.filter(path__in=prefixes(user.scope_path), level__lte=Region.Level.TOWN)
                .order_by("-level").first())
    node = org_queries.scope_node(user, code, above=True)
    if isinstance(node, Grid) and node.level < Grid.Level.SMALL:
        return node.region
    return node


def board(user, period: str, region: Region | Grid | None) -> list[Assessment]:
    """The assessments of `period` the user may see under `region` (a small grid holds none), ranked
    within their town by scoring.rank_key (total desc, stars earned desc, village code asc); `rank` is set on each."""
    qs = visible_assessments(user).filter(period=period).select_related("village", "scheme")
    if region is not None:
        if isinstance(region, Region) and region.level <= Region.Level.TOWN:
            qs = qs.filter(town_path__startswith=region.path)
        else:
            qs = qs.filter(path__startswith=region.path)
    rows = list(qs)
    return rank(rows)


def rank(rows: list[Assessment]) -> list[Assessment]:
    by_town: dict[str, list[Assessment]] = {}
    for a in rows:
        by_town.setdefault(a.town_path, []).append(a)
    out = []
    for town_path in sorted(by_town):
        ranked = sorted(by_town[town_path], key=lambda a: scoring.rank_key(
            {"total": a.total, "stars_earned": a.stars_earned, "village_code": a.village.code}))
        for position, a in enumerate(ranked, start=1):
            a.rank = position
        out.extend(ranked)
    return out


def star_rows(assessment: Assessment) -> list[dict]:
    """Per star: its figures with the scheme's name, threshold and maximum (stars prefetched or one query)."""
    figures = assessment.figures.get("stars", {})
    rows = []
    for star in assessment.scheme.stars.all():
        f = figures.get(star.code, {})
        rows.append({"code": star.code, "name": star.name, "threshold": star.threshold,
                     "score": Decimal(f.get("score", "0")), "earned": bool(f.get("earned")),
                     "vetoed": bool(f.get("vetoed")), "nominated": star.code in (assessment.nominated or [])})
    return rows


def score_rows(assessment: Assessment) -> list:
    return list(assessment.scores.select_related("indicator__star").order_by("indicator__star__order",
                                                                                "indicator__order"))


def weak_indicators(scores, limit: int = 5) -> list:
    """The indicators that pull the village down most: the most points left on the table."""
    return sorted((s for s in scores if s.points < s.indicator.max_points),
                  key=lambda s: (-(s.indicator.max_points - s.points), s.indicator.star.order, s.indicator.order))[:limit]


def lacks(assessment: Assessment, scores=None) -> list[dict]:
    """For each star not earned: the points still needed, the vetoes in the way and the indicators with the
    most room, nearest star first (what the village lacks for its next star)."""
    scores = scores if scores is not None else score_rows(assessment)
    vetoes: dict[str, list] = {}
    for flag in assessment.vetoes.select_related("item__star"):
        vetoes.setdefault(flag.item.star.code, []).append(flag)
    out = []
    for row in star_rows(assessment):
        if row["earned"]:
            continue
        gap = max(row["threshold"] - row["score"], Decimal(0))
        room = [s for s in weak_indicators([s for s in scores if s.indicator.star.code == row["code"]], limit=3)]
        out.append({**row, "gap": scoring.money(gap), "veto_flags": vetoes.get(row["code"], []), "room": room})
    out.sort(key=lambda r: (bool(r["veto_flags"]), r["gap"], r["code"]))
    return out


LEDGER_LABELS = {
    "stars.assessment.open": _("Opened for the quarter"),
    "stars.score.self": _("Self-assessed an indicator"),
    "stars.submit": _("Submitted, stars nominated"),
    "stars.score.adjust": _("The town changed an indicator"),
    "stars.review": _("Reviewed by the town"),
    "stars.confirm": _("Confirmed by the county"),
    "stars.publish": _("Published"),
    "stars.object": _("Objection raised"),
    "stars.answer": _("Objection answered"),
    "stars.name": _("Named"),
    "stars.entry.add": _("Reward or penalty"),
    "stars.veto": _("Veto applied"),
}


def ledger(assessment: Assessment) -> list[AuditEntry]:
    """Every recorded step of the assessment (台账: self-assessment, rewards and penalties, vetoes,
    review, confirmation, publicity, objections and answers, naming), oldest first, each with a label
    and the gist of what changed."""
    rows = list(AuditEntry.objects.filter(object_type="stars.assessment", object_id=str(assessment.pk))
                .select_related("actor", *names.related("actor")).order_by("pk"))
    for row in rows:
        row.label = LEDGER_LABELS.get(row.action, row.action)
        # Who took the step by name and post, and the system as the system (not 'system').
        row.actor_label = names.actor_label(row.actor_name, row.actor)
        after = row.after or {}
        row.gist = " ".join(str(after[k]) for k in ("points", "self_points", "adjust_reason", "reason", "text",
                                                    "answer", "evidence") if after.get(k) not in (None, ""))[:200]
    return rows


def trends(user, region: Region | None, periods: list[str]) -> dict:
    """{"periods": [...], "rows": [{"village", "cells": [assessment or None per period]}]}."""
    qs = visible_assessments(user).filter(period__in=periods).select_related("village")
    if region is not None:
        qs = qs.filter(town_path__startswith=region.path) if region.level <= Region.Level.TOWN \
            else qs.filter(path__startswith=region.path)
    table: dict[str, dict] = {}
    villages = {}
    for a in qs:
        villages[a.village.code] = a.village
        table.setdefault(a.village.code, {})[a.period] = a
    rows = [{"village": villages[code], "cells": [table[code].get(p) for p in periods]} for code in sorted(table)]
    return {"periods": periods, "rows": rows}


def recent_periods(period: str, n: int = 4) -> list[str]:
    out = [period]
    while len(out) < n:
        out.insert(0, scoring.previous_period(out[0]))
    return out
