"""Server-rendered pages. Thin: parse, restrict, query, render.

Every scoped row comes through restrict(user, action, ...); an object outside the user's scope
answers 404 exactly like one that does not exist. Lists are paginated and fetch what they show
with select_related/annotate so a page costs a fixed number of queries whatever its length.
"""

import datetime
import re

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.cases.context import case_summary
from gridgov.core import audit, scoping
from gridgov.core.models import AuditEntry
from gridgov.core.redirects import safe_next
from gridgov.core.scoping import VIEW, VIEW_PERSONAL, restrict
from gridgov.org import names, twofactor
from gridgov.org.actions import do_change_password, do_reveal_personal, do_revoke_api_tokens, token_is_live
from gridgov.org.auth import authenticate_or_reason
from gridgov.org.models import ApiToken, Grid, Household, Person, Post, Region, User
from gridgov.org.queries import search_people

from .forms import AuditFilterForm, LoginForm, PasswordChangeForm
from .twofactor_views import redirect_with_next

PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50
# Above this many grids the tree shows town and village grids only; small grids are a click away.
TREE_FULL_LIMIT = 400
# The dashboard lists at most this many villages; the tree has the rest.
DASHBOARD_VILLAGES = 60
GRID_STAFF_KINDS = [
    Post.Kind.GRID_LEADER, Post.Kind.GRID_WORKER_FULL, Post.Kind.GRID_WORKER_PART,
    Post.Kind.GRID_WORKER_VOLUNTEER, Post.Kind.PARTY_RESPONSIBLE,
]
STAFF_ROLES = {scoping.TOWN_ADMIN, scoping.VILLAGE_SECRETARY, scoping.DEPARTMENT}


