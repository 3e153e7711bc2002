"""The JSON API of services for the people (为民服务) under /api/v1/services/.

Thin: parse, call an action (actions.py), render. Refusals answer {"detail"}: 404 out of reach (an
outsider's and a missing object alike), 409 when the application's state does not allow the action;
bad input 422 with field errors (`submit` with materials missing: `missing` names them).
"""

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.api import ErrorOut, InvalidOut, Rendered
from gridgov.core.api import invalid as _invalid
from gridgov.core.scoping import VIEW, restrict
from gridgov.org.api import ScopeCode
from gridgov.org.models import Person
from gridgov.org.queries import scope_node

from . import actions
from .actions import ServiceError
from .models import Application, Group, State

router = Router(tags=["services"])


class MissingOut(InvalidOut):
    missing: list[str] = Field([], description="names of the required materials still missing")


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: MissingOut}


def _refused(exc: ServiceError):
    if exc.status == 404:
        raise Http404(exc.message)
    if exc.status == 422:
        if exc.missing:
            return Status(422, {"detail": exc.message, "missing": exc.missing,
                                "errors": [{"field": "materials", "message": name, "type": "missing"}
                                           for name in exc.missing]})
        return _invalid(exc.field, exc.message)
    return Status(exc.status, {"detail": exc.message})


class MaterialSpec(Schema):
    name: str
    original: bool = Field(..., description="the original is required (else a copy)")
    count: int
    photo_ok: bool = Field(..., description="a photo or scan uploaded online is enough")


class ItemOut(Schema):
    id: int
    code: str
    name: str
    group: str
    department: str
    materials: list[MaterialSpec]
    limit_days: int = Field(..., description="time limit in working days, counted from acceptance")
    agent_allowed: bool = Field(..., description="a village agent (代办员) may apply on someone's behalf")
    handled_at: str = Field(..., description="village | town | department: where it is finally handled")


def _item_out(i) -> dict:
    return {"id": i.pk, "code": i.code, "name": i.name, "group": i.group, "department": i.department,
            "materials": i.materials or [], "limit_days": i.limit_days, "agent_allowed": i.agent_allowed,
            "handled_at": i.handled_at}


class ItemFilter(Schema):
    group: Literal[tuple(Group.values)] | None = None  # type: ignore[valid-type]
    q: str | None = Field(None, max_length=50, description="words of the name or code")


@router.get("/services/items", response=list[ItemOut])
@paginate(PageNumberPagination)
def item_list(request, filters: Query[ItemFilter]):
    """The catalogue of the caller's town (active items), by group and code."""
    rows = actions.catalogue(request.user)
    if filters.group:
        rows = rows.filter(group=filters.group)
    if filters.q:
        from django.db.models import Q

        rows = rows.filter(Q(name__icontains=filters.q.strip()) | Q(code__icontains=filters.q.strip()))
    return Rendered(rows.order_by("group", "code"), _item_out)


class FileOut(Schema):
    id: int
    material: str
    content_type: str
    size: int
    created_at: datetime.datetime


class ApplicationOut(Schema):
    id: int
    number: str
    item: str = Field(..., description="the item's code")
    item_name: str
    applicant: int = Field(..., description="id of the applicant's person")
    agent: int | None = Field(None, description="id of the agent's account when an agent applied")
    state: str
    note: str
    missing: list[str] = Field(..., description="materials the staff named when returning it")
    still_missing: list[str] = Field(..., description="what must be uploaded before it can be submitted")
    return_note: str
    refuse_reason: str
    clock: str | None = Field(None, description="normal | due_soon | overdue | paused; null when not running")
    deadline: datetime.datetime | None = Field(None, description="of the current step")
    due_at: datetime.datetime | None = Field(None, description="the item's time limit, from acceptance")
    on_time: bool | None
    rating: int | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    files: list[FileOut]


def _app_out(a: Application) -> dict:
    open_for_files = a.state in (State.DRAFT, State.RETURNED)
    return {"id": a.pk, "number": a.number, "item": a.item.code, "item_name": a.item.name,
            "applicant": a.applicant_id, "agent": a.agent_id, "state": a.state, "note": a.note,
            "missing": a.missing or [], "still_missing": actions.missing_materials(a) if open_for_files else [],
            "return_note": a.return_note, "refuse_reason": a.refuse_reason, "clock": a.clock(),
            "deadline": a.deadline, "due_at": a.due_at, "on_time": a.on_time, "rating": a.rating,
            "created_at": a.created_at, "submitted_at": a.submitted_at, "finished_at": a.finished_at,
            "files": [{"id": f.pk, "material": f.name, "content_type": f.content_type, "size": f.size,
                       "created_at": f.created_at} for f in a.files.all()]}


class ApplicationFilter(Schema):
    scope: ScopeCode = Field(None, description="code of a region or grid: the applications under it")
    state: Literal[tuple(State.values)] | None = None  # type: ignore[valid-type]
    item: str | None = Field(None, max_length=20, description="an item's code")


@router.get("/services/applications", response={200: list[ApplicationOut], 404: ErrorOut})
@paginate(PageNumberPagination)
def application_list(request, filters: Query[ApplicationFilter]):
    """Applications in reach, newest first: staff under their node, a resident their own, an agent those
    of their grid."""
    rows = restrict(request.user, VIEW, Application).select_related("item").prefetch_related("files")
    if filters.scope:
        node = scope_node(request.user, filters.scope)
        if node is None:
            raise Http404  # an unknown code and one outside the caller's area answer alike
        rows = rows.filter(path__startswith=node.path)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.item:
        rows = rows.filter(item__code=filters.item)
    return Rendered(rows.order_by("-created_at", "-id"), _app_out)


