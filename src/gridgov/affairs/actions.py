"""Every change to village affairs goes through a do_<verb> function here: each checks the actor, writes in
a transaction with an audit row, and refuses with AffairsError (404 outside the actor's reach, 409 a step
out of order or without its quorum or majority, 400 bad input naming its field) changing nothing."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core import audit, clock
from gridgov.core.scoping import CHANGE, PERSONAL_ROLES, VIEW, VILLAGE_SECRETARY, can, restrict
from gridgov.core.uploads import UploadError, clean_file, display_name
from gridgov.org.models import Person, Post, Region, User
from gridgov.org.paths import town_path, village_path

from . import quorum, schedule
from .models import (
    ASSEMBLY_OF_STEP,
    DECIDING_ASSEMBLIES,
    DEFAULT_MATTER_RULES,
    DEFAULT_SCHEDULE,
    DELIBERATIONS,
    STATE_AFTER,
    STEP_ORDER,
    AffairsSettings,
    Board,
    Disclosure,
    DisclosureFile,
    DisclosureKind,
    Frequency,
    Matter,
    MatterFile,
    MatterKind,
    MatterRule,
    MatterStep,
    Outcome,
    Question,
    Remark,
    ScheduleRule,
    State,
    Step,
)
from .policy import ASK, OVERSEE, RECORD

MAX_TEXT = 10000
MAX_FILES = 9
MAX_AMOUNT = Decimal("999999999999.99")
MAX_TABLE_ROWS = 200
SETTING_LIMITS = {"board_days": (1, 90), "due_days": (0, 60), "answer_days": (1, 60), "stuck_days": (1, 365),
                  "publish_days": (1, 90)}


class AffairsError(Exception):
    def __init__(self, message, status: int = 400, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def _text(value, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    if value is not None and not isinstance(value, str):
        raise AffairsError(_("Give text."), field=field)
    value = (value or "").strip()
    if required and not value:
        raise AffairsError(_("This field is required."), field=field)
    if len(value) > limit:
        raise AffairsError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _amount(value, field: str, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise AffairsError(_("This field is required."), field=field)
        return None
    if isinstance(value, bool):
        raise AffairsError(_("Give an amount in yuan, e.g. 12000.50."), field=field)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise AffairsError(_("Give an amount in yuan, e.g. 12000.50."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise AffairsError(_("Give an amount in yuan, e.g. 12000.50."), field=field)
    return amount.quantize(Decimal("0.01"))


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise AffairsError(_("Give a date like 2026-12-04."), field=field)
    return value


def _today() -> datetime.date:
    return timezone.localdate(clock.now())


def _active(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


# --- the town's settings, rules and schedules ---------------------------------------------------------

def town_of(path: str) -> Region | None:
    tp = town_path(path)
    return Region.objects.filter(path=tp, level=Region.Level.TOWN).first() if tp else None


def settings_for(town: Region | None) -> AffairsSettings:
    """The town's settings, or the defaults (unsaved) where it has set none."""
    row = AffairsSettings.objects.filter(town=town).first() if town is not None else None
    return row or AffairsSettings(town=town, path=town.path if town else "")


def settings_by_town(town_paths) -> dict[str, AffairsSettings]:
    """{town path: settings} for several towns in one query (defaults where a town set none)."""
    found = {row.path: row for row in AffairsSettings.objects.filter(path__in=list(town_paths))}
    return {tp: found.get(tp) or AffairsSettings(path=tp) for tp in town_paths}


def matter_rules_for(town: Region | None) -> dict[str, tuple[bool, Decimal]]:
    """{kind: (required, from amount)} of a town: the defaults overlaid with its own rules."""
    out = {k: (k in DEFAULT_MATTER_RULES, Decimal(DEFAULT_MATTER_RULES.get(k, 0))) for k in MatterKind.values}
    if town is not None:
        for kind, required, min_amount in MatterRule.objects.filter(town=town).values_list(
                "kind", "required", "min_amount"):
            out[kind] = (required, min_amount)
    return out


