"""Every write of the five-star scheme: schemes, quarterly assessments and their steps, rewards and
penalties, vetoes, objections, incomes and mentor pairs. Each runs in a transaction, checks first,
and writes an audit row; a refusal raises StarError and writes nothing.

The quarterly process (one explicit table, TRANSITIONS):
  submit   draft     -> submitted  the village secretary self-assesses and nominates stars (自评荐星)
  review   submitted -> reviewed   the town adjusts points with reasons (党委评星)
  confirm  reviewed  -> confirmed  a town administrator scoped to the county above the town (复核定星)
  publish  confirmed -> published the town publishes for the scheme's publicity days (公示)
  object   published             someone of the village objects during publicity
  answer   published/named       the town answers an objection
  name     published -> named     after the publicity window, every objection answered (命名)
Metric figures are computed and frozen at `submit` with the records they came from; after `review`
the figures no longer change.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gridgov.core import audit, clock
from gridgov.core.scoping import TOWN_ADMIN, VILLAGE_SECRETARY
from gridgov.org.models import Region

from . import metrics, scoring
from .models import (Assessment, Entry, EvidenceFile, Income, Indicator, MentorPair, Method, Objection, Scheme,
                     Score, Star, State, VetoFlag, VetoItem)


class StarError(Exception):
    """A refused write: 409 wrong state or time, 403 a role that may not, 404 out of scope, 400 bad input."""

    def __init__(self, message, status: int = 409, field: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.field = field


TRANSITIONS = {
    "submit": ({State.DRAFT}, State.SUBMITTED),
    "review": ({State.SUBMITTED}, State.REVIEWED),
    "confirm": ({State.REVIEWED}, State.CONFIRMED),
    "publish": ({State.CONFIRMED}, State.PUBLISHED),
    "object": ({State.PUBLISHED}, None),
    "answer": ({State.PUBLISHED, State.NAMED}, None),
    "name": ({State.PUBLISHED}, State.NAMED),
}
ACTION_LABELS = {
    "submit": pgettext_lazy("stars action", "submit the self-assessment"),
    "review": pgettext_lazy("stars action", "review"),
    "confirm": pgettext_lazy("stars action", "confirm"),
    "publish": pgettext_lazy("stars action", "publish"),
    "object": pgettext_lazy("stars action", "object"),
    "answer": pgettext_lazy("stars action", "answer"),
    "name": pgettext_lazy("stars action", "name"),
}
# While the quarter is open for records: rewards, penalties and vetoes may still be added.
OPEN_STATES = {State.DRAFT, State.SUBMITTED}


def _covers(user, path: str) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or (user.scope_path and path.startswith(user.scope_path))))


def _check_state(assessment: Assessment, action: str) -> None:
    allowed, _target = TRANSITIONS[action]
    if assessment.state not in allowed:
        raise StarError(_("This assessment is %(state)s; %(action)s is not possible now.") % {
            "state": assessment.get_state_display(), "action": ACTION_LABELS[action]})


def _require(user, assessment: Assessment, role: str, message) -> None:
    if not _covers(user, assessment.path):
        raise StarError(_("No such assessment."), status=404)
    if not user.is_superuser and user.role != role:
        raise StarError(message, status=403)


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StarError(_("Enter a number."), status=400, field=field) from None
    if not number.is_finite():
        raise StarError(_("Enter a number."), status=400, field=field)
    return number


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("scheme", "village").get(pk=assessment.pk)


# --- schemes ---------------------------------------------------------------------------------------------

def do_create_scheme(actor, town: Region, year: int, name: str, stars: list[dict], levels: list[dict] | None = None,
                     publicity_days: int = 5) -> Scheme:
    """A scheme from a spec: stars [{"code", "name", "threshold", "indicators": [{"code", "name",
    "max_points", "method", "config"}], "vetoes": [{"code", "name"}]}]."""
    if town.level != Region.Level.TOWN:
        raise StarError(_("A scheme belongs to a town."), status=400, field="town")
    if actor is not None and not _covers(actor, town.path):
        raise StarError(_("No such town."), status=404)
    if Scheme.objects.filter(town=town, year=year).exists():
        raise StarError(_("%(town)s already has a scheme for %(year)s.") % {"town": town.name, "year": year},
                        field="year")
    levels = clean_levels(levels, len(stars)) if levels else Scheme._meta.get_field("levels").get_default()
    with transaction.atomic():
        scheme = Scheme.objects.create(town=town, year=year, name=name, levels=levels,
                                       publicity_days=publicity_days, path=town.path)
        for order, spec in enumerate(stars):
            star = Star.objects.create(scheme=scheme, code=spec["code"], name=spec["name"], order=order,
                                       threshold=_decimal(spec["threshold"], "threshold"))
            ceiling = Decimal(0)
            for i_order, ind in enumerate(spec.get("indicators", [])):
                method = ind.get("method", Method.MANUAL)
                config = ind.get("config") or {}
                if method not in Method.values:
                    raise StarError(_("Unknown scoring method %(method)s.") % {"method": method}, 400, "method")
                if method == Method.METRIC and metrics.source(config.get("source", "")) is None:
                    raise StarError(_("Unknown metric source %(source)s.") % {"source": config.get("source")},
                                    400, "source")
                max_points = _decimal(ind["max_points"], "max_points")
                if max_points <= 0:
                    raise StarError(_("Max points must be more than 0."), 400, "max_points")
                ceiling += max_points
                Indicator.objects.create(star=star, code=ind["code"], name=ind["name"], order=i_order,
                                         max_points=max_points, method=method, config=config)
            if star.threshold > ceiling:
                raise StarError(_("The threshold of %(star)s is more than its indicators can give.") % {
                    "star": star.name}, 400, "threshold")
            for veto in spec.get("vetoes", []):
                VetoItem.objects.create(star=star, code=veto["code"], name=veto["name"])
        audit.record("stars.scheme.create", scheme, after=audit.snapshot(scheme), actor=actor)
    return scheme


def do_copy_scheme(actor, scheme: Scheme, year: int, name: str | None = None) -> Scheme:
    """Next year's scheme as a copy of this one (stars, indicators, vetoes, levels), to be adjusted."""
    spec = [{"code": star.code, "name": star.name, "threshold": star.threshold,
             "indicators": [{"code": i.code, "name": i.name, "max_points": i.max_points, "method": i.method,
                             "config": i.config} for i in star.indicators.all()],
             "vetoes": [{"code": v.code, "name": v.name} for v in star.vetoes.all()]}
            for star in scheme.stars.all()]
    if not name:
        name = scheme.name.replace(str(scheme.year), str(year)) if str(scheme.year) in scheme.name \
            else f"{scheme.name} {year}"
    return do_create_scheme(actor, scheme.town, year, name, spec, levels=scheme.levels,
                            publicity_days=scheme.publicity_days)


