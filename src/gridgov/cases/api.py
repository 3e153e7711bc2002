"""Case endpoints of the JSON API (事件闭环): categories, reporting, photos, the scoped case list and
detail, the actions of the workflow, statistics, rankings and the notification inbox.

Thin on purpose: parse, call an action (actions.py) or a read (queries.py), render. A refused action
answers CaseError.status (409 wrong state or actor, 404 out of scope, 400 bad input) with its message.
"""

import datetime
import json
import uuid
from typing import Literal

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import NinjaJSONEncoder
from pydantic import field_validator

from gridgov.core.api import ErrorOut, InvalidOut, PageIn, Rendered, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import PERSONAL_ROLES, VIEW, restrict
from gridgov.org import codes
from gridgov.org.api import ScopeCode
from gridgov.org.models import Grid, Person

from . import actions, memo, queries, routing
from .models import MAX_PLACE, Case, Category, Level, Notification, State, village_path
from .workflow import ACTIONS, CaseError, allowed_actions

router = Router(tags=["cases"])

STATS_DESCRIPTION = """Metrics of a node (`scope`: a region or grid code; default the caller's own node)
over a window of local dates (`since`, `until`, both included; default this month up to today).

The cohort (应结案数) is the cases accepted (立案) in the window under the node, without those that
ended rejected (不予受理) or merged (合并). Except `reported`, every figure counts that cohort:

- `reported` 上报数: cases reported in the window, whatever became of them.
- `accepted` 应结案数: the cohort.
- `closed` 结案数: cases of the cohort now closed (verified).
- `closed_on_time` 按期结案数: closed cases none of whose steps passed its deadline (suspensions and
  approved extensions included).
- `completion_rate` 结案率 = 结案数 / 应结案数 = closed / accepted.
- `on_time_rate` 按期结案率 = 按期结案数 / 结案数 = closed_on_time / closed.
- `rework_rate` 返工率 = 返工过的结案数 / 结案数 = closed cases sent back at least once / closed
  (`reworks` gives the total number of sends back).
- `satisfaction_rate` 满意率 = (满意 + 基本满意) / 已评价数 = (satisfied + basic) / rated; `rated`
  includes the automatic ratings of cases left unrated (`rated_auto` of them).
- `average_hours_to_close` 平均办结时长 = mean of (closed − reported) over closed cases, in calendar hours.
- `closed_by_level` 分级结案数: closed cases by the level they closed at (grid, village, town, department).

A rate whose denominator is 0 is null. Rates are fractions (0.962 is 96.2%)."""


def _refused(exc: CaseError):
    return Status(exc.status, {"detail": exc.message})


# --- categories ------------------------------------------------------------------------------------

class LimitsOut(Schema):
    unit: str = Field(..., description="h: working hours, d: working days (on the working calendar)")
    unit_name: str
    accept: int = Field(..., description="time to assess (分析研判)")
    dispatch: int = Field(..., description="time to dispatch (分派)")
    handle: int = Field(..., description="time to handle (处置)")
    verify: int = Field(..., description="time to verify (核查)")


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None = Field(None, description="code of the main category of a subcategory")
    level: int = Field(..., description="1 main category (大类), 2 subcategory (小类); cases take a subcategory")
    handling_level: str = Field(..., description="grid, village, town or department")
    default_unit: str | None = Field(None, description="code of the handling unit cases usually go to")
    limits: LimitsOut


def _category_out(c: Category) -> dict:
    return {
        "code": c.code, "name": c.name, "parent": c.parent.code if c.parent else None, "level": c.level,
        "handling_level": c.handling_level, "default_unit": c.default_unit.code if c.default_unit else None,
        "limits": {"unit": c.limit_unit, "unit_name": str(c.get_limit_unit_display()), "accept": c.accept_limit,
                   "dispatch": c.dispatch_limit, "handle": c.handle_limit, "verify": c.verify_limit},
    }


