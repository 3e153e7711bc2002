"""Every change to a case goes through a do_<verb> function here.

Each runs in a transaction, locks the case row (SELECT ... FOR UPDATE), checks the action against the
workflow table (workflow.TRANSITIONS), moves the clock on the working calendar, appends a timeline
event, writes an audit row and queues notifications. A refusal raises CaseError (status 409 for a
wrong state or actor, 404 for a case outside the actor's scope, 400 for bad input) and changes nothing.
`actor=None` is the system (the worker, the demo); it is not checked against the table's `who`.

The functions the worker calls (mark_clocks, auto_escalate_overdue, auto_close_unrated) take `now`
and are idempotent: a second run, or a run after a restart, changes and notifies nothing twice.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import threading
import uuid
import warnings

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, bulk, idempotency, personal
from gridgov.core.scoping import CHANGE, PERSONAL_ROLES, VIEW, VIEW_PERSONAL, can, permits, restrict
from gridgov.org import names
from gridgov.org.models import Person, Region, User

from . import calendar, conf, memo, rollup, routing
from .models import (
    CLOCKED_STATES, LEVEL_ORDER, MAX_PLACE, STEP_OF_STATE, Case, CaseEvent, CasePhoto, Category, ExtensionRequest,
    Holiday, Level, Notification, State, Supervision, TimeUnit, Unit, village_path,
)
from .workflow import STAFF_ROLES, CaseError, check, level_rank, next_level

__all__ = ["CaseError"]

MAX_TEXT = 2000
MAX_EXTENSION = {TimeUnit.HOURS: 720, TimeUnit.DAYS: 90}
SWEEP_BATCH = 500


# --- helpers ---------------------------------------------------------------------------------------

def _text(value, message, required: bool = True, max_length: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseError(message, status=400)
    if len(value) > max_length:
        raise CaseError(_("Keep it under %(n)d characters.") % {"n": max_length}, status=400)
    return value


def actor_name(actor) -> str:
    """The name a timeline keeps for its actor (org.names.display_name; names.SYSTEM_CODE for none)."""
    if actor is None:
        return names.SYSTEM_CODE
    return names.display_name(actor)


def _lock(actor, case) -> Case:
    """The case row, locked for this transaction, if the actor may see it (else 404)."""
    pk = case.pk if isinstance(case, Case) else case
    if actor is not None and not restrict(actor, VIEW, Case.objects.filter(pk=pk)).exists():
        raise CaseError(_("No such case."), status=404)
    locked = Case.objects.select_for_update(of=("self",)).select_related("category").filter(pk=pk).first()
    if locked is None:
        raise CaseError(_("No such case."), status=404)
    return locked


def _begin(action: str, actor, case) -> tuple[Case, dict, str]:
    locked = _lock(actor, case)
    check(action, actor, locked)
    return locked, audit.snapshot(locked), locked.state


def _commit(action: str, actor, case: Case, before: dict, from_state: str, now, note: str = "",
            data: dict | None = None) -> CaseEvent:
    case.updated_at = now
    case.save()
    event = CaseEvent.objects.create(
        case=case, action=action, actor=actor, actor_name=actor_name(actor), from_state=from_state,
        to_state=case.state, level=case.level, note=note, data=data or {}, time=now)
    changed_before, changed_after = audit.diff(before, audit.snapshot(case))
    audit.record(f"case.{action}", case, changed_before, {**changed_after, "event": event.pk}, actor=actor)
    return event


def _leave_step(case: Case, now) -> None:
    """Count the step as late if it ends past its deadline and nobody flagged it yet."""
    if case.state in CLOCKED_STATES and case.deadline and not case.overdue and now > case.deadline:
        case.late_steps += 1


def _start_step(case: Case, now, cal=None) -> None:
    """Start the clock of the step that the case's (new) state belongs to."""
    cal = cal or calendar.current()
    step = STEP_OF_STATE[case.state]
    category = case.category
    case.step_started_at = now
    case.deadline = cal.add(now, category.limit(step), category.limit_unit)
    share = conf.get_float("GRIDGOV_CASE_DUE_SOON_SHARE")
    case.due_soon_at = cal.add_seconds(now, cal.seconds_between(now, case.deadline) * share)
    case.due_soon_notified = False
    case.overdue = False
    case.overdue_at = None
    case.paused_at = None


def _stop_clock(case: Case) -> None:
    case.deadline = None
    case.due_soon_at = None
    case.due_soon_notified = False
    case.overdue = False
    case.paused_at = None


def _withdraw_pending_extensions(case: Case, now, why: str) -> None:
    case.extension_pending = False
    ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.Decision.PENDING).update(
        state=ExtensionRequest.Decision.REFUSED, decided_at=now, decision_note=why)


def _resolve_target(case: Case, to) -> tuple[User | None, Unit | None]:
    """A dispatch target: a User or Unit, or a string naming a username or a unit code."""
    if isinstance(to, User):
        user, unit = to, None
    elif isinstance(to, Unit):
        user, unit = None, to
    else:
        name = (to or "").strip()
        if not name:
            raise CaseError(_("Say whom to dispatch the case to: a username or a unit code."), status=400)
        user = User.objects.filter(username=name).first()
        unit = Unit.objects.filter(code=name).first()
        if user and unit:
            raise CaseError(_("“%(name)s” is both a username and a unit code.") % {"name": name}, status=400)
        if not user and not unit:
            raise CaseError(_("No user or unit is called “%(name)s”.") % {"name": name}, status=400)
    if user is not None:
        near = case.path.startswith(user.scope_path or "\0") or (
            bool(user.scope_path) and user.scope_path.startswith(village_path(case.path)))
        if not user.is_active or user.role not in STAFF_ROLES | {"party_member", "department"} or not near:
            raise CaseError(_("%(name)s cannot handle cases of this place.") % {"name": user.username}, status=400)
        return user, None
    if not unit.is_active or not case.path.startswith(unit.path):
        raise CaseError(_("%(name)s does not serve this place.") % {"name": unit.name}, status=400)
    if level_rank(unit.level) > level_rank(case.level):
        raise CaseError(_("%(name)s works at a higher level than this case: escalate the case first.")
                        % {"name": unit.name})
    return None, unit