def is_required(rules: dict, kind: str, amount: Decimal | None) -> bool:
    required, min_amount = rules[kind]
    return required and (amount or Decimal(0)) >= min_amount


def schedules_by_town(town_paths) -> dict[str, dict[str, str]]:
    """{town path: {disclosure kind: frequency}} in one query."""
    out = {tp: dict(DEFAULT_SCHEDULE) for tp in town_paths}
    for tp, kind, frequency in ScheduleRule.objects.filter(path__in=list(town_paths)).values_list(
            "path", "kind", "frequency"):
        out.setdefault(tp, dict(DEFAULT_SCHEDULE))[kind] = frequency
    return out


def schedule_for(town: Region | None) -> dict[str, str]:
    tp = town.path if town is not None else ""
    return schedules_by_town([tp])[tp]


def may_configure(actor, town: Region | None) -> bool:
    if town is None or not _active(actor):
        return False
    return actor.is_superuser or (can(actor, CHANGE, "affairs_rule") and bool(actor.scope_path)
                                  and town.path.startswith(actor.scope_path))


def _configurer(actor, town) -> Region:
    if isinstance(town, str):
        town = Region.objects.filter(code=town.strip(), level=Region.Level.TOWN).first()
    if town is None or town.level != Region.Level.TOWN or not may_configure(actor, town):
        raise AffairsError(_("No such town."), status=404, field="town")
    return town


def _upsert(model, actor, action: str, lookup: dict, values: dict):
    row, created = model.objects.select_for_update().get_or_create(**lookup, defaults=values)
    if created:
        audit.record(action, row, None, audit.snapshot(row), actor=actor)
        return row
    before = audit.snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    audit.record(action, row, *audit.diff(before, audit.snapshot(row)), actor=actor)
    return row


@transaction.atomic
def do_set_settings(actor, town, **values) -> AffairsSettings:
    """Set some of a town's settings (board_days, due_days, answer_days, stuck_days, publish_days)."""
    town = _configurer(actor, town)
    current = settings_for(town)
    clean = {}
    for name, (low, high) in SETTING_LIMITS.items():
        value = values.pop(name, getattr(current, name))
        if not isinstance(value, int) or isinstance(value, bool) or not (low <= value <= high):
            raise AffairsError(_("Give a whole number of days from %(low)d to %(high)d.") % {"low": low, "high": high},
                               field=name)
        clean[name] = value
    if values:
        raise AffairsError(_("Unknown setting."), field=sorted(values)[0])
    return _upsert(AffairsSettings, actor, "affairs.settings", {"town": town},
                   {**clean, "path": town.path, "updated_at": clock.now()})


@transaction.atomic
def do_set_matter_rule(actor, town, kind: str, required: bool, min_amount=0) -> MatterRule:
    """Matters of `kind` from `min_amount` yuan must (or need not) go through 四议两公开 in the town."""
    town = _configurer(actor, town)
    if kind not in MatterKind.values:
        raise AffairsError(_("Choose a kind of matter."), field="kind")
    amount = _amount(min_amount, "min_amount") or Decimal("0.00")
    return _upsert(MatterRule, actor, "affairs.matter_rule", {"town": town, "kind": kind},
                   {"required": bool(required), "min_amount": amount, "path": town.path})


@transaction.atomic
def do_set_schedule(actor, town, kind: str, frequency: str) -> ScheduleRule:
    """The town's villages disclose `kind` monthly, quarterly or per event."""
    town = _configurer(actor, town)
    if kind not in DisclosureKind.values:
        raise AffairsError(_("Choose party affairs, village affairs or finances."), field="kind")
    if frequency not in Frequency.values:
        raise AffairsError(_("Choose monthly, quarterly or per event."), field="frequency")
    return _upsert(ScheduleRule, actor, "affairs.schedule", {"town": town, "kind": kind},
                   {"frequency": frequency, "path": town.path})


