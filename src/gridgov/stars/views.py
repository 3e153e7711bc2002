"""Five-star pages: the board (ranking of a quarter), one assessment (self-assessment, review, the later
steps, what the village lacks, its ledger), the scheme, trends, the bulletin (printable and .xlsx) and
the star map. Thin: every read goes through queries.py, every write through actions.py."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gridgov.core import xlsx
from gridgov.core.scoping import VIEW, restrict
from gridgov.org.models import Grid, Region

from . import actions, metrics, queries, scoring
from .api import allowed_actions
from .models import Indicator, MentorPair, Method, Objection, State, VetoItem


def _period(request) -> str:
    period = (request.GET.get("period") or "").strip().upper()
    try:
        scoring.parse_period(period)
    except scoring.PeriodError:
        period = scoring.period_of(timezone.localdate())
    return period


def _region(request):
    region = queries.scope_region(request.user, request.GET.get("scope"))
    if request.GET.get("scope") and region is None:
        raise Http404
    return region


def _board_context(request, period: str) -> dict:
    region = _region(request)
    rows = queries.board(request.user, period, region)
    prefetch_related_objects([a.scheme for a in rows], "stars")
    for a in rows:
        a.star_list = queries.star_rows(a)
    # One column per star when the rows share a scheme (one town); a county's towns may differ.
    schemes = {a.scheme for a in rows}
    stars = list(next(iter(schemes)).stars.all()) if len(schemes) == 1 else []
    state = request.GET.get("state", "")
    if state in State.values:
        rows = [a for a in rows if a.state == state]  # after ranking: ranks stay those of the whole town
    periods = queries.recent_periods(scoring.period_of(timezone.localdate()), 4)
    if period not in periods:
        periods = sorted(periods + [period])
    return {"period": period, "region": region, "rows": rows, "stars": stars, "periods": periods, "state": state,
            "states": State.choices, "legend_schemes": sorted(schemes, key=lambda s: (s.path, s.year))}


@login_required
def home_box(request):
    """The box of the home page (one query), fetched by htmx once the home page has loaded."""
    from .templatetags.stars_tags import stars_home

    return render(request, "stars/home_box.html", {"stars_box": stars_home(request.user)})


@login_required
def index(request):
    user = request.user
    period = _period(request)
    context = _board_context(request, period)
    own = []
    if user.role == "village_secretary" and user.scope_path:
        # The village's latest assessments, whatever quarter the board shows.
        own = list(queries.visible_assessments(user).filter(path__startswith=user.scope_path)
                   .select_related("village", "scheme").order_by("-period")[:2])
        prefetch_related_objects([a.scheme for a in own], "stars")
        for a in own:
            a.star_list = queries.star_rows(a)
    schemes = {a.scheme_id for a in context["rows"]}
    pairs = list(MentorPair.objects.filter(scheme_id__in=schemes).select_related("village", "mentor_village"))
    may_change = user.is_superuser or user.role == "town_admin"
    return render(request, "stars/index.html", {**context, "own": own, "pairs": pairs, "may_change": may_change,
                                                "villages": [a.village for a in context["rows"]] if may_change else []})


def _assessment(user, pk: int):
    a = queries.visible_assessments(user).select_related("village", "scheme").filter(pk=pk).first()
    if a is None:
        raise Http404
    return a


@login_required
def detail(request, pk: int):
    user = request.user
    a = _assessment(user, pk)
    scores = queries.score_rows(a)
    staff_or_own = user.is_superuser or (user.scope_path and a.path.startswith(user.scope_path)
                                         and user.role in ("town_admin", "village_secretary"))
    allowed = allowed_actions(user, a)
    is_town = user.is_superuser or (user.role == "town_admin" and bool(user.scope_path)
                                    and a.path.startswith(user.scope_path))
    context = {
        "a": a, "stars": queries.star_rows(a), "scores": scores,
        "lacks": queries.lacks(a, scores), "weak": queries.weak_indicators(scores),
        "ledger": queries.ledger(a) if staff_or_own else [],
        "entries": list(a.entries.select_related("indicator", "approver")),
        "vetoes": list(a.vetoes.select_related("item__star")),
        "objections": list(a.objections.all()),
        "allowed": allowed, "may_self_assess": "submit" in allowed,
        "may_record": is_town and a.state in actions.OPEN_STATES,
        "may_veto": is_town and a.state in actions.OPEN_STATES | {"reviewed"},
        "dynamic": [s.indicator for s in scores if s.indicator.method == Method.DYNAMIC],
        "veto_items": VetoItem.objects.filter(star__scheme=a.scheme).select_related("star"),
        "pairs": MentorPair.objects.filter(scheme=a.scheme, village=a.village).select_related("mentor_village"),
        "staff_or_own": staff_or_own,
        "files": list(a.files.select_related("indicator")) if staff_or_own else [],
        "may_add_evidence": staff_or_own and (a.state == "draft" or (is_town and a.state in actions.OPEN_STATES)),
        "manual": [s.indicator for s in scores if s.indicator.method == Method.MANUAL],
    }
    return render(request, "stars/detail.html", context)


def _form_scores(post, scores, with_reason: bool) -> list:
    out = []
    for s in scores:
        raw = post.get(f"points_{s.indicator_id}")
        if raw is None or raw.strip() == "":
            continue
        out.append({"indicator": s.indicator_id, "points": raw, "evidence": post.get(f"evidence_{s.indicator_id}", ""),
                    "reason": post.get(f"reason_{s.indicator_id}", "") if with_reason else ""})
    return out


@login_required
@require_POST
def act(request, pk: int, action: str):
    user = request.user
    a = _assessment(user, pk)
    post = request.POST
    scores = queries.score_rows(a)
    try:
        if action in ("save", "submit"):
            manual = [s for s in scores if s.indicator.method == Method.MANUAL]
            entered = {row["indicator"]: (row["points"], row["evidence"]) for row in _form_scores(post, manual, False)}
            if entered:
                actions.do_self_assess(user, a, entered)
            if action == "submit":
                actions.do_submit(user, a, post.getlist("stars"))
                messages.success(request, _("The self-assessment was submitted to the town."))
            else:
                messages.success(request, _("The self-assessment was saved."))
        elif action == "review":
            adjustments = [row for row in _form_scores(post, scores, True)]
            actions.do_review(user, a, adjustments, note=post.get("note", ""))
            messages.success(request, _("The review was recorded."))
        elif action == "confirm":
            actions.do_confirm(user, a, note=post.get("note", ""))
            messages.success(request, _("The result was confirmed."))
        elif action == "publish":
            actions.do_publish(user, a)
            messages.success(request, _("The result is published."))
        elif action == "name":
            actions.do_name(user, a)
            messages.success(request, _("The result is named."))
        elif action == "object":
            actions.do_object(user, a, post.get("text", ""))
            messages.success(request, _("Your objection was recorded."))
        elif action == "answer":
            objection = Objection.objects.filter(assessment=a, pk=post.get("objection") or 0).first()
            if objection is None:
                raise Http404
            actions.do_answer(user, objection, post.get("text", ""))
            messages.success(request, _("The answer was recorded."))
        elif action == "entry":
            indicator = Indicator.objects.filter(star__scheme=a.scheme, pk=post.get("indicator") or 0).first()
            if indicator is None:
                raise actions.StarError(_("Choose an indicator."), 400, "indicator")
            actions.do_add_entry(user, a, indicator, post.get("points", ""), post.get("reason", ""),
                                 post.get("evidence", ""))
            messages.success(request, _("The reward or penalty was recorded."))
        elif action == "veto":
            item = VetoItem.objects.filter(star__scheme=a.scheme, pk=post.get("item") or 0).first()
            if item is None:
                raise actions.StarError(_("Choose a veto item."), 400, "item")
            actions.do_flag_veto(user, a, item, post.get("reason", ""))
            messages.success(request, _("The veto was applied."))
        elif action == "evidence":
            indicator = Indicator.objects.filter(star__scheme=a.scheme, pk=post.get("indicator") or 0).first()
            upload = request.FILES.get("file")
            if indicator is None or upload is None:
                raise actions.StarError(_("Choose an indicator and a file."), 400, "file")
            actions.do_add_evidence(user, a, indicator, upload)
            messages.success(request, _("The evidence was added."))
        elif action == "income":
            actions.do_set_income(user, a.village, int(a.period[:4]), post.get("amount", ""), post.get("evidence", ""))
            messages.success(request, _("The collective income was recorded."))
        else:
            raise Http404
    except actions.StarError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect("stars:detail", pk=a.pk)


@login_required
@require_POST
def pair(request):
    """导师帮带: the town pairs a village with a mentor village or a town cadre for the year."""
    user = request.user
    period = (request.POST.get("period") or "").upper()
    try:
        year, _quarter = scoring.parse_period(period)
    except scoring.PeriodError:
        raise Http404 from None
    scheme = queries.scheme_for(user, year)
    villages = restrict(user, VIEW, Region).filter(level=Region.Level.VILLAGE)
    village = villages.filter(code=request.POST.get("village", "")).first()
    mentor = villages.filter(code=request.POST.get("mentor_village", "")).first()
    if scheme is None or village is None:
        raise Http404
    try:
        actions.do_pair_mentor(user, scheme, village, mentor_village=mentor,
                               mentor_name=request.POST.get("mentor_name", ""), note=request.POST.get("note", ""))
        messages.success(request, _("The mentor pair was recorded."))
    except actions.StarError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect(reverse("stars:index") + f"?period={period}")


@login_required
@require_POST
def open_quarter(request):
    """The town opens a quarter: a draft assessment for each of its villages (copying last year's scheme
    when the year has none)."""
    user = request.user
    period = _period(request) if request.GET.get("period") else (request.POST.get("period") or "").upper()
    try:
        year, _quarter = scoring.parse_period(period)
    except scoring.PeriodError:
        raise Http404 from None
    scheme = queries.scheme_for(user, year)
    try:
        if scheme is None:
            previous = queries.scheme_for(user, year - 1)
            if previous is None:
                raise actions.StarError(_("No scheme for this year in your scope."))
            scheme = actions.do_copy_scheme(user, previous, year)
        opened = actions.do_open_quarter(user, scheme, period)
        messages.success(request, _("%(n)d assessments were opened for %(period)s.") % {"n": len(opened),
                                                                                     "period": period})
    except actions.StarError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("stars:index") + f"?period={period}")


@login_required
def evidence_file(request, pk: int):
    """An evidence file, only for the town and the village it belongs to (files are not public)."""
    from django.http import FileResponse

    from .models import EvidenceFile

    item = EvidenceFile.objects.select_related("assessment").filter(pk=pk).first()
    user = request.user
    if item is None or not (user.is_superuser or (
            user.role in ("town_admin", "village_secretary") and user.scope_path
            and item.assessment.path.startswith(user.scope_path))):
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _scheme_url(year: int, scope: str | None) -> str:
    # A county administrator sees several towns' schemes of a year: the town chosen stays in the address.
    url = reverse("stars:scheme", args=[year])
    return f"{url}?scope={scope}" if scope else url


def _scheme_post(request, scheme) -> None:
    """One form of the scheme page, told apart by the field it carries; a refusal becomes a message."""
    user, post = request.user, request.POST
    try:
        if post.get("indicator"):
            indicator = Indicator.objects.filter(star__scheme=scheme, pk=post["indicator"]).first()
            if indicator is None:
                raise Http404
            config = None
            if indicator.method == Method.METRIC and indicator.config.get("map") == "brackets":
                config = {"brackets": actions.parse_brackets(post.get("brackets", ""))}
            elif indicator.method == Method.METRIC and indicator.config.get("map", "linear") == "linear":
                config = {"floor": post.get("floor", ""), "target": post.get("target", "")}
            elif indicator.method == Method.DYNAMIC:
                config = {"base": post.get("base", "")}
            if "categories_shown" in post:  # the case categories a metric reads (e.g. which are disputes)
                config = {**(config or {}), "categories": post.getlist("categories")}
            actions.do_update_indicator(user, indicator, name=post.get("name"), max_points=post.get("max_points"),
                                        config=config)
            messages.success(request, _("The indicator was saved."))
        elif post.get("add_indicator"):
            star = scheme.stars.filter(code=post["add_indicator"]).first()
            if star is None:
                raise Http404
            method = post.get("method", "")
            config = {}
            if method == Method.METRIC:
                config = {"source": post.get("source", ""), "map": post.get("map", "linear"),
                          "floor": post.get("floor", ""), "target": post.get("target", ""),
                          "brackets": post.get("brackets", "")}
            elif method == Method.DYNAMIC:
                config = {"base": post.get("base", "")}
            actions.do_add_indicator(user, star, post.get("name", ""), post.get("max_points", ""), method, config)
            messages.success(request, _("The indicator was added."))
        elif post.get("remove_indicator"):
            indicator = Indicator.objects.filter(star__scheme=scheme, pk=post["remove_indicator"]).first()
            if indicator is None:
                raise Http404
            actions.do_remove_indicator(user, indicator)
            messages.success(request, _("The indicator was removed."))
        elif post.get("remove_veto"):
            item = VetoItem.objects.filter(star__scheme=scheme, pk=post["remove_veto"]).first()
            if item is None:
                raise Http404
            actions.do_remove_veto_item(user, item)
            messages.success(request, _("The veto item was removed."))
        elif post.get("veto_star"):
            star = scheme.stars.filter(code=post["veto_star"]).first()
            if star is None:
                raise Http404
            actions.do_add_veto_item(user, star, post.get("veto_name", ""))
            messages.success(request, _("The veto item was added."))
        else:
            thresholds = {s.code: post.get(f"threshold_{s.code}") for s in scheme.stars.all()
                          if post.get(f"threshold_{s.code}")}
            levels = []
            for i in range(8):
                label = post.get(f"level_label_{i}", "").strip()
                if label:
                    levels.append({"min_total": post.get(f"level_min_{i}") or 0, "label": label,
                                   "min_stars": post.get(f"level_stars_{i}") or 0})
            actions.do_update_scheme(user, scheme, thresholds=thresholds, levels=levels or None,
                                     publicity_days=post.get("publicity_days") or None)
            messages.success(request, _("The scheme was saved."))
    except (ValueError, TypeError):
        messages.error(request, _("Enter a number."))
    except actions.StarError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)


@login_required
def scheme_page(request, year: int):
    user = request.user
    scope = request.GET.get("scope") or None
    scheme = queries.scheme_for(user, year, scope)
    if scheme is None:
        if request.method == "GET" and not scope and user.role == "town_admin" and 2000 <= year <= 2100 \
                and _towns_for(user).exists():
            # The year has no scheme yet: the one who may make it is taken to the form that does.
            return redirect(reverse("stars:scheme_new") + f"?year={year}")
        raise Http404
    may_change = user.is_superuser or (user.role == "town_admin" and user.scope_path
                                       and scheme.path.startswith(user.scope_path))
    if request.method == "POST" and may_change:
        _scheme_post(request, scheme)
        return redirect(_scheme_url(year, scope))
    stars = list(scheme.stars.prefetch_related("indicators", "vetoes"))
    source_labels = dict(metrics.choices())
    categories = None
    for star in stars:
        # From the prefetched rows: the page costs the same however many indicators a star has.
        star.ceiling = sum((i.max_points for i in star.indicators.all()), scoring.ZERO)
        for indicator in star.indicators.all():
            # Its metric source by name (事件结案率), not by its code (cases.completion_rate).
            source = (indicator.config or {}).get("source", "")
            indicator.source_label = source_labels.get(source, source)
            found = metrics.source(source) if indicator.method == Method.METRIC else None
            if found is not None and "categories" in found.options:
                if categories is None:  # the main case categories (大类), read once for the page
                    from gridgov.cases.models import Category

                    categories = list(Category.objects.filter(level=1).order_by("code").values_list("code", "name"))
                indicator.categories = metrics.dispute_families(indicator.config)
                names = dict(categories)
                indicator.category_labels = [names.get(code, code) for code in indicator.categories]
    total = sum((star.ceiling for star in stars), scoring.ZERO)
    return render(request, "stars/scheme.html", {
        "scheme": scheme, "stars": stars, "may_change": may_change, "locked": actions.scheme_locked(scheme),
        "level_rows": scheme.levels + [{}] * 2, "total": total, "complete_total": COMPLETE_TOTAL,
        "methods": Method.choices, "sources": metrics.choices(), "scope": scope or "",
        "case_categories": categories or []})


# A complete scheme is a 100-point system (百分制); the default levels (90, 80, 70, 60) assume it.
COMPLETE_TOTAL = 100


def _towns_for(user):
    return restrict(user, VIEW, Region).filter(level=Region.Level.TOWN).order_by("path")


@login_required
def scheme_new(request):
    """A town administrator creates the scheme of a year: the five stars to fill on the scheme page, the
    default scheme, or a copy of last year's."""
    user = request.user
    if not (user.is_superuser or user.role == "town_admin"):
        raise Http404
    towns = list(_towns_for(user)[:50])
    if not towns:
        raise Http404
    year = request.GET.get("year") or str(timezone.localdate().year)
    form = {"year": year[:4], "name": "", "start": "blank", "town": towns[0].code}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in ("year", "name", "start", "town")}
        town = next((t for t in towns if t.code == form["town"]), None) if len(towns) > 1 else towns[0]
        if town is None:
            raise Http404
        try:
            scheme = actions.do_start_scheme(user, town, form["year"], form["name"], form["start"] or "blank")
        except actions.StarError as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The scheme was created: add its indicators and veto items."))
            scope = town.code if user.scope_path != town.path else None
            return redirect(_scheme_url(scheme.year, scope))
    starts = [("blank", _("The five stars, with no indicators yet")),
              ("defaults", _("The default scheme (five stars, 14 indicators, 100 points)")),
              ("copy", _("A copy of last year's scheme"))]
    return render(request, "stars/scheme_new.html", {"form": form, "towns": towns, "starts": starts},
                  status=400 if request.method == "POST" else 200)