def _target_data(user, unit) -> dict:
    return {"to_user": user.username if user else None, "to_unit": unit.code if unit else None,
            "to_name": (actor_name(user) if user else unit.name)}


# --- report ----------------------------------------------------------------------------------------

DEFAULT_CHANNEL = {"resident": "resident", "party_member": "resident", "grid_worker": "patrol",
                   "village_secretary": "hotline", "town_admin": "hotline", "department": "hotline"}


# A new case's number is its local date and its id. On PostgreSQL the id is taken ahead from the case
# table's sequence, ID_BLOCK at a time per process, so the case is written with its number in its one
# INSERT instead of an INSERT then an UPDATE (issue 18). Ids then interleave between processes (a
# number's date still says when, and lists order by time); the ids a process holds when it stops are
# never used, like those of a rolled-back insert. SQLite has no sequence to take from: the number is
# written after the insert there.
ID_BLOCK = 32
_free_ids: list[int] = []
_ids_owner = [0]  # the process the ids were taken for: a forked child must not use its parent's
_ids_lock = threading.Lock()


def _reserved_case_id() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with _ids_lock:
        if _ids_owner[0] != os.getpid():
            _free_ids.clear()
            _ids_owner[0] = os.getpid()
        if not _free_ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               [Case._meta.db_table, ID_BLOCK])
                _free_ids.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
        return _free_ids.pop()


def _case_number(now, pk: int) -> str:
    return f"{timezone.localtime(now):%Y%m%d}-{pk:06d}"


def do_report(actor, category, description, lat=None, lng=None, grid=None, reporter_phone="", channel=None,
              reporter_person: Person | None = None, routed: bool = False, source: str = "",
              reporter_checked: bool = False, client_id: uuid.UUID | str | None = None, place: str = "") -> Case:
    """A new case, routed to its small grid (by point, else the grid chosen) at grid level: the grid
    worker assesses first (小事不出格). Possible duplicates: routing.find_duplicates(case).
    `routed`: the caller already has `grid` from routing.grid_for_report(lat, lng, ...), so the point
    is not located a second time. `source`: who sent a report that no account entered (an Open311
    client), for the timeline. `reporter_checked`: the caller has already checked that the actor may
    report for `reporter_person` (a party member for a household linked to them, gridgov.links), so
    the staff-only check is skipped. `client_id`: the report's own id, a UUID the client made once per
    report (a form, an offline report); a retry with the same client_id by the same account returns
    the case made the first time, with `case.repeated = True`, and writes nothing (also when the two
    arrive at once: the unique constraint case_client_id_once decides). `place`: the place in the
    reporter's words (村口小卖部旁), optional, at most MAX_PLACE characters."""
    if actor is not None and not (actor.is_authenticated and actor.is_active):
        raise CaseError(_("Sign in to report."), status=403)
    client_id = idempotency.parse_client_id(client_id, CaseError) if actor is not None else None
    if client_id is not None:
        earlier = _reported_before(actor, client_id)
        if earlier is not None:
            return earlier
    if isinstance(category, str):
        category = Category.objects.filter(code=category.strip()).first()
    if category is None or not category.is_active or category.level != 2:
        raise CaseError(_("Choose an active subcategory."), status=400)
    description = _text(description, _("Describe the problem."))
    place = (place or "").strip()
    if len(place) > MAX_PLACE:
        raise CaseError(_("The place description may be at most %(n)d characters.") % {"n": MAX_PLACE}, status=400,
                        field="place")
    role = getattr(actor, "role", "")
    if channel is None:
        channel = "proxy" if reporter_person is not None else DEFAULT_CHANNEL.get(role, "api")
    if channel not in Case.Channel.values:
        raise CaseError(_("Unknown channel %(channel)s.") % {"channel": channel}, status=400)
    if reporter_person is not None:
        staff_for = actor is not None and (actor.is_superuser or (role in STAFF_ROLES
                                                                  and permits(actor, VIEW, reporter_person)))
        if actor is not None and not reporter_checked and not staff_for:
            raise CaseError(_("You may report only for people of your own grids."), status=403)
    elif actor is not None and actor.person_id and (role in PERSONAL_ROLES or channel != "hotline"):
        reporter_person = actor.person
    phone = ""
    if reporter_phone:
        try:
            phone = personal.validate_phone(reporter_phone)
        except personal.InvalidIdentifier as exc:
            raise CaseError(str(exc), status=400) from None
    if not routed:
        grid = routing.grid_for_report(lat, lng, grid)
    now = calendar.now()
    case = bulk.instance(Case, category=category, description=description, lat=lat, lng=lng, place=place, grid=grid,
                         path=grid.path, reporter=reporter_person, reporter_user=actor, channel=channel,
                         state=State.REPORTED, level=Level.GRID, created_at=now, updated_at=now, client_id=client_id)
    case.reporter_phone = phone
    _start_step(case, now)
    reserved = _reserved_case_id()
    if reserved is None:
        with transaction.atomic():
            return _write_report_in_steps(case, actor, channel, source, client_id, now)
    # PostgreSQL: the id taken ahead lets the case, its event, its audit row and the day's figures go as one
    # statement (bulk.insert_together). The upsert of the figures locks the grid's day row, which every
    # report of that grid and day updates: it comes with the last statement before the commit, so that lock
    # is held for as short a time as before (it used to be a statement of its own, made last).
    case.pk, case.number = reserved, _case_number(now, reserved)
    case.report_event = _report_event(case, actor, channel, source, now)
    entry = audit.entry("case.report", case, None, audit.snapshot(case), actor=actor)
    figures = rollup.upserts([None], [rollup.tracked(case)])
    to_tell = [uid for uid in memo.grid_worker_ids(case.path) if actor is None or uid != actor.pk]
    # One statement is atomic by itself: a report that tells nobody (a grid worker's own) is sent without a
    # transaction around it, BEGIN and COMMIT being two round trips of its four. Inbox rows to write make it
    # two statements, and a client_id whose twin may collide inside a caller's transaction needs a savepoint
    # to read the twin afterwards: those go in a block (the inbox rows first: their case is written after
    # them, and foreign keys are checked at commit).
    in_block = bool(to_tell) or (client_id is not None and connection.in_atomic_block)
    try:
        with transaction.atomic() if in_block else contextlib.nullcontext():
            if to_tell:
                routing.notify(to_tell, case, "reported", now, exclude=actor)
            bulk.insert_together([case, case.report_event, entry], then=figures)
    except IntegrityError:
        earlier = _reported_before(actor, client_id) if client_id is not None else None
        if earlier is None:
            raise
        return earlier  # the other one made it
    case.repeated = False
    case._rollup_loaded = rollup.snapshot(case)
    return case