@router.get("/cases/categories", response=list[CategoryOut])
@paginate(PageNumberPagination)
def categories(request):
    """The active category tree in code order (a main category, then its subcategories), with each
    category's handling level and the time limit of each step."""
    rows = Category.objects.filter(is_active=True).select_related("parent", "default_unit").order_by("code")
    return Rendered(rows, _category_out)


# --- shapes of a case ------------------------------------------------------------------------------

class CaseOut(Schema):
    id: int
    number: str | None
    state: str
    level: str = Field(..., description="grid, village, town or department: where the case is handled now")
    priority: str
    category: str = Field(..., alias="category.code")
    category_name: str = Field(..., alias="category.name")
    grid: str = Field(..., alias="grid.code")
    grid_name: str = Field(..., alias="grid.name")
    description: str
    place: str = Field(..., description="the place in the reporter's words (村口小卖部旁), \"\" when none was given")
    channel: str
    lat: float | None
    lng: float | None
    in_pool: bool
    created_at: datetime.datetime
    deadline: datetime.datetime | None = Field(None, description="deadline of the current step")
    clock: str | None = Field(None, description="normal | due_soon | overdue | paused; null once final")

    @staticmethod
    def resolve_clock(obj):
        return obj.clock() if callable(obj.clock) else obj.clock

    @staticmethod
    def resolve_description(obj, context):
        # Phone and ID numbers masked for those who may not know who reported (queries.sees_reporter).
        if isinstance(obj, Case):
            return queries.text_shown(obj.description, queries.sees_reporter(context["request"].user, obj))
        return obj.description

    @staticmethod
    def resolve_place(obj, context):
        # Masked like the description: a phone typed into the place is still the reporter's.
        if isinstance(obj, Case):
            return queries.text_shown(obj.place, queries.sees_reporter(context["request"].user, obj))
        return obj.place


class EventOut(Schema):
    time: datetime.datetime
    action: str
    actor: str = Field(..., description="the actor's name; 'system' for the worker. The reporter's own steps "
                                        "read as the reporter (反映人) to those who may not know who reported: "
                                        "party members taking the order, departments")
    from_state: str
    to_state: str
    level: str
    note: str
    data: dict


class PhotoOut(Schema):
    id: int
    url: str
    event: int | None
    content_type: str
    width: int
    height: int
    size: int


class DuplicateOut(Schema):
    id: int
    number: str | None
    state: str
    distance_m: float
    created_at: datetime.datetime


class CaseDetailOut(CaseOut):
    assignee: str | None = Field(None, description="username of the person handling it")
    assignee_name: str | None = Field(None, description="the handler's name and post, e.g. 陈伟明 · 网格员 · 碧塘村第1网格")
    unit: str | None = Field(None, description="code of the unit handling it")
    reporter_phone: str = Field(..., description="masked, e.g. 138****5678; see POST /cases/{id}/reveal_phone")
    rework_count: int
    escalation_count: int
    late_steps: int
    rating: str
    rating_auto: bool
    closed_level: str
    closed_on_time: bool | None
    accepted_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    merged_into: int | None
    timeline: list[EventOut]
    photos: list[PhotoOut]
    allowed_actions: list[str] = Field(..., description="the actions the caller may take now")
    duplicates: list[DuplicateOut] = Field(
        ..., description="while the case waits for assessment: open cases of its category within 100 m and 7 days "
                         "that the caller may open")
    other_duplicates: int = Field(0, description="how many more such cases there are that the caller may not open")


def photo_url(photo) -> str:
    return reverse("api:case_photo", kwargs={"case_id": photo.case_id, "photo_id": photo.pk})


