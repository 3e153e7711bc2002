"""Every change to tasks goes through a do_<verb> function here: each checks the actor, writes its rows in
a transaction with an audit row, and tells whom it concerns. A refusal raises TaskError (404 outside
the actor's reach, 403 for a role that may not, 409 when the state does not allow the action, 400 for
bad input, answered 422 by the API) and changes nothing."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock, uploads
from gridgov.core.scoping import CHANGE, TOWN_ADMIN, VIEW, can, restrict
from gridgov.org.models import Region, User

from . import notices
from .models import (
    Assignment,
    Event,
    File,
    Inspection,
    Item,
    Meeting,
    Score,
    State,
    Task,
)
from .policy import ACT, TASK

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_NOTE = 2000
MAX_FILES = 9
# How far ahead a deadline may lie.
MAX_DAYS_AHEAD = 366

# action -> (states it may start from, state it leads to, who takes it)
TOWN, VILLAGE = "town", "village"
TRANSITIONS = {
    "sign": ({State.ISSUED}, State.SIGNED, VILLAGE),
    "progress": ({State.SIGNED, State.IN_PROGRESS}, State.IN_PROGRESS, VILLAGE),
    "complete": ({State.SIGNED, State.IN_PROGRESS}, State.COMPLETED, VILLAGE),
    "accept": ({State.COMPLETED}, State.ACCEPTED, TOWN),
    "return": ({State.COMPLETED}, State.IN_PROGRESS, TOWN),
}
ACTIONS = tuple(TRANSITIONS)


class TaskError(Exception):
    def __init__(self, message, status: int = 400, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def _text(value, field: str, limit: int = MAX_TEXT, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TaskError(_("This field is required."), field=field)
    if len(value) > limit:
        raise TaskError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _active(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


# --- the working calendar ------------------------------------------------------------------------------

def due_moment(day: datetime.date) -> datetime.datetime:
    """The end of the working hours of `day`, which must be a workday of the case loop's calendar."""
    from gridgov.cases import calendar

    cal = calendar.current()
    periods = cal.day_periods(day)
    if not periods:
        following = day
        for _i in range(60):
            following += datetime.timedelta(days=1)
            if cal.is_workday(following):
                break
        raise TaskError(_("%(day)s is not a workday; the next workday is %(next)s.")
                        % {"day": day.isoformat(), "next": following.isoformat()}, field="deadline")
    return periods[-1][1].astimezone(datetime.UTC)


def deadline_after(start: datetime.datetime, days: int) -> datetime.date:
    """The n-th workday after the day of `start` (the day itself does not count), as cases count days."""
    from gridgov.cases import calendar

    end = calendar.current().end_of_nth_workday(start, days)
    return timezone.localdate(end)


# --- towns and villages --------------------------------------------------------------------------------

def town_of_path(path: str) -> Region | None:
    parts = [p for p in (path or "").split(".") if p]
    if len(parts) < 2:
        return None
    return Region.objects.filter(path=".".join(parts[:2]) + ".", level=Region.Level.TOWN).first()


def may_manage(actor, town: Region | None = None) -> bool:
    """Town staff of `town` (of some town when None), or a superuser."""
    if not _active(actor) or not can(actor, CHANGE, TASK):
        return False
    if actor.is_superuser:
        return True
    if town is None:
        return actor.role == TOWN_ADMIN and bool(actor.scope_path)
    return actor.role == TOWN_ADMIN and town.path.startswith(actor.scope_path) and bool(actor.scope_path)


def may_act(actor) -> bool:
    return _active(actor) and not actor.is_superuser and can(actor, ACT, TASK)


def managed_town(actor, code: str | None = None) -> Region:
    """The town the actor issues for: the named one (a superuser, or staff above one town) or their own."""
    if not may_manage(actor):
        raise TaskError(_("Only town staff issue tasks."), status=403)
    if code:
        town = Region.objects.filter(code=code.strip(), level=Region.Level.TOWN).first()
    else:
        town = town_of_path(actor.scope_path)
    if town is None or not may_manage(actor, town):
        raise TaskError(_("No such town."), status=404, field="town")
    return town


def villages_of(town: Region):
    return Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code")


def _choose_villages(town: Region, villages) -> list[Region]:
    if villages == "all" or villages == ["all"]:
        chosen = list(villages_of(town))
    else:
        if not isinstance(villages, (list, tuple)) or not villages:
            raise TaskError(_("Choose the villages, or all."), field="villages")
        by_code = {v.code: v for v in villages_of(town)}
        chosen = []
        for code in villages:
            village = by_code.get(str(code).strip())
            if village is None:
                raise TaskError(_("%(code)s is not a village of the town.") % {"code": str(code)[:20]},
                                field="villages")
            if village not in chosen:
                chosen.append(village)
    if not chosen:
        raise TaskError(_("The town has no villages."), field="villages")
    return chosen