def _write_report_in_steps(case: Case, actor, channel: str, source: str, client_id, now) -> Case:
    """A new case written the portable way: its id from the insert, then its number, event, audit row,
    inbox rows and last the day's figures (the upsert locks the grid's day row until the commit)."""
    if client_id is None:
        bulk.insert_one(case)
    else:
        # A savepoint only where a twin can collide: the same report, sent twice at once.
        try:
            with transaction.atomic():
                bulk.insert_one(case)
        except IntegrityError:
            earlier = _reported_before(actor, client_id)
            if earlier is None:
                raise
            return earlier  # the other one made it
    case.repeated = False
    case.number = _case_number(now, case.pk)
    Case.objects.filter(pk=case.pk).update(number=case.number)
    case.report_event = bulk.insert_one(_report_event(case, actor, channel, source, now))
    audit.record("case.report", case, None, audit.snapshot(case), actor=actor)
    routing.notify(memo.grid_worker_ids(case.path), case, "reported", now, exclude=actor)
    case._rollup_loaded = rollup.snapshot(case)
    rollup.changed([None], [case._rollup_loaded])
    return case


def _report_event(case: Case, actor, channel: str, source: str, now) -> CaseEvent:
    # Kept on the case, so the answer shows the timeline without reading it back.
    return bulk.instance(CaseEvent, case=case, action="report", actor=actor,
                         actor_name=source[:150] if actor is None and source else actor_name(actor),
                         to_state=case.state, level=case.level, note="", data={"channel": channel}, time=now)


def _reported_before(actor, client_id: uuid.UUID) -> Case | None:
    earlier = Case.objects.filter(reporter_user=actor, client_id=client_id).first()
    if earlier is not None:
        earlier.repeated = True
    return earlier


# --- assess ----------------------------------------------------------------------------------------

@transaction.atomic
def do_accept(actor, case, level: str | None = None, priority: str | None = None, note: str = "") -> Case:
    case, before, from_state = _begin("accept", actor, case)
    now = calendar.now()
    if level is not None:
        if level not in Level.values:
            raise CaseError(_("Unknown level %(level)s.") % {"level": level}, status=400)
        if level_rank(level) > level_rank(case.level):
            raise CaseError(_("To hand the case to a higher level, escalate it."))
        case.level = level
    if priority is not None:
        if priority not in Case.Priority.values:
            raise CaseError(_("Unknown priority %(priority)s.") % {"priority": priority}, status=400)
        case.priority = priority
    _leave_step(case, now)
    case.state = State.ACCEPTED
    case.accepted_at = case.accepted_at or now
    _start_step(case, now)
    _commit("accept", actor, case, before, from_state, now, _text(note, "", required=False),
            {"level": case.level, "priority": case.priority})
    routing.notify(routing.reporter_accounts(case), case, "accepted", now, exclude=actor)
    return case


@transaction.atomic
def do_reject(actor, case, reason: str = "") -> Case:
    case, before, from_state = _begin("reject", actor, case)
    reason = _text(reason, _("Give the reason for not accepting the case."))
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.REJECTED
    _stop_clock(case)
    _commit("reject", actor, case, before, from_state, now, reason)
    routing.notify(routing.reporter_accounts(case), case, "rejected", now, exclude=actor, reason=reason)
    return case


@transaction.atomic
def do_merge(actor, case, into, note: str = "") -> Case:
    """Close a duplicate into the case that will be handled (`into`: a Case or its id)."""
    case, before, from_state = _begin("merge", actor, case)
    into_pk = into.pk if isinstance(into, Case) else into
    target = Case.objects.filter(pk=into_pk).select_related("category").first()
    if target is None or (actor is not None and not permits(actor, VIEW, target)):
        raise CaseError(_("The case to merge into does not exist."), status=400)
    if target.pk == case.pk:
        raise CaseError(_("A case cannot be merged into itself."), status=400)
    if not target.is_open:
        raise CaseError(_("Merge into an open case."), status=400)
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.MERGED
    case.merged_into = target
    _stop_clock(case)
    note = _text(note, "", required=False)
    _commit("merge", actor, case, before, from_state, now, note, {"into": target.pk, "into_number": target.number})
    CaseEvent.objects.create(case=target, action="merged_in", actor=actor, actor_name=actor_name(actor),
                             from_state=target.state, to_state=target.state, level=target.level, note=note,
                             data={"case": case.pk, "case_number": case.number}, time=now)
    routing.notify(routing.reporter_accounts(case), case, "merged", now, exclude=actor, into=target.number)
    return case


def _escalate(actor, case: Case, before: dict, from_state: str, reason: str, now, auto: bool = False) -> Case:
    to_level = next_level(case.level)
    if to_level is None:
        raise CaseError(_("A department-level case cannot be escalated further."))
    from_level = case.level
    _leave_step(case, now)
    case.state = State.REPORTED
    case.level = to_level
    case.escalation_count += 1
    case.assignee = None
    case.unit = None
    case.in_pool = False
    _withdraw_pending_extensions(case, now, _("The case was escalated."))
    _start_step(case, now)
    _commit("escalate", actor, case, before, from_state, now, reason,
            {"from_level": from_level, "to_level": to_level, "auto": auto})
    routing.notify(routing.first_assessors(case), case, "escalated", now, exclude=actor)
    return case