def _detail(user, case: Case, events=None, photos=None) -> dict:
    """The detail answer as CaseDetailOut dumps it: its fields in order, plain values. Built by hand
    because ninja's validation of a returned object through its per-field getter cost more than the rest
    of the answer; tests/cases/test_api_detail_shape.py holds it equal to the schema's own dump for cases
    in every state. `events` and `photos` default to the case's (prefetched) relations."""
    events = case.events.all() if events is None else events
    photos = case.photos.all() if photos is None else photos
    duplicates, other_duplicates = [], 0
    if case.state == State.REPORTED:
        found, other_duplicates = routing.duplicate_rows_for(user, case)
        duplicates = [{"id": pk, "number": number, "state": state, "distance_m": float(d), "created_at": created_at}
                      for (pk, number, state, _lat, _lng, created_at, _path), d in found]
    sees = queries.sees_reporter(user, case)
    hidden = set() if sees else queries.reporter_account_ids(case)
    category, grid, assignee = case.category, case.grid, case.assignee
    return {
        "id": case.id, "number": case.number, "state": str(case.state), "level": str(case.level),
        "priority": str(case.priority), "category": category.code, "category_name": category.name,
        "grid": grid.code, "grid_name": grid.name,
        "description": queries.text_shown(case.description, sees), "place": queries.text_shown(case.place, sees),
        "channel": str(case.channel), "lat": case.lat, "lng": case.lng, "in_pool": case.in_pool,
        "created_at": case.created_at, "deadline": case.deadline, "clock": case.clock(),
        "assignee": assignee.username if assignee else None, "assignee_name": assignee.label if assignee else None,
        "unit": case.unit.code if case.unit_id else None,
        "reporter_phone": case.reporter_phone_masked,
        **{f: getattr(case, f) for f in ("rework_count", "escalation_count", "late_steps")},
        "rating": str(case.rating), "rating_auto": case.rating_auto, "closed_level": str(case.closed_level),
        **{f: getattr(case, f) for f in ("closed_on_time", "accepted_at", "resolved_at", "closed_at")},
        "merged_into": case.merged_into_id,
        "timeline": [{"time": e.time, "action": e.action, "actor": queries.actor_shown(e, hidden),
                      "from_state": e.from_state, "to_state": e.to_state, "level": e.level,
                      "note": queries.text_shown(e.note, sees), "data": e.data} for e in events],
        "photos": [{"id": p.pk, "url": photo_url(p), "event": p.event_id, "content_type": p.content_type,
                    "width": p.width, "height": p.height, "size": p.size} for p in photos],
        "allowed_actions": allowed_actions(user, case),
        "duplicates": duplicates, "other_duplicates": other_duplicates,
    }


def _answer(detail: dict, status: int = 200) -> HttpResponse:
    """The detail as ninja's JSON renderer writes it, without a second validation of what _detail built."""
    return HttpResponse(json.dumps(detail, cls=NinjaJSONEncoder), status=status,
                        content_type="application/json; charset=utf-8")


# --- report ----------------------------------------------------------------------------------------

CHANNELS_OF_ROLE = {
    # Who may say a report came in how: residents report as themselves; a grid worker on patrol or on
    # behalf of a resident (代报); staff also enter hotline calls.
    "resident": {"resident"},
    "party_member": {"resident"},
    "grid_worker": {"patrol", "proxy"},
    "village_secretary": {"hotline", "proxy", "patrol"},
    "town_admin": {"hotline", "proxy", "patrol"},
    "department": {"hotline", "proxy", "patrol"},
}