@transaction.atomic
def do_rotate_board(actor, village: Region) -> Board:
    """Create or replace the secret link of a village's public board (the old link stops working)."""
    if not (_active(actor) and village is not None and village.level == Region.Level.VILLAGE
            and (actor.is_superuser or (can(actor, CHANGE, "affairs_rule") and bool(actor.scope_path)
                and village.path.startswith(actor.scope_path)) or may_record(actor, village.path))):
        raise AffairsError(_("No such village."), status=404, field="village")
    board, created = Board.objects.select_for_update().get_or_create(
        region=village, defaults={"token": Board.new_token(), "path": village.path})
    if not created:
        board.token = Board.new_token()
        board.save(update_fields=["token"])
    audit.record("affairs.board_link", board, None, {"rotated": not created}, actor=actor)
    return board


# --- who may do what ----------------------------------------------------------------------------------

def may_record(actor, path: str = "") -> bool:
    """Village staff record for their village (matters, steps, board items, answers)."""
    if not _active(actor) or not (actor.is_superuser or can(actor, RECORD, "affairs_matter")):
        return False
    if actor.is_superuser:
        return True
    return bool(actor.scope_path) and (not path or path.startswith(actor.scope_path))


def recordable_villages(actor):
    """The villages whose affairs the actor records."""
    if not may_record(actor):
        return Region.objects.none()
    rows = Region.objects.filter(level=Region.Level.VILLAGE)
    if not actor.is_superuser:
        # A secretary's scope is their village; the prefix also takes the village itself.
        rows = rows.filter(path__startswith=actor.scope_path)
    return rows.order_by("path")


def supervisor_posts(actor):
    """The actor's posts on village supervision committees (whatever the account's role)."""
    person_id = getattr(actor, "person_id", None) if _active(actor) else None
    if not person_id:
        return Post.objects.none()
    return Post.objects.filter(person_id=person_id, kind=Post.Kind.SUPERVISOR, region__isnull=False)


def may_oversee(actor, path: str) -> bool:
    """A supervision committee member of the village the record belongs to."""
    home = village_path(path)
    return bool(home) and can(actor, OVERSEE, "affairs_matter") and supervisor_posts(actor).filter(
        path=home).exists()


def _village(actor, village) -> Region:
    if isinstance(village, str):
        village = Region.objects.filter(code=village.strip(), level=Region.Level.VILLAGE).first()
    if village is None or village.level != Region.Level.VILLAGE or not may_record(actor, village.path):
        raise AffairsError(_("No such village."), status=404, field="village")
    return village


def visible_matters(actor):
    return restrict(actor, VIEW, Matter)


def visible_disclosures(actor):
    return restrict(actor, VIEW, Disclosure)


# --- matters (四议两公开) -------------------------------------------------------------------------------

@transaction.atomic
def do_open_matter(actor, village, title: str, kind: str, amount=None, description: str = "",
                   files=()) -> Matter:
    """Village staff open a matter; whether the town's rules require the four deliberations is kept on it."""
    village = _village(actor, village)
    title = _text(title, "title", required=True, limit=200)
    if kind not in MatterKind.values:
        raise AffairsError(_("Choose a kind of matter."), field="kind")
    amount = _amount(amount, "amount")
    description = _text(description, "description")
    required = is_required(matter_rules_for(town_of(village.path)), kind, amount)
    matter = Matter.objects.create(village=village, title=title, kind=kind, amount=amount, description=description,
                                   required=required, opened_by=actor, opened_at=clock.now(), path=village.path)
    audit.record("affairs.matter_open", matter, None, audit.snapshot(matter), actor=actor)
    for upload in files or ():
        _add_matter_file(actor, matter, upload, None)
    return matter


def _count(values: dict) -> quorum.Count:
    numbers = {}
    for field in ("expected", "present", "votes_for", "votes_against", "abstain"):
        value = values.get(field)
        if value in (None, "") and field in ("votes_against", "abstain"):
            value = 0
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if value in (None, ""):
            raise AffairsError(_("This field is required."), field=field)
        numbers[field] = value
    return quorum.Count(**numbers)


