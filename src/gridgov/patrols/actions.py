"""Every change to patrols goes through a do_<verb> function here: each checks the actor, writes the
rows in a transaction and an audit row. A refusal raises PatrolError (404 outside the actor's reach,
403 for a role that may not, 409 for a finished patrol, 400 for bad input) and changes nothing."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock, idempotency
from gridgov.core.scoping import CHANGE, GRID_WORKER, can
from gridgov.org import geo
from gridgov.org.models import Grid, Post, Region

from .models import CheckIn, Note, Patrol, PatrolCase, PatrolRule, Visit

MAX_TEXT = 2000
WORKER_POSTS = (Post.Kind.GRID_LEADER, Post.Kind.GRID_WORKER_FULL, Post.Kind.GRID_WORKER_PART,
                Post.Kind.GRID_WORKER_VOLUNTEER)
# How far back a patrol may be entered by hand.
MAX_BY_HAND_DAYS = 31


class PatrolError(Exception):
    def __init__(self, message, status: int = 400, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def _text(value, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PatrolError(_("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        raise PatrolError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field=field)
    return value


# --- whose grids -----------------------------------------------------------------------------------

def worker_paths(user=None, person=None) -> list[str]:
    """The paths under which a worker's check-ins count: their account's node (a grid worker's scope)
    and the grids of their worker posts. Sorted, without one that another already covers."""
    paths = set()
    if user is not None and getattr(user, "role", "") == GRID_WORKER and user.scope_path:
        paths.add(user.scope_path)
    person = person if person is not None else getattr(user, "person", None) if getattr(user, "person_id", None) \
        else None
    if person is not None:
        paths.update(Post.objects.filter(person=person, kind__in=WORKER_POSTS, grid__isnull=False)
                     .values_list("grid__path", flat=True))
    ordered = sorted(paths)
    return [p for p in ordered if not any(p != q and p.startswith(q) for q in ordered)]


def worker_grids(user=None, person=None, paths: list[str] | None = None):
    """The small grids a worker patrols."""
    paths = worker_paths(user, person) if paths is None else paths
    if not paths:
        return Grid.objects.none()
    from django.db.models import Q

    q = Q()
    for p in paths:
        q |= Q(path__startswith=p)
    return Grid.objects.filter(q, level=Grid.Level.SMALL).order_by("code")


def _in_paths(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def may_patrol(user) -> bool:
    return (getattr(user, "is_authenticated", False) and user.is_active and user.role == GRID_WORKER
            and bool(worker_paths(user)))


def _worker_of(actor) -> list[str]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active \
            or actor.role != GRID_WORKER:
        raise PatrolError(_("Only grid workers patrol."), status=403)
    paths = worker_paths(actor)
    if not paths:
        raise PatrolError(_("No grid is assigned to your account yet."), status=403)
    return paths


def own_patrol(actor, patrol, lock: bool = True) -> Patrol:
    """The actor's own patrol (404 for anyone else's, seen or not)."""
    pk = patrol.pk if isinstance(patrol, Patrol) else patrol
    rows = Patrol.objects.select_for_update() if lock else Patrol.objects
    found = rows.filter(pk=pk).first()
    mine = found is not None and actor is not None and getattr(actor, "is_authenticated", False) and (
        found.user_id == actor.pk or (actor.person_id is not None and found.person_id == actor.person_id))
    if not mine:
        raise PatrolError(_("No such patrol."), status=404)
    return found


def _open(actor, patrol) -> Patrol:
    patrol = own_patrol(actor, patrol)
    if patrol.state != Patrol.State.OPEN:
        raise PatrolError(_("This patrol is finished."), status=409)
    return patrol


# --- a patrol on the phone -------------------------------------------------------------------------

@transaction.atomic
def do_start(actor, note: str = "") -> Patrol:
    """Start a patrol now (a worker has at most one under way: starting again answers that one)."""
    paths = _worker_of(actor)
    note = _text(note, "note")
    existing = Patrol.objects.filter(user=actor, state=Patrol.State.OPEN, by_hand=False).first()
    if existing is not None:
        return existing
    now = clock.now()
    patrol = Patrol.objects.create(
        person=actor.person if actor.person_id else None, user=actor, worker_name=_worker_name(actor),
        path=actor.scope_path, grid_paths=paths, started_at=now, day=timezone.localdate(now), note=note,
        created_at=now)
    audit.record("patrol.start", patrol, None, audit.snapshot(patrol), actor=actor)
    return patrol


def _worker_name(actor) -> str:
    from gridgov.org import names

    return names.display_name(actor)[:150]


def _check_point(lat, lng, accuracy) -> None:
    if lat is None or lng is None:
        raise PatrolError(_("Give both latitude and longitude."), field="lat")
    if not (-90 <= lat <= 90):
        raise PatrolError(_("The location is not a valid latitude and longitude."), field="lat")
    if not (-180 <= lng <= 180):
        raise PatrolError(_("The location is not a valid latitude and longitude."), field="lng")
    if accuracy is not None and not (0 <= accuracy <= 100_000):
        raise PatrolError(_("The accuracy is in metres, from 0 to 100000."), field="accuracy")


def _visit(patrol: Patrol, grid: Grid) -> None:
    Visit.objects.get_or_create(patrol=patrol, grid=grid, defaults={"path": grid.path, "day": patrol.day})


def parse_client_id(value) -> uuid.UUID | None:
    return idempotency.parse_client_id(value, PatrolError)


def made_when(patrol: Patrol, made_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """When a check-in or note happened: the phone's time when it sent one, so a patrol walked without signal
    (its records kept on the phone and sent later, issue 11) shows the times they were made, not when the
    signal came back. A phone's clock is not trusted beyond what the server can check: a time after now
    cannot be when it was made (the clock runs ahead), and one before the patrol started would put the record
    outside its own patrol (the clock runs behind, or was reset); then the server's time, the moment it
    arrived, is used — the latest the record can have been made."""
    if made_at is None:
        return now
    if timezone.is_naive(made_at):
        made_at = timezone.make_aware(made_at)
    if made_at > now or made_at < patrol.started_at:
        return now
    return made_at


def _earlier(model, patrol: Patrol, client_id: uuid.UUID | None):
    if client_id is None:
        return None
    earlier = model.objects.filter(patrol=patrol, client_id=client_id).first()
    if earlier is not None:
        earlier.patrol, earlier.repeated = patrol, True
    return earlier


def _save_once(row, model, patrol: Patrol, client_id: uuid.UUID | None):
    """Save a new check-in or note; with a client_id, the same record sent twice at once is saved once (the
    unique constraint decides) and the other send gets the first. Returns (row, repeated)."""
    if client_id is None:
        row.save()
        return row, False
    try:
        with transaction.atomic():  # a savepoint only where a twin can collide
            row.save()
    except IntegrityError:
        earlier = _earlier(model, patrol, client_id)
        if earlier is None:
            raise
        return earlier, True
    return row, False


@transaction.atomic
def do_check_in(actor, patrol, lat: float, lng: float, accuracy: float | None = None, client_id=None,
                made_at: datetime.datetime | None = None) -> CheckIn:
    """Record where the phone is: located to its small grid; counted when that grid is the worker's,
    else kept and flagged. `client_id`: the check-in's own id, made once on the phone: the same again on
    the same patrol returns the check-in made the first time (`checkin.repeated`), writes nothing, and is
    answered even when the patrol has been finished since. `made_at`: the phone's time (see made_when)."""
    client_id = parse_client_id(client_id)
    earlier = _earlier(CheckIn, own_patrol(actor, patrol, lock=False), client_id)
    if earlier is not None:
        return earlier
    _check_point(lat, lng, accuracy)
    patrol = _open(actor, patrol)
    code = geo.locate(lat, lng)
    grid = Grid.objects.filter(code=code).first() if code else None
    counted = grid is not None and _in_paths(grid.path, patrol.grid_paths)
    checkin = CheckIn(patrol=patrol, time=made_when(patrol, made_at, clock.now()), lat=lat, lng=lng,
                      accuracy=accuracy, grid=grid, counted=counted, client_id=client_id)
    checkin, repeated = _save_once(checkin, CheckIn, patrol, client_id)
    checkin.patrol, checkin.repeated = patrol, repeated
    if repeated:
        return checkin
    if counted:
        _visit(patrol, grid)
    audit.record("patrol.checkin", checkin, None, audit.snapshot(checkin), actor=actor)
    return checkin