@transaction.atomic
def do_escalate(actor, case, reason: str = "") -> Case:
    """Hand the case to the next level (grid > village > town > department), which assesses it again."""
    case, before, from_state = _begin("escalate", actor, case)
    reason = _text(reason, _("Give the reason for escalating the case."))
    return _escalate(actor, case, before, from_state, reason, calendar.now())


# --- dispatch --------------------------------------------------------------------------------------

@transaction.atomic
def do_dispatch(actor, case, to, note: str = "") -> Case:
    """Give the case to a person (a username or User) or a unit (a unit code or Unit)."""
    case, before, from_state = _begin("dispatch", actor, case)
    user, unit = _resolve_target(case, to)
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.DISPATCHED
    case.assignee, case.unit, case.in_pool = user, unit, False
    _start_step(case, now)
    _commit("dispatch", actor, case, before, from_state, now, _text(note, "", required=False),
            _target_data(user, unit))
    routing.notify(routing.handlers(case), case, "dispatched", now, exclude=actor)
    return case


@transaction.atomic
def do_publish(actor, case, note: str = "") -> Case:
    """Put the case in the order pool (接单大厅) of the party members of its village; the first to claim gets it."""
    case, before, from_state = _begin("publish", actor, case)
    members = list(routing.pool_members(case).values_list("pk", flat=True))
    if not members:
        raise CaseError(_("No party member of this village has an account to take orders."))
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.DISPATCHED
    case.assignee, case.unit, case.in_pool = None, None, True
    _start_step(case, now)
    _commit("publish", actor, case, before, from_state, now, _text(note, "", required=False),
            {"pool_size": len(members)})
    routing.notify(members, case, "published", now, exclude=actor)
    return case


@transaction.atomic
def do_transfer(actor, case, to, reason: str = "") -> Case:
    """Give a dispatched case to another unit of the same level (or another person); its handling clock restarts."""
    case, before, from_state = _begin("transfer", actor, case)
    user, unit = _resolve_target(case, to)
    if (user is not None and user.pk == case.assignee_id and not case.unit_id) or (
            unit is not None and unit.pk == case.unit_id):
        raise CaseError(_("The case is already with %(name)s.") % {"name": _target_data(user, unit)["to_name"]},
                        status=400)
    if unit is not None and case.unit_id and case.unit.level != unit.level:
        raise CaseError(_("Transfer to a unit of the same level; to go higher, escalate the case."))
    reason = _text(reason, "", required=False)
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.DISPATCHED
    case.assignee, case.unit, case.in_pool = user, unit, False
    _withdraw_pending_extensions(case, now, _("The case was transferred."))
    _start_step(case, now)
    _commit("transfer", actor, case, before, from_state, now, reason, _target_data(user, unit))
    routing.notify(routing.handlers(case), case, "dispatched", now, exclude=actor)
    return case


# --- handle ----------------------------------------------------------------------------------------

@transaction.atomic
def do_claim(actor, case, note: str = "") -> Case:
    """Sign for a dispatched case (签收), or take it from the order pool (接单). From the pool exactly one
    claimer wins: the row lock serialises claimers and the conditional UPDATE below lets only a case
    still in the pool be taken, so every later claimer gets a 409."""
    try:
        case, before, from_state = _begin("claim", actor, case)
    except CaseError as exc:
        if exc.status == 404 and _was_in_my_pool(actor, case):
            raise CaseError(_("Someone else took this order first.")) from None
        raise
    now = calendar.now()
    if case.in_pool:
        if not _take_from_pool(case, actor, now):
            raise CaseError(_("Someone else took this order first."))
        case.in_pool = False
    case.assignee = actor
    case.state = State.IN_PROGRESS
    _commit("claim", actor, case, before, from_state, now, _text(note, "", required=False),
            {"from_pool": from_state == State.DISPATCHED and before.get("in_pool", False)})
    routing.notify(routing.reporter_accounts(case), case, "claimed", now, exclude=actor)
    return case


def _take_from_pool(case, actor, now) -> bool:
    """The conditional UPDATE of a pool claim: it takes the case only while it is still in the pool and
    unclaimed (the second safeguard beside the row lock of _lock; tests disable each alone)."""
    return Case.objects.filter(pk=case.pk, state=State.DISPATCHED, in_pool=True, assignee__isnull=True).update(
        in_pool=False, assignee=actor, state=State.IN_PROGRESS, updated_at=now) == 1


def _was_in_my_pool(actor, case) -> bool:
    """Whether a case the actor can no longer see was offered in their village's pool: someone else
    claimed it, which they may be told since they saw the offer."""
    if actor is None or actor.role != "party_member" or not actor.scope_path:
        return False
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.filter(pk=pk, path__startswith=village_path(actor.scope_path), in_pool=False,
                               events__action="publish").exists()


@transaction.atomic
def do_return(actor, case, reason: str = "") -> Case:
    """Give the case back to the dispatcher (退回) when it is not the handler's to handle."""
    case, before, from_state = _begin("return", actor, case)
    reason = _text(reason, _("Give the reason for returning the case."))
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.ACCEPTED
    case.assignee, case.unit, case.in_pool = None, None, False
    _withdraw_pending_extensions(case, now, _("The case was returned."))
    _start_step(case, now)
    _commit("return", actor, case, before, from_state, now, reason)
    routing.notify(routing.first_assessors(case), case, "returned", now, exclude=actor, reason=reason)
    return case


@transaction.atomic
def do_extend(actor, case, amount, reason: str = "", unit: str | None = None) -> ExtensionRequest:
    """Ask for more time (延期): `amount` working hours or days (default: the category's unit)."""
    case, before, from_state = _begin("extend", actor, case)
    unit = unit or case.category.limit_unit
    if unit not in TimeUnit.values:
        raise CaseError(_("An extension is counted in working hours (h) or working days (d)."), status=400)
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        amount = 0
    if not 0 < amount <= MAX_EXTENSION[unit]:
        raise CaseError(_("Ask for between 1 and %(n)d %(unit)s.") % {"n": MAX_EXTENSION[unit],
                                                                      "unit": TimeUnit(unit).label}, status=400)
    reason = _text(reason, _("Give the reason for the extension."))
    if ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.Decision.PENDING).exists():
        raise CaseError(_("An extension request for this case is already waiting for a decision."))
    now = calendar.now()
    request = ExtensionRequest.objects.create(case=case, requested_by=actor, amount=amount, unit=unit,
                                              reason=reason, created_at=now)
    case.extension_pending = True
    _commit("extend", actor, case, before, from_state, now, reason,
            {"request": request.pk, "amount": amount, "unit": unit})
    routing.notify(list(routing.supervisors(case)) + routing.first_assessors(case), case, "extension_requested",
                   now, exclude=actor)
    return request