def _meeting(matter: Matter, meeting):
    """A party meeting of the village's organisations, where the step was taken at one."""
    if meeting in (None, ""):
        return None
    from gridgov.meetings.models import Meeting  # noqa: PLC0415  meetings is an optional link, read by id

    mid = meeting.pk if isinstance(meeting, Meeting) else meeting
    if isinstance(mid, str) and mid.strip().isdigit():
        mid = int(mid)
    found = Meeting.objects.filter(pk=mid, path__startswith=matter.path).first() if isinstance(mid, int) \
        and not isinstance(mid, bool) else None
    if found is None:
        raise AffairsError(_("No such party meeting of this village."), field="meeting")
    return found


def next_step(matter: Matter) -> str | None:
    return matter.next_step


@transaction.atomic
def do_record_step(actor, matter: Matter, step: str, date, *, assembly: str | None = None, expected=None,
                   present=None, votes_for=None, votes_against=None, abstain=None, minutes: str = "",
                   outcome: str = Outcome.PASSED, meeting=None, title: str = "", body: str = "",
                   shown_until=None, files=()) -> MatterStep:
    """Record the matter's next step. A deliberation gives its meeting's figures: without its quorum, or
    recorded as passed without its majority, it is refused (409) with the figures; recorded as rejected,
    it ends the matter. A publication puts the decision or the result on the village's board for at least
    the town's board days."""
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if not may_record(actor, matter.path):
        raise AffairsError(_("No such matter."), status=404, field="matter")
    if step not in Step.values:
        raise AffairsError(_("Choose a step: propose, discuss, review, decide, publish_decision or "
                             "publish_result."), field="step")
    if matter.ended:
        raise AffairsError(_("The matter has ended (%(state)s): no step follows.")
                           % {"state": State(matter.state).label}, status=409, field="step")
    expected_step = matter.next_step
    if step != expected_step:
        raise AffairsError(_("Steps go in order: this matter's next step is %(next)s, not %(step)s.")
                           % {"next": Step(expected_step).label, "step": Step(step).label}, status=409, field="step")
    date = _date(date, "date")
    today = _today()
    if date > today:
        raise AffairsError(_("A step is recorded once it has happened."), field="date")
    last = matter.steps.order_by("-date").values_list("date", flat=True).first()
    if last is not None and date < last:
        raise AffairsError(_("This step cannot come before the previous one (%(date)s).") % {"date": last},
                           status=409, field="date")
    minutes = _text(minutes, "minutes")
    row = MatterStep(matter=matter, step=step, date=date, minutes=minutes, recorded_by=actor,
                     recorded_at=clock.now(), path=matter.path)
    if step in DELIBERATIONS:
        _deliberate(matter, row, assembly, _count({"expected": expected, "present": present,
                                                   "votes_for": votes_for, "votes_against": votes_against,
                                                   "abstain": abstain}), outcome)
        row.meeting = _meeting(matter, meeting)
    else:
        row.disclosure = _publish_matter(actor, matter, step, date, title, body or minutes, shown_until)
    row.save()
    before = audit.snapshot(matter)
    matter.state = State.REJECTED if row.outcome == Outcome.REJECTED else STATE_AFTER[step]
    matter.last_step_on = date
    matter.ended_on = date if matter.ended else None
    matter.save(update_fields=["state", "last_step_on", "ended_on"])
    audit.record("affairs.step", row, None, audit.snapshot(row), actor=actor)
    audit.record("affairs.matter_state", matter, *audit.diff(before, audit.snapshot(matter)), actor=actor)
    for upload in files or ():
        _add_matter_file(actor, matter, upload, row)
    return row


def _deliberate(matter: Matter, row: MatterStep, assembly, count: quorum.Count, outcome) -> None:
    if row.step == Step.DECIDE:
        assembly = assembly or "representatives"
        if assembly not in DECIDING_ASSEMBLIES:
            raise AffairsError(_("Choose who decided: the villagers' meeting (villagers aged 18 and over, or "
                                 "household representatives) or the villager representatives' meeting."),
                               field="assembly")
    else:
        assembly = ASSEMBLY_OF_STEP[row.step]
    if outcome not in Outcome.values:
        raise AffairsError(_("Choose passed or rejected."), field="outcome")
    try:
        quorum.check_count(count)
    except quorum.QuorumError as exc:
        raise AffairsError(exc.message, field=exc.field) from None
    try:
        (quorum.check_rejected if outcome == Outcome.REJECTED else quorum.check_passed)(assembly, count)
    except quorum.QuorumError as exc:
        raise AffairsError(exc.message, status=409, field=exc.field) from None
    row.assembly, row.outcome = assembly, outcome
    row.expected, row.present = count.expected, count.present
    row.votes_for, row.votes_against, row.abstain = count.votes_for, count.votes_against, count.abstain


