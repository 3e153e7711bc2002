"""The case pages per role: report and 我的诉求 (residents), the inbox (grid workers), the order pool and
my orders (party members), the dispatch and supervision boards (staff), and the case detail with one
form per action the user may take now.

Every list starts from restrict(user, "view", Case); a case outside the user's scope answers 404 like
one that does not exist. Every change goes through a do_* action: a CaseError becomes a message and
nothing changes. Lists fetch their rows with select_related, so a page costs the same few queries
whatever its length.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.core.redirects import safe_next
from gridgov.core.scoping import (
    EXPORT, GRID_WORKER, PARTY_MEMBER, TOWN_ADMIN, VIEW, VIEW_PERSONAL, VILLAGE_SECRETARY, can, permits, restrict,
)
from gridgov.org import names
from gridgov.org.models import Grid, User

from . import actions, ledger, origins, queries, routing
from .forms import MAX_PHOTOS, CaseFilterForm, ReportForm, StatsForm
from .models import (
    CLOCKED_STATES, OPEN_STATES, Case, CaseEvent, CasePhoto, Category, Level, State, Unit, ancestor_paths, village_path,
)
from .workflow import ACTION_LABELS, CaseError, allowed_actions, level_rank

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_ROLES = {GRID_WORKER, VILLAGE_SECRETARY, TOWN_ADMIN, "department"}
PROXY_ROLES = {GRID_WORKER, VILLAGE_SECRETARY, TOWN_ADMIN}
# The level a staff role assesses first: its dispatch board shows those cases on top.
LEVEL_OF_ROLE = {GRID_WORKER: Level.GRID, VILLAGE_SECRETARY: Level.VILLAGE, TOWN_ADMIN: Level.TOWN,
                 "department": Level.DEPARTMENT}


def _cases(user):
    return restrict(user, VIEW, Case).select_related("category", "grid")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _board_user(user):
    if not (user.is_superuser or user.role in BOARD_ROLES):
        raise PermissionDenied(_("This board is for grid and village staff."))


def _with_clock(cases):
    now = timezone.now()
    for case in cases:
        case.clock_now = case.clock(now)
    return cases


def _label_events(events, hidden=frozenset(), sees=True):
    """Labels of the timeline entries in the page language (the rows store codes); the actors in
    `hidden` (queries.reporter_account_ids) read as "the reporter", and for a viewer who does not see the
    reporter (`sees`) the notes have their phone and ID numbers masked (shown, never saved)."""
    ratings = dict(Case.Rating.choices)
    for event in events:
        event.note = queries.text_shown(event.note, sees)
        event.label = ACTION_LABELS.get(event.action, event.action)
        event.to_label = State(event.to_state).label if event.to_state in State.values else ""
        event.rating_label = ratings.get((event.data or {}).get("rating"), "")
        # The name stored with the event (a snapshot: it stays what it was when the step was taken).
        auto = event.action == "escalate" and (event.data or {}).get("auto")
        event.actor_label = names.actor_label(queries.actor_shown(event, hidden),
                                              job="auto_escalate" if auto else event.action)
    return events


def _render_list(request, title, queryset, tabs=None, current_tab="", lead="", form=None, extra=None,
                 row_template="cases/_rows.html"):
    page = _page(request, queryset)
    _with_clock(page.object_list)
    for case in page.object_list:
        sees = queries.sees_reporter(request.user, case)
        case.description = queries.text_shown(case.description, sees)  # shown, never saved
        if "events" in getattr(case, "_prefetched_objects_cache", {}):
            _label_events(case.events.all(), sees=sees)
    context = {"title": title, "page": page, "tabs": tabs or [], "current_tab": current_tab, "lead": lead,
               "form": form, "row_template": row_template, **(extra or {})}
    return render(request, "cases/list.html", context)


# Report ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report(request):
    user = request.user
    categories = list(Category.objects.filter(is_active=True).order_by("code"))
    grids = list(restrict(user, VIEW, Grid).filter(level=Grid.Level.SMALL).order_by("path")[:200])
    proxy = user.is_superuser or user.role in PROXY_ROLES
    form = ReportForm(request.POST or None, categories=categories, grids=grids, proxy=proxy)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST" and form.is_valid():
        photos = request.FILES.getlist("photos")
        if len(photos) > MAX_PHOTOS:
            form.add_error(None, _("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        else:
            data = form.cleaned_data
            phone = data.get("reporter_phone", "")
            try:
                # One transaction: a photo that is not an image refuses the whole report.
                with transaction.atomic():
                    case = actions.do_report(user, data["category"], data["description"], lat=data["lat"],
                                             lng=data["lng"], grid=data["grid"] or None, reporter_phone=phone,
                                             channel="proxy" if phone else None,
                                             client_id=data.get("client_id") or None, place=data["place"])
                    if not case.repeated:  # a form sent again (lost answer, double tap) adds no photos twice
                        for photo in photos:
                            actions.do_add_photo(user, case, photo)
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you. Your report %(number)s has been sent to the grid worker.")
                                 % {"number": case.number})
                url = reverse("cases:detail", args=[case.pk]) + "?new=1"
                if wants_json:  # the phone's outbox (web/outbox.js): the case, made now or the first time
                    return JsonResponse({"id": case.pk, "number": case.number, "url": url,
                                         "repeated": bool(case.repeated)}, status=200 if case.repeated else 201)
                return redirect(url)
    if request.method == "POST" and wants_json:
        errors = [str(e) for e in form.non_field_errors()] + [
            f"{form.fields[name].label}: {e}" for name, errs in form.errors.items() if name != "__all__"
            for e in errs]
        return JsonResponse({"detail": "; ".join(errors), "errors": form.errors.get_json_data()}, status=400)
    return render(request, "cases/report.html", {"form": form, "proxy": proxy, "max_photos": MAX_PHOTOS,
                                                 "has_grids": bool(grids)})


# Lists per role -----------------------------------------------------------------------------------


@login_required
def mine(request):
    user = request.user
    own = Q(reporter_user=user)
    if user.person_id:
        own |= Q(reporter_id=user.person_id)
    cases = _cases(user).filter(own).prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.order_by("time", "id")))
    return _render_list(request, _("My reports"), cases, lead=_("Everything you reported, with what happened since."),
                        row_template="cases/_rows_timeline.html", extra={"rating_choices": Case.Rating.choices})


INBOX_TABS = [("assess", _lazy("To assess")), ("handle", _lazy("To handle")), ("verify", _lazy("To verify"))]


@login_required
def inbox(request):
    user = request.user
    _board_user(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(INBOX_TABS) else "assess"
    level = LEVEL_OF_ROLE.get(user.role, Level.GRID)
    cases = _cases(user)
    if tab == "assess":
        cases = cases.filter(state__in=[State.REPORTED, State.ACCEPTED], level=level)
    elif tab == "handle":
        cases = cases.filter(state__in=[State.DISPATCHED, State.IN_PROGRESS, State.SUSPENDED]).filter(
            Q(assignee=user) | Q(unit__members=user))
    else:
        cases = cases.filter(state=State.RESOLVED)
    tabs = [(key, label, f"?tab={key}") for key, label in INBOX_TABS]
    return _render_list(request, _("Inbox"), cases.order_by("deadline", "id"), tabs=tabs, current_tab=tab,
                        extra={"report_button": True})


@login_required
def pool(request):
    user = request.user
    cases = _cases(user).filter(in_pool=True, state=State.DISPATCHED).order_by("deadline", "id")
    return _render_list(request, _("Order pool"), cases, lead=_("Problems of your village waiting for someone "
                                                                "to take them. The first to claim one gets it."),
                        row_template="cases/_rows_pool.html")


@login_required
def orders(request):
    user = request.user
    cases = _cases(user).filter(assignee=user).order_by("-updated_at", "-id")
    return _render_list(request, _("My orders"), cases, lead=_("The cases you took or that were given to you."))


def _filtered(request, cases, states):
    form = CaseFilterForm(request.GET or None, states=states)
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            cases = cases.filter(state=data["state"])
        if data["level"]:
            cases = cases.filter(level=data["level"])
        if data["category"]:
            cases = cases.filter(category__code__startswith=data["category"])
        if data["grid"]:
            grid = restrict(request.user, VIEW, Grid).filter(code=data["grid"].strip()).first()
            cases = cases.filter(path__startswith=grid.path) if grid else cases.none()
        now = timezone.now()
        if data["clock"] == "overdue":
            cases = cases.filter(state__in=CLOCKED_STATES, deadline__lt=now)
        elif data["clock"] == "due_soon":
            cases = cases.filter(state__in=CLOCKED_STATES, due_soon_at__lte=now, deadline__gte=now)
        elif data["clock"] == "paused":
            cases = cases.filter(state=State.SUSPENDED)
    return cases, form


@login_required
def dispatch_board(request):
    user = request.user
    _board_user(user)
    states = [State.REPORTED, State.ACCEPTED]
    cases, form = _filtered(request, _cases(user).filter(state__in=states), states)
    return _render_list(request, _("Dispatch"), cases.order_by("deadline", "id"), form=form,
                        lead=_("Cases waiting to be assessed or dispatched in your area."))


@login_required
def supervision_board(request):
    user = request.user
    _board_user(user)
    cases, form = _filtered(request, _cases(user).filter(state__in=OPEN_STATES), list(OPEN_STATES))
    cases = cases.select_related(*names.related("assignee"), "unit").order_by("deadline", "id")
    return _render_list(request, _("Supervision"), cases, form=form, row_template="cases/_rows_supervision.html",
                        lead=_("Open cases and their clocks: yellow is due soon, red is overdue."))


# Statistics ---------------------------------------------------------------------------------------

RANKING_ROWS = 20
# Each figure with its formula (统计口径), as queries.py defines them. Counts take the context
# "figure": as a column they read 受理数, not the state 已受理.
FIGURES = [
    ("reported", pgettext_lazy("figure", "Reported"), _lazy("cases reported in the period, whatever became of them")),
    ("accepted", pgettext_lazy("figure", "Accepted"),
     _lazy("cases accepted (立案) in the period, without rejected or merged ones")),
    ("closed", pgettext_lazy("figure", "Closed"), _lazy("accepted cases now closed")),
    ("closed_on_time", _lazy("Closed on time"), _lazy("closed cases none of whose steps passed its deadline")),
    ("completion_rate", _lazy("Completion rate"), _lazy("closed / accepted")),
    ("on_time_rate", _lazy("On-time rate"), _lazy("closed on time / closed")),
    ("rework_rate", _lazy("Rework rate"), _lazy("closed cases sent back at least once / closed")),
    ("satisfaction_rate", _lazy("Satisfaction rate"), _lazy("(satisfied + basically satisfied) / rated")),
    ("average_hours_to_close", _lazy("Average hours to close"),
     _lazy("mean of closing time - report time, closed cases")),
]
RATES = {"completion_rate", "on_time_rate", "rework_rate", "satisfaction_rate"}
# The page's windows, each ending today. The 30 days are the default: the month so far is nearly
# empty in a month's first days (a rate of 0.0% on the 4th says nothing), 30 days always hold a
# month's work. The API keeps its documented default (the month so far).
LAST_30_DAYS, MONTH, YEAR = "30d", "month", "year"
PERIODS = [(LAST_30_DAYS, _lazy("Last 30 days")), (MONTH, _lazy("This month")), (YEAR, _lazy("This year"))]


def stats_window(period: str | None, since: datetime.date | None, until: datetime.date | None,
                 today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days the statistics page covers (both ends included, earlier first): the period's window
    up to today, with either end replaced by a date given."""
    if period == YEAR:
        start = today.replace(month=1, day=1)
    elif period == MONTH:
        start = today.replace(day=1)
    else:
        start = today - datetime.timedelta(days=29)
    since, until = since or start, until or today
    return (since, until) if since <= until else (until, since)