@login_required
def trends(request):
    period = _period(request)
    periods = queries.recent_periods(period, 4)
    table = queries.trends(request.user, _region(request), periods)
    chart = {"periods": periods, "series": [
        {"name": row["village"].name, "data": [float(a.total) if a else None for a in row["cells"]]}
        for row in table["rows"]]}
    return render(request, "stars/trends.html", {**table, "period": period, "chart": chart})


# --- bulletin ------------------------------------------------------------------------------------------

@login_required
def bulletin(request, period: str):
    try:
        scoring.parse_period(period)
    except scoring.PeriodError:
        raise Http404 from None
    context = _board_context(request, period.upper())
    for a in context["rows"]:
        a.weak = queries.weak_indicators(queries.score_rows(a), limit=2)
    return render(request, "stars/bulletin.html", {**context, "printed": timezone.localdate()})


@login_required
def bulletin_xlsx(request, period: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    try:
        scoring.parse_period(period)
    except scoring.PeriodError:
        raise Http404 from None
    context = _board_context(request, period.upper())
    wb = Workbook()
    ws = wb.active
    ws.title = period.upper()
    title = _("Five-star branches: bulletin of %(period)s") % {"period": period.upper()}
    xlsx.append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14)
    header = [_("Rank"), _("Village"), *[s.name for s in context["stars"]], pgettext("score", "Total"), _("Stars earned"),
              pgettext("five-star level", "Level"), _("State")]
    xlsx.append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for a in context["rows"]:
        per_star = [float(s["score"]) for s in a.star_list] if context["stars"] else []
        xlsx.append(ws, [a.rank, a.village.name, *per_star, float(a.total), a.stars_earned,
                         a.level, a.get_state_display()])
    ws.column_dimensions["B"].width = 14
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="stars-bulletin-{period.upper()}.xlsx"'
    return response