def _publish_matter(actor, matter, step, date, title, body, shown_until) -> Disclosure:
    if not title:
        title = (_("Decision: %(title)s") if step == Step.PUBLISH_DECISION else _("Result: %(title)s")) % {
            "title": matter.title}
    if not _text(body, "body"):
        raise AffairsError(_("Write what is published: the decision, or the result of the work."), field="body")
    return _create_disclosure(actor, matter.village, DisclosureKind.VILLAGE, title=title, body=body, period="",
                              shown_from=date, shown_until=shown_until, public=True, matter_step=step)


def _add_matter_file(actor, matter: Matter, upload, step: MatterStep | None) -> MatterFile:
    if matter.files.count() >= MAX_FILES:
        raise AffairsError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="files")
    try:
        data, content_type, ext = clean_file(upload)
    except UploadError as exc:
        raise AffairsError(exc.message, field="files") from None
    row = MatterFile(matter=matter, step=step, content_type=content_type, name=display_name(upload, ext))
    row.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    row.save()
    audit.record("affairs.matter_file", row, None, audit.snapshot(row), actor=actor)
    return row


@transaction.atomic
def do_add_matter_file(actor, matter: Matter, upload, step: MatterStep | None = None) -> MatterFile:
    if not may_record(actor, matter.path):
        raise AffairsError(_("No such matter."), status=404, field="matter")
    return _add_matter_file(actor, matter, upload, step)


# --- the board (三务公开) --------------------------------------------------------------------------------

def check_table(rows, income_total=None, expense_total=None) -> tuple[list[dict], Decimal, Decimal]:
    """An income/expense table: each row an item with an income or an expense in yuan; totals given must
    equal the sums (the row or total at fault is named)."""
    if not isinstance(rows, list) or not rows:
        raise AffairsError(_("Give at least one row of income or expense."), field="table")
    if len(rows) > MAX_TABLE_ROWS:
        raise AffairsError(_("At most %(n)d rows.") % {"n": MAX_TABLE_ROWS}, field="table")
    clean, income, expense = [], Decimal("0.00"), Decimal("0.00")
    for number, row in enumerate(rows, start=1):
        field = f"table[{number}]"
        if not isinstance(row, dict):
            raise AffairsError(_("Row %(n)d: give an item with its income or expense.") % {"n": number}, field=field)
        item = _text(row.get("item"), field, limit=200)
        if not item:
            raise AffairsError(_("Row %(n)d: name the item.") % {"n": number}, field=field)
        row_in = _amount(row.get("income"), field) or Decimal("0.00")
        row_out = _amount(row.get("expense"), field) or Decimal("0.00")
        if not row_in and not row_out:
            raise AffairsError(_("Row %(n)d: give an income or an expense.") % {"n": number}, field=field)
        income += row_in
        expense += row_out
        clean.append({"item": item, "income": str(row_in), "expense": str(row_out),
                      "note": _text(row.get("note"), field, limit=200)})
    for field, given, actual in (("income_total", income_total, income), ("expense_total", expense_total, expense)):
        given = _amount(given, field)
        if given is not None and given != actual:
            raise AffairsError(_("The total %(given)s does not match the rows' sum %(sum)s.")
                               % {"given": given, "sum": actual}, field=field)
    return clean, income, expense