@router.get("/services/applications/{app_id}", response={200: ApplicationOut, 404: ErrorOut})
def application_detail(request, app_id: int):
    try:
        return _app_out(actions.visible(request.user, app_id))
    except ServiceError as exc:
        return _refused(exc)


class ApplyIn(Schema):
    item: str = Field(..., max_length=20, description="the item's code in the applicant's town")
    for_person: int | None = Field(None, description="id of the person applied for (an agent); default oneself")
    note: str = Field("", max_length=2000)


@router.post("/services/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request, body: ApplyIn):
    """A draft application: the resident for themselves, or a grid worker (代办员) for a person of their grid
    when the item allows an agent. Then upload materials and submit."""
    user = request.user
    person = None
    if body.for_person is not None:
        person = restrict(user, VIEW, Person).filter(pk=body.for_person).first()
        if person is None:
            raise Http404
    target = person or getattr(user, "person", None)
    from .models import ServiceItem, town_path

    if target is None:  # an account of no person applies for nobody
        raise Http404
    item = ServiceItem.objects.filter(code=body.item, is_active=True, path=town_path(target.path)).first()
    if item is None or not actions.is_insider(user):
        raise Http404
    try:
        app = actions.do_apply(user, item, for_person=person, note=body.note)
    except ServiceError as exc:
        return _refused(exc)
    return Status(201, _app_out(app))


@router.post("/services/applications/{app_id}/materials", response={201: FileOut, **ERRORS})
def material_upload(request, app_id: int, material: Form[str], file: File[UploadedFile]):
    """Upload one material (multipart: `material` = its name in the item, `file` = a photo or a PDF, checked
    by content; photos are stored re-encoded without EXIF)."""
    try:
        f = actions.do_add_material(request.user, app_id, material, file)
    except ServiceError as exc:
        return _refused(exc)
    return Status(201, {"id": f.pk, "material": f.name, "content_type": f.content_type, "size": f.size,
                        "created_at": f.created_at})


class ActionIn(Schema):
    action: Literal["submit", "accept", "return", "process", "finish", "refuse", "rate"]
    missing: list[str] = Field([], description="return: names of the missing materials")
    note: str = Field("", max_length=500, description="return: a note to the applicant; rate: a comment")
    reason: str = Field("", max_length=500, description="refuse: the reason")
    rating: int | None = Field(None, description="rate: 1 to 5")


@router.post("/services/applications/{app_id}/actions", response={200: ApplicationOut, **ERRORS})
def application_action(request, app_id: int, body: ActionIn):
    """One step: submit (applicant; 422 naming the missing materials), accept, return (naming the missing
    materials), process, finish, refuse (with a reason) by the staff in scope, rate (applicant, 1-5, once).
    409 when the state does not allow the action."""
    try:
        app = actions.do_action(request.user, app_id, body.action, missing=body.missing, note=body.note,
                                reason=body.reason, rating=body.rating)
    except ServiceError as exc:
        return _refused(exc)
    return _app_out(app)


# --- appointments ---------------------------------------------------------------------------------------

class SlotOut(Schema):
    id: int
    start: datetime.datetime
    end: datetime.datetime
    capacity: int
    booked: int
    free: int
    place: str


def _slot_out(s) -> dict:
    return {"id": s.pk, "start": s.start, "end": s.end, "capacity": s.capacity, "booked": s.booked,
            "free": s.free, "place": s.place}


@router.get("/services/slots", response=list[SlotOut])
@paginate(PageNumberPagination)
def slot_list(request):
    """The service hall's time slots of the caller's town, from now on."""
    from gridgov.core import clock

    return Rendered(actions.slots_for(request.user).filter(end__gt=clock.now()).order_by("start", "id"), _slot_out)


class SlotIn(Schema):
    start: datetime.datetime
    end: datetime.datetime
    capacity: int = Field(..., ge=1, le=500)
    place: str = Field("", max_length=100)


@router.post("/services/slots", response={201: SlotOut, **ERRORS})
def slot_create(request, body: SlotIn):
    """The town opens a time slot of its service hall."""
    from gridgov.org.models import Region

    town = Region.objects.filter(path=actions.home_town_path(request.user)).first()
    if town is None:
        raise Http404
    try:
        slot = actions.do_create_slot(request.user, town, body.start, body.end, body.capacity, body.place)
    except ServiceError as exc:
        return _refused(exc)
    return Status(201, _slot_out(slot))


class BookIn(Schema):
    for_person: int | None = Field(None, description="an agent books for a person of their grid")
    application: int | None = None


class BookingOut(Schema):
    id: int
    slot: int
    person: int
    application: int | None


@router.post("/services/slots/{slot_id}/bookings", response={201: BookingOut, **ERRORS})
def slot_book(request, slot_id: int, body: BookIn):
    """Book a place (409 when the slot is full or already booked by the person)."""
    user = request.user
    person = app = None
    if body.for_person is not None:
        person = restrict(user, VIEW, Person).filter(pk=body.for_person).first()
        if person is None:
            raise Http404
    try:
        if body.application is not None:
            app = actions.visible(user, body.application)
        booking = actions.do_book(user, slot_id, for_person=person, application=app)
    except ServiceError as exc:
        return _refused(exc)
    return Status(201, {"id": booking.pk, "slot": booking.slot_id, "person": booking.person_id,
                        "application": booking.application_id})