def _stats_request(request):
    """The form, scope node and window of a statistics request (the page and its ledger download)."""
    form = StatsForm(request.GET or None)
    data = {}
    if form.is_bound:
        form.is_valid()  # the fields that parse count; the others show their error beside them
        data = form.cleaned_data
    node = queries.scope_node(request.user, data.get("scope"))
    if data.get("scope") and node is None:
        raise Http404
    since, until = stats_window(data.get("period"), data.get("since"), data.get("until"), timezone.localdate())
    return form, data, node, since, until


def _percent(value):
    return None if value is None else f"{value * 100:.1f}%"


@login_required
def stats(request):
    user = request.user
    _board_user(user)
    form, data, node, since, until = _stats_request(request)
    cases = queries.visible_cases(user)
    if node is not None:
        cases = cases.filter(path__startswith=node.path)
    figures = queries.stats_for(user, node, cases, since, until)
    shown = [(key, label, formula, _percent(figures[key]) if key in RATES else figures[key])
             for key, label, formula in FIGURES]
    by_grid = queries.rankings_for(user, node, cases, "grid", since, until)[:RANKING_ROWS]
    by_village = queries.rankings_for(user, node, cases, "village", since, until)[:RANKING_ROWS]
    by_handler = queries.rankings_for(user, node, cases, "handler", since, until)[:RANKING_ROWS]
    levels = dict(Level.choices)
    chart = {
        "levels": [{"name": str(levels[k]), "value": v} for k, v in figures["closed_by_level"].items()],
        "ranking": [{"name": r["name"], "completion": round((r["completion_rate"] or 0) * 100, 1),
                     "on_time": round((r["on_time_rate"] or 0) * 100, 1)}
                    for r in (by_village if len(by_village) > 1 else by_grid)],
        "labels": {"closed": pgettext("figure", "Closed"), "completion": _("Completion rate"),
                   "on_time": _("On-time rate")},
    }
    for rows in (by_grid, by_village, by_handler):
        for row in rows:
            row["completion"] = _percent(row["completion_rate"])
            row["on_time"] = _percent(row["on_time_rate"])
            row["satisfaction"] = _percent(row["satisfaction_rate"])
    # The presets keep the scope; a preset replaces the dates, so they are left out.
    scope = {"scope": data["scope"]} if data.get("scope") else {}
    explicit = data.get("since") or data.get("until")
    current = None if explicit else (data.get("period") or LAST_30_DAYS)
    periods = [(key, label, urlencode({**scope, "period": key}), key == current) for key, label in PERIODS]
    return render(request, "cases/stats.html", {
        "form": form, "node": node, "since": since, "until": until, "figures": shown, "periods": periods,
        "rankings": [(_("Villages"), by_village), (_("Grids"), by_grid), (_("Handlers"), by_handler)],
        "chart": chart, "ledger": _ledger_available(user),
        # The ledger covers the days shown, whatever the window was asked as.
        "ledger_query": urlencode({**scope, "since": since.isoformat(), "until": until.isoformat()}),
    })