# --- files: photos and documents, checked by their content (gridgov.core.uploads) ----------------------


def clean_file(fileobj) -> tuple[bytes, str, str]:
    try:
        return uploads.clean_file(fileobj)
    except uploads.UploadError as exc:
        raise TaskError(exc.message, field="file") from None


_display_name = uploads.display_name


def _store(fileobj, **fields) -> File:
    data, content_type, ext = clean_file(fileobj)
    row = File(content_type=content_type, name=_display_name(fileobj, ext), size=len(data), created_at=clock.now(),
               **fields)
    row.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    row.save()
    return row


# --- issuing ---------------------------------------------------------------------------------------------

@transaction.atomic
def do_issue(actor, title: str, content: str = "", deadline: datetime.date | None = None, days: int | None = None,
             villages="all", evidence_required: bool = False, kind: str = Task.Kind.TASK, town: str | None = None,
             meeting: Meeting | None = None, attachments=()) -> Task:
    """Issue a task (or a weekly hint: short, no evidence) to some or all villages of the town. The
    deadline is a workday (`deadline`) or the n-th workday from today (`days`); either way it ends with
    that day's working hours. Each village's secretaries are told."""
    town = meeting.town if meeting is not None else managed_town(actor, town)
    if meeting is not None and not may_manage(actor, town):
        raise TaskError(_("No such meeting."), status=404, field="meeting")
    if kind not in Task.Kind.values:
        raise TaskError(_("Choose task or weekly hint."), field="kind")
    hint = kind == Task.Kind.HINT
    title = _text(title, "title", MAX_TITLE, required=True)
    content = _text(content, "content", 500 if hint else MAX_TEXT)
    if hint and evidence_required:
        raise TaskError(_("A weekly hint asks for no evidence."), field="evidence_required")
    now = clock.now()
    today = timezone.localdate(now)
    if deadline is None and days is None:
        raise TaskError(_("Give a deadline or a number of working days."), field="deadline")
    if deadline is None:
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 250:
            raise TaskError(_("Give from 1 to 250 working days."), field="days")
        deadline = deadline_after(now, days)
    if deadline < today:
        raise TaskError(_("The deadline has passed."), field="deadline")
    if deadline > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise TaskError(_("The deadline is more than a year away."), field="deadline")
    due_at = due_moment(deadline)
    if due_at <= now:
        raise TaskError(_("The deadline has passed."), field="deadline")
    chosen = _choose_villages(town, villages)
    attachments = [f for f in (attachments or []) if f]
    if len(attachments) > MAX_FILES:
        raise TaskError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="attachments")
    task = Task.objects.create(town=town, path=town.path, kind=kind, title=title, content=content, deadline=deadline,
                               due_at=due_at, evidence_required=bool(evidence_required), meeting=meeting,
                               created_by=actor, created_at=now)
    rows = Assignment.objects.bulk_create([
        Assignment(task=task, village=v, path=v.path, due_at=due_at, updated_at=now) for v in chosen])
    for f in attachments:
        _store(f, task=task, path=town.path)
    audit.record("task.issue", task, None, {**audit.snapshot(task), "villages": [v.code for v in chosen],
                                            "attachments": len(attachments)}, actor=actor)
    notices.issued(task, chosen, now, exclude=actor)
    task.assignment_rows = rows
    return task


# --- a village's assignment ------------------------------------------------------------------------------

def _assignment(actor, pk, lock: bool = True) -> Assignment:
    rows = restrict(actor, VIEW, Assignment)
    if lock:
        rows = rows.select_for_update()
    try:
        found = rows.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise TaskError(_("No such task."), status=404)
    found.task = Task.objects.get(pk=found.task_id)
    return found


@transaction.atomic
def do_add_evidence(actor, assignment, fileobj) -> File:
    """A photo or document for the completion to come (kept until the village completes)."""
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    assignment = _assignment(actor, pk)
    if not may_act(actor):
        raise TaskError(_("Only the village acts on its tasks."), status=403)
    if assignment.state not in (State.SIGNED, State.IN_PROGRESS):
        raise TaskError(_("Evidence is added after signing and before completing."), status=409)
    if File.objects.filter(assignment=assignment, event__isnull=True).count() >= MAX_FILES:
        raise TaskError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="file")
    if fileobj is None:
        raise TaskError(_("Choose a photo or file."), field="file")
    row = _store(fileobj, assignment=assignment, path=assignment.path)
    audit.record("task.evidence", row, None, audit.snapshot(row), actor=actor)
    return row