@transaction.atomic
def do_approve_extension(actor, case, approved: bool = True, request=None, note: str = "") -> ExtensionRequest:
    """Decide on the pending extension request: approved moves the deadline by its working time."""
    case, before, from_state = _begin("approve_extension", actor, case)
    pending = ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.Decision.PENDING)
    if request is not None:
        pending = pending.filter(pk=request.pk if isinstance(request, ExtensionRequest) else request)
    extension = pending.first()
    if extension is None:
        raise CaseError(_("No extension request for this case is waiting for a decision."))
    if actor is not None and extension.requested_by_id == actor.pk:
        raise CaseError(_("You may not decide on your own extension request."))
    now = calendar.now()
    data = {"request": extension.pk, "approved": bool(approved), "amount": extension.amount, "unit": extension.unit}
    if approved:
        cal = calendar.current()
        old = case.deadline
        case.deadline = cal.add(old, extension.amount, extension.unit)
        case.due_soon_at = cal.add_seconds(case.due_soon_at or old, cal.seconds_between(old, case.deadline))
        if case.due_soon_at > now:
            case.due_soon_notified = False
        data["deadline"] = case.deadline.isoformat()
    extension.state = ExtensionRequest.Decision.APPROVED if approved else ExtensionRequest.Decision.REFUSED
    extension.decided_by, extension.decided_at = actor, now
    extension.decision_note = _text(note, "", required=False)
    extension.save()
    case.extension_pending = False
    _commit("approve_extension", actor, case, before, from_state, now, extension.decision_note, data)
    if extension.requested_by_id:
        decision = _("approved") if approved else _("refused")
        routing.notify([extension.requested_by_id], case, "extension_decided", now, decision=decision)
    return extension


@transaction.atomic
def do_suspend(actor, case, reason: str = "") -> Case:
    """Stop the clock (挂起), e.g. while waiting for a court or the weather."""
    case, before, from_state = _begin("suspend", actor, case)
    reason = _text(reason, _("Give the reason for suspending the case."))
    now = calendar.now()
    case.state = State.SUSPENDED
    case.paused_at = now
    _commit("suspend", actor, case, before, from_state, now, reason)
    return case


@transaction.atomic
def do_resume(actor, case, note: str = "") -> Case:
    """Restart the clock: the deadline moves by the working time the case spent suspended."""
    case, before, from_state = _begin("resume", actor, case)
    now = calendar.now()
    cal = calendar.current()
    paused = cal.seconds_between(case.paused_at, now) if case.paused_at else 0
    case.deadline = cal.add_seconds(case.deadline, paused)
    case.due_soon_at = cal.add_seconds(case.due_soon_at, paused)
    if case.due_soon_at > now:
        case.due_soon_notified = False
    case.paused_seconds += paused
    case.paused_at = None
    case.state = State.IN_PROGRESS
    _commit("resume", actor, case, before, from_state, now, _text(note, "", required=False),
            {"paused_seconds": paused})
    return case


@transaction.atomic
def do_resolve(actor, case, result: str = "") -> Case:
    case, before, from_state = _begin("resolve", actor, case)
    result = _text(result, _("Describe what was done."))
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.RESOLVED
    case.resolved_at = now
    _withdraw_pending_extensions(case, now, _("The case was resolved."))
    _start_step(case, now)
    _commit("resolve", actor, case, before, from_state, now, result)
    routing.notify_many([(routing.grid_workers(case), case, "resolved", {}, routing.VERIFIER),
                         (routing.reporter_accounts(case), case, "resolved", {}, routing.REPORTER)], now, exclude=actor)
    return case


# --- follow up -------------------------------------------------------------------------------------

def _reopen(actor, case, reason) -> Case:
    case, before, from_state = _begin("reopen", actor, case)
    reason = _text(reason, _("Say what is still wrong."))
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.IN_PROGRESS
    case.rework_count += 1
    case.resolved_at = None
    _start_step(case, now)
    _commit("reopen", actor, case, before, from_state, now, reason, {"rework": case.rework_count})
    routing.notify(routing.handlers(case), case, "reopened", now, exclude=actor)
    return case


@transaction.atomic
def do_verify(actor, case, passed: bool = True, note: str = "") -> Case:
    """Check the result on the spot: passed closes the case, not passed sends it back for rework (返工)."""
    if not passed:
        return _reopen(actor, case, note)
    case, before, from_state = _begin("verify", actor, case)
    now = calendar.now()
    _leave_step(case, now)
    case.state = State.CLOSED
    case.closed_at = now
    case.closed_level = case.level
    case.closed_on_time = case.late_steps == 0
    _stop_clock(case)
    _commit("verify", actor, case, before, from_state, now, _text(note, "", required=False), {"passed": True})
    routing.notify(routing.reporter_accounts(case), case, "closed", now, exclude=actor)
    return case


@transaction.atomic
def do_reopen(actor, case, reason: str = "") -> Case:
    """The same as verify with passed=false."""
    return _reopen(actor, case, reason)


@transaction.atomic
def do_rate(actor, case, rating: str, note: str = "") -> Case:
    case, before, from_state = _begin("rate", actor, case)
    if rating not in Case.Rating.values:
        raise CaseError(_("Rate it satisfied, basic or dissatisfied."), status=400)
    if case.rating and not case.rating_auto:
        raise CaseError(_("This case has been rated already."))
    now = calendar.now()
    case.rating, case.rating_auto, case.rated_at = rating, False, now
    _commit("rate", actor, case, before, from_state, now, _text(note, "", required=False), {"rating": rating})
    return case