def _ledger_available(user) -> bool:
    return can(user, EXPORT, Case.scope_kind)


@login_required
def ledger_download(request):
    """The case ledger (台账) of the scope and period the statistics page shows, as .xlsx."""
    user = request.user
    if not _ledger_available(user):
        raise PermissionDenied(_("You may not export the case ledger."))
    _form, _data, node, since, until = _stats_request(request)
    cases = ledger.ledger_queryset(user, since=since, until=until,
                                   scope_path=node.path if node is not None else None)
    where = f"{node.name} " if node is not None else ""
    response = HttpResponse(content_type=XLSX)
    ledger.write_ledger(user, cases, response, note=f"{where}{since:%Y-%m-%d} ~ {until:%Y-%m-%d}")
    name = f"cases-{node.code if node is not None else 'all'}-{since:%Y%m%d}-{until:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# Detail and actions -------------------------------------------------------------------------------


def _visible_case(user, pk):
    return get_object_or_404(restrict(user, VIEW, Case).select_related(
        "category__parent", "grid", *names.related("assignee"), "unit", "merged_into"), pk=pk)


def _case_map(case) -> dict | None:
    """The pin and the grid's outline for the case page's map (issue 11), shown to whoever may open the case."""
    grid = case.grid
    if case.lat is None and not (grid and grid.geometry):
        return None
    return {"lat": case.lat, "lng": case.lng,
            "grid": {"type": "FeatureCollection", "features": [{
                "type": "Feature", "geometry": grid.geometry,
                "properties": {"code": grid.code, "name": grid.name, "level": grid.level}}]}
            if grid and grid.geometry else {"type": "FeatureCollection", "features": []}}