def pending_evidence(assignment: Assignment):
    return File.objects.filter(assignment=assignment, event__isnull=True)


@transaction.atomic
def do_act(actor, assignment, action: str, note: str = "", files=()) -> Assignment:
    """Take `action` on a village's assignment: sign, progress (a note), complete (with the evidence
    added so far and any `files`), accept, return (a note). 409 when the state does not allow it."""
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    assignment = _assignment(actor, pk)
    if action not in TRANSITIONS:
        raise TaskError(_("Choose one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)}, field="action")
    sources, target, side = TRANSITIONS[action]
    if side == VILLAGE and not may_act(actor):
        raise TaskError(_("Only the village acts on its tasks."), status=403)
    if side == TOWN and not may_manage(actor, assignment.task.town):
        raise TaskError(_("Only town staff accept or return tasks."), status=403)
    if assignment.state not in sources:
        raise TaskError(_("A task that is %(state)s cannot be %(action)s.") % {
            "state": State(assignment.state).label, "action": action_label(action)}, status=409, field="action")
    note = _text(note, "note", MAX_NOTE, required=action in ("progress", "return"))
    now = clock.now()
    before = audit.snapshot(assignment)
    files = [f for f in (files or []) if f]
    if action == "complete":
        if len(files) + pending_evidence(assignment).count() > MAX_FILES:
            raise TaskError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="evidence")
        stored = [_store(f, assignment=assignment, path=assignment.path) for f in files]
        for row in stored:
            audit.record("task.evidence", row, None, audit.snapshot(row), actor=actor)
        if assignment.task.evidence_required and not pending_evidence(assignment).exists():
            raise TaskError(_("This task needs evidence: add a photo or file before completing it."),
                            field="evidence")
    elif files:
        raise TaskError(_("Files go with completing a task."), field="evidence")
    assignment.state = target
    assignment.updated_at = now
    if action == "sign":
        assignment.signed_at = now
    elif action == "complete":
        assignment.completed_at = now
    elif action == "accept":
        assignment.accepted_at = now
    elif action == "return":
        assignment.returns += 1
        assignment.completed_at = None
    assignment.save()
    event = Event.objects.create(assignment=assignment, action=action, note=note, actor=actor, at=now)
    if action == "complete":
        pending_evidence(assignment).update(event=event)
    after = {**audit.snapshot(assignment), **({"note": note} if note else {})}
    audit.record(f"task.{action}", assignment, *audit.diff(before, after), actor=actor)
    if action == "complete":
        notices.completed(assignment, now, exclude=actor)
    elif action == "return":
        notices.returned(assignment, note, now, exclude=actor)
    return assignment


def action_label(action: str) -> str:
    return {"sign": _("signed for"), "progress": _("reported on"), "complete": _("completed"),
            "accept": _("accepted"), "return": _("returned")}.get(action, action)


def allowed(assignment: Assignment, user) -> list[str]:
    """The actions the user may take on the assignment now (for the pages' buttons)."""
    out = []
    for action, (sources, _target, side) in TRANSITIONS.items():
        if assignment.state not in sources:
            continue
        if side == VILLAGE and may_act(user) or side == TOWN and may_manage(user):
            out.append(action)
    return out


# --- the monthly meeting ---------------------------------------------------------------------------------

@transaction.atomic
def do_record_meeting(actor, date: datetime.date, topic: str, attendees=(), other_attendees: str = "",
                      minutes: str = "", town: str | None = None) -> Meeting:
    """A town's monthly meeting (月例会): attendees are accounts of the town's staff and villages, or
    names written out."""
    town = managed_town(actor, town)
    topic = _text(topic, "topic", MAX_TITLE, required=True)
    other_attendees = _text(other_attendees, "other_attendees", 1000)
    minutes = _text(minutes, "minutes", 20000)
    today = timezone.localdate(clock.now())
    if not isinstance(date, datetime.date) or date > today:
        raise TaskError(_("Give the day the meeting was held (not a future day)."), field="date")
    users = []
    for pk in attendees or []:
        try:
            user = User.objects.filter(pk=int(pk), is_active=True, scope_path__startswith=town.path).first()
        except (TypeError, ValueError):
            user = None
        if user is None:
            raise TaskError(_("Attendees must be accounts of the town."), field="attendees")
        users.append(user)
    if not users and not other_attendees:
        raise TaskError(_("Name who attended."), field="attendees")
    meeting = Meeting.objects.create(town=town, path=town.path, date=date, topic=topic,
                                     other_attendees=other_attendees, minutes=minutes, created_by=actor,
                                     created_at=clock.now())
    meeting.attendees.set(users)
    audit.record("task.meeting", meeting, None, {**audit.snapshot(meeting), "attendees": [u.pk for u in users]},
                 actor=actor)
    return meeting


# --- the quarterly inspection ----------------------------------------------------------------------------

def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    return first, last


def _points(value, field: str, low=decimal.Decimal(0), high=decimal.Decimal(1000)) -> decimal.Decimal:
    try:
        number = decimal.Decimal(str(value).strip()).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise TaskError(_("Give a number of points."), field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise TaskError(_("Give points from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field)
    return number


@transaction.atomic
def do_create_inspection(actor, year: int, quarter: int, title: str, items, town: str | None = None) -> Inspection:
    """The town's inspection of a quarter that has begun, with its checklist: [(item, max points), ...]."""
    town = managed_town(actor, town)
    title = _text(title, "title", MAX_TITLE, required=True)
    if not isinstance(quarter, int) or not 1 <= quarter <= 4 or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise TaskError(_("Give a quarter such as 2026Q3."), field="quarter")
    if quarter_bounds(year, quarter)[0] > timezone.localdate(clock.now()):
        raise TaskError(_("That quarter has not begun."), field="quarter")
    if Inspection.objects.filter(town=town, year=year, quarter=quarter).exists():
        raise TaskError(_("The town's inspection of %(q)s exists already.") % {"q": f"{year}Q{quarter}"},
                        status=409, field="quarter")
    rows = []
    for i, pair in enumerate(items or []):
        name, maximum = pair
        name = _text(name, "items", MAX_TITLE)
        if not name:
            continue
        rows.append((name, _points(maximum, "items", decimal.Decimal("0.1"))))
    if not rows:
        raise TaskError(_("Give the checklist: items with their maximum points."), field="items")
    inspection = Inspection.objects.create(town=town, path=town.path, year=year, quarter=quarter, title=title,
                                           created_at=clock.now())
    Item.objects.bulk_create([Item(inspection=inspection, order=i, title=name, max_points=m)
                              for i, (name, m) in enumerate(rows)])
    audit.record("task.inspection", inspection, None,
                 {**audit.snapshot(inspection), "items": [[n, str(m)] for n, m in rows]}, actor=actor)
    return inspection


@transaction.atomic
def do_score(actor, inspection: Inspection, village: Region, scores: dict) -> list[Score]:
    """A village's points on the checklist: {item id: (points, note)}; points from 0 to the item's maximum.
    Scoring again replaces the village's earlier points (audited with both)."""
    if inspection is None or not may_manage(actor, inspection.town) or \
            not restrict(actor, VIEW, Inspection).filter(pk=inspection.pk).exists():
        raise TaskError(_("No such inspection."), status=404)
    if village is None or village.parent_id != inspection.town_id or village.level != Region.Level.VILLAGE:
        raise TaskError(_("No such village."), status=404, field="village")
    items = {i.pk: i for i in inspection.items.all()}
    clean = {}
    for key, (points, note) in (scores or {}).items():
        try:
            item = items.get(int(key))
        except (TypeError, ValueError):
            item = None
        if item is None:
            raise TaskError(_("That item is not on the checklist."), field="scores")
        clean[item.pk] = (_points(points, f"scores.{item.pk}", high=item.max_points),
                          _text(note, f"scores.{item.pk}", 500))
    if not clean:
        raise TaskError(_("Give the points of at least one item."), field="scores")
    existing = {s.item_id: s for s in Score.objects.select_for_update().filter(inspection=inspection, village=village)}
    before = {str(k): [str(s.points), s.note] for k, s in existing.items()}
    out = []
    for item_id, (points, note) in clean.items():
        row = existing.get(item_id)
        if row is None:
            row = Score.objects.create(item_id=item_id, inspection=inspection, village=village, path=village.path,
                                       points=points, note=note)
        else:
            row.points, row.note = points, note
            row.save(update_fields=["points", "note"])
        out.append(row)
    after = {**before, **{str(k): [str(p), n] for k, (p, n) in clean.items()}}
    audit.record("task.score", inspection, {"village": village.code, "scores": before},
                 {"village": village.code, "scores": after}, actor=actor)
    return out