def do_update_scheme(actor, scheme: Scheme, thresholds: dict[str, object] | None = None,
                     levels: list[dict] | None = None, publicity_days: int | None = None) -> Scheme:
    """Change the points each star needs, the level mapping or the publicity days. Thresholds and levels
    are fixed once a village has submitted (they decide its stars); publicity days may always change."""
    if not _covers(actor, scheme.path) or (not actor.is_superuser and actor.role != TOWN_ADMIN):
        raise StarError(_("No such scheme."), status=404)
    locked = scheme_locked(scheme)
    with transaction.atomic():
        before = audit.snapshot(scheme)
        for star in scheme.stars.all():
            if thresholds and star.code in thresholds:
                value = _decimal(thresholds[star.code], f"threshold_{star.code}")
                if locked and value != star.threshold:
                    raise StarError(_("A village has submitted under this scheme: thresholds and levels can no "
                                      "longer change."))
                ceiling = sum((i.max_points for i in star.indicators.all()), Decimal(0))
                if value < 0 or value > ceiling:
                    raise StarError(_("The threshold of %(star)s must be between 0 and %(max)s.") % {
                        "star": star.name, "max": ceiling}, 400, f"threshold_{star.code}")
                if value != star.threshold:
                    star_before = audit.snapshot(star)
                    star.threshold = value
                    star.save(update_fields=["threshold"])
                    audit.record("stars.star.update", star, *audit.diff(star_before, audit.snapshot(star)), actor=actor)
        if levels is not None:
            levels = clean_levels(levels, scheme.stars.count())
            if locked and levels != _normal_levels(scheme.levels):
                raise StarError(_("A village has submitted under this scheme: thresholds and levels can no "
                                  "longer change."))
            scheme.levels = levels
        if publicity_days is not None:
            if not 1 <= int(publicity_days) <= 60:
                raise StarError(_("Publicity lasts 1 to 60 days."), 400, "publicity_days")
            scheme.publicity_days = int(publicity_days)
        scheme.save()
        audit.record("stars.scheme.update", scheme, *audit.diff(before, audit.snapshot(scheme)), actor=actor)
        for a in scheme.assessments.filter(state=State.DRAFT):
            _refresh_figures(a)
    return scheme


def _normal_levels(levels: list[dict]) -> list[dict]:
    """Levels best first, with numbers as numbers (a form sends "90", the data says 90)."""
    def number(value):
        value = _decimal(value if value not in (None, "") else 0, "levels")
        return int(value) if value == value.to_integral_value() else float(value)

    out = []
    for entry in levels:
        item = {"min_total": number(entry.get("min_total", 0)), "label": str(entry.get("label", "")).strip()}
        if entry.get("min_stars") not in (None, "", 0, "0"):
            item["min_stars"] = int(number(entry["min_stars"]))
        out.append(item)
    return sorted(out, key=lambda e: (-e["min_total"], -e.get("min_stars", 0)))


def clean_levels(levels: list[dict], star_count: int) -> list[dict]:
    """The level mapping as it is stored: best first (the first level whose points and stars a village
    reaches names it, so levels entered worst first would name 95 points 二星), each with a label, points
    within 0..100 (a complete scheme is a 100-point system) and 0..star_count stars; a better level asks
    strictly more than the next one, so no two levels ask for the same points and stars (the second
    could never be reached)."""
    levels = _normal_levels(levels)
    for entry in levels:
        if not entry["label"]:
            raise StarError(_("Every level needs a label."), 400, "levels")
        if not 0 <= entry["min_total"] <= 100:
            raise StarError(_("Levels: %(label)s asks for %(total)s points; a level asks for 0 to 100 points.") % {
                "label": entry["label"], "total": entry["min_total"]}, 400, "levels")
        if not 0 <= entry.get("min_stars", 0) <= star_count:
            raise StarError(_("A level asks for 0 to %(n)s stars.") % {"n": star_count}, 400, "levels")
    for better, worse in zip(levels, levels[1:]):
        if (better["min_total"], better.get("min_stars", 0)) == (worse["min_total"], worse.get("min_stars", 0)):
            raise StarError(_("Levels: %(first)s and %(second)s ask for the same points and stars; each level "
                              "needs more than the level below it.") % {"first": better["label"],
                                                                      "second": worse["label"]}, 400, "levels")
    return levels


def scheme_locked(scheme: Scheme) -> bool:
    """Indicators are fixed once a village of the scheme has submitted: the rules do not change mid-game."""
    return scheme.assessments.exclude(state=State.DRAFT).exists()


def parse_brackets(text: str) -> list[list]:
    """"100000:6, 200000:9" -> [[100000, 6], [200000, 9]]."""
    out = []
    for part in (text or "").replace("，", ",").replace("：", ":").split(","):
        if not part.strip():
            continue
        threshold, _sep, points = part.partition(":")
        out.append([float(_decimal(threshold, "brackets")), float(_decimal(points, "brackets"))])
    if not out:
        raise StarError(_("Give brackets like 100000:6, 200000:9."), 400, "brackets")
    return sorted(out)