# --- star map --------------------------------------------------------------------------------------------

@login_required
def star_map(request):
    period = _period(request)
    return render(request, "stars/map.html", {"period": period,
                                              "periods": queries.recent_periods(scoring.period_of(timezone.localdate()))})


@login_required
def map_data(request):
    """GeoJSON of the villages the caller sees results of: each village's outline is the union of its
    grids' boundaries, with its stars and total of the quarter."""
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    period = _period(request)
    rows = queries.board(request.user, period, _region(request))
    by_village = {a.village_id: a for a in rows}
    shapes: dict[int, list] = {}
    for region_id, geometry in (Grid.objects.filter(region_id__in=by_village, level=Grid.Level.SMALL,
                                                    geometry__isnull=False).values_list("region_id", "geometry")):
        try:
            shapes.setdefault(region_id, []).append(shape(geometry))
        except (ValueError, TypeError, AttributeError):
            continue
    features = []
    for village_id, parts in shapes.items():
        a = by_village[village_id]
        features.append({"type": "Feature", "geometry": mapping(unary_union(parts).simplify(0.0002)),
                         "properties": {"name": a.village.name, "code": a.village.code, "stars": a.stars_earned,
                                        "total": float(a.total), "level": a.level, "rank": a.rank,
                                        "state": a.get_state_display(),
                                        "url": reverse("stars:detail", args=[a.pk])}})
    return JsonResponse({"type": "FeatureCollection", "features": features})