def _create_disclosure(actor, village: Region, kind: str, *, title: str, body: str, period: str, shown_from,
                       shown_until, public: bool, table=None, income_total=None, expense_total=None,
                       matter_step: str | None = None) -> Disclosure:
    if kind not in DisclosureKind.values:
        raise AffairsError(_("Choose party affairs, village affairs or finances."), field="kind")
    title = _text(title, "title", required=True, limit=200)
    body = _text(body, "body")
    today = _today()
    town = town_of(village.path)
    config = settings_for(town)
    shown_from = _date(shown_from, "shown_from") if shown_from not in (None, "") else today
    if shown_from > today + datetime.timedelta(days=30):
        raise AffairsError(_("Publish at most 30 days ahead."), field="shown_from")
    least = shown_from + datetime.timedelta(days=config.board_days - 1)
    shown_until = _date(shown_until, "shown_until") if shown_until not in (None, "") else least
    if shown_until < least:
        raise AffairsError(_("An item stays on the board at least %(n)d days: until %(date)s or later.")
                           % {"n": config.board_days, "date": least}, field="shown_until")
    frequency = schedule_for(town).get(kind, Frequency.EVENT)
    period = (period or "").strip()
    late = False
    if period:
        if matter_step or schedule.frequency_of(period) is None:
            raise AffairsError(_("Give the period as a month (2026-11) or a quarter (2026Q4)."), field="period")
        if schedule.frequency_of(period) != frequency:
            raise AffairsError(_("The town discloses this kind %(frequency)s.") % {
                "frequency": Frequency(frequency).label}, field="period")
        if schedule.bounds(period)[0] > today:
            raise AffairsError(_("This period has not begun."), field="period")
        late = today > schedule.due_on(period, config.due_days)
    elif frequency in (Frequency.MONTH, Frequency.QUARTER) and not matter_step and kind == DisclosureKind.FINANCE:
        raise AffairsError(_("Finances are disclosed by period: give the month or quarter."), field="period")
    figures = {}
    if table not in (None, [], ""):
        rows, income, expense = check_table(table, income_total, expense_total)
        figures = {"table": rows, "income_total": income, "expense_total": expense}
    elif kind == DisclosureKind.FINANCE and not body:
        raise AffairsError(_("Give the income and expense table, or the text of the disclosure."), field="table")
    item = Disclosure.objects.create(
        village=village, kind=kind, period=period, title=title, body=body, shown_from=shown_from,
        shown_until=shown_until, public=bool(public), late=late, published_at=clock.now(), published_by=actor,
        path=village.path, **figures)
    audit.record("affairs.publish", item, None, audit.snapshot(item), actor=actor)
    return item


@transaction.atomic
def do_publish(actor, village, kind: str, title: str, body: str = "", period: str = "", table=None,
               income_total=None, expense_total=None, shown_from=None, shown_until=None, public: bool = True,
               files=()) -> Disclosure:
    """Put an item on a village's board: for a scheduled period (late when after its due day) or an event."""
    village = _village(actor, village)
    item = _create_disclosure(actor, village, kind, title=title, body=body, period=period, shown_from=shown_from,
                              shown_until=shown_until, public=public, table=table, income_total=income_total,
                              expense_total=expense_total)
    for upload in files or ():
        _add_disclosure_file(actor, item, upload)
    return item


def _add_disclosure_file(actor, item: Disclosure, upload) -> DisclosureFile:
    if item.files.count() >= MAX_FILES:
        raise AffairsError(_("At most %(n)d files.") % {"n": MAX_FILES}, field="files")
    try:
        data, content_type, ext = clean_file(upload)
    except UploadError as exc:
        raise AffairsError(exc.message, field="files") from None
    row = DisclosureFile(disclosure=item, content_type=content_type, name=display_name(upload, ext))
    row.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    row.save()
    audit.record("affairs.disclosure_file", row, None, audit.snapshot(row), actor=actor)
    return row


@transaction.atomic
def do_add_disclosure_file(actor, item: Disclosure, upload) -> DisclosureFile:
    if not may_record(actor, item.path):
        raise AffairsError(_("No such item."), status=404, field="disclosure")
    return _add_disclosure_file(actor, item, upload)


# --- notices ------------------------------------------------------------------------------------------------

def _village_staff(path: str):
    return User.objects.filter(is_active=True, role=VILLAGE_SECRETARY, scope_path=village_path(path)).values_list(
        "pk", flat=True)