def do_update_indicator(actor, indicator: Indicator, name: str | None = None, max_points=None,
                        config: dict | None = None) -> Indicator:
    """Change an indicator's name, maximum or how it is scored, while no village has submitted."""
    scheme = indicator.star.scheme
    if not _covers(actor, scheme.path) or (not actor.is_superuser and actor.role != TOWN_ADMIN):
        raise StarError(_("No such scheme."), status=404)
    if scheme_locked(scheme):
        raise StarError(_("A village has submitted under this scheme: its indicators can no longer change."))
    with transaction.atomic():
        before = audit.snapshot(indicator)
        if name is not None:
            if not name.strip():
                raise StarError(_("Every indicator needs a name."), 400, "name")
            indicator.name = name.strip()[:100]
        if max_points is not None:
            value = _decimal(max_points, "max_points")
            if value <= 0:
                raise StarError(_("Max points must be more than 0."), 400, "max_points")
            indicator.max_points = scoring.money(value)
        if config is not None:
            merged = {**indicator.config, **config}
            if "categories" in config:
                merged.pop("categories")
                found = metrics.source(indicator.config.get("source", ""))
                categories = clean_categories(config["categories"])
                if found is not None and "categories" in found.options and categories:
                    merged["categories"] = categories  # none chosen: the setting's family, as before
            if indicator.method == Method.METRIC:
                if merged.get("map") == "linear":
                    floor, target = _decimal(merged.get("floor", 0), "floor"), _decimal(merged.get("target", 1), "target")
                    if target <= floor:
                        raise StarError(_("The target must be above the floor."), 400, "target")
                    merged["floor"], merged["target"] = float(floor), float(target)
            elif indicator.method == Method.DYNAMIC:
                merged["base"] = float(_decimal(merged.get("base", 0), "base"))
            indicator.config = merged
        indicator.save()
        star = indicator.star
        ceiling = sum((i.max_points for i in star.indicators.all()), Decimal(0))
        if star.threshold > ceiling:
            raise StarError(_("The threshold of %(star)s is more than its indicators can give.") % {"star": star.name},
                            400, "max_points")
        # On the scheme, like adding and removing: the indicator has no org path, the town's audit log would miss it.
        changed_before, changed_after = audit.diff(before, audit.snapshot(indicator))
        audit.record("stars.indicator.update", scheme, {"indicator_id": indicator.pk, **changed_before},
                     {"indicator_id": indicator.pk, **changed_after}, actor=actor)
        for a in scheme.assessments.filter(state=State.DRAFT):
            if indicator.method == Method.MANUAL:
                a.scores.filter(indicator=indicator, self_points__gt=indicator.max_points).update(
                    self_points=indicator.max_points)
            recompute(a, refresh_metrics=indicator.method == Method.METRIC)
    return indicator


def do_add_veto_item(actor, star: Star, name: str) -> VetoItem:
    scheme = star.scheme
    if not _covers(actor, scheme.path) or (not actor.is_superuser and actor.role != TOWN_ADMIN):
        raise StarError(_("No such scheme."), status=404)
    if not (name or "").strip():
        raise StarError(_("Name the veto item."), 400, "veto")
    with transaction.atomic():
        # The next free number: after a removal the count alone would give an existing item's code again.
        codes = set(star.vetoes.values_list("code", flat=True))
        n = len(codes) + 1
        while f"{star.code}.v{n}" in codes:
            n += 1
        code = f"{star.code}.v{n}"
        item = VetoItem.objects.create(star=star, code=code, name=name.strip()[:200])
        audit.record("stars.veto_item.add", scheme, after=audit.snapshot(item), actor=actor)
    return item


def _require_scheme_admin(actor, scheme: Scheme) -> None:
    """Outside the town: as if the scheme did not exist; inside it, only a town administrator edits."""
    if not _covers(actor, scheme.path):
        raise StarError(_("No such scheme."), status=404)
    if not actor.is_superuser and actor.role != TOWN_ADMIN:
        raise StarError(_("Only the town administrator changes the scheme."), status=403)


def _lock_scheme(scheme: Scheme) -> None:
    """Serialise an edit of the scheme's contents with other edits (distinct codes) and with submissions:
    do_submit locks its assessment row, so once these locks are held no village submits until the edit
    commits, and a village that submitted first is seen by the check that follows."""
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    list(Assessment.objects.select_for_update().filter(scheme=scheme).order_by("pk").values_list("pk", flat=True))


def _require_open_scheme(scheme: Scheme) -> None:
    if scheme_locked(scheme):
        raise StarError(_("A village has submitted under this scheme: its indicators can no longer change."))


