"""Writes of services: apply, upload a material, the life cycle actions, the catalogue, slots and
bookings. Each checks who may, writes in a transaction and audits.

ServiceError carries the HTTP status the API answers: 404 out of reach (outsiders see nothing),
409 an action the state does not allow, 422 bad input naming the field (`missing`: the materials
an application still lacks).
"""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases import calendar
from gridgov.cases import conf as case_conf
from gridgov.core import audit, clock
from gridgov.core.scoping import CHANGE, SUBTREE, VIEW, reach, restrict
from gridgov.org.models import Person, Region, User

from .models import (
    FINAL,
    Application,
    Booking,
    Group,
    HandledAt,
    Material,
    ServiceItem,
    Slot,
    State,
    town_path,
)
from .policy import APPLY_FOR

MAX_NOTE = 2000
MAX_FILES = 30
MAX_PDF_BYTES = 10 * 1024 * 1024
ACCEPT_DAYS = 1  # working days to accept (or return) a submitted application
ACTIONS = ("submit", "accept", "return", "process", "finish", "refuse", "rate")


class ServiceError(Exception):
    def __init__(self, message, status: int = 422, field: str = "body", missing: list[str] | None = None):
        super().__init__(str(message))
        self.message, self.status, self.field, self.missing = str(message), status, field, missing or []


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def home_town_path(user) -> str:
    """The town whose catalogue and hall a user uses: of their scope, else of their person."""
    if not _active(user):
        return ""
    if user.scope_path and town_path(user.scope_path):
        return town_path(user.scope_path)
    person = getattr(user, "person", None)
    return town_path(person.path) if person else ""


def is_insider(user) -> bool:
    return _active(user) and (user.is_superuser or reach(user, VIEW, "service_application") is not None)


def catalogue(user, include_inactive: bool = False):
    """The catalogue a user may read: their town's items (a town admin: those under their scope)."""
    if not is_insider(user):
        return ServiceItem.objects.none()
    if user.is_superuser:
        rows = ServiceItem.objects.all()
    else:
        path = home_town_path(user)
        rows = ServiceItem.objects.filter(path=path) if path else ServiceItem.objects.none()
    return rows if include_inactive else rows.filter(is_active=True)


def slots_for(user):
    if not is_insider(user):
        return Slot.objects.none()
    if user.is_superuser:
        return Slot.objects.all()
    path = home_town_path(user)
    return Slot.objects.filter(path=path) if path else Slot.objects.none()


def may_keep_catalogue(user, town_path_: str) -> bool:
    """Town staff keep their town's catalogue and slots; None is the system (imports run by the lead, the demo)."""
    return user is None or _active(user) and (user.is_superuser or (
        reach(user, CHANGE, "service_item") == SUBTREE and town_path_.startswith(user.scope_path or "\0")))


def may_handle(user, app: Application) -> bool:
    """Village staff handle the applications of their village, town staff and departments the town's."""
    return user is None or _active(user) and (user.is_superuser or (
        reach(user, CHANGE, "service_application") == SUBTREE and bool(user.scope_path)
        and app.path.startswith(user.scope_path)))


def is_owner(user, app: Application) -> bool:
    """The applicant, or the agent who applied for them."""
    if not _active(user):
        return False
    if user.person_id and user.person_id == app.applicant_id:
        return True
    return app.agent_id == user.pk and reach(user, APPLY_FOR, "service_application") == SUBTREE \
        and app.path.startswith(user.scope_path or "\0")


def visible(user, app_id) -> Application:
    """The application if the user may see it, else 404 (an outsider learns nothing)."""
    app = restrict(user, VIEW, Application).filter(pk=app_id).select_related("item", "applicant").first()
    if app is None:
        raise ServiceError(_("No such application."), status=404)
    return app


# --- applications -----------------------------------------------------------------------------------