class CaseIn(Schema):
    category: str = Field(..., max_length=16, description="code of a subcategory (小类)")
    description: str = Field(..., max_length=2000)
    lat: float | None = Field(None, ge=-90, le=90, description="latitude, WGS 84; with lng, routes the case")
    lng: float | None = Field(None, ge=-180, le=180)
    place: str | None = Field(None, max_length=MAX_PLACE, description="the place in words, as a handler would look "
                                                                      "for it: 村口小卖部旁, 3组12号门前 (optional)")
    grid: str | None = Field(None, description="code of the small grid, when no point is given or it lies in none")
    reporter_phone: str | None = Field(None, max_length=20, description="a phone to call back (stored encrypted)")
    channel: Literal["resident", "patrol", "proxy", "hotline"] | None = Field(
        None, description="default: resident for residents and party members, patrol for grid workers, hotline for "
                          "staff; proxy when `reporter` is given")
    reporter: int | None = Field(None, description="staff reporting on behalf of a resident (代报): the person's id")
    client_id: uuid.UUID | None = Field(
        None, description="the report's own id, a UUID the client makes once per report: a repeat with the same "
                          "client_id by the same account answers 200 with the case made the first time")

    @field_validator("grid")
    @classmethod
    def grid_is_a_grid_code(cls, value):
        value = (value or "").strip() or None
        if value is not None:
            codes.grid_level_of(value)
        return value


def reach_of(user) -> str | None:
    """Path prefix of the grids a user may report in; "" for anywhere. Staff report under their node;
    residents and party members anywhere in their own village (小事不出村)."""
    if user.is_superuser:
        return ""
    if not user.scope_path:
        return None
    if user.role in PERSONAL_ROLES:
        return village_path(user.scope_path)
    return user.scope_path


@router.post("/cases", response={200: CaseDetailOut, 201: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 422: InvalidOut})
def report(request, body: CaseIn):
    """Report a problem (我要反映). It is routed to the small grid containing the point (else the grid
    chosen), which must lie within the reporter's reach (staff: under their node; residents and party
    members: their village); it starts at grid level, waiting for the grid worker's assessment.
    The answer carries `duplicates`: open cases of the same category within 100 m and 7 days."""
    user = request.user
    category = memo.subcategory(body.category.strip())
    if category is None:
        return _invalid("category", _("Choose an active subcategory."))
    field = "lat" if body.lat is not None or body.lng is not None else "grid"
    try:
        grid = routing.grid_for_report(body.lat, body.lng, body.grid)
    except CaseError as exc:
        return _invalid(field, exc.message)
    reach = reach_of(user)
    if reach is None or not grid.path.startswith(reach):
        return _invalid(field, _("This place is outside the area you may report in."))
    reporter_person = None
    if body.reporter is not None:
        reporter_person = restrict(user, VIEW, Person).filter(pk=body.reporter).first()
        if reporter_person is None or user.role in PERSONAL_ROLES:
            return _invalid("reporter", _("You may report only for people of your own grids."))
    channel = body.channel or ("proxy" if reporter_person else None)
    if channel is not None and not user.is_superuser and channel not in CHANNELS_OF_ROLE.get(user.role, set()):
        return _invalid("channel", _("You may not report through the channel %(channel)s.") % {"channel": channel})
    try:
        case = actions.do_report(user, category, body.description, lat=body.lat, lng=body.lng, grid=grid,
                                 reporter_phone=body.reporter_phone or "", channel=channel,
                                 reporter_person=reporter_person, routed=True, client_id=body.client_id,
                                 place=body.place or "")
    except CaseError as exc:
        if exc.status == 400:
            return _invalid(exc.field or ("reporter_phone" if body.reporter_phone else "description"), exc.message)
        return _refused(exc)
    # The saved case already holds what the answer shows (its category and grid are the ones checked
    # above, no assignee, unit or merge yet); a new case has its report event and no photo.
    if case.repeated:  # the same client_id again: the case made the first time, as it is now
        return _answer(_detail(user, case, events=list(case.events.all()), photos=list(case.photos.all())))
    return _answer(_detail(user, case, events=[case.report_event], photos=[]), 201)


# --- photos ----------------------------------------------------------------------------------------