def _clean_photo(fileobj) -> tuple[bytes, str]:
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    try:
        data, content_type, _w, _h = clean_image(fileobj)
    except CaseError as exc:
        raise PatrolError(str(exc), field="photo") from None
    return data, content_type


@transaction.atomic
def do_add_note(actor, patrol, text: str = "", photo=None, client_id=None,
                made_at: datetime.datetime | None = None) -> Note:
    """A note, a photo (re-encoded like a case photo, without EXIF) or both. `client_id` and `made_at` as
    for do_check_in."""
    client_id = parse_client_id(client_id)
    earlier = _earlier(Note, own_patrol(actor, patrol, lock=False), client_id)
    if earlier is not None:
        return earlier
    patrol = _open(actor, patrol)
    text = _text(text, "text")
    if not text and photo is None:
        raise PatrolError(_("Write a note or add a photo."), field="text")
    note = Note(patrol=patrol, time=made_when(patrol, made_at, clock.now()), text=text, client_id=client_id)
    if photo is not None:
        data, content_type = _clean_photo(photo)
        note.content_type = content_type
        note.photo.save(f"{uuid.uuid4().hex}.{'png' if content_type == 'image/png' else 'jpg'}", ContentFile(data),
                        save=False)
    note, repeated = _save_once(note, Note, patrol, client_id)
    note.patrol, note.repeated = patrol, repeated
    if not repeated:
        audit.record("patrol.note", note, None, audit.snapshot(note), actor=actor)
    return note