def do_apply(actor, item: ServiceItem, for_person: Person | None = None, note: str = "") -> Application:
    """A draft application for `item`: for the actor's own person, or (a grid worker, 代办员) for a person
    under their grid when the item allows an agent."""
    own = getattr(actor, "person", None) if _active(actor) else None
    agent = None
    if for_person is None or (own is not None and for_person.pk == own.pk):
        if own is None:
            raise ServiceError(_("Choose the person you apply for."), field="for_person")
        applicant = own
    else:
        if not (reach(actor, APPLY_FOR, "service_application") == SUBTREE and actor.scope_path
                and for_person.path.startswith(actor.scope_path)):
            raise ServiceError(_("No such person in your area."), status=404, field="for_person")
        applicant, agent = for_person, actor
    if not item.is_active or item.path != town_path(applicant.path):
        raise ServiceError(_("No such service item."), status=404, field="item")
    if agent is not None and not item.agent_allowed:
        raise ServiceError(_("This item must be applied for in person: an agent may not apply for it."),
                           field="item")
    with transaction.atomic():
        app = Application.objects.create(item=item, applicant=applicant, created_by=actor, agent=agent,
                                         note=(note or "").strip()[:MAX_NOTE], path=applicant.path,
                                         created_at=clock.now())
        audit.record("service.apply", app, None, audit.snapshot(app), actor=actor)
    return app