@router.post("/cases/{case_id}/photos", response={201: PhotoOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def add_photo(request, case_id: int, file: File[UploadedFile]):
    """Attach a photo (multipart field `file`; JPEG, PNG, WebP or GIF, checked by decoding it; at most
    10 MB). It is stored re-encoded without EXIF: no location, no device. Answers the photo's id and URL."""
    try:
        photo = actions.do_add_photo(request.user, case_id, file)
    except CaseError as exc:
        return _refused(exc)
    return Status(201, {"id": photo.pk, "url": photo_url(photo), "event": photo.event_id,
                        "content_type": photo.content_type, "width": photo.width, "height": photo.height,
                        "size": photo.size})


@router.get("/cases/{case_id}/photos/{photo_id}", url_name="case_photo", response={404: ErrorOut})
def photo_file(request, case_id: int, photo_id: int):
    """The stored (EXIF-free) image, for those who may see the case."""
    photo = queries.photo_of(request.user, case_id, photo_id)
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- lists and detail ------------------------------------------------------------------------------

class CaseFilter(Schema):
    state: Literal[tuple(State.values)] | None = Field(None, description="one state")  # type: ignore[valid-type]
    grid: str | None = Field(None, description="code of a grid: the cases under it")
    region: str | None = Field(None, description="code of a region: the cases under it")
    category: str | None = Field(None, max_length=16, description="code of a category; a main category keeps its "
                                                                  "subcategories")
    overdue: bool | None = Field(None, description="true: open cases past their step's deadline; false: the others")
    mine: bool = Field(False, description="only the cases the caller reported (我的诉求)")


@router.get("/cases", response=list[CaseOut])
@paginate(PageNumberPagination)
def case_list(request, filters: Query[CaseFilter]):
    """Cases in scope, newest first: staff see the cases under their node, residents and party members
    the cases they reported, the orders they took and their village's order pool."""
    user = request.user
    grid_path = region_path = None
    if filters.grid:
        grid = restrict(user, VIEW, Grid).filter(code=filters.grid.strip()).first()
        if grid is None:
            return Case.objects.none()  # an unknown or hidden grid: nothing, not everything
        grid_path = grid.path
    if filters.region:
        node = queries.scope_node(user, filters.region)
        if node is None or isinstance(node, Grid):
            return Case.objects.none()
        region_path = node.path
    return queries.case_list(user, state=filters.state, grid_path=grid_path, region_path=region_path,
                             category=filters.category, overdue=filters.overdue, mine=filters.mine)


# Declared before /cases/{case_id} for readers; the int converter would not take these words anyway.
class StatsOut(Schema):
    scope: str | None = Field(..., description="code of the node; null for everything the caller sees")
    since: datetime.date
    until: datetime.date
    reported: int
    accepted: int
    closed: int
    closed_on_time: int
    reworked: int
    reworks: int
    rated: int
    rated_auto: int
    completion_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    satisfaction_rate: float | None
    average_hours_to_close: float | None
    closed_by_level: dict[str, int]


class WindowIn(Schema):
    scope: ScopeCode = Field(None, description="code of a region (12 or 14 digits) or a grid (15 digits): a town "
                                               "or village grid means the same as its region; default: the "
                                               "caller's own node")
    since: datetime.date | None = Field(None, description="first day, YYYY-MM-DD (default: the 1st of this month)")
    until: datetime.date | None = Field(None, description="last day, YYYY-MM-DD (default: today)")


def _scoped_window(request, params: WindowIn):
    node = queries.scope_node(request.user, params.scope)
    if params.scope and node is None:
        raise Http404
    cases = queries.visible_cases(request.user)
    if node is not None:
        cases = cases.filter(path__startswith=node.path)
    since, until = queries.window(params.since, params.until)
    return node, cases, since, until


@router.get("/cases/stats", response={200: StatsOut, 404: ErrorOut, 422: InvalidOut}, description=STATS_DESCRIPTION)
def case_stats(request, params: Query[WindowIn]):
    node, cases, since, until = _scoped_window(request, params)
    if since > until:
        return _invalid("since", _("The first day comes after the last day."))
    return {"scope": node.code if node else None, **queries.stats_for(request.user, node, cases, since, until)}


class RankingOut(Schema):
    rank: int
    code: str
    name: str
    accepted: int
    closed: int
    closed_on_time: int
    completion_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    satisfaction_rate: float | None


class RankingsOut(Schema):
    scope: str | None
    by: str
    since: datetime.date
    until: datetime.date
    items: list[RankingOut] = Field(..., description="the page asked for")
    count: int = Field(..., description="every ranked node")


class RankingIn(WindowIn, PageIn):
    by: Literal["grid", "village", "handler"] = Field("grid", description="small grids, villages or handlers")


@router.get("/cases/rankings", response={200: RankingsOut, 404: ErrorOut, 422: InvalidOut})
def case_rankings(request, params: Query[RankingIn]):
    """The small grids, villages or handlers under the scope ranked by completion rate (结案率), then
    on-time rate (按期结案率), ties by code; over the cases accepted in the window (see /cases/stats).
    Only nodes with cases in the window appear."""
    node, cases, since, until = _scoped_window(request, params)
    if since > until:
        return _invalid("since", _("The first day comes after the last day."))
    ranked = queries.rankings_for(request.user, node, cases, params.by, since, until)
    return {"scope": node.code if node else None, "by": params.by, "since": since, "until": until,
            **page_of(ranked, params)}


@router.get("/cases/{case_id}", response={200: CaseDetailOut, 404: ErrorOut})
def case_detail(request, case_id: int):
    """One case with its clock, timeline, photos and the actions the caller may take. The reporter's
    phone is masked."""
    case = queries.case_detail(request.user, case_id)
    if case is None:
        raise Http404
    return _answer(_detail(request.user, case))


class RevealOut(Schema):
    value: str


@router.post("/cases/{case_id}/reveal_phone", response={200: RevealOut, 403: ErrorOut, 404: ErrorOut})
def reveal_phone(request, case_id: int):
    """The reporter's phone in full, for staff whose scope covers the case (403 for the others); each
    call is written to the audit log."""
    case = get_object_or_404(queries.visible_cases(request.user), pk=case_id)
    try:
        return {"value": actions.do_reveal_reporter_phone(request.user, case)}
    except CaseError as exc:
        return _refused(exc)


# --- actions ---------------------------------------------------------------------------------------

class ActionIn(Schema):
    action: Literal[tuple(ACTIONS)]  # type: ignore[valid-type]
    level: Literal[tuple(Level.values)] | None = Field(None, description="accept")  # type: ignore[valid-type]
    priority: Literal["normal", "urgent"] | None = Field(None, description="accept")
    reason: str | None = Field(None, max_length=2000, description="reject, return, escalate, transfer, suspend, "
                                                                  "extend, reopen")
    into: int | None = Field(None, description="merge: id of the case to merge into")
    to: str | None = Field(None, max_length=150, description="dispatch, transfer: a username or a unit code")
    result: str | None = Field(None, max_length=2000, description="resolve")
    passed: bool | None = Field(None, description="verify: true closes, false reopens for rework")
    rating: Literal["satisfied", "basic", "dissatisfied"] | None = Field(None, description="rate")
    note: str | None = Field(None, max_length=2000, description="supervise; optional elsewhere")
    text: str | None = Field(None, max_length=2000, description="comment")
    answer: str | None = Field(None, max_length=2000, description="answer_supervision")
    amount: int | None = Field(None, ge=1, description="extend")
    unit: Literal["h", "d"] | None = Field(None, description="extend: working hours or working days")
    approved: bool | None = Field(None, description="approve_extension")


REQUIRED = {"merge": "into", "verify": "passed", "rate": "rating", "extend": "amount", "approve_extension": "approved"}


def _run(user, case_id: int, body: ActionIn):
    a, note = body.action, body.note or ""
    if a == "accept":
        return actions.do_accept(user, case_id, level=body.level, priority=body.priority, note=note)
    if a == "reject":
        return actions.do_reject(user, case_id, reason=body.reason or "")
    if a == "merge":
        return actions.do_merge(user, case_id, body.into, note=note)
    if a == "escalate":
        return actions.do_escalate(user, case_id, reason=body.reason or "")
    if a == "dispatch":
        return actions.do_dispatch(user, case_id, body.to or "", note=note)
    if a == "publish":
        return actions.do_publish(user, case_id, note=note)
    if a == "transfer":
        return actions.do_transfer(user, case_id, body.to or "", reason=body.reason or note)
    if a == "claim":
        return actions.do_claim(user, case_id, note=note)
    if a == "return":
        return actions.do_return(user, case_id, reason=body.reason or "")
    if a == "extend":
        return actions.do_extend(user, case_id, body.amount, reason=body.reason or "", unit=body.unit)
    if a == "approve_extension":
        return actions.do_approve_extension(user, case_id, approved=body.approved, note=note)
    if a == "suspend":
        return actions.do_suspend(user, case_id, reason=body.reason or "")
    if a == "resume":
        return actions.do_resume(user, case_id, note=note)
    if a == "resolve":
        return actions.do_resolve(user, case_id, result=body.result or "")
    if a == "verify":
        return actions.do_verify(user, case_id, passed=body.passed, note=body.reason or note)
    if a == "reopen":
        return actions.do_reopen(user, case_id, reason=body.reason or note)
    if a == "rate":
        return actions.do_rate(user, case_id, body.rating, note=note)
    if a == "supervise":
        return actions.do_supervise(user, case_id, note=note)
    if a == "answer_supervision":
        return actions.do_answer_supervision(user, case_id, answer=body.answer or body.text or "")
    if a == "comment":
        return actions.do_comment(user, case_id, text=body.text or "")
    if a == "add_photo":
        raise CaseError(_("Send photos to POST /api/v1/cases/{id}/photos."), status=400)
    raise CaseError(_("Unknown action."), status=400)


@router.post("/cases/{case_id}/actions",
             response={200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                       422: InvalidOut})
def case_action(request, case_id: int, body: ActionIn):
    """Take one action of the workflow (see workflow.TRANSITIONS) and answer the updated case.
    Fields per action: accept (`level`, `priority`, both optional), reject/return/escalate/suspend
    (`reason`), merge (`into`), dispatch/transfer (`to`: a username or unit code), resolve (`result`),
    verify (`passed`; false reopens for rework with `reason`), reopen (`reason`), rate (`rating`),
    supervise (`note`), answer_supervision (`answer`), comment (`text`), extend (`amount`, `unit`,
    `reason`), approve_extension (`approved`). An action the state or the caller does not allow
    answers 409, a case out of scope 404, and nothing changes."""
    required = REQUIRED.get(body.action)
    if required and getattr(body, required) is None:
        return _invalid(required, _("This field is required."), "missing")
    try:
        _run(request.user, case_id, body)
    except CaseError as exc:
        return _refused(exc)
    return _answer(_detail(request.user, queries.case_for_response(case_id)))


# --- notifications ---------------------------------------------------------------------------------

class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    case: int | None = Field(None, alias="case_id")
    created_at: datetime.datetime
    read_at: datetime.datetime | None


@router.get("/notifications", response=list[NotificationOut], tags=["notifications"])
@paginate(PageNumberPagination)
def notifications(request):
    """The caller's inbox: unread first, then newest first."""
    unread_first = SqlCase(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Notification.objects.filter(user=request.user).annotate(unread_first=unread_first)
            .order_by("unread_first", "-created_at", "-id"))


class ReadIn(Schema):
    ids: list[int] | None = Field(None, description="the notifications to mark read; omitted: all unread")


class ReadOut(Schema):
    marked: int


@router.post("/notifications/read", response=ReadOut, tags=["notifications"])
def notifications_read(request, body: ReadIn):
    """Mark the caller's notifications read; other users' ids are ignored."""
    return {"marked": actions.do_mark_read(request.user, body.ids)}