def _about(question: Question) -> str:
    return (question.disclosure or question.matter).title


NOTICES = {
    "affairs_question": gettext_lazy("A villager asked about %(title)s: answer by %(due)s"),
    "affairs_answer": gettext_lazy("Your question about %(title)s was answered"),
}


def _tell(user_ids, kind: str, params: dict, now, data: dict, exclude=None) -> int:
    """Through the case loop's inbox and channels, in the site's language (a notice is read later)."""
    from gridgov.cases import notices  # noqa: PLC0415  the case loop delivers every notice

    with translation.override(settings.LANGUAGE_CODE):
        text = str(NOTICES[kind] % params)
    return notices.send(user_ids, kind, text, now, {**data, **params}, exclude=exclude)


# --- questions and oversight ----------------------------------------------------------------------------

def _target_path(target) -> str:
    if not isinstance(target, Disclosure | Matter):
        raise AffairsError(_("Ask about a board item or a matter."), field="target")
    return target.path


def may_ask(actor, target) -> bool:
    """A resident or party member of the village about its public items and matters that reached the board;
    a grid worker for the people of their grids; village staff on someone's behalf."""
    if not _active(actor):
        return False
    path = target.path
    if actor.is_superuser or may_record(actor, path):
        return True
    if (actor.role not in PERSONAL_ROLES and can(actor, ASK, "affairs_question") and actor.scope_path
            and path == village_path(actor.scope_path)):
        # A grid worker of one of the village's grids (a resident's scope is a grid too) asks for a villager
        # about what the villager could read: the board's public items, matters that reached it.
        return _public(target)
    person = getattr(actor, "person", None)
    return (person is not None and can(actor, ASK, "affairs_disclosure")
            and village_path(person.path) == path and _public(target))


def _public(target) -> bool:
    if isinstance(target, Disclosure):
        return target.public
    return target.steps.filter(step__in=[Step.PUBLISH_DECISION, Step.PUBLISH_RESULT]).exists()


@transaction.atomic
def do_ask(actor, target, text: str, asker: Person | int | None = None) -> Question:
    """A villager's question about a board item or a matter; due within the town's answer days. A grid
    worker or village staff enter it for `asker`, a person of the village."""
    path = _target_path(target)
    if not may_ask(actor, target):
        raise AffairsError(_("No such item."), status=404, field="target")
    text = _text(text, "text", required=True, limit=2000)
    own = getattr(actor, "person", None)
    for_themselves = getattr(actor, "role", "") in PERSONAL_ROLES and not actor.is_superuser
    if for_themselves or (asker in (None, "") and own is not None and village_path(own.path) == path):
        asker = own  # a resident or party member asks only for themselves, whatever the request says
    if asker in (None, ""):
        raise AffairsError(_("Say who asks: a person of the village."), field="asker")
    if not isinstance(asker, Person):
        asker_id = asker if isinstance(asker, int) and not isinstance(asker, bool) else (
            int(asker) if isinstance(asker, str) and asker.strip().isdigit() else None)
        # Staff and grid workers name someone under their own scope (a grid worker: their grids' people).
        scope = Q() if actor.is_superuser else (
            Q(path__startswith=actor.scope_path) if actor.scope_path else Q(pk__in=[]))
        asker = Person.objects.filter(scope, pk=asker_id).first() if asker_id else None
    if asker is None or village_path(asker.path) != path:
        raise AffairsError(_("Say who asks: a person of the village."), field="asker")
    days = settings_for(town_of(path)).answer_days
    now = clock.now()
    question = Question.objects.create(
        disclosure=target if isinstance(target, Disclosure) else None,
        matter=target if isinstance(target, Matter) else None, asker=asker, entered_by=actor, text=text,
        asked_at=now, due_on=timezone.localdate(now) + datetime.timedelta(days=days), path=path)
    audit.record("affairs.ask", question, None, audit.snapshot(question), actor=actor)
    _tell(_village_staff(path), "affairs_question", {"title": _about(question), "due": question.due_on.isoformat()},
          now, {"question": question.pk, "link": "/affairs/"}, exclude=actor)
    return question