def clean_upload(fileobj) -> tuple[bytes, str, str]:
    """(bytes, content type, extension) of an upload: a PDF checked by content, or a photo decoded and
    re-encoded without EXIF by the case loop (gridgov.cases.actions.clean_image)."""
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    head = fileobj.read(5)
    fileobj.seek(0)
    if head == b"%PDF-":
        data = fileobj.read(MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            raise ServiceError(_("A file may be at most %(mb)d MB.") % {"mb": MAX_PDF_BYTES // 1048576}, field="file")
        if not (b"%%EOF" in data[-2048:] and b" obj" in data and (data[5:8] in (b"1.0", b"1.1", b"1.2", b"1.3",
                                                                               b"1.4", b"1.5", b"1.6", b"1.7",
                                                                               b"2.0"))):
            raise ServiceError(_("The file is not a readable PDF."), field="file")
        return data, "application/pdf", "pdf"
    try:
        data, content_type, _w, _h = clean_image(fileobj)
    except CaseError:
        raise ServiceError(_("The file is neither a photo (JPEG, PNG, WebP or GIF) nor a PDF."), field="file") \
            from None
    return data, content_type, "png" if content_type == "image/png" else "jpg"


def do_add_material(actor, app_id, name: str, fileobj) -> Material:
    """The applicant (or their agent) uploads one material while the application is a draft or returned."""
    app = visible(actor, app_id)
    if not is_owner(actor, app):
        raise ServiceError(_("Only the applicant or their agent uploads materials."), status=403)
    name = (name or "").strip()
    if name not in app.item.material_names():
        raise ServiceError(_("“%(name)s” is not a material of this item.") % {"name": name}, field="material")
    data, content_type, ext = clean_upload(fileobj)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        if app.state not in (State.DRAFT, State.RETURNED):
            raise ServiceError(_("Materials can be added only before the application is submitted or while it "
                                 "is returned."), status=409)
        if app.files.count() >= MAX_FILES:
            raise ServiceError(_("At most %(n)d files per application.") % {"n": MAX_FILES}, status=409)
        material = Material(application=app, name=name, content_type=content_type, size=len(data),
                            uploaded_by=actor, created_at=clock.now())
        material.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
        material.save()
        audit.record("service.material", app, None, audit.snapshot(material), actor=actor)
    return material


def missing_materials(app: Application) -> list[str]:
    """What the applicant must still upload: every material a photo is enough for, and, after a return,
    each material named in it (with an upload made after the return, when a photo is enough)."""
    files = [(f.name, f.created_at) for f in app.files.all()]  # prefetched by the lists
    have = {n for n, _t in files}
    out = [n for n in app.item.upload_names() if n not in have]
    if app.state == State.RETURNED and app.step_started_at:
        photo = set(app.item.upload_names())
        since = {n for n, t in files if t >= app.step_started_at}
        out += [n for n in app.missing if n in photo and n not in since and n not in out]
    return out


def _start_step(app: Application, now, until: datetime.datetime) -> None:
    cal = calendar.current()
    app.step_started_at, app.deadline = now, until
    share = case_conf.get_float("GRIDGOV_CASE_DUE_SOON_SHARE")
    app.due_soon_at = cal.add_seconds(now, cal.seconds_between(now, until) * share)


def _stop_clock(app: Application) -> None:
    app.deadline = app.due_soon_at = None


NOTICES = {
    "accepted": gettext_lazy("Your application %(number)s (%(item)s) was accepted: due by %(due)s"),
    "returned": gettext_lazy("Your application %(number)s (%(item)s) lacks materials: %(missing)s"),
    "done": gettext_lazy("Your application %(number)s (%(item)s) is done: please rate the service"),
    "refused": gettext_lazy("Your application %(number)s (%(item)s) was refused: %(reason)s"),
}


def notify(app: Application, kind: str, now, exclude=None, **data) -> int:
    """Tell the applicant (their accounts) and the agent, in the case loop's inbox and outbox."""
    from django.conf import settings
    from django.utils import translation

    from gridgov.cases import notices

    ids = set(User.objects.filter(person_id=app.applicant_id, is_active=True).values_list("pk", flat=True))
    if app.agent_id:
        ids.add(app.agent_id)
    data = {"number": app.number, "item": app.item.name, **{k: str(v) for k, v in data.items()}}
    with translation.override(settings.LANGUAGE_CODE):
        text = str(NOTICES[kind] % data)
    return notices.send(ids, f"service_{kind}", text, now, {**data, "application": app.pk}, exclude=exclude)


def do_action(actor, app_id, action: str, *, missing=None, note: str = "", reason: str = "",
              rating: int | None = None) -> Application:
    """One step of the life cycle (see models). 409 when the state does not allow it."""
    if action not in ACTIONS:
        raise ServiceError(_("Unknown action %(action)s.") % {"action": action}, field="action")
    app = visible(actor, app_id)
    owner_side = action in ("submit", "rate")
    if owner_side and not is_owner(actor, app):
        raise ServiceError(_("Only the applicant or their agent may do this."), status=403)
    if not owner_side and not may_handle(actor, app):
        raise ServiceError(_("Only the staff who handle it may do this."), status=403)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("item").get(pk=app.pk)
        before = audit.snapshot(app)
        now = clock.now()
        notice = getattr(_Steps, action)(actor, app, now, missing=missing, note=note, reason=reason, rating=rating)
        app.save()
        audit.record(f"service.{action}", app, *audit.diff(before, audit.snapshot(app)), actor=actor)
        if notice:
            notify(app, notice[0], now, exclude=actor, **notice[1])
    return app


def _need(app: Application, *states) -> None:
    if app.state not in states:
        raise ServiceError(_("An application that is “%(state)s” cannot be %(action)s.")
                           % {"state": app.get_state_display(), "action": _("changed this way")}, status=409)


class _Steps:
    @staticmethod
    def submit(actor, app, now, **kw):
        _need(app, State.DRAFT, State.RETURNED)
        lacking = missing_materials(app)
        if lacking:
            raise ServiceError(_("Required materials are missing: %(names)s") % {"names": "、".join(lacking)},
                               field="materials", missing=lacking)
        app.state, app.missing = State.SUBMITTED, []
        app.submitted_at = app.submitted_at or now
        _start_step(app, now, calendar.add_working_time(now, ACCEPT_DAYS, "d"))

    @staticmethod
    def accept(actor, app, now, **kw):
        _need(app, State.SUBMITTED)
        app.state, app.accepted_at, app.handler = State.ACCEPTED, now, actor
        app.due_at = calendar.add_working_time(now, app.item.limit_days, "d") if app.item.limit_days else now
        _start_step(app, now, app.due_at)
        return "accepted", {"due": f"{timezone.localtime(app.due_at):%Y-%m-%d %H:%M}"}

    @staticmethod
    def _return(actor, app, now, missing=None, note="", **kw):
        _need(app, State.SUBMITTED)
        names = [n for n in dict.fromkeys(str(n).strip() for n in (missing or [])) if n]
        if not names:
            raise ServiceError(_("Name the materials that are missing."), field="missing")
        unknown = [n for n in names if n not in app.item.material_names()]
        if unknown:
            raise ServiceError(_("“%(name)s” is not a material of this item.") % {"name": unknown[0]},
                               field="missing")
        app.state, app.missing, app.return_note = State.RETURNED, names, (note or "").strip()[:500]
        app.returns += 1
        app.step_started_at = now
        _stop_clock(app)
        return "returned", {"missing": "、".join(names)}

    @staticmethod
    def process(actor, app, now, **kw):
        _need(app, State.ACCEPTED)
        app.state, app.handler = State.PROCESSING, actor

    @staticmethod
    def finish(actor, app, now, **kw):
        _need(app, State.ACCEPTED, State.PROCESSING)
        app.state, app.finished_at, app.on_time = State.DONE, now, now <= app.due_at
        _stop_clock(app)
        return "done", {}

    @staticmethod
    def refuse(actor, app, now, reason="", **kw):
        _need(app, State.SUBMITTED, State.ACCEPTED, State.PROCESSING)
        reason = (reason or "").strip()
        if not reason:
            raise ServiceError(_("Give the reason for the refusal."), field="reason")
        limit = app.due_at or app.deadline
        app.state, app.finished_at, app.refuse_reason = State.REFUSED, now, reason[:500]
        app.on_time = limit is None or now <= limit
        _stop_clock(app)
        return "refused", {"reason": app.refuse_reason}

    @staticmethod
    def rate(actor, app, now, rating=None, note="", **kw):
        _need(app, *FINAL)
        if app.rating is not None:
            raise ServiceError(_("This application has been rated already."), status=409)
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ServiceError(_("Rate from 1 to 5 stars."), field="rating")
        app.rating, app.rating_note, app.rated_at = rating, (note or "").strip()[:500], now


setattr(_Steps, "return", _Steps._return)


# --- catalogue --------------------------------------------------------------------------------------

def check_materials(value) -> list[dict]:
    """Materials as stored: a list of {name, original, count, photo_ok}; names unique."""
    if not isinstance(value, list):
        raise ServiceError(_("Materials must be a list."), field="materials")
    out, seen = [], set()
    for m in value:
        if isinstance(m, str):
            m = {"name": m}
        if not isinstance(m, dict):
            raise ServiceError(_("Each material needs a name."), field="materials")
        name = str(m.get("name") or "").strip()[:100]
        if not name:
            raise ServiceError(_("Each material needs a name."), field="materials")
        if name in seen:
            raise ServiceError(_("The material “%(name)s” appears twice.") % {"name": name}, field="materials")
        seen.add(name)
        try:
            count = int(m.get("count", 1))
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= 20:
            raise ServiceError(_("A material's count is from 1 to 20."), field="materials")
        out.append({"name": name, "original": bool(m.get("original", False)), "count": count,
                    "photo_ok": bool(m.get("photo_ok", True))})
    return out


def item_fields(code, name, group, department, materials, limit_days, agent_allowed, handled_at) -> dict:
    code, name = str(code or "").strip(), str(name or "").strip()
    if not code or len(code) > 20:
        raise ServiceError(_("Give an item code of at most 20 characters."), field="code")
    if not name or len(name) > 100:
        raise ServiceError(_("Give a name of at most 100 characters."), field="name")
    if group not in Group.values:
        raise ServiceError(_("Unknown group %(group)s.") % {"group": group}, field="group")
    if handled_at not in HandledAt.values:
        raise ServiceError(_("Choose village, town or department."), field="handled_at")
    if not isinstance(limit_days, int) or not 0 <= limit_days <= 365:
        raise ServiceError(_("The time limit is from 0 to 365 working days."), field="limit_days")
    return {"code": code, "name": name, "group": group, "department": str(department or "").strip()[:50],
            "materials": check_materials(materials), "limit_days": limit_days, "agent_allowed": bool(agent_allowed),
            "handled_at": handled_at}


def do_save_item(actor, town: Region, **fields) -> ServiceItem:
    """Create or change (by code) an item of the town's catalogue."""
    if town.level != Region.Level.TOWN or not may_keep_catalogue(actor, town.path):
        raise ServiceError(_("Only the town keeps its catalogue."), status=404)
    is_active = fields.pop("is_active", True)
    data = item_fields(**fields)
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().filter(town=town, code=data["code"]).first()
        before = audit.snapshot(item) if item else None
        item = item or ServiceItem(town=town, path=town.path)
        for k, v in data.items():
            setattr(item, k, v)
        item.is_active = bool(is_active)
        item.save()
        audit.record("service.item", item, *((audit.diff(before, audit.snapshot(item))) if before
                                             else (None, audit.snapshot(item))), actor=actor)
    return item


# --- slots and bookings -------------------------------------------------------------------------------

def do_create_slot(actor, town: Region, start: datetime.datetime, end: datetime.datetime, capacity: int,
                   place: str = "") -> Slot:
    if town.level != Region.Level.TOWN or not may_keep_catalogue(actor, town.path):
        raise ServiceError(_("Only the town sets its hall's slots."), status=404)
    if end <= start:
        raise ServiceError(_("A slot ends after it starts."), field="end")
    if not 1 <= capacity <= 500:
        raise ServiceError(_("A slot takes from 1 to 500 people."), field="capacity")
    with transaction.atomic():
        slot = Slot.objects.create(town=town, start=start, end=end, capacity=capacity, place=(place or "")[:100],
                                   path=town.path)
        audit.record("service.slot", slot, None, audit.snapshot(slot), actor=actor)
    return slot


def do_book(actor, slot_id, for_person: Person | None = None, application: Application | None = None) -> Booking:
    """Book a place in a slot for the actor's person (or, for an agent, a person of their grid).
    The place is taken by one conditional update (booked < capacity), so parallel bookings never
    exceed the capacity: a full slot answers 409."""
    own = getattr(actor, "person", None) if _active(actor) else None
    person = for_person or own
    if person is None:
        raise ServiceError(_("Choose the person you book for."), field="for_person")
    if (own is None or person.pk != own.pk) and not (
            reach(actor, APPLY_FOR, "service_application") == SUBTREE and actor.scope_path
            and person.path.startswith(actor.scope_path)):
            raise ServiceError(_("No such person in your area."), status=404, field="for_person")
    slot = slots_for(actor).filter(pk=slot_id, path=town_path(person.path)).first()
    if slot is None:
        raise ServiceError(_("No such slot."), status=404)
    if slot.start <= clock.now():
        raise ServiceError(_("This slot has begun already."), status=409)
    if application is not None and application.applicant_id != person.pk:
        raise ServiceError(_("That application is not this person's."), field="application")
    try:
        with transaction.atomic():
            taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
            if not taken:
                raise ServiceError(_("This slot is full."), status=409)
            booking = Booking.objects.create(slot=slot, person=person, application=application, booked_by=actor,
                                             path=person.path, created_at=clock.now())
            audit.record("service.book", booking, None, audit.snapshot(booking), actor=actor)
    except IntegrityError:
        raise ServiceError(_("This person has a place in this slot already."), status=409) from None
    return booking


def do_cancel_booking(actor, booking_id) -> None:
    booking = restrict(actor, VIEW, Booking).filter(pk=booking_id).first()
    if booking is None:
        raise ServiceError(_("No such booking."), status=404)
    if booking.booked_by_id != actor.pk and booking.person_id != getattr(actor, "person_id", None) \
            and not may_keep_catalogue(actor, booking.slot.path):
        raise ServiceError(_("Only who booked it cancels it."), status=403)
    with transaction.atomic():
        snap = audit.snapshot(booking)
        Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        booking.delete()
        audit.record("service.cancel_booking", booking, snap, None, actor=actor)


