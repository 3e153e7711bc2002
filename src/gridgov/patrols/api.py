"""Patrol (网格巡查) endpoints of the JSON API: start a patrol, check in, add notes and photos, report a
problem as a case, finish; patrols entered by hand; the list; the compliance of a week; the town's rule.

Thin: parse, call an action (actions.py), render. Refusals answer {"detail"} with their status (404 a
patrol that is not the caller's, 403 a role that does not patrol, 409 a finished patrol); bad input 422.
"""

import datetime
import uuid

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core import clock
from gridgov.core.api import ErrorOut, InvalidOut, PageIn, Rendered, page_of
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import VIEW, can, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Region
from gridgov.org.queries import scope_node

from . import actions, periods, queries
from .actions import PatrolError
from .models import Patrol, Visit

router = Router(tags=["patrols"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidOut}


def _refused(exc: PatrolError):
    if exc.status == 400:
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class IdOut(Schema):
    id: int


class StartIn(Schema):
    note: str = ""


CLIENT_ID = ("the record's own id, a UUID the client makes once: a repeat with the same client_id on the same "
             "patrol answers 200 with the record made the first time, and writes nothing")
PHONE_TIME = ("when it was made on the phone (a record kept without signal and sent later); used if it is not in "
              "the future and not before the patrol started, else the time it arrives")


class CheckInIn(Schema):
    lat: float
    lng: float
    accuracy: float | None = Field(None, description="metres, as the phone reports it")
    client_id: uuid.UUID | None = Field(None, description=CLIENT_ID)
    time: datetime.datetime | None = Field(None, description=PHONE_TIME)


class CheckInOut(Schema):
    id: int
    time: datetime.datetime
    lat: float | None
    lng: float | None
    accuracy: float | None
    grid: str | None = Field(None, description="code of the small grid holding the point, null outside every grid")
    counted: bool = Field(..., description="inside one of the worker's grids; false: kept and flagged")
    by_hand: bool


class PatrolOut(Schema):
    id: int
    person: int | None = Field(None, description="the grid worker (person id)")
    worker: str
    state: str = Field(..., description="open or finished")
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    day: datetime.date
    by_hand: bool
    reason: str
    grids: list[str] = Field(..., description="codes of the small grids the patrol counts for")


class PatrolDetailOut(PatrolOut):
    checkins: list[CheckInOut]
    notes: list[dict]
    cases: list[int]


class FinishIn(Schema):
    note: str = ""


class NoteIn(Schema):
    text: str
    client_id: uuid.UUID | None = Field(None, description=CLIENT_ID)
    time: datetime.datetime | None = Field(None, description=PHONE_TIME)


class CaseIn(Schema):
    category: str = Field(..., description="code of an active subcategory")
    description: str
    lat: float | None = None
    lng: float | None = None


class ByHandIn(Schema):
    started_at: datetime.datetime
    finished_at: datetime.datetime
    grids: list[str] = Field(..., description="codes of the worker's small grids the patrol went through")
    reason: str = Field(..., description="why it is entered afterwards")
    note: str = ""


class RuleIn(Schema):
    town: str = Field(..., description="code of the town")
    weekly_count: int = Field(3, description="patrols per small grid per ISO week")
    half_month_count: int = Field(1, description="patrols per small grid in each half month")


class RuleOut(Schema):
    town: str
    weekly_count: int
    half_month_count: int


def _checkin_out(c) -> dict:
    return {"id": c.pk, "time": c.time, "lat": c.lat, "lng": c.lng, "accuracy": c.accuracy,
            "grid": c.grid.code if c.grid_id else None, "counted": c.counted, "by_hand": c.by_hand}


def _patrol_out(p: Patrol) -> dict:
    return {"id": p.pk, "person": p.person_id, "worker": p.worker_name, "state": p.state, "started_at": p.started_at,
            "finished_at": p.finished_at, "day": p.day, "by_hand": p.by_hand, "reason": p.reason,
            "grids": sorted(v.grid.code for v in p.visits.all())}


@router.post("/patrols", response={201: IdOut, **ERRORS})
def patrol_start(request, body: StartIn = None):
    """Start a patrol now (a grid worker; one already under way is answered instead of a second)."""
    try:
        patrol = actions.do_start(request.user, note=body.note if body else "")
    except PatrolError as exc:
        return _refused(exc)
    return Status(201, {"id": patrol.pk})


@router.post("/patrols/by-hand", response={201: IdOut, **ERRORS})
def patrol_by_hand(request, body: ByHandIn):
    """A patrol entered afterwards, with its reason; marked as entered by hand."""
    try:
        patrol = actions.do_enter_by_hand(request.user, body.started_at, body.finished_at, body.grids, body.reason,
                                          body.note)
    except PatrolError as exc:
        return _refused(exc)
    return Status(201, {"id": patrol.pk})


@router.post("/patrols/{patrol_id}/checkins", response={200: CheckInOut, 201: CheckInOut, **ERRORS})
def patrol_checkin(request, patrol_id: int, body: CheckInIn):
    """A check-in at the phone's position, located to its small grid (`grid`). The same `client_id` again:
    200 with the first check-in."""
    try:
        checkin = actions.do_check_in(request.user, patrol_id, body.lat, body.lng, body.accuracy,
                                      client_id=body.client_id, made_at=body.time)
    except PatrolError as exc:
        return _refused(exc)
    return Status(200 if checkin.repeated else 201, _checkin_out(checkin))


@router.post("/patrols/{patrol_id}/notes", response={200: IdOut, 201: IdOut, **ERRORS})
def patrol_note(request, patrol_id: int, body: NoteIn):
    try:
        note = actions.do_add_note(request.user, patrol_id, text=body.text, client_id=body.client_id,
                                   made_at=body.time)
    except PatrolError as exc:
        return _refused(exc)
    return Status(200 if note.repeated else 201, {"id": note.pk})


@router.post("/patrols/{patrol_id}/photos", response={201: IdOut, **ERRORS})
def patrol_photo(request, patrol_id: int, file: File[UploadedFile]):
    """A photo (JPEG, PNG, WebP or GIF), stored re-encoded without EXIF."""
    try:
        note = actions.do_add_note(request.user, patrol_id, photo=file)
    except PatrolError as exc:
        return _refused(exc)
    return Status(201, {"id": note.pk})


@router.get("/patrols/{patrol_id}/photos/{note_id}", url_name="patrol_photo", response={404: ErrorOut})
def patrol_photo_file(request, patrol_id: int, note_id: int):
    """The stored (EXIF-free) photo of a patrol note, for those who may see the patrol."""
    note = queries.note_photo(request.user, patrol_id, note_id)
    if note is None:
        raise Http404
    response = FileResponse(note.photo.open("rb"), content_type=note.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.post("/patrols/{patrol_id}/case", response={201: IdOut, **ERRORS})
def patrol_case(request, patrol_id: int, body: CaseIn):
    """A problem found on the patrol becomes a case (channel "patrol") linked to it; answers the case's id."""
    try:
        case = actions.do_report_case(request.user, patrol_id, body.category, body.description, body.lat, body.lng)
    except PatrolError as exc:
        return _refused(exc)
    return Status(201, {"id": case.pk})


@router.post("/patrols/{patrol_id}/finish", response={200: PatrolOut, **ERRORS})
def patrol_finish(request, patrol_id: int, body: FinishIn = None):
    try:
        patrol = actions.do_finish(request.user, patrol_id, note=body.note if body else "")
    except PatrolError as exc:
        return _refused(exc)
    return _patrol_out(Patrol.objects.prefetch_related("visits__grid").get(pk=patrol.pk))


class PatrolFilter(Schema):
    grid: str | None = Field(None, description="code of a small grid: patrols that count for it")
    since: datetime.date | None = Field(None, description="first day (the patrol's local day), inclusive")
    until: datetime.date | None = Field(None, description="last day, inclusive")


@router.get("/patrols", response=list[PatrolOut])
@paginate(PageNumberPagination)
def patrol_list(request, filters: Query[PatrolFilter]):
    """Patrols in the caller's scope, newest first (village staff: their village; town staff: the town;
    grid workers: their grids; others: none)."""
    rows = restrict(request.user, VIEW, Patrol).prefetch_related("visits__grid").order_by("-started_at", "-id")
    if filters.grid:
        rows = rows.filter(pk__in=Visit.objects.filter(grid__code=filters.grid.strip()).values("patrol_id"))
    if filters.since:
        rows = rows.filter(day__gte=filters.since)
    if filters.until:
        rows = rows.filter(day__lte=filters.until)
    return Rendered(rows, _patrol_out)


class ComplianceItem(Schema):
    grid: str = Field(..., description="code of the small grid")
    name: str
    patrols: int = Field(..., description="patrols that counted for the grid in the week")
    meets_weekly: bool
    covered_half_month: bool = Field(..., description="patrolled enough in the half month holding the week's "
                                                      "Thursday (1st-15th or 16th-end)")


class ComplianceFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid; default the caller's own node")
    week: str | None = Field(None, description="ISO week, e.g. 2026-W49; default the current week")


class ComplianceOut(Schema):
    items: list[ComplianceItem]
    count: int
    week: str
    weekly_count: int | None = Field(None, description="the town's weekly rule, when the scope lies in one town")


@router.get("/patrols/compliance", response={200: ComplianceOut, 404: ErrorOut, 422: InvalidOut})
def patrol_compliance(request, page: Query[PageIn], filters: Query[ComplianceFilter]):
    """Per small grid of the scope (default: the caller's node), its patrols in an ISO week and whether
    it met the weekly rule and the half-month coverage."""
    user = request.user
    if not can(user, VIEW, "patrol"):
        raise Http404
    scope, week = filters.scope, filters.week
    node = scope_node(user, scope) if scope else None
    if scope and node is None:
        raise Http404
    path = node.path if node is not None else user.scope_path
    if not path and not user.is_superuser:
        raise Http404
    if week:
        try:
            monday = periods.parse_week(week)
        except ValueError:
            return _invalid("week", _("Give an ISO week such as 2026-W49."))
    else:
        monday = periods.week_start(timezone.localdate(clock.now()))
    items = queries.week_compliance(path or "", monday)
    town = actions.town_of(path or "")
    return {**page_of(items, page), "week": periods.week_label(monday),
            "weekly_count": actions.rule_for(town)[0] if town is not None else None}


@router.post("/patrols/rule", response={200: RuleOut, **ERRORS})
def patrol_rule(request, body: RuleIn):
    """Set a town's rule (town staff): patrols per small grid per ISO week, and per half month."""
    town = Region.objects.filter(code=body.town.strip(), level=Region.Level.TOWN).first()
    try:
        rule = actions.do_set_rule(request.user, town, body.weekly_count, body.half_month_count)
    except PatrolError as exc:
        return _refused(exc)
    return {"town": town.code, "weekly_count": rule.weekly_count, "half_month_count": rule.half_month_count}


@router.get("/patrols/{patrol_id}", response={200: PatrolDetailOut, 404: ErrorOut})
def patrol_detail(request, patrol_id: int):
    patrol = restrict(request.user, VIEW, Patrol).prefetch_related("visits__grid").filter(pk=patrol_id).first()
    if patrol is None:
        raise Http404
    checkins = patrol.checkins.select_related("grid")
    return {**_patrol_out(patrol), "checkins": [_checkin_out(c) for c in checkins],
            "notes": [{"id": n.pk, "time": n.time, "text": n.text, "photo": bool(n.photo),
                       "photo_url": reverse("api:patrol_photo", kwargs={"patrol_id": patrol.pk, "note_id": n.pk})
                       if n.photo else None} for n in patrol.notes.all()],
            "cases": list(patrol.case_links.values_list("case_id", flat=True))}