def clean_categories(codes) -> list[str]:
    """Main case categories (大类) chosen by code for a metric that reads them; unknown codes refused."""
    from gridgov.cases.models import Category

    if isinstance(codes, str):
        codes = codes.replace("，", ",").split(",")
    codes = list(dict.fromkeys(str(code).strip() for code in codes or [] if str(code).strip()))
    known = set(Category.objects.filter(level=1, code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise StarError(_("Case categories: %(codes)s is not a main case category.") % {"codes": "、".join(unknown)},
                        400, "categories")
    return codes


def clean_indicator_config(method: str, config: dict, max_points: Decimal) -> dict:
    """How a new indicator is scored, checked and with numbers as numbers (see models.Indicator)."""
    config = dict(config or {})
    if method == Method.MANUAL:
        return {}
    if method == Method.DYNAMIC:
        base = _decimal(config.get("base") if config.get("base") not in (None, "") else 0, "base")
        if base < 0 or base > max_points:
            raise StarError(_("The base must be between 0 and %(max)s.") % {"max": max_points}, 400, "base")
        return {"base": float(base)}
    if method != Method.METRIC:
        raise StarError(_("Unknown scoring method %(method)s.") % {"method": method}, 400, "method")
    source = str(config.get("source") or "")
    if metrics.source(source) is None:
        raise StarError(_("Unknown metric source %(source)s.") % {"source": source or "—"}, 400, "source")
    options = {}
    if "categories" in metrics.source(source).options and clean_categories(config.get("categories")):
        options["categories"] = clean_categories(config.get("categories"))
    mapping = config.get("map") or "linear"
    if mapping == "linear":
        floor = _decimal(config.get("floor") if config.get("floor") not in (None, "") else 0, "floor")
        target = _decimal(config.get("target") if config.get("target") not in (None, "") else 1, "target")
        if target <= floor:
            raise StarError(_("The target must be above the floor."), 400, "target")
        return {"source": source, **options, "map": "linear", "floor": float(floor), "target": float(target)}
    if mapping == "brackets":
        brackets = config.get("brackets")
        brackets = parse_brackets(brackets) if isinstance(brackets, str) or not brackets else sorted(
            [float(_decimal(t, "brackets")), float(_decimal(p, "brackets"))] for t, p in brackets)
        return {"source": source, **options, "map": "brackets", "brackets": brackets}
    if mapping == "score":
        return {"source": source, **options, "map": "score"}
    raise StarError(_("Map a metric linearly, by brackets or by the source's score."), 400, "map")


def do_add_indicator(actor, star: Star, name: str, max_points, method: str, config: dict | None = None) -> Indicator:
    """A new indicator on a star while no village has submitted. Drafts already opened get its score at
    once (a dynamic one at its base, a metric one from the records), so every village is scored alike."""
    scheme = star.scheme
    _require_scheme_admin(actor, scheme)
    name = (name or "").strip()
    if not name:
        raise StarError(_("Every indicator needs a name."), 400, "name")
    value = _decimal(max_points, "max_points")
    if value <= 0:
        raise StarError(_("Max points must be more than 0."), 400, "max_points")
    value = scoring.money(value)
    if method not in Method.values:
        raise StarError(_("Unknown scoring method %(method)s.") % {"method": method}, 400, "method")
    config = clean_indicator_config(method, config or {}, value)
    with transaction.atomic():
        _lock_scheme(scheme)
        _require_open_scheme(scheme)
        existing = list(star.indicators.values_list("code", "order"))
        codes = {code for code, _order in existing}
        n = len(existing) + 1
        while f"{star.code}.{n}" in codes:
            n += 1
        indicator = Indicator.objects.create(star=star, code=f"{star.code}.{n}", name=name[:100],
                                             order=max((o for _c, o in existing), default=-1) + 1,
                                             max_points=value, method=method, config=config)
        # On the scheme: it carries the town's path, so the entry shows in the town's scoped audit log.
        audit.record("stars.indicator.add", scheme, after={"indicator_id": indicator.pk, **audit.snapshot(indicator)},
                     actor=actor)
        for a in scheme.assessments.filter(state=State.DRAFT).select_related("scheme", "village"):
            Score.objects.create(assessment=a, indicator=indicator,
                                 points=scoring.dynamic_points(config, value, []) if method == Method.DYNAMIC else 0)
            recompute(a, refresh_metrics=method == Method.METRIC)
    return indicator


def do_remove_indicator(actor, indicator: Indicator) -> None:
    """Take an indicator off its star while no village has submitted. The star's indicators must still
    give the points it needs (the rule of do_update_indicator), and an indicator with rewards, penalties
    or evidence recorded against it stays: removing it would erase those records."""

    scheme = indicator.star.scheme
    _require_scheme_admin(actor, scheme)
    with transaction.atomic():
        _lock_scheme(scheme)
        _require_open_scheme(scheme)
        star = Star.objects.get(pk=indicator.star_id)  # its threshold as it stands now, not as first loaded
        if Entry.objects.filter(indicator=indicator).exists() \
                or EvidenceFile.objects.filter(indicator=indicator).exists():
            raise StarError(_("Rewards, penalties or evidence were recorded for %(name)s: it cannot be removed.") % {
                "name": indicator.name})
        ceiling = sum((i.max_points for i in star.indicators.exclude(pk=indicator.pk)), Decimal(0))
        if star.threshold > ceiling:
            raise StarError(_("Without %(name)s the indicators of %(star)s give %(max)s points, less than the "
                              "%(threshold)s it needs: lower its threshold first.") % {
                "name": indicator.name, "star": star.name, "max": ceiling, "threshold": star.threshold},
                400, "indicator")
        before = {"indicator_id": indicator.pk, **audit.snapshot(indicator)}
        drafts = list(scheme.assessments.filter(state=State.DRAFT).select_related("scheme", "village"))
        indicator.delete()  # its scores in the drafts go with it
        audit.record("stars.indicator.remove", scheme, before=before, actor=actor)
        for a in drafts:
            recompute(a)


def do_remove_veto_item(actor, item: VetoItem) -> None:
    """Take a veto item off its star while no village has submitted and none has been vetoed by it."""
    scheme = item.star.scheme
    _require_scheme_admin(actor, scheme)
    with transaction.atomic():
        _lock_scheme(scheme)
        _require_open_scheme(scheme)
        if VetoFlag.objects.filter(item=item).exists():
            raise StarError(_("%(name)s was applied to a village: it cannot be removed.") % {"name": item.name})
        before = {"veto_item_id": item.pk, **audit.snapshot(item)}
        item.delete()
        audit.record("stars.veto_item.remove", scheme, before=before, actor=actor)


SCHEME_STARTS = ("blank", "defaults", "copy")


def do_start_scheme(actor, town: Region, year, name: str, start: str = "blank") -> Scheme:
    """A town administrator creates the year's scheme on the web: the five standard stars with no
    indicators yet ("blank"), the complete default scheme ("defaults"), or a copy of last year's ("copy")."""
    from . import defaults

    if town.level != Region.Level.TOWN:
        raise StarError(_("A scheme belongs to a town."), status=400, field="town")
    if not _covers(actor, town.path):
        raise StarError(_("No such town."), status=404)
    if not actor.is_superuser and actor.role != TOWN_ADMIN:
        raise StarError(_("Only the town administrator changes the scheme."), status=403)
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise StarError(_("Enter a year such as 2026."), 400, "year") from None
    if not 2000 <= year <= 2100:
        raise StarError(_("Enter a year such as 2026."), 400, "year")
    name = (name or "").strip()[:100]
    if not name:
        raise StarError(_("Name the scheme."), 400, "name")
    if start == "copy":
        previous = Scheme.objects.filter(town=town, year=year - 1).first()
        if previous is None:
            raise StarError(_("%(town)s has no scheme for %(year)s to copy.") % {"town": town.name, "year": year - 1},
                            400, "start")
        return do_copy_scheme(actor, previous, year, name=name)
    if start == "defaults":
        return do_create_scheme(actor, town, year, name, defaults.scheme_spec())
    if start == "blank":
        return do_create_scheme(actor, town, year, name, defaults.blank_spec())
    raise StarError(_("Start from the five stars, the default scheme or last year's."), 400, "start")


# --- assessments -----------------------------------------------------------------------------------------

def do_open_quarter(actor, scheme: Scheme, period: str) -> list[Assessment]:
    """A draft assessment for every village of the scheme's town that has none for the quarter."""
    try:
        year, _quarter = scoring.parse_period(period)
    except scoring.PeriodError:
        raise StarError(_("A period looks like 2026Q3."), 400, "period") from None
    if year != scheme.year:
        raise StarError(_("The period is not in the scheme's year."), 400, "period")
    if actor is not None and (not _covers(actor, scheme.path) or (not actor.is_superuser and actor.role != TOWN_ADMIN)):
        raise StarError(_("No such scheme."), status=404)
    indicators = list(Indicator.objects.filter(star__scheme=scheme))
    # A scheme built up on the web may still be unfinished: no village is scored on a half-made scheme.
    for star in scheme.stars.all():
        if not any(i.star_id == star.pk for i in indicators):
            raise StarError(_("%(star)s has no indicators yet: add them to the scheme before opening a quarter.") % {
                "star": star.name})
        if star.threshold <= 0:
            raise StarError(_("Set the points needed for %(star)s before opening a quarter.") % {"star": star.name})
    opened = []
    with transaction.atomic():
        villages = Region.objects.filter(parent=scheme.town, level=Region.Level.VILLAGE).order_by("code")
        have = set(Assessment.objects.filter(scheme=scheme, period=period).values_list("village_id", flat=True))
        for village in villages:
            if village.pk in have:
                continue
            assessment = Assessment.objects.create(scheme=scheme, village=village, period=period, path=village.path,
                                                   town_path=scheme.path)
            Score.objects.bulk_create([Score(assessment=assessment, indicator=i,
                                             points=scoring.dynamic_points(i.config, i.max_points, [])
                                             if i.method == Method.DYNAMIC else 0) for i in indicators])
            recompute(assessment, refresh_metrics=True)
            audit.record("stars.assessment.open", assessment, after=audit.snapshot(assessment), actor=actor)
            opened.append(assessment)
    return opened


def score_metric(indicator: Indicator, village: Region, period: str) -> dict:
    """Run the indicator's source over the quarter: {"value", "points", "records"} (not saved)."""
    since, until = scoring.period_bounds(period)
    found = metrics.source(indicator.config.get("source", ""))
    if found is None:
        return {"value": None, "points": Decimal("0.00"), "records": {"missing_source": indicator.config.get("source")}}
    result = found.compute(village, since, until, indicator.config)
    # Rounded to what the value column keeps before anything is derived from it, so points worked out
    # again from the stored value (or from the records later) are the same points.
    value = scoring.stored_value(result.get("value"))
    points = scoring.points_from_value(indicator.config, indicator.max_points, value, result.get("score"))
    return {"value": value, "points": points,
            "records": {**result.get("records", {}), "source": found.code, "value": None if value is None else str(value),
                        "score": result.get("score")}}


def _rescore(assessment: Assessment, refresh_metrics: bool) -> None:
    """Bring each score up to date from the records: metric values (when asked), dynamic entries, and
    manual points from the village's own figures while nobody has reviewed them."""
    entries: dict[int, list] = {}
    for indicator_id, points in assessment.entries.values_list("indicator_id", "points"):
        entries.setdefault(indicator_id, []).append(points)
    for score in assessment.scores.select_related("indicator"):
        indicator = score.indicator
        changed = []
        if indicator.method == Method.METRIC and refresh_metrics:
            result = score_metric(indicator, assessment.village, assessment.period)
            score.value, score.points, score.records = result["value"], result["points"], result["records"]
            changed = ["value", "points", "records"]
        elif indicator.method == Method.DYNAMIC:
            score.points = scoring.dynamic_points(indicator.config, indicator.max_points, entries.get(indicator.pk, []))
            score.records = {"kind": "entries", "base": str(indicator.config.get("base", 0)),
                             "entries": [str(p) for p in entries.get(indicator.pk, [])]}
            changed = ["points", "records"]
        elif indicator.method == Method.MANUAL:
            score.points = scoring.clamp(score.self_points or 0, indicator.max_points)
            changed = ["points"]
        if changed:
            score.save(update_fields=changed)


def _refresh_figures(assessment: Assessment) -> None:
    """Star scores, stars earned, total and level from the stored indicator points and veto flags."""
    stars = list(assessment.scheme.stars.all())
    points: dict[int, list] = {s.pk: [] for s in stars}
    for star_id, value in assessment.scores.values_list("indicator__star_id", "points"):
        points[star_id].append(value)
    vetoed = set(assessment.vetoes.values_list("item__star_id", flat=True))
    figures = scoring.star_figures([{"code": s.code, "threshold": s.threshold, "points": points[s.pk],
                                     "vetoed": s.pk in vetoed} for s in stars])
    assessment.figures = {"stars": figures["stars"]}
    assessment.total = Decimal(figures["total"])
    assessment.stars_earned = figures["stars_earned"]
    assessment.level = scoring.level_for(assessment.scheme.levels, assessment.total, assessment.stars_earned)
    assessment.save(update_fields=["figures", "total", "stars_earned", "level"])


def recompute(assessment: Assessment, refresh_metrics: bool = False) -> Assessment:
    """Figures again from the stored records (and the sources, when asked); changes nothing once reviewed."""
    if assessment.state in OPEN_STATES:
        _rescore(assessment, refresh_metrics)
    _refresh_figures(assessment)
    return assessment


def verify(assessment: Assessment) -> list[dict]:
    """Each metric figure computed again from the records as they stand now, against the stored one:
    the differences (a case reopened after submission, an income corrected) as
    [{"indicator", "stored_value", "value", "stored_points", "points"}]. Writes nothing."""
    out = []
    for score in assessment.scores.select_related("indicator").filter(indicator__method=Method.METRIC):
        again = score_metric(score.indicator, assessment.village, assessment.period)
        if (again["value"], again["points"]) != (score.value, score.points):
            out.append({"indicator": score.indicator.code, "stored_value": score.value, "value": again["value"],
                        "stored_points": score.points, "points": again["points"]})
    return out


def do_self_assess(actor, assessment: Assessment, scores: dict[int, tuple[object, str]]) -> Assessment:
    """The village enters the points of its manual indicators with evidence: {indicator_id: (points, evidence)}."""
    _require(actor, assessment, VILLAGE_SECRETARY, _("Only the village secretary self-assesses."))
    with transaction.atomic():
        assessment = _lock(assessment)
        if assessment.state != State.DRAFT:
            raise StarError(_("The self-assessment was already submitted."))
        by_indicator = {s.indicator_id: s for s in assessment.scores.select_related("indicator")}
        for indicator_id, (points, evidence) in scores.items():
            score = by_indicator.get(int(indicator_id))
            if score is None or score.indicator.method != Method.MANUAL:
                raise StarError(_("Only indicators entered with evidence are self-assessed."), 400, "indicator")
            if points in (None, ""):
                continue
            value = _decimal(points, f"points_{indicator_id}")
            if value < 0 or value > score.indicator.max_points:
                raise StarError(_("%(name)s: points must be between 0 and %(max)s.") % {
                    "name": score.indicator.name, "max": score.indicator.max_points}, 400, f"points_{indicator_id}")
            before = audit.snapshot(score)
            score.self_points = scoring.money(value)
            score.evidence = (evidence or "").strip()
            score.save(update_fields=["self_points", "evidence"])
            audit.record("stars.score.self", assessment, *audit.diff(before, audit.snapshot(score)), actor=actor)
        # The records' figures as they stand, so the village sees where it is; frozen at submit.
        recompute(assessment, refresh_metrics=True)
    return assessment


def do_submit(actor, assessment: Assessment, nominated: list[str]) -> Assessment:
    """自评荐星: metrics are computed and frozen with their records; every nominated star must be earned."""
    _require(actor, assessment, VILLAGE_SECRETARY, _("Only the village secretary submits the self-assessment."))
    with transaction.atomic():
        assessment = _lock(assessment)
        _check_state(assessment, "submit")
        before = audit.snapshot(assessment)
        missing = [s.indicator.name for s in assessment.scores.select_related("indicator")
                   if s.indicator.method == Method.MANUAL and s.self_points is None]
        if missing:
            raise StarError(_("Enter points and evidence for: %(names)s.") % {"names": "、".join(missing)})
        recompute(assessment, refresh_metrics=True)
        codes = {s.code: s for s in assessment.scheme.stars.all()}
        for code in nominated:
            if code not in codes:
                raise StarError(_("Unknown star %(code)s.") % {"code": code}, 400, "stars")
            if not assessment.figures["stars"][code]["earned"]:
                raise StarError(_("%(star)s is not earned by the self-assessment and cannot be nominated.") % {
                    "star": codes[code].name}, field="stars")
        assessment.nominated = [c for c in codes if c in set(nominated)]
        assessment.state = State.SUBMITTED
        assessment.submitted_at = clock.now()
        assessment.save()
        audit.record("stars.submit", assessment, *audit.diff(before, audit.snapshot(assessment)), actor=actor)
    return assessment


def do_review(actor, assessment: Assessment, adjustments: list[dict], note: str = "") -> Assessment:
    """党委评星: the town sets any indicator's points; each change needs its reason. adjustments:
    [{"indicator": id, "points": x, "reason": "..."}]."""
    _require(actor, assessment, TOWN_ADMIN, _("Only the town reviews assessments."))
    with transaction.atomic():
        assessment = _lock(assessment)
        _check_state(assessment, "review")
        if actor.scope_path and not actor.is_superuser and assessment.town_path.startswith(actor.scope_path) \
                and actor.scope_path != assessment.town_path:
            raise StarError(_("The town reviews; the county confirms afterwards."), status=403)
        before = audit.snapshot(assessment)
        by_indicator = {s.indicator_id: s for s in assessment.scores.select_related("indicator")}
        for adj in adjustments:
            score = by_indicator.get(int(adj.get("indicator", 0)))
            if score is None:
                raise StarError(_("Unknown indicator."), 400, "indicator")
            value = _decimal(adj.get("points"), f"points_{score.indicator_id}")
            if value < 0 or value > score.indicator.max_points:
                raise StarError(_("%(name)s: points must be between 0 and %(max)s.") % {
                    "name": score.indicator.name, "max": score.indicator.max_points}, 400, f"points_{score.indicator_id}")
            value = scoring.money(value)
            if value == score.points:
                continue
            reason = (adj.get("reason") or "").strip()
            if not reason:
                raise StarError(_("%(name)s: give the reason for changing its points.") % {"name": score.indicator.name},
                                400, f"reason_{score.indicator_id}")
            score_before = audit.snapshot(score)
            score.points, score.adjust_reason = value, reason
            score.save(update_fields=["points", "adjust_reason"])
            audit.record("stars.score.adjust", assessment, *audit.diff(score_before, audit.snapshot(score)), actor=actor)
        assessment.state = State.REVIEWED
        assessment.reviewed_at = clock.now()
        assessment.review_note = (note or "").strip()
        assessment.save()
        _refresh_figures(assessment)
        audit.record("stars.review", assessment, *audit.diff(before, audit.snapshot(assessment)), actor=actor)
    return assessment


def is_county_over(user, assessment: Assessment) -> bool:
    """A town administrator scoped to a node above the town (the county's organisation department)."""
    return bool(user.scope_path) and assessment.town_path.startswith(user.scope_path) \
        and user.scope_path != assessment.town_path


def do_confirm(actor, assessment: Assessment, note: str = "") -> Assessment:
    """复核定星 by the county above the town."""
    _require(actor, assessment, TOWN_ADMIN, _("Only the county confirms assessments."))
    if not actor.is_superuser and not is_county_over(actor, assessment):
        raise StarError(_("Only the county confirms assessments."), status=403)
    return _step(actor, assessment, "confirm", confirmed_at=clock.now())


def do_publish(actor, assessment: Assessment, now: datetime.datetime | None = None) -> Assessment:
    """公示 for the scheme's publicity days."""
    _require(actor, assessment, TOWN_ADMIN, _("Only the town publishes results."))
    now = now or clock.now()
    return _step(actor, assessment, "publish", published_at=now,
                 publicity_until=now + datetime.timedelta(days=assessment.scheme.publicity_days))


def _step(actor, assessment: Assessment, action: str, **fields) -> Assessment:
    with transaction.atomic():
        assessment = _lock(assessment)
        _check_state(assessment, action)
        before = audit.snapshot(assessment)
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.state = TRANSITIONS[action][1]
        assessment.save()
        audit.record(f"stars.{action}", assessment, *audit.diff(before, audit.snapshot(assessment)), actor=actor)
    return assessment


def do_object(actor, assessment: Assessment, text: str, now: datetime.datetime | None = None) -> Objection:
    """An objection from someone of the village while the result is in publicity."""
    if not (actor and actor.is_authenticated and actor.scope_path and actor.scope_path.startswith(assessment.path)):
        raise StarError(_("Only people of the village can object to its result."), status=403)
    text = (text or "").strip()
    if not text:
        raise StarError(_("Say what the objection is."), 400, "text")
    now = now or clock.now()
    with transaction.atomic():
        assessment = _lock(assessment)
        _check_state(assessment, "object")
        if now >= assessment.publicity_until:
            raise StarError(_("The publicity period is over."))
        objection = Objection.objects.create(assessment=assessment, by=actor, text=text[:2000])
        audit.record("stars.object", assessment, after={"objection": objection.pk, "text": objection.text}, actor=actor)
    return objection


def do_answer(actor, objection: Objection, text: str) -> Objection:
    assessment = objection.assessment
    _require(actor, assessment, TOWN_ADMIN, _("Only the town answers objections."))
    text = (text or "").strip()
    if not text:
        raise StarError(_("Write the answer."), 400, "text")
    with transaction.atomic():
        _check_state(_lock(assessment), "answer")
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.answered_at:
            raise StarError(_("This objection was already answered."))
        objection.answer, objection.answered_by, objection.answered_at = text[:2000], actor, clock.now()
        objection.save()
        audit.record("stars.answer", assessment, after={"objection": objection.pk, "answer": objection.answer}, actor=actor)
    return objection


def check_name(assessment: Assessment, now: datetime.datetime) -> None:
    _check_state(assessment, "name")
    if now < assessment.publicity_until:
        raise StarError(_("The publicity period ends on %(date)s.") % {
            "date": timezone.localtime(assessment.publicity_until).strftime("%Y-%m-%d %H:%M")})
    if assessment.objections.filter(answered_at__isnull=True).exists():
        raise StarError(_("Answer every objection before naming."))


def do_name(actor, assessment: Assessment, now: datetime.datetime | None = None) -> Assessment:
    """命名 once the publicity window is over and every objection is answered."""
    if actor is not None:
        _require(actor, assessment, TOWN_ADMIN, _("Only the town names results."))
    now = now or clock.now()
    with transaction.atomic():
        assessment = _lock(assessment)
        check_name(assessment, now)
        before = audit.snapshot(assessment)
        assessment.state, assessment.named_at = State.NAMED, now
        assessment.save()
        audit.record("stars.name", assessment, *audit.diff(before, audit.snapshot(assessment)), actor=actor)
    return assessment


def name_due(now: datetime.datetime) -> int:
    """The worker's sweep: name every published result whose window is over and has no open objection."""
    due = (Assessment.objects.filter(state=State.PUBLISHED, publicity_until__lte=now)
           .exclude(pk__in=Objection.objects.filter(answered_at__isnull=True).values("assessment_id"))
           .values_list("pk", flat=True))
    named = 0
    for pk in list(due):
        try:
            do_name(None, Assessment.objects.get(pk=pk), now)
            named += 1
        except StarError:
            continue  # changed meanwhile (another worker, a new objection): the next tick sees it
    return named


# --- records of the quarter ------------------------------------------------------------------------------

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Documents are kept as sent; photos go through the case loop's re-encoding (no EXIF, bounded size).
DOCUMENT_TYPES = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def do_add_evidence(actor, assessment: Assessment, indicator: Indicator, upload) -> EvidenceFile:
    """A photo or document for an indicator: the village while drafting, the town until it has reviewed."""
    import os
    import uuid

    from django.core.files.base import ContentFile

    from gridgov.cases.actions import CaseError, clean_image


    if not _covers(actor, assessment.path):
        raise StarError(_("No such assessment."), status=404)
    role = TOWN_ADMIN if actor.is_superuser else actor.role
    if role not in (TOWN_ADMIN, VILLAGE_SECRETARY):
        raise StarError(_("Only the village or the town adds evidence."), status=403)
    if indicator.star.scheme_id != assessment.scheme_id:
        raise StarError(_("Unknown indicator."), 400, "indicator")
    open_for = {State.DRAFT} if role == VILLAGE_SECRETARY else OPEN_STATES
    if assessment.state not in open_for:
        raise StarError(_("Evidence can no longer be added to this assessment."))
    name = os.path.basename(getattr(upload, "name", "") or "file")[:120]
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PHOTO_SUFFIXES:
        try:
            data, content_type, _w, _h = clean_image(upload)
        except CaseError as exc:
            raise StarError(exc.message, 400, "file") from None
        suffix = ".png" if content_type == "image/png" else ".jpg"
    elif suffix in DOCUMENT_TYPES:
        data = upload.read(EVIDENCE_MAX_BYTES + 1)
        if len(data) > EVIDENCE_MAX_BYTES:
            raise StarError(_("A file may be at most 10 MB."), 400, "file")
        content_type = DOCUMENT_TYPES[suffix]
    else:
        raise StarError(_("Send a photo or a PDF, Word or Excel file."), 400, "file")
    with transaction.atomic():
        item = EvidenceFile(assessment=assessment, indicator=indicator, name=name, content_type=content_type,
                            size=len(data), uploaded_by=actor)
        item.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
        item.save()
        audit.record("stars.evidence.add", assessment, after=audit.snapshot(item), actor=actor)
    return item


def do_add_entry(actor, assessment: Assessment, indicator: Indicator, points, reason: str, evidence: str = "") -> Entry:
    """A reward or penalty on a dynamic indicator, approved by the town administrator who enters it."""
    _require(actor, assessment, TOWN_ADMIN, _("Only the town approves rewards and penalties."))
    if indicator.method != Method.DYNAMIC or indicator.star.scheme_id != assessment.scheme_id:
        raise StarError(_("Rewards and penalties go on a dynamic indicator of the scheme."), 400, "indicator")
    value = _decimal(points, "points")
    if value == 0:
        raise StarError(_("A reward or penalty is not 0 points."), 400, "points")
    if not (reason or "").strip():
        raise StarError(_("Give the reason."), 400, "reason")
    with transaction.atomic():
        assessment = _lock(assessment)
        if assessment.state not in OPEN_STATES:
            raise StarError(_("The quarter's records are closed once the town has reviewed."))
        entry = Entry.objects.create(assessment=assessment, indicator=indicator, points=scoring.money(value),
                                     reason=reason.strip(), evidence=(evidence or "").strip(), approver=actor)
        audit.record("stars.entry.add", assessment, after=audit.snapshot(entry), actor=actor)
        recompute(assessment)
    return entry


def do_flag_veto(actor, assessment: Assessment, item: VetoItem, reason: str) -> VetoFlag:
    _require(actor, assessment, TOWN_ADMIN, _("Only the town applies a veto."))
    if item.star.scheme_id != assessment.scheme_id:
        raise StarError(_("Unknown veto item."), 400, "item")
    if not (reason or "").strip():
        raise StarError(_("Give the reason."), 400, "reason")
    with transaction.atomic():
        assessment = _lock(assessment)
        if assessment.state not in OPEN_STATES | {State.REVIEWED}:
            raise StarError(_("Vetoes are applied before the county confirms."))
        if assessment.vetoes.filter(item=item).exists():
            raise StarError(_("This veto is already applied."))
        flag = VetoFlag.objects.create(assessment=assessment, item=item, reason=reason.strip(), by=actor)
        audit.record("stars.veto", assessment, after=audit.snapshot(flag), actor=actor)
        if assessment.state != State.REVIEWED:
            recompute(assessment)
        else:
            _refresh_figures(assessment)
        assessment.nominated = [c for c in assessment.nominated if assessment.figures["stars"][c]["earned"]]
        assessment.save(update_fields=["nominated"])
    return flag


def do_set_income(actor, village: Region, year: int, amount, evidence: str) -> Income:
    """The village's collective economy income for a year (entered by the village or the town)."""
    if actor is not None and (not _covers(actor, village.path)
                              or (not actor.is_superuser and actor.role not in (TOWN_ADMIN, VILLAGE_SECRETARY))):
        raise StarError(_("No such village."), status=404)
    value = _decimal(amount, "amount")
    if value < 0 or value != value.to_integral_value():
        raise StarError(_("The income is a whole number of yuan, 0 or more."), 400, "amount")
    if not (evidence or "").strip():
        raise StarError(_("Give the evidence of the income."), 400, "evidence")
    with transaction.atomic():
        row = Income.objects.select_for_update().filter(village=village, year=year).first()
        before = audit.snapshot(row) if row else None
        if row is None:
            row = Income(village=village, year=year, path=village.path)
        row.amount, row.evidence, row.entered_by = int(value), evidence.strip(), actor
        row.save()
        audit.record("stars.income.set", row, before=before, after=audit.snapshot(row), actor=actor)
    return row


def do_pair_mentor(actor, scheme: Scheme, village: Region, mentor_village: Region | None = None,
                   mentor_name: str = "", note: str = "") -> MentorPair:
    if actor is not None and (not _covers(actor, scheme.path) or (not actor.is_superuser and actor.role != TOWN_ADMIN)):
        raise StarError(_("No such scheme."), status=404)
    if mentor_village is None and not mentor_name.strip():
        raise StarError(_("Choose a mentor village or name a cadre."), 400, "mentor")
    if mentor_village is not None and mentor_village.pk == village.pk:
        raise StarError(_("A village does not mentor itself."), 400, "mentor")
    with transaction.atomic():
        pair = MentorPair.objects.create(scheme=scheme, village=village, mentor_village=mentor_village,
                                         mentor_name=mentor_name.strip(), note=note.strip())
        audit.record("stars.mentor.pair", scheme, after=audit.snapshot(pair), actor=actor)
    return pair