@login_required
def detail(request, pk, revealed_phone=""):
    user = request.user
    case = _visible_case(user, pk)
    sees = queries.sees_reporter(user, case)
    events = _label_events(list(case.events.prefetch_related("photos").order_by("time", "id")),
                           set() if sees else queries.reporter_account_ids(case), sees)
    allowed = allowed_actions(user, case)
    duplicates, other_duplicates = [], 0
    if request.GET.get("new") or ("merge" in allowed):
        # Only the reports the user may open; of the others, how many there are.
        duplicates, other_duplicates = routing.duplicates_for(user, case, limit=5)
    context = {
        "case": case, "clock": case.clock(), "events": events, "allowed": allowed,
        "description": queries.text_shown(case.description, sees),
        "place": queries.text_shown(case.place, sees),
        "handler_name": case.assignee.label if case.assignee else "",
        "duplicates": duplicates, "other_duplicates": other_duplicates,
        "supervisions": list(case.supervisions.filter(answered_at__isnull=True)),
        "pending_extension": case.extensions.filter(state="pending").first(),
        "rating_choices": Case.Rating.choices, "levels": Level.choices, "priorities": Case.Priority.choices,
        "photo_count": sum(len(e.photos.all()) for e in events),
        "show_phone": bool(case.reporter_phone_enc) and user.role != "resident",
        "may_reveal_phone": permits(user, VIEW_PERSONAL, case), "revealed_phone": revealed_phone,
        "case_map": _case_map(case),
        "targets": _dispatch_targets(case) if {"dispatch", "transfer"} & set(allowed) else None,
        "origin": origins.origin_of(case, user),
        "linked": origins.links_of(case, user),
    }
    return render(request, "cases/detail.html", context)