def _award(patrol: Patrol, now) -> str:
    if patrol.person_id is None or not Visit.objects.filter(patrol=patrol).exists():
        return "none"
    from gridgov.points.public import award_automatic

    return award_automatic("patrol_done", person=patrol.person, path=patrol.path, key=f"patrol:{patrol.pk}",
                           reason=_("Patrol of %(day)s") % {"day": patrol.day.isoformat()}, now=now)


@transaction.atomic
def do_finish(actor, patrol, note: str = "", *, made_at: datetime.datetime | None = None,
              from_outbox: bool = False) -> Patrol:
    """Finish the patrol; one with a counted check-in earns the town's "patrol_done" points, once.

    `made_at`: the phone's time of the tap (a finish kept on the phone without signal arrives later), taken
    as made_when takes a check-in's, and never before the patrol's last check-in or note, which the phone
    sent before it. `from_outbox`: sent by the phone's outbox, which sends again when an answer was lost;
    finishing is the patrol's last step and carries nothing more, so a finished patrol answers as finished
    (`patrol.repeated`) instead of 409."""
    patrol = own_patrol(actor, patrol)
    patrol.repeated = from_outbox and patrol.state == Patrol.State.FINISHED
    if patrol.repeated:
        return patrol
    if patrol.state != Patrol.State.OPEN:
        raise PatrolError(_("This patrol is finished."), status=409)
    before = audit.snapshot(patrol)
    now = clock.now()
    finished = made_when(patrol, made_at, now)
    latest = [t for t in (patrol.checkins.aggregate(m=Max("time"))["m"], patrol.notes.aggregate(m=Max("time"))["m"])
              if t is not None]
    if latest and max(latest) > finished:
        finished = max(latest)
    patrol.state, patrol.finished_at = Patrol.State.FINISHED, finished
    note = _text(note, "note")
    if note:
        patrol.note = f"{patrol.note}\n{note}".strip()
    patrol.save(update_fields=["state", "finished_at", "note"])
    audit.record("patrol.finish", patrol, *audit.diff(before, audit.snapshot(patrol)), actor=actor)
    _award(patrol, finished)
    return patrol


@transaction.atomic
def do_enter_by_hand(actor, started_at: datetime.datetime, finished_at: datetime.datetime, grids, reason: str,
                     note: str = "") -> Patrol:
    """A patrol entered afterwards: when it was, which of the worker's small grids it went through, and
    why it is entered by hand. It is marked so, and counts for those grids like a recorded one."""
    paths = _worker_of(actor)
    reason = _text(reason, "reason", required=True)
    note = _text(note, "note")
    now = clock.now()
    if started_at is None or finished_at is None:
        raise PatrolError(_("Give when the patrol began and ended."), field="started_at")
    if finished_at < started_at:
        raise PatrolError(_("The patrol cannot end before it began."), field="finished_at")
    if finished_at > now:
        raise PatrolError(_("A patrol entered by hand must be over."), field="finished_at")
    if started_at < now - datetime.timedelta(days=MAX_BY_HAND_DAYS):
        raise PatrolError(_("A patrol can be entered by hand up to %(n)d days later.") % {"n": MAX_BY_HAND_DAYS},
                          field="started_at")
    chosen = []
    for grid in grids or []:
        if isinstance(grid, str):
            grid = Grid.objects.filter(code=grid.strip(), level=Grid.Level.SMALL).first()
        if grid is None or grid.level != Grid.Level.SMALL or not _in_paths(grid.path, paths):
            raise PatrolError(_("Choose small grids of your own."), status=404, field="grids")
        if grid not in chosen:
            chosen.append(grid)
    if not chosen:
        raise PatrolError(_("Choose the grids the patrol went through."), field="grids")
    patrol = Patrol.objects.create(
        person=actor.person if actor.person_id else None, user=actor, worker_name=_worker_name(actor),
        path=actor.scope_path, grid_paths=paths, state=Patrol.State.FINISHED, started_at=started_at,
        finished_at=finished_at, day=timezone.localdate(started_at), by_hand=True, reason=reason, note=note,
        created_at=now)
    for grid in chosen:
        CheckIn.objects.create(patrol=patrol, time=started_at, grid=grid, counted=True, by_hand=True)
        _visit(patrol, grid)
    audit.record("patrol.by_hand", patrol, None, {**audit.snapshot(patrol), "grids": [g.code for g in chosen]},
                 actor=actor)
    _award(patrol, now)
    return patrol