@transaction.atomic
def do_answer(actor, question: Question, answer: str, public: bool = True) -> Question:
    """The village answers a question (public on the board unless marked private); a later answer replaces
    the earlier one and is audited."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not may_record(actor, question.path):
        raise AffairsError(_("No such question."), status=404, field="question")
    answer = _text(answer, "answer", required=True, limit=5000)
    before = audit.snapshot(question)
    question.answer, question.public = answer, bool(public)
    question.answered_at, question.answered_by = clock.now(), actor
    question.save(update_fields=["answer", "public", "answered_at", "answered_by"])
    audit.record("affairs.answer", question, *audit.diff(before, audit.snapshot(question)), actor=actor)
    _tell(User.objects.filter(person_id=question.asker_id, is_active=True).values_list("pk", flat=True),
          "affairs_answer", {"title": _about(question)}, question.answered_at, {"question": question.pk, "link": "/affairs/village/"}, exclude=actor)
    return question


@transaction.atomic
def do_remark(actor, target, text: str = "", is_check: bool = False, public: bool = True) -> Remark:
    """A supervision committee member comments on a matter or an item, or checks and signs it (审核签字)."""
    path = _target_path(target)
    if not may_oversee(actor, path):
        raise AffairsError(_("No such item."), status=404, field="target")
    text = _text(text, "text", required=not is_check, limit=2000)
    remark = Remark.objects.create(
        matter=target if isinstance(target, Matter) else None,
        disclosure=target if isinstance(target, Disclosure) else None, author=actor.person, text=text,
        is_check=bool(is_check), public=bool(public), created_at=clock.now(), path=path)
    audit.record("affairs.check" if is_check else "affairs.remark", remark, None, audit.snapshot(remark),
                 actor=actor)
    if is_check and isinstance(target, Disclosure) and not target.checked:
        Disclosure.objects.filter(pk=target.pk).update(checked=True)
        target.checked = True
    return remark


def step_index(step: str) -> int:
    return STEP_ORDER.index(step)


# --- the supervision committee (村务监督委员会) ----------------------------------------------------------------

def supervisors(village: Region):
    """The village's supervision committee members (their posts, with the person)."""
    return Post.objects.filter(kind=Post.Kind.SUPERVISOR, region=village).select_related("person").order_by("pk")


def supervisor_posts_under(path: str):
    """The supervision committee posts of every village under `path`, with their person."""
    return Post.objects.filter(kind=Post.Kind.SUPERVISOR, region__isnull=False, path__startswith=path).select_related(
        "person").order_by("path", "pk")


@transaction.atomic
def do_appoint_supervisor(actor, village: Region, person: Person | int) -> Post:
    """The town records a member of a village's supervision committee (elected by the villagers' meeting):
    a person living in the village. The village's own staff do not choose who oversees them."""
    if village is None or village.level != Region.Level.VILLAGE or not may_configure(actor, town_of(village.path)):
        raise AffairsError(_("No such village."), status=404, field="village")
    pid = person.pk if isinstance(person, Person) else person
    if isinstance(pid, str) and pid.strip().isdigit():
        pid = int(pid)
    found = Person.objects.filter(pk=pid, path__startswith=village.path).first() if isinstance(pid, int) \
        and not isinstance(pid, bool) else None
    if found is None:
        raise AffairsError(_("Choose a person living in the village."), field="person")
    if supervisors(village).filter(person=found).exists():
        raise AffairsError(_("Already a member of the supervision committee."), status=409, field="person")
    post = Post.objects.create(person=found, kind=Post.Kind.SUPERVISOR, region=village, path=village.path)
    audit.record("post.create", post, None, audit.snapshot(post), actor=actor)
    return post


@transaction.atomic
def do_remove_supervisor(actor, post: Post) -> None:
    """The member's term ends: the post goes, their remarks stay on the record."""
    if post.kind != Post.Kind.SUPERVISOR or post.region is None or not may_configure(actor, town_of(post.path)):
        raise AffairsError(_("No such member."), status=404, field="post")
    audit.record("post.delete", post, audit.snapshot(post), None, actor=actor)
    post.delete()