def _page(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _is_htmx_for(request, target: str) -> bool:
    """An htmx request that replaces only the element `target` (a live search)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target


def _counts_by(queryset, field: str) -> dict:
    return {row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("id"))}


def _grid_staff(user, grids) -> list[Post]:
    """Grid leaders, workers and responsible party members of grids the user may view.

    Residents and party members have no access to posts as such, but the names of the people
    serving their own grid are what they need to reach them; the grids are restricted, so only
    the staff of visible grids are listed, and only names and post kinds are shown.
    """
    visible = restrict(user, VIEW, Grid).filter(pk__in=[g.pk for g in grids])
    return list(
        Post.objects.filter(grid__in=visible, kind__in=GRID_STAFF_KINDS)
        .select_related("person").order_by("grid_id", "kind", "person__name")
    )


# Accounts ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "web:home")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user, error = authenticate_or_reason(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if user is not None:
            step = twofactor.begin(request, user)  # logs in, unless a code (or an enrolment) is owed
            if step is not None:
                return redirect_with_next(step, next_url)
            return redirect(next_url or "web:home")
    return render(request, "web/login.html", {"form": form, "error": error, "next": next_url},
                  status=401 if error else 200)


@require_POST
def logout_view(request):
    # Logging out ends the account's API tokens as well: 退出登录 means nothing signed in stays open.
    if request.user.is_authenticated:
        do_revoke_api_tokens(request.user, request.user, reason="logout")
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("web:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_password(request.user, request.user, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            # The session hash follows the password, so this session stays logged in and others end.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("web:home")
    tokens = [t for t in ApiToken.objects.filter(user=request.user).order_by("-created_at") if token_is_live(t)]
    return render(request, "web/password.html", {"form": form, "help_texts": password_validators_help_texts(),
                                                 "tokens": tokens})


@login_required
@require_POST
def revoke_token(request, pk):
    if do_revoke_api_tokens(request.user, request.user, pk):
        messages.success(request, _("The API token has been revoked."))
    return redirect("web:password")


# Home ----------------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    # One aggregate query: the case box of each role (cases.context.case_summary).
    cases = {"cases": case_summary(user)}
    if user.role in scoping.PERSONAL_ROLES:
        return render(request, "web/home_personal.html", {**_personal_dashboard(user), **cases})
    if user.role == scoping.AUDITOR:
        return redirect("web:audit")  # an auditor's whole work is the log
    if user.role == scoping.GRID_WORKER:
        return render(request, "web/home_worker.html", {**_worker_dashboard(user), **cases})
    return render(request, "web/home_staff.html", {**_staff_dashboard(user), **cases})


def _staff_dashboard(user) -> dict:
    grids = restrict(user, VIEW, Grid)
    by_level = _counts_by(grids, "level")
    households = restrict(user, VIEW, Household).aggregate(
        total=Count("id"), central=Count("id", filter=Q(is_party_central=True)))
    people = restrict(user, VIEW, Person).aggregate(
        total=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
    villages = list(grids.filter(level=Grid.Level.VILLAGE).select_related("region")
                    .annotate(small_grids=Count("children"))[:DASHBOARD_VILLAGES])
    may_view_households = scoping.can(user, VIEW, "household")
    if may_view_households and villages:
        household_counts = _counts_by(restrict(user, VIEW, Household), "grid__parent_id")
        people_counts = _counts_by(restrict(user, VIEW, Person), "grid__parent_id")
        for village in villages:
            village.household_count = household_counts.get(village.pk, 0)
            village.people_count = people_counts.get(village.pk, 0)
    return {
        "villages_total": restrict(user, VIEW, Region).filter(level=Region.Level.VILLAGE).count(),
        "grids": {"town": by_level.get(Grid.Level.TOWN, 0), "village": by_level.get(Grid.Level.VILLAGE, 0),
                  "small": by_level.get(Grid.Level.SMALL, 0)},
        "households": households, "people": people, "villages": villages,
        "villages_cut": by_level.get(Grid.Level.VILLAGE, 0) > len(villages),
        "may_view_households": may_view_households,
        "scope_node": user.scope_node,
    }


def _worker_dashboard(user) -> dict:
    grids = list(restrict(user, VIEW, Grid).filter(level=Grid.Level.SMALL).select_related("parent")[:20])
    household_counts = _counts_by(restrict(user, VIEW, Household).filter(grid__in=grids), "grid_id")
    people_counts = _counts_by(restrict(user, VIEW, Person).filter(grid__in=grids), "grid_id")
    for grid in grids:
        grid.household_count = household_counts.get(grid.pk, 0)
        grid.people_count = people_counts.get(grid.pk, 0)
    return {"grids": grids, "main_grid": grids[0] if grids else None, "staff": _grid_staff(user, grids)}


def _personal_dashboard(user) -> dict:
    person = (restrict(user, VIEW, Person).select_related("grid", "household", "party_org")
              .filter(pk=user.person_id).first())
    if person is None:
        return {"person": None}
    members = list(restrict(user, VIEW, Person).filter(household_id=person.household_id).exclude(pk=person.pk)
                   .order_by("id")) if person.household_id else []
    grid = restrict(user, VIEW, Grid).filter(pk=person.grid_id).first()
    return {"person": person, "members": members, "grid": grid,
            "staff": _grid_staff(user, [grid]) if grid else []}


# Tree, regions, grids ------------------------------------------------------------------------


@login_required
def tree(request):
    user = request.user
    grids = restrict(user, VIEW, Grid)
    total = grids.count()
    if total > TREE_FULL_LIMIT:
        grids = grids.filter(level__lte=Grid.Level.VILLAGE)
    grids = list(grids.annotate(small_grids=Count("children")).select_related("region").order_by("path"))
    if total <= TREE_FULL_LIMIT:
        household_counts = _counts_by(restrict(user, VIEW, Household), "grid_id")
        for grid in grids:
            grid.household_count = household_counts.get(grid.pk, 0)
    regions = list(restrict(user, VIEW, Region).filter(level__lte=Region.Level.VILLAGE).order_by("path"))
    return render(request, "web/tree.html", {"grids": grids, "regions": regions, "cut": total > TREE_FULL_LIMIT})


def _ancestor_paths(path: str) -> list[str]:
    parts = path.rstrip(".").split(".")
    return [".".join(parts[:i]) + "." for i in range(1, len(parts))]


@login_required
def region_detail(request, code):
    user = request.user
    region = get_object_or_404(restrict(user, VIEW, Region).select_related("parent"), code=code)
    ancestors = list(restrict(user, VIEW, Region).filter(path__in=_ancestor_paths(region.path)).order_by("path"))
    children = list(restrict(user, VIEW, Region).filter(parent=region).order_by("code"))
    grids = list(restrict(user, VIEW, Grid).filter(region=region).annotate(small_grids=Count("children"))
                 .order_by("path"))
    households = restrict(user, VIEW, Household).filter(path__startswith=region.path).aggregate(
        total=Count("id"), central=Count("id", filter=Q(is_party_central=True)))
    people = restrict(user, VIEW, Person).filter(path__startswith=region.path).aggregate(
        total=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
    return render(request, "web/region.html", {
        "region": region, "ancestors": ancestors, "children": children, "grids": grids,
        "households": households, "people": people,
        "may_view_households": scoping.can(user, VIEW, "household"),
    })


def _search_households(queryset, q: str):
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(Q(number__startswith=q) | Q(address__contains=q) | Q(head__name__startswith=q))


def _household_rows(queryset):
    # The members counted by a subquery per row rather than a join grouped by household: the
    # paginator's count then leaves it out instead of grouping the whole village (866 households of a
    # million-people county on SQLite: 29-36 ms for the count alone).
    members = (Person.objects.filter(household_id=OuterRef("pk")).order_by().values("household_id")
               .annotate(n=Count("pk")).values("n"))
    return (queryset.select_related("grid", "head").annotate(member_count=Coalesce(Subquery(members), 0))
            .order_by("path", "number"))


@login_required
def grid_detail(request, code):
    user = request.user
    grid = get_object_or_404(restrict(user, VIEW, Grid).select_related("parent", "region"), code=code)
    q = request.GET.get("q", "")[:50]
    households = _household_rows(_search_households(
        restrict(user, VIEW, Household).filter(path__startswith=grid.path), q))
    page = _page(request, households)
    if _is_htmx_for(request, "household-results"):
        response = render(request, "web/_household_results.html", {"page": page, "q": q, "show_grid": grid.level < 3})
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response

    ancestors = list(restrict(user, VIEW, Grid).filter(path__in=_ancestor_paths(grid.path)).exclude(pk=grid.pk)
                     .order_by("path"))
    children = list(restrict(user, VIEW, Grid).filter(parent=grid).order_by("path"))
    if children:
        key = "grid_id" if grid.level == Grid.Level.VILLAGE else "grid__parent_id"
        in_grid = restrict(user, VIEW, Household).filter(path__startswith=grid.path)
        counts = _counts_by(in_grid, key)
        for child in children:
            child.household_count = counts.get(child.pk, 0)
    people = restrict(user, VIEW, Person).filter(path__startswith=grid.path).aggregate(
        total=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
    features = [_feature(g, g is grid) for g in [grid, *children] if g.geometry]
    response = render(request, "web/grid.html", {
        "grid": grid, "ancestors": ancestors, "children": children, "staff": _grid_staff(user, [grid]),
        "page": page, "q": q, "people": people, "show_grid": grid.level < 3,
        "map_data": {"type": "FeatureCollection", "features": features} if features else None,
    })
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _feature(grid: Grid, current: bool) -> dict:
    return {"type": "Feature", "geometry": grid.geometry,
            "properties": {"code": grid.code, "name": grid.name, "level": grid.level,
                           "village": grid.region.code if current else grid.code, "current": current}}


# Households and people -----------------------------------------------------------------------


def _require(user, kind: str) -> None:
    """Lists of a kind the role never sees at all answer 403, not an empty page."""
    if not scoping.can(user, VIEW, kind):
        raise PermissionDenied(_("Your role does not give access to this list."))


def _grid_choices(user):
    """Small grids for the filter drop-down, or None when there are too many for one."""
    small = restrict(user, VIEW, Grid).filter(level=Grid.Level.SMALL).order_by("path").values_list("code", "name")
    choices = list(small[:TREE_FULL_LIMIT + 1])
    return None if len(choices) > TREE_FULL_LIMIT else choices


def _grid_filter(user, queryset, code: str):
    """Rows under the grid `code`, if the user may view it; an unknown grid gives no rows."""
    if not code:
        return queryset, None
    grid = restrict(user, VIEW, Grid).filter(code=code).first()
    if grid is None:
        return queryset.none(), None
    return queryset.filter(path__startswith=grid.path), grid


@login_required
def household_list(request):
    return _searchable_list(
        request, "household", Household,
        lambda households, q: _household_rows(_search_households(households, q)),
        results="household-results", extra={"show_grid": True})


@login_required
def household_detail(request, pk):
    user = request.user
    household = get_object_or_404(restrict(user, VIEW, Household).select_related("grid", "head"), pk=pk)
    members = list(
        restrict(user, VIEW, Person).filter(household=household).select_related("party_org")
        .prefetch_related(_visible_posts(user)).order_by("id")
    )
    return render(request, "web/household.html", {"household": household, "members": members})


def _visible_posts(user):
    return Prefetch("posts", queryset=restrict(user, VIEW, Post).select_related("grid", "region", "party_org"),
                    to_attr="visible_posts")


@login_required
def person_list(request):
    return _searchable_list(
        request, "person", Person,
        lambda people, q: search_people(people.select_related("grid", "household"), q)
        .order_by("path", "household_id", "id"),
        results="person-results")


def _searchable_list(request, kind: str, model, search, results: str, extra: dict | None = None):
    """A scoped list with search `q` and a grid filter; an htmx request for the results block
    (live search) gets only that block, `web/_<kind>_results.html`."""
    user = request.user
    _require(user, kind)
    q, code = request.GET.get("q", "")[:50], request.GET.get("grid", "")[:20]
    rows, grid = _grid_filter(user, restrict(user, VIEW, model), code)
    context = {"page": _page(request, search(rows, q)), "q": q, **(extra or {})}
    if _is_htmx_for(request, results):
        response = render(request, f"web/_{kind}_results.html", context)
    else:
        page_template = "web/households.html" if kind == "household" else "web/people.html"
        response = render(request, page_template, {
            **context, "grid_code": code, "grid": grid, "grid_choices": _grid_choices(user)})
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
def person_detail(request, pk):
    user = request.user
    person = _person_in_scope(user, pk)
    return _render_person(request, person, revealed={})


def _person_in_scope(user, pk) -> Person:
    return get_object_or_404(
        restrict(user, VIEW, Person).select_related("grid", "household__head", "party_org")
        .prefetch_related(_visible_posts(user)), pk=pk)


def _render_person(request, person, revealed: dict):
    may_reveal = restrict(request.user, VIEW_PERSONAL, Person).filter(pk=person.pk).exists()
    response = render(request, "web/person.html", {"person": person, "may_reveal": may_reveal, "revealed": revealed})
    if revealed:
        add_never_cache_headers(response)
    return response


@login_required
@require_POST
def reveal_personal(request, pk, field):
    """Shows an ID number or phone in full to a role allowed to see it; do_reveal_personal audits it."""
    if field not in ("id_number", "phone"):
        raise Http404
    person = _person_in_scope(request.user, pk)
    try:
        value = do_reveal_personal(request.user, person, field)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    if request.headers.get("HX-Request") == "true":
        response = render(request, "web/_revealed.html", {"value": value, "field": field})
    else:
        response = _render_person(request, person, revealed={field: value})
    add_never_cache_headers(response)
    return response


# Map -----------------------------------------------------------------------------------------


@login_required
def map_view(request):
    user = request.user
    parent = None
    code = request.GET.get("parent", "")[:20]
    if code:
        parent = get_object_or_404(restrict(user, VIEW, Grid), code=code)
    return render(request, "web/map.html", {"parent": parent})


# Audit log -----------------------------------------------------------------------------------


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@login_required
def audit_log(request):
    user = request.user
    if not scoping.can(user, VIEW, "audit"):
        raise PermissionDenied(_("Only town administrators and auditors may browse the audit log."))
    form, entries = _audit_entries(request, VIEW)
    page = _page(request, entries, per_page=AUDIT_PAGE_SIZE)
    _label_entries(page.object_list)
    return render(request, "web/audit.html", {"form": form, "page": page,
                                              "may_export_audit": scoping.can(user, scoping.EXPORT, "audit"),
                                              "query": request.GET.urlencode()})


AUDIT_EXPORT_MAX_ROWS = 100_000


@login_required
def audit_export(request):
    """The audit log of one's scope as .xlsx, with the page's filters; every text cell through core.xlsx
    (formula-safe). The export is itself an audit row."""
    from openpyxl import Workbook

    from gridgov.core import xlsx
    from gridgov.org.views import _xlsx_response

    user = request.user
    if not scoping.can(user, scoping.EXPORT, "audit"):
        raise PermissionDenied(_("Only town administrators and auditors may browse the audit log."))
    form, entries = _audit_entries(request, scoping.EXPORT)
    entries = list(entries[:AUDIT_EXPORT_MAX_ROWS])
    _label_entries(entries)
    audit.record("audit.export", user, None, {"rows": len(entries), "filters": request.GET.dict()}, actor=user)

    def write(out):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(_("Audit log")))
        xlsx.append(sheet, [str(h) for h in (_("Time"), _("User"), _("Action"), _("Action code"), _("Object"),
                                              _("Object type"), _("Object id"), _("Before"), _("After"),
                                              _("Request id"))])
        written = 0
        for e in entries:
            when = timezone.localtime(e.time).strftime("%Y-%m-%d %H:%M:%S")
            for object_id, label, before, after in _export_objects(e):
                if written >= AUDIT_EXPORT_MAX_ROWS:
                    break
                xlsx.append(sheet, [when, str(e.actor_label), str(e.action_label), e.action,
                                    f"{e.object_kind} {label}".strip(), e.object_type, object_id,
                                    _json_text(before), _json_text(after), e.request_id])
                written += 1
        book.save(out)

    return _xlsx_response(write, f"audit-{timezone.localdate():%Y%m%d}.xlsx")


def _export_objects(entry):
    """(object id, label, before, after) for each object an audit row is about. An import's row about a
    run of objects is one line per object in the export: their values together would pass Excel's
    32,767 characters a cell, and a line per object answers "who wrote this one" in a spreadsheet."""
    if entry.first_object_id is None:
        yield entry.object_id, entry.object_label, entry.before, entry.after
        return
    before, after = entry.before or {}, entry.after or {}
    for pk in audit.covered_ids(entry):
        yield str(pk), f"#{pk}", before.get(str(pk)), after.get(str(pk))


def _json_text(value) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _audit_entries(request, action):
    """The audit rows the user may see (or export), filtered as the form asks."""
    user = request.user
    form = AuditFilterForm(request.GET or None)
    # Scoped like everything else: rows whose org path lies under the user's node (core.scoping
    # maps AuditEntry to the POLICY kind "audit"). Rows without a path (accounts) are superusers' only.
    entries = restrict(user, action, AuditEntry)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            term = data["action"].strip()
            # The code (case.accept, person.reveal…) or the name people read (受理事件).
            entries = entries.filter(Q(action__startswith=term) | Q(action__in=audit.action_codes_matching(term)))
        if data["actor"]:
            term = data["actor"].strip()
            if term == names.SYSTEM_CODE or term in str(names.SYSTEM):
                entries = entries.filter(actor__isnull=True, actor_name__in=[names.SYSTEM_CODE, ""])
            else:
                entries = entries.filter(Q(actor_name=term) | Q(actor__first_name=term) | Q(actor__person__name=term))
        if data["object"]:
            term = data["object"].strip()
            about = Q(object_repr__contains=term) | Q(object_id=term) | Q(object_type=term)
            if term.isdigit():
                # An import writes one row per run of consecutive ids (audit.record_runs): its run covers the id.
                about |= Q(first_object_id__lte=int(term), last_object_id__gte=int(term))
            entries = entries.filter(about)
        if data["date_from"]:
            entries = entries.filter(time__gte=_local_day_start(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(time__lt=_local_day_start(data["date_to"] + datetime.timedelta(days=1)))
    entries = entries.select_related(*names.related("actor")).order_by("-time", "-id")
    return form, entries


# The name Django gives an object without a __str__ of its own ("Income object (3)") says nothing.
_DEFAULT_REPR = re.compile(r"^\w+ object \(\d+\)$")


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# Rows about no model: the whole installation (a backup, a restore).
OBJECT_KINDS = {"system": pgettext_lazy("audit object", "the system")}


def _label_entries(entries) -> None:
    """What a person reads in each row: the action's name, the object as its kind and its natural
    name (事件 20260302-000123), the actor's name and post, the changed fields by their names. The
    actors come with the page's query; accounts that are the object of a row take one more query."""
    user_ids = {e.object_id for e in entries if e.object_type == "org.user" and e.object_id.isdigit()}
    accounts = ({str(u.pk): u for u in User.objects.filter(pk__in=user_ids).select_related(*names.LABEL_RELATED)}
                if user_ids else {})
    for entry in entries:
        model = _model(entry.object_type)
        entry.action_label = audit.action_label(entry.action)
        entry.object_kind = (model._meta.verbose_name if model is not None else
                             OBJECT_KINDS.get(entry.object_type, entry.object_type))
        if entry.first_object_id is not None:
            # An import's row about a run of objects: their ids; each one's values are in the export.
            entry.object_label = f"#{entry.first_object_id}–#{entry.last_object_id}"
            entry.object_kind = model._meta.verbose_name_plural if model is not None else entry.object_kind
            entry.action_label = audit.action_label(entry.action)
            entry.actor_label = names.actor_label(entry.actor_name, entry.actor)
            entry.changes = []
            continue
        if entry.object_id in accounts and entry.object_type == "org.user":
            entry.object_label = accounts[entry.object_id].label
        elif not entry.object_repr or _DEFAULT_REPR.match(entry.object_repr) or entry.object_type in OBJECT_KINDS:
            entry.object_label = f"#{entry.object_id}" if entry.object_id else ""
        else:
            entry.object_label = entry.object_repr
        job = entry.action.removeprefix("case.") if entry.action.startswith("case.") else ""
        entry.actor_label = names.actor_label(entry.actor_name, entry.actor, job=job)
        entry.changes = _changes(model, entry.before, entry.after)


# Fields every scoped model has and none names for people.
FIELD_NAMES = {
    "path": pgettext_lazy("audit field", "org path"),
    "scope_path": pgettext_lazy("audit field", "scope path"),
    "scope_grid_id": pgettext_lazy("audit field", "scope grid"),
    "scope_region_id": pgettext_lazy("audit field", "scope region"),
    "event": pgettext_lazy("audit field", "timeline entry"),
    # Keys the actions write beside their models' fields (a step's reason, a load's counts), and fields
    # whose models give them no name of their own.
    "accounts": pgettext_lazy("audit field", "demo accounts created"),
    "accounts_kept": pgettext_lazy("audit field", "demo accounts kept"),
    "adjust_reason": pgettext_lazy("audit field", "reason for the adjustment"),
    "approved_by_id": pgettext_lazy("audit field", "approved by"),
    "approver_id": pgettext_lazy("audit field", "approved by"),
    "assessment_id": pgettext_lazy("audit field", "assessment"),
    "attributes": pgettext_lazy("audit field", "extra fields"),
    "by_id": pgettext_lazy("audit field", "by"),
    "central_households": pgettext_lazy("audit field", "party-member central households"),
    "closed_at": pgettext_lazy("audit field", "closed at"),
    "closed_by_id": pgettext_lazy("audit field", "closed by"),
    "closed_on_time": pgettext_lazy("audit field", "closed on time"),
    "day": pgettext_lazy("audit field", "reference day"),
    "entered_by_id": pgettext_lazy("audit field", "entered by"),
    "entry_id": pgettext_lazy("audit field", "points entry"),
    "evidence": pgettext_lazy("audit field", "evidence"),
    "expires_at": pgettext_lazy("audit field", "expires at"),
    "file": pgettext_lazy("audit field", "file"),
    "published": pgettext_lazy("audit field", "published"),
    "withdrawn": pgettext_lazy("audit field", "withdrawn"),
    "created_at": pgettext_lazy("audit field", "made at"),
    "token_id": pgettext_lazy("audit field", "API token"),
    "token_ids": pgettext_lazy("audit field", "API tokens"),
    "tokens_revoked": pgettext_lazy("audit field", "API tokens ended"),
    "figures": pgettext_lazy("audit field", "figures"),
    "grids": pgettext_lazy("audit field", "grids"),
    "households": pgettext_lazy("audit field", "households"),
    "indicator_id": pgettext_lazy("audit field", "indicator"),
    "item_id": pgettext_lazy("audit field", "veto item"),
    "key": pgettext_lazy("audit field", "idempotency key"),
    "level": pgettext_lazy("audit field", "level"),
    "locked_until": pgettext_lazy("audit field", "locked until"),
    "mentor_name": pgettext_lazy("audit field", "mentor"),
    "mentor_village_id": pgettext_lazy("audit field", "mentor village"),
    "named_at": pgettext_lazy("audit field", "named at"),
    "nominated": pgettext_lazy("audit field", "stars put forward"),
    "note": pgettext_lazy("audit field", "note"),
    "objection": pgettext_lazy("audit field", "objection"),
    "absent": pgettext_lazy("audit field", "absent"),
    "present": pgettext_lazy("audit field", "present"),
    "party_members": pgettext_lazy("audit field", "party members"),
    "party_orgs": pgettext_lazy("audit field", "party organisations"),
    "paused_at": pgettext_lazy("audit field", "paused at"),
    "people": pgettext_lazy("audit field", "people"),
    "person_id": pgettext_lazy("audit field", "person"),
    "points": pgettext_lazy("audit field", "points"),
    "posts": pgettext_lazy("audit field", "posts"),
    "publicity_until": pgettext_lazy("audit field", "publicity until"),
    "published_at": pgettext_lazy("audit field", "published at"),
    "reason": pgettext_lazy("audit field", "reason"),
    "regions": pgettext_lazy("audit field", "regions"),
    "review_note": pgettext_lazy("audit field", "review note"),
    "reviewed_by_id": pgettext_lazy("audit field", "reviewed by"),
    "scale": pgettext_lazy("audit field", "scale"),
    "scheme_id": pgettext_lazy("audit field", "scheme"),
    "seconds": pgettext_lazy("audit field", "seconds"),
    "seed": pgettext_lazy("audit field", "random seed"),
    "self_points": pgettext_lazy("audit field", "self-assessed points"),
    "stars_earned": pgettext_lazy("audit field", "stars earned"),
    "text": pgettext_lazy("audit field", "text"),
    "total": pgettext_lazy("audit field", "total"),
    "village_id": pgettext_lazy("audit field", "village"),
    "answer": pgettext_lazy("audit field", "answer"),
    "town": pgettext_lazy("audit field", "town"),
    "county": pgettext_lazy("audit field", "county"),
    "village": pgettext_lazy("audit field", "village"),
    "group": pgettext_lazy("audit field", "villager group"),
    "committee": pgettext_lazy("audit field", "party committee"),
    "branch": pgettext_lazy("audit field", "party branch"),
}


def _field(model, key: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    # A key the action wrote may share its name with a reverse relation (a star's "points" entries).
    return field if getattr(field, "concrete", False) else None


# Values that are codes of their own, where no model field has choices to name them.
VALUE_NAMES = {
    "scale": {"town": pgettext_lazy("demo scale", "the demo town"),
              "county": pgettext_lazy("demo scale", "a synthetic county")},
    # Why API tokens ended (org.actions.do_revoke_api_tokens).
    "reason": {"logout": pgettext_lazy("token end", "logged out of the web"),
               "revoked": pgettext_lazy("token end", "revoked by the owner")},
}


# What a points entry came from ("case:203:verified"), as people read it.
SOURCE_KINDS = {
    "award": pgettext_lazy("points source", "award by staff"),
    "entry": pgettext_lazy("points source", "reversal of entry"),
    "claim": pgettext_lazy("points source", "claim"),
    "order": pgettext_lazy("points source", "shop order"),
    "settle": pgettext_lazy("points source", "year-end settlement"),
    "case": pgettext_lazy("points source", "case"),
    "verified": pgettext_lazy("points source", "verified"),
    "closed_on_time": pgettext_lazy("points source", "closed on time"),
}
# Not for reading: a retry guard, and a five-star assessment's computed figures (its page shows them).
HIDDEN_KEYS = {"key"}
SUMMARISED_KEYS = {"figures": pgettext_lazy("audit value", "recomputed")}


def _source(value: str) -> str:
    parts = value.split(":")
    return " · ".join(str(SOURCE_KINDS.get(p, f"#{p}" if p.isdigit() else p)) for p in parts)


def _shown(field, value, key: str = ""):
    """A stored value as people read it: a choice by its label (state "closed" reads 已结案), a yes or
    no in words."""
    if key in SUMMARISED_KEYS and value is not None:
        return SUMMARISED_KEYS[key]
    if isinstance(value, bool):
        return pgettext("audit value", "yes") if value else pgettext("audit value", "no")
    if isinstance(value, dict):
        # Counts by kind (a demo load's regions) and the like: named keys, not a Python dict.
        return "；".join(f"{FIELD_NAMES.get(k, k)}：{_shown(None, v)}" for k, v in value.items())
    if key == "source" and isinstance(value, str) and value:
        return _source(value)
    if isinstance(value, str) and value in VALUE_NAMES.get(key, {}):
        return VALUE_NAMES[key][value]
    if field is not None and field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


def _field_name(field, key: str):
    """A field by the name its model gives it; else by FIELD_NAMES (Django's made-up English from the code
    is never shown); else the code itself, which at least says exactly what it is."""
    if field is not None and isinstance(getattr(field, "verbose_name", None), Promise):
        return field.verbose_name
    return FIELD_NAMES.get(key, key)


def _changes(model, before, after) -> list[tuple[str, object, object]]:
    before, after = before or {}, after or {}
    keys = [key for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key) and key not in HIDDEN_KEYS]
    out = []
    for key in keys:
        field = _field(model, key)
        out.append((_field_name(field, key), _shown(field, before.get(key), key), _shown(field, after.get(key), key)))
    return out