@transaction.atomic
def do_report_case(actor, patrol, category, description: str, lat: float | None = None, lng: float | None = None,
                   client_id: uuid.UUID | str | None = None):
    """A problem found on the patrol becomes a case (channel "patrol") linked to it. Without a point,
    the case goes to the patrol's last located grid. `client_id`: the report's own id from the phone's
    outbox; sent again, it answers with the case made the first time (`case.repeated`) and links nothing
    more, also after the patrol is finished (the phone sends in the order things were done)."""
    from gridgov.cases.actions import do_report
    from gridgov.cases.workflow import CaseError

    patrol = own_patrol(actor, patrol)
    client_id = parse_client_id(client_id)
    if client_id is not None:
        earlier = PatrolCase.objects.filter(patrol=patrol, case__client_id=client_id,
                                            case__reporter_user=actor).select_related("case").first()
        if earlier is not None:
            earlier.case.repeated = True
            return earlier.case
    grid = None
    if lat is None or lng is None:
        lat = lng = None
        last = patrol.checkins.filter(grid__isnull=False).select_related("grid").order_by("-time", "-id").first()
        grid = last.grid if last else worker_grids(paths=patrol.grid_paths).first()
    try:
        case = do_report(actor, category, description, lat=lat, lng=lng, grid=grid, channel="patrol",
                         client_id=client_id)
    except CaseError as exc:
        raise PatrolError(str(exc), status=getattr(exc, "status", 400), field="description") from None
    link = PatrolCase.objects.create(patrol=patrol, case=case)
    link.patrol = patrol
    audit.record("patrol.case", link, None, audit.snapshot(link), actor=actor)
    return case


# --- the town's rule -------------------------------------------------------------------------------

def town_of(path: str) -> Region | None:
    parts = [p for p in (path or "").split(".") if p]
    if len(parts) < 2:
        return None
    return Region.objects.filter(path=".".join(parts[:2]) + ".", level=Region.Level.TOWN).first()


def rule_for(town: Region | None) -> tuple[int, int]:
    """(weekly count, half-month count) of a town; the defaults where it set none."""
    from .models import DEFAULT_HALF_MONTH, DEFAULT_WEEKLY

    row = PatrolRule.objects.filter(town=town).first() if town is not None else None
    return (row.weekly_count, row.half_month_count) if row else (DEFAULT_WEEKLY, DEFAULT_HALF_MONTH)


@transaction.atomic
def do_set_rule(actor, town: Region, weekly_count: int, half_month_count: int) -> PatrolRule:
    if town is None or town.level != Region.Level.TOWN or not may_set_rule(actor, town):
        raise PatrolError(_("No such town."), status=404, field="town")
    for field, value in (("weekly_count", weekly_count), ("half_month_count", half_month_count)):
        if not isinstance(value, int) or not (0 <= value <= 21):
            raise PatrolError(_("Give a whole number from 0 to 21."), field=field)
    rule, created = PatrolRule.objects.select_for_update().get_or_create(
        town=town, defaults={"weekly_count": weekly_count, "half_month_count": half_month_count, "path": town.path,
                             "updated_at": clock.now()})
    if created:
        audit.record("patrol.rule", rule, None, audit.snapshot(rule), actor=actor)
        return rule
    before = audit.snapshot(rule)
    rule.weekly_count, rule.half_month_count, rule.updated_at = weekly_count, half_month_count, clock.now()
    rule.save()
    audit.record("patrol.rule", rule, *audit.diff(before, audit.snapshot(rule)), actor=actor)
    return rule


def may_set_rule(actor, town: Region) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.is_superuser or (can(actor, CHANGE, "patrol_rule") and bool(actor.scope_path)
                                  and town.path.startswith(actor.scope_path))