DISPATCH_ROLES = {GRID_WORKER, VILLAGE_SECRETARY, TOWN_ADMIN, PARTY_MEMBER, "department"}


def _dispatch_targets(case):
    """Units and accounts the case may be dispatched or transferred to (the rules of
    actions._resolve_target: near the case, and no unit above the case's level)."""
    units = [u for u in Unit.objects.filter(is_active=True, path__in=ancestor_paths(case.path)).order_by("code")
             if level_rank(u.level) <= level_rank(case.level)]
    near = Q(scope_path__in=ancestor_paths(case.path)) | Q(scope_path__startswith=village_path(case.path))
    users = list(User.objects.filter(near, is_active=True, role__in=DISPATCH_ROLES)
                 .select_related(*names.LABEL_RELATED).order_by("role", "username")[:200])
    return units, [(u.username, u.label) for u in users]


def _bool(value) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


# Each action of the form posts its fields; these turn them into a do_* call.
ACTION_CALLS = {
    "accept": lambda u, c, p: actions.do_accept(u, c, level=p.get("level") or None,
                                                priority=p.get("priority") or None, note=p.get("note", "")),
    "reject": lambda u, c, p: actions.do_reject(u, c, reason=p.get("reason", "")),
    "merge": lambda u, c, p: actions.do_merge(u, c, into=_case_ref(p.get("into")), note=p.get("note", "")),
    "escalate": lambda u, c, p: actions.do_escalate(u, c, reason=p.get("reason", "")),
    "dispatch": lambda u, c, p: actions.do_dispatch(u, c, to=p.get("to", ""), note=p.get("note", "")),
    "publish": lambda u, c, p: actions.do_publish(u, c, note=p.get("note", "")),
    "transfer": lambda u, c, p: actions.do_transfer(u, c, to=p.get("to", ""), reason=p.get("reason", "")),
    "claim": lambda u, c, p: actions.do_claim(u, c, note=p.get("note", "")),
    "return": lambda u, c, p: actions.do_return(u, c, reason=p.get("reason", "")),
    "extend": lambda u, c, p: actions.do_extend(u, c, amount=p.get("amount"), reason=p.get("reason", ""),
                                                unit=p.get("unit") or None),
    "approve_extension": lambda u, c, p: actions.do_approve_extension(u, c, approved=_bool(p.get("approved")),
                                                                      note=p.get("note", "")),
    "suspend": lambda u, c, p: actions.do_suspend(u, c, reason=p.get("reason", "")),
    "resume": lambda u, c, p: actions.do_resume(u, c, note=p.get("note", "")),
    "resolve": lambda u, c, p: actions.do_resolve(u, c, result=p.get("result", "")),
    "verify": lambda u, c, p: actions.do_verify(u, c, passed=_bool(p.get("passed", "true")), note=p.get("note", "")),
    "reopen": lambda u, c, p: actions.do_reopen(u, c, reason=p.get("reason", "")),
    "rate": lambda u, c, p: actions.do_rate(u, c, rating=p.get("rating", ""), note=p.get("note", "")),
    "supervise": lambda u, c, p: actions.do_supervise(u, c, note=p.get("note", "")),
    "answer_supervision": lambda u, c, p: actions.do_answer_supervision(u, c, answer=p.get("answer", "")),
    "comment": lambda u, c, p: actions.do_comment(u, c, text=p.get("text", "")),
}
# Actions that may carry photos (the handler's progress and result, the verifier's check).
PHOTO_ACTIONS = {"resolve", "comment", "verify", "reopen"}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _case_ref(value):
    """A case named by its number (as people see it) or its id; do_merge checks the scope."""
    value = (value or "").strip()
    by_number = Case.objects.filter(number=value).values_list("pk", flat=True).first() if value else None
    return by_number or _int(value)