# --- supervise and record --------------------------------------------------------------------------

@transaction.atomic
def do_supervise(actor, case, note: str = "") -> Supervision:
    """Issue a supervision order (督办) that the handler must answer within GRIDGOV_CASE_SUPERVISION_HOURS."""
    case, before, from_state = _begin("supervise", actor, case)
    note = _text(note, _("Say what you expect to be done."))
    now = calendar.now()
    due = calendar.add_working_time(now, conf.get_int("GRIDGOV_CASE_SUPERVISION_HOURS"), "h")
    order = Supervision.objects.create(case=case, issued_by=actor, note=note, due=due, created_at=now)
    case.open_supervisions += 1
    _commit("supervise", actor, case, before, from_state, now, note, {"supervision": order.pk, "due": due.isoformat()})
    routing.notify(routing.responsible(case), case, "supervised", now, exclude=actor, note=note[:100])
    return order


@transaction.atomic
def do_answer_supervision(actor, case, answer: str = "", supervision=None) -> Supervision:
    case, before, from_state = _begin("answer_supervision", actor, case)
    answer = _text(answer, _("Write the answer to the supervision order."))
    open_orders = Supervision.objects.filter(case=case, answered_at__isnull=True).order_by("created_at", "pk")
    if supervision is not None:
        open_orders = open_orders.filter(pk=supervision.pk if isinstance(supervision, Supervision) else supervision)
    order = open_orders.first()
    if order is None:
        raise CaseError(_("No supervision order on this case is waiting for an answer."))
    now = calendar.now()
    order.answer, order.answered_at, order.answered_by = answer, now, actor
    order.save()
    case.open_supervisions -= 1
    _commit("answer_supervision", actor, case, before, from_state, now, answer, {"supervision": order.pk})
    if order.issued_by_id:
        routing.notify([order.issued_by_id], case, "supervision_answered", now, exclude=actor)
    return order


@transaction.atomic
def do_comment(actor, case, text: str = "") -> CaseEvent:
    """A progress note on the timeline; anyone who may see the case may add one."""
    case, before, from_state = _begin("comment", actor, case)
    text = _text(text, _("Write something."))
    return _commit("comment", actor, case, before, from_state, calendar.now(), text)


ALLOWED_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
# Pixels are what decoding costs (3-4 bytes each), not the file's size: a 7740x7740 PNG of 200 kB took 2 s
# and 450 MB. Phones send at most 50 MP, as JPEG, which is decoded straight at a reduced scale
# (draft: 1/2, 1/4, 1/8) near the stored size; other formats are decoded whole, so they get a lower
# bound (screenshots and scans are far below it). Both are checked from the header, before decoding.
MAX_IMAGE_PIXELS = 50_000_000
MAX_FULL_DECODE_PIXELS = 16_000_000
DRAFT_FORMATS = {"JPEG", "MPO"}


def clean_image(fileobj) -> tuple[bytes, str, int, int]:
    """Decode an uploaded photo and encode it again: proves it is an image, drops EXIF (location,
    device) and other metadata, applies the EXIF orientation, bounds its size.
    Returns (bytes, content type, width, height)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_bytes = conf.get_int("GRIDGOV_CASE_PHOTO_MAX_BYTES")
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CaseError(_("A photo may be at most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}, status=400)
    not_an_image = CaseError(_("The file is not a photo (JPEG, PNG, WebP or GIF)."), status=400)
    side = conf.get_int("GRIDGOV_CASE_PHOTO_MAX_SIDE")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise not_an_image
            limit = MAX_IMAGE_PIXELS if image.format in DRAFT_FORMATS else MAX_FULL_DECODE_PIXELS
            if image.width * image.height > limit:
                raise CaseError(_("The photo has too many pixels (%(width)d × %(height)d): at most %(mp)d "
                                  "megapixels.") % {"width": image.width, "height": image.height,
                                                    "mp": limit // 1_000_000}, status=400)
            if image.format in DRAFT_FORMATS:
                image.draft("RGB", (side, side))  # decode at the smallest scale still >= the stored size
            image.load()  # decodes every pixel: a truncated or forged file fails here
            image = ImageOps.exif_transpose(image)
    except CaseError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_an_image from None
    image.thumbnail((side, side))
    icc = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    image.info = {}  # nothing of the original's metadata may travel into the new file
    out = io.BytesIO()
    if alpha:
        image.save(out, "PNG", optimize=True)
        content_type = "image/png"
    else:
        image.save(out, "JPEG", quality=85, optimize=True, icc_profile=icc)
        content_type = "image/jpeg"
    return out.getvalue(), content_type, image.width, image.height


@transaction.atomic
def do_add_photo(actor, case, fileobj, event: CaseEvent | None = None) -> CasePhoto:
    """Attach a photo to the case: to `event`, else to the actor's latest event on it (at most
    GRIDGOV_CASE_PHOTOS_PER_EVENT per event). The stored file is a clean re-encoding (see clean_image)."""
    case, before, from_state = _begin("add_photo", actor, case)
    if event is None:
        event = CaseEvent.objects.filter(case=case, actor=actor).order_by("-time", "-pk").first() if actor else None
    elif event.case_id != case.pk:
        raise CaseError(_("That entry belongs to another case."), status=400)
    if event is not None and CasePhoto.objects.filter(event=event).count() >= conf.get_int(
            "GRIDGOV_CASE_PHOTOS_PER_EVENT"):
        raise CaseError(_("At most %(n)d photos per entry.") % {"n": conf.get_int("GRIDGOV_CASE_PHOTOS_PER_EVENT")},
                        status=400)
    data, content_type, width, height = clean_image(fileobj)
    now = calendar.now()
    if event is None:
        event = CaseEvent.objects.create(case=case, action="add_photo", actor=actor, actor_name=actor_name(actor),
                                         from_state=case.state, to_state=case.state, level=case.level, time=now)
    photo = CasePhoto(case=case, event=event, content_type=content_type, size=len(data), width=width, height=height,
                      uploaded_by=actor, created_at=now)
    photo.file.save(f"{uuid.uuid4().hex}.{'png' if content_type == 'image/png' else 'jpg'}", ContentFile(data),
                    save=False)
    stored = photo.file.name
    try:
        photo.save()
    except Exception:
        photo.file.storage.delete(stored)
        raise
    # If an outer transaction rolls back later, the file stays on disk with no row pointing at it:
    # harmless, and nothing ever serves a file without its row.
    audit.record("case.add_photo", case, None, {"photo": photo.pk, "event": event.pk, "size": photo.size}, actor=actor)
    return photo


@transaction.atomic
def do_reveal_reporter_phone(actor, case) -> str:
    """The reporter's phone in full, for roles allowed to see it; every reveal is audited."""
    case = Case.objects.get(pk=case.pk if isinstance(case, Case) else case)
    if not permits(actor, VIEW_PERSONAL, case):
        raise CaseError(_("You may not see this in full."), status=403)
    audit.record("case.reveal_phone", case, None, {"field": "reporter_phone"}, actor=actor)
    return case.reporter_phone