def _next_url(request, default):
    return safe_next(request) or default


@login_required
@require_POST
def act(request, pk, action):
    user = request.user
    if action not in ACTION_CALLS:
        raise Http404
    detail_url = reverse("cases:detail", args=[pk])
    photos = request.FILES.getlist("photos") if action in PHOTO_ACTIONS else []
    try:
        if len(photos) > MAX_PHOTOS:
            raise CaseError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, status=400)
        with transaction.atomic():
            ACTION_CALLS[action](user, pk, request.POST)
            for photo in photos:
                actions.do_add_photo(user, pk, photo)
    except CaseError as exc:
        if exc.status == 404 and action != "claim":
            raise Http404 from None
        messages.error(request, exc.message)
        if not restrict(user, VIEW, Case).filter(pk=pk).exists():
            # A lost race for an order: the case left the pool, and the user's sight, with its winner.
            return redirect("cases:pool")
        return redirect(detail_url)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    if not restrict(user, VIEW, Case).filter(pk=pk).exists():
        # Merged away from the user's sight, or handed up beyond their scope: back to their list.
        return redirect(_next_url(request, reverse("cases:mine")))
    return redirect(_next_url(request, detail_url))


@login_required
@require_POST
def reveal_phone(request, pk):
    """The reporter's phone in full for a role that may see it; do_reveal_reporter_phone audits it."""
    case = _visible_case(request.user, pk)
    try:
        value = actions.do_reveal_reporter_phone(request.user, case)
    except CaseError as exc:
        raise PermissionDenied(exc.message) from None
    if request.headers.get("HX-Request") == "true":
        response = render(request, "web/_revealed.html", {"value": value, "field": "reporter_phone"})
    else:
        response = detail(request, pk, revealed_phone=value)
    add_never_cache_headers(response)
    return response


@login_required
def photo(request, pk):
    """A case photo, only for users who may see its case (the files are not public)."""
    item = get_object_or_404(CasePhoto.objects.select_related(None), pk=pk)
    if not restrict(request.user, VIEW, Case).filter(pk=item.case_id).exists():
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