@transaction.atomic
def do_mark_read(actor, notification_ids=None) -> int:
    """Mark the actor's notifications read (all unread when no ids are given)."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        marked = unread.update(read_at=timezone.now())
        if marked:
            audit.record("notification.read", actor, None, {"notifications": marked}, actor=actor)
    return marked


# --- the worker's sweeps ---------------------------------------------------------------------------

def _sweep_ids(queryset) -> list[int]:
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])


def _system_events(cases, action: str, now, data_of) -> None:
    CaseEvent.objects.bulk_create([
        CaseEvent(case=c, action=action, actor=None, actor_name=names.SYSTEM_CODE, from_state=c.state,
                  to_state=c.state, level=c.level, data=data_of(c), time=now) for c in cases])


def mark_clocks(now=None) -> dict:
    """Flag cases whose step went overdue or is due soon, once per step, and notify those responsible
    (overdue: also the supervisors). Returns {"overdue": n, "due_soon": n}."""
    now = now or timezone.now()
    counts = {"overdue": 0, "due_soon": 0}
    while True:
        with transaction.atomic():
            due = Case.objects.filter(overdue=False, deadline__isnull=False, deadline__lte=now,
                                      state__in=CLOCKED_STATES)
            ids = _sweep_ids(due)
            if not ids:
                break
            Case.objects.filter(pk__in=ids).update(overdue=True, overdue_at=now, due_soon_notified=True,
                                                   late_steps=F("late_steps") + 1)
            cases = list(Case.objects.filter(pk__in=ids).select_related("category"))
            _system_events(cases, "overdue", now, lambda c: {"deadline": c.deadline.isoformat()})
            audit.record_many("case.overdue", [(c, None, {"overdue": True}) for c in cases], actor=None)
            recipients = routing.recipient_ids(cases)
            routing.notify_many([batch for c in cases for batch in (
                (recipients[c.pk][0], c, "overdue", {}, routing.RESPONSIBLE),
                (recipients[c.pk][1], c, "overdue", {}, routing.SUPERVISOR))], now)
            counts["overdue"] += len(cases)
    while True:
        with transaction.atomic():
            soon = Case.objects.filter(due_soon_notified=False, due_soon_at__isnull=False, due_soon_at__lte=now,
                                       deadline__gt=now, state__in=CLOCKED_STATES)
            ids = _sweep_ids(soon)
            if not ids:
                break
            Case.objects.filter(pk__in=ids).update(due_soon_notified=True)
            cases = list(Case.objects.filter(pk__in=ids).select_related("category"))
            recipients = routing.responsible_ids(cases)
            routing.notify_many([
                (recipients[c.pk], c, "due_soon", {"deadline": f"{timezone.localtime(c.deadline):%Y-%m-%d %H:%M}"})
                for c in cases], now)
            counts["due_soon"] += len(cases)
    return counts


def auto_escalate_overdue(now=None) -> int:
    """Escalate cases overdue in the states GRIDGOV_CASE_AUTO_ESCALATE_STATES names, up to the level
    GRIDGOV_CASE_AUTO_ESCALATE_MAX_LEVEL. Each case in its own transaction; returns how many."""
    now = now or timezone.now()
    states = [s for s in conf.get_list("GRIDGOV_CASE_AUTO_ESCALATE_STATES") if s in State.values]
    top = conf.get("GRIDGOV_CASE_AUTO_ESCALATE_MAX_LEVEL")
    if not states or top not in Level.values:
        return 0
    below_top = LEVEL_ORDER[: LEVEL_ORDER.index(top)]
    candidates = Case.objects.filter(state__in=states, level__in=below_top, deadline__lte=now)
    done = 0
    for pk in list(candidates.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=pk)
            # Checked again under the lock: a parallel run or an action may have moved it already.
            if case.state not in states or case.level not in below_top or not case.deadline or case.deadline > now:
                continue
            check("escalate", None, case)
            reason = _("Escalated automatically: the %(step)s time limit passed.") % {
                "step": STEP_OF_STATE[case.state].label.lower()}
            _escalate(None, case, audit.snapshot(case), case.state, reason, now, auto=True)
            done += 1
    return done


def auto_close_unrated(now=None) -> int:
    """Rate closed cases left unrated for GRIDGOV_CASE_AUTO_RATE_DAYS days with GRIDGOV_CASE_AUTO_RATING
    (marked as automatic, so metrics can tell them apart). Returns how many."""
    now = now or timezone.now()
    days = conf.get_int("GRIDGOV_CASE_AUTO_RATE_DAYS")
    rating = conf.get("GRIDGOV_CASE_AUTO_RATING")
    if days <= 0 or rating not in Case.Rating.values:
        return 0
    done = 0
    while True:
        with transaction.atomic():
            cutoff = now - datetime.timedelta(days=days)
            stale = Case.objects.filter(state=State.CLOSED, rating="", closed_at__lte=cutoff)
            ids = _sweep_ids(stale)
            if not ids:
                break
            before = [rollup.snapshot(c) for c in Case.objects.filter(pk__in=ids)]
            Case.objects.filter(pk__in=ids, rating="").update(rating=rating, rating_auto=True, rated_at=now,
                                                              updated_at=now)
            cases = list(Case.objects.filter(pk__in=ids))
            rollup.changed(before, [rollup.snapshot(c) for c in cases])
            _system_events(cases, "auto_rate", now, lambda c: {"rating": rating})
            audit.record_many("case.auto_rate", [(c, {"rating": ""}, {"rating": rating}) for c in cases], actor=None)
            done += len(cases)
    return done


# --- configuration ---------------------------------------------------------------------------------

def _may_configure(actor) -> None:
    if actor is not None and not can(actor, CHANGE, "case_config"):
        raise CaseError(_("You may not change the case configuration."), status=403)


CATEGORY_LIMIT_FIELDS = ("accept_limit", "dispatch_limit", "handle_limit", "verify_limit")


def _check_category(category: Category) -> None:
    if category.level == 1 and (len(category.code) != 2 or not category.code.isdigit()):
        raise CaseError(_("A main category's code has 2 digits: %(code)s") % {"code": category.code}, status=400)
    if category.level == 2 and not (len(category.code) == 4 and category.code.isdigit()
                                    and category.parent and category.code.startswith(category.parent.code)):
        raise CaseError(_("A subcategory's code is its main category's code and 2 digits: %(code)s")
                        % {"code": category.code}, status=400)
    if category.handling_level not in Level.values or category.limit_unit not in TimeUnit.values:
        raise CaseError(_("Unknown handling level or time unit."), status=400)
    if any(int(getattr(category, f) or 0) <= 0 for f in CATEGORY_LIMIT_FIELDS):
        raise CaseError(_("Every time limit must be at least 1."), status=400)


@transaction.atomic
def do_create_category(actor, code: str, name: str, parent: Category | None = None, **fields) -> Category:
    """A main category (no parent, code "01") or a subcategory (code "0101"); `fields`: handling_level,
    default_unit, limit_unit and the four *_limit values."""
    _may_configure(actor)
    code = (code or "").strip()
    if Category.objects.filter(code=code).exists():
        raise CaseError(_("A category with the code %(code)s already exists.") % {"code": code}, status=400)
    if parent is not None and parent.level != 1:
        raise CaseError(_("Subcategories sit under a main category."), status=400)
    category = Category(code=code, name=_text(name, _("Give the category a name."), max_length=100), parent=parent,
                        level=2 if parent else 1, **fields)
    _check_category(category)
    category.save()
    audit.record("case_category.create", category, None, audit.snapshot(category), actor=actor)
    return category


@transaction.atomic
def do_update_category(actor, category: Category, **fields) -> Category:
    _may_configure(actor)
    allowed = {"name", "handling_level", "default_unit", "limit_unit", "is_active", *CATEGORY_LIMIT_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        raise CaseError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                        status=400)
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = audit.snapshot(category)
    for name, value in fields.items():
        setattr(category, name, value)
    _check_category(category)
    category.save()
    audit.record("case_category.update", category, *audit.diff(before, audit.snapshot(category)), actor=actor)
    return category


def _check_members(unit: Unit, members: list) -> None:
    outside = [u.username for u in members
               if not u.scope_path or not (unit.path.startswith(u.scope_path) or u.scope_path.startswith(unit.path))]
    if outside:
        raise CaseError(_("These accounts do not work where the unit does: %(names)s") % {"names": ", ".join(outside)},
                        status=400)


@transaction.atomic
def do_create_unit(actor, code: str, name: str, kind: str, region: Region, members=()) -> Unit:
    """A handling unit of a village (kind "village") or of a town (kinds "town" and "department")."""
    _may_configure(actor)
    code = (code or "").strip()
    if not code or Unit.objects.filter(code=code).exists():
        raise CaseError(_("A unit needs a code of its own: %(code)s") % {"code": code}, status=400)
    if kind not in Unit.Kind.values:
        raise CaseError(_("Unknown kind of unit %(kind)s.") % {"kind": kind}, status=400)
    if (kind == Unit.Kind.VILLAGE) != (region.level == Region.Level.VILLAGE) or region.level < Region.Level.TOWN:
        raise CaseError(_("A village committee belongs to a village; town offices and departments to a town."),
                        status=400)
    unit = Unit(code=code, name=_text(name, _("Give the unit a name."), max_length=100), kind=kind, region=region,
                path=region.path)
    members = list(members)
    _check_members(unit, members)
    unit.save()
    unit.members.set(members)
    audit.record("case_unit.create", unit, None,
                 {**audit.snapshot(unit), "members": sorted(u.pk for u in members)}, actor=actor)
    return unit


@transaction.atomic
def do_set_unit_members(actor, unit: Unit, members) -> Unit:
    _may_configure(actor)
    members = list(members)
    _check_members(unit, members)
    before = sorted(unit.members.values_list("pk", flat=True))
    unit.members.set(members)
    audit.record("case_unit.members", unit, {"members": before}, {"members": sorted(u.pk for u in members)},
                 actor=actor)
    return unit


@transaction.atomic
def do_set_holiday(actor, date: datetime.date, is_workday: bool, name: str = "") -> Holiday:
    """Mark a day as a holiday (is_workday False) or a make-up workday (True) on the working calendar."""
    _may_configure(actor)
    day, created = Holiday.objects.get_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    before = None if created else audit.snapshot(day)
    day.is_workday, day.name = is_workday, (name or "")[:50]
    day.save()
    audit.record("holiday.set", day, before, audit.snapshot(day), actor=actor)
    transaction.on_commit(calendar.invalidate)  # after the commit, so no one caches the old calendar again
    return day


@transaction.atomic
def do_remove_holiday(actor, date: datetime.date) -> bool:
    """Let a day follow the Monday-to-Friday rule again."""
    _may_configure(actor)
    day = Holiday.objects.filter(date=date).first()
    if day is None:
        return False
    audit.record("holiday.remove", day, audit.snapshot(day), None, actor=actor)
    day.delete()
    transaction.on_commit(calendar.invalidate)  # after the commit, so no one caches the old calendar again
    return True

