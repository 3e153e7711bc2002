"""Every change to disputes goes through a do_<verb> function here: each checks the actor, writes in a
transaction and an audit row. A refusal raises DisputeError (404 out of reach, exactly like a missing
dispute; 403 a role that may not; 409 a state that does not allow the step; 422 bad input naming the
field) and changes nothing.

The life cycle: registered (the registration is the acknowledgement, the "1" of 13710) -> mediating (the
first session, "3") -> mediated with an agreement and its signed scan / referred to the judicial office
or the court / withdrawn ("10"); an answer to the parties ("7") is given on its own or by the outcome.
Mediated and referred disputes get their follow-up visits (季回访) at the town's intervals.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.core import audit, clock, personal
from gridgov.core.scoping import (
    CHANGE,
    SUBTREE,
    TOWN_ADMIN,
    VIEW,
    VIEW_PERSONAL,
    reach,
    restrict,
)
from gridgov.org.models import Person, Region, User

from . import periods, queries
from .models import STEPS, Dispute, DisputeRule, FollowUp, Party, Screening, Session

MAX_TEXT = 4000
MAX_NAME = 50
MAX_PARTIES = 20
MAX_BACKDATE_DAYS = 31
SCAN_MAX_BYTES = 10 * 1024 * 1024
CONCLUDED = (Dispute.State.MEDIATED, Dispute.State.REFERRED, Dispute.State.WITHDRAWN)
OPEN = (Dispute.State.REGISTERED, Dispute.State.MEDIATING)


class DisputeError(Exception):
    def __init__(self, message, status: int = 422, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def _text(value, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise DisputeError(_("Give text here."), field=field)
    if required and not value:
        raise DisputeError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DisputeError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _choice(value, choices, field: str) -> str:
    if value not in dict(choices):
        raise DisputeError(_("Choose one of: %(values)s.") % {"values": ", ".join(dict(choices))}, field=field)
    return value


# --- finding what the actor may act on -------------------------------------------------------------

def village_of(actor, village) -> Region:
    """A village (or community) the actor manages; 404 otherwise."""
    if isinstance(village, str):
        village = Region.objects.filter(code=village.strip()).first()
    if not isinstance(village, Region) or village.level != Region.Level.VILLAGE \
            or not queries.manages(actor, village.path):
        raise DisputeError(_("No such village in your area."), status=404, field="village")
    return village


def get_dispute(actor, dispute, lock: bool = True) -> Dispute:
    """A dispute the actor may see (village or town staff, its mediator); 404 for any other."""
    pk = dispute.pk if isinstance(dispute, Dispute) else dispute
    rows = Dispute.objects.select_for_update() if lock else Dispute.objects
    found = queries.visible(actor, rows.filter(pk=pk)).first() if isinstance(pk, int) else None
    if found is None:
        raise DisputeError(_("No such dispute."), status=404, field="dispute")
    return found


def may_handle(actor, dispute: Dispute) -> bool:
    return queries.manages(actor, dispute.path) or (actor is not None and dispute.mediator_id == actor.pk)


def _handled(actor, dispute, states=OPEN) -> Dispute:
    dispute = get_dispute(actor, dispute)
    if not may_handle(actor, dispute):
        raise DisputeError(_("Only the village, the town or the mediator handles this dispute."), status=403)
    if dispute.state not in states:
        raise DisputeError(_("This dispute is %(state)s: that step is not possible now.")
                           % {"state": dispute.get_state_display()}, status=409, field="action")
    return dispute


def _mediator(value, village: Region) -> User | None:
    if value in (None, ""):
        return None
    user = value if isinstance(value, User) else User.objects.filter(pk=value).first() \
        if isinstance(value, int) else None
    town = queries.town_path(village.path)
    if user is None or not user.is_active or not user.scope_path or not user.scope_path.startswith(town):
        raise DisputeError(_("Choose an active account of the town as mediator."), field="mediator")
    return user


# --- the 13710 deadlines ---------------------------------------------------------------------------

def deadlines(reported_at: datetime.datetime, rule: DisputeRule) -> dict:
    """{step: due moment}: the end of the n-th working day after the report's day (the case loop's
    calendar: weekends, holidays and make-up workdays); 0 days: due at once."""
    from gridgov.cases import calendar

    return {code: calendar.add_working_time(reported_at, rule.days(code), "d") for code, _default in STEPS}


# --- registering -----------------------------------------------------------------------------------

def _parties(actor, parties) -> list[Party]:
    if not isinstance(parties, list) or not parties:
        raise DisputeError(_("Name at least one party."), field="parties")
    if len(parties) > MAX_PARTIES:
        raise DisputeError(_("At most %(n)d parties.") % {"n": MAX_PARTIES}, field="parties")
    out, seen = [], set()
    people = restrict(actor, VIEW, Person)
    for item in parties:
        item = item if isinstance(item, dict) else {}
        person_id, name, phone = item.get("person"), item.get("name"), item.get("phone")
        if person_id not in (None, ""):
            person = people.filter(pk=person_id).first() if isinstance(person_id, int) else None
            if person is None:
                raise DisputeError(_("No such person in the registry of your area."), field="parties")
            if person.pk in seen:
                raise DisputeError(_("A person is named twice among the parties."), field="parties")
            seen.add(person.pk)
            out.append(Party(person=person))
            continue
        name = _text(name, "parties", required=True, limit=MAX_NAME)
        party = Party()
        party.name = name
        if phone not in (None, ""):
            try:
                party.phone = personal.validate_phone(str(phone))
            except personal.InvalidIdentifier as exc:
                raise DisputeError(str(exc), field="parties") from None
        out.append(party)
    return out


def _case(actor, case_id, village: Region):
    """A case of the dispute categories in the village, not yet linked to a dispute."""
    from django.db.models import Q

    from gridgov.cases.models import Case, Category
    from gridgov.stars.metrics import dispute_family

    if case_id in (None, ""):
        return None
    case = restrict(actor, VIEW, Case).filter(pk=case_id).select_related("category").first() \
        if isinstance(case_id, int) else None
    if case is None:
        raise DisputeError(_("No such case in your area."), field="case")
    family = dispute_family()
    if not Category.objects.filter(Q(code=family) | Q(parent__code=family), pk=case.category_id).exists():
        raise DisputeError(_("The case is not of a dispute category."), field="case")
    if not case.path.startswith(village.path):
        raise DisputeError(_("The case lies in another village."), field="case")
    if Dispute.objects.filter(case=case).exists():
        raise DisputeError(_("A dispute was already registered from this case."), status=409, field="case")
    return case


def _notify_town(dispute: Dispute, now) -> int:
    """A high-risk dispute: the town's administrators are told at once, in their inbox and through the
    delivery channels (the case loop's notifications and outbox, without a case)."""
    from gridgov.cases import notices

    users = User.objects.filter(is_active=True, role=TOWN_ADMIN, scope_path=queries.town_path(dispute.path)).values_list(
        "pk", flat=True)
    with translation.override(settings.LANGUAGE_CODE):
        text = (_("High-risk dispute #%(id)d in %(village)s (%(kind)s): act at once")
                % {"id": dispute.pk, "village": dispute.village.name, "kind": dispute.get_kind_display()})
    data = {"dispute": dispute.pk, "village": dispute.village.code, "url": f"/disputes/{dispute.pk}/"}
    return notices.send(users, "dispute_high_risk", text, now, data)


@transaction.atomic
def do_register(actor, village, kind: str, description: str, parties: list, risk: str = Dispute.Risk.LOW,
                mediator=None, case=None, reported_at: datetime.datetime | None = None) -> Dispute:
    """Register a dispute found in a village (village or town staff). Registering is the acknowledgement
    (13710's "1"); the deadlines are counted from `reported_at` (now; the case's report for one started
    from a case; up to 31 days back when it was brought earlier)."""
    village = village_of(actor, village)
    kind = _choice(kind, Dispute.Kind.choices, "kind")
    risk = _choice(risk, Dispute.Risk.choices, "risk")
    description = _text(description, "description", required=True)
    party_rows = _parties(actor, parties)
    mediator = _mediator(mediator, village)
    case = _case(actor, case, village)
    now = clock.now()
    if reported_at is None:
        reported_at = case.created_at if case is not None else now
    if reported_at > now:
        raise DisputeError(_("A dispute cannot be reported in the future."), field="reported_at")
    if reported_at < now - datetime.timedelta(days=MAX_BACKDATE_DAYS):
        raise DisputeError(_("A dispute is registered within %(n)d days of its report.") % {"n": MAX_BACKDATE_DAYS},
                           field="reported_at")
    due = deadlines(reported_at, queries.rule_for(village.path))
    dispute = Dispute.objects.create(
        village=village, path=village.path, kind=kind, risk=risk, description=description, mediator=mediator,
        case=case, created_by=actor if getattr(actor, "pk", None) else None, reported_at=reported_at, created_at=now,
        ack_due=due["ack"], handle_due=due["handle"], answer_due=due["answer"], conclude_due=due["conclude"],
        ack_at=now)
    for party in party_rows:
        party.dispute = dispute
    Party.objects.bulk_create(party_rows)
    audit.record("dispute.register", dispute, None,
                 {**audit.snapshot(dispute), "parties": [p.person_id or "outsider" for p in party_rows]}, actor=actor)
    if risk == Dispute.Risk.HIGH:
        _notify_town(dispute, now)
    return dispute


def _save(actor, dispute: Dispute, before: dict, action: str, fields: list[str], extra: dict | None = None):
    dispute.save(update_fields=fields)
    old, new = audit.diff(before, audit.snapshot(dispute))
    audit.record(action, dispute, old, {**new, **(extra or {})}, actor=actor)
    return dispute


@transaction.atomic
def do_assign(actor, dispute, mediator) -> Dispute:
    """Name (or change) the mediator: village or town staff, while the dispute is open."""
    dispute = _handled(actor, dispute)
    if not queries.manages(actor, dispute.path):
        raise DisputeError(_("Only the village or the town names the mediator."), status=403, field="mediator")
    user = _mediator(mediator, dispute.village)
    if user is None:
        raise DisputeError(_("Choose the mediator."), field="mediator")
    before = audit.snapshot(dispute)
    dispute.mediator = user
    return _save(actor, dispute, before, "dispute.assign", ["mediator"])


@transaction.atomic
def do_set_risk(actor, dispute, risk: str) -> Dispute:
    """Change the risk level (staff or mediator, open disputes); raised to high, the town is told at once."""
    dispute = _handled(actor, dispute)
    risk = _choice(risk, Dispute.Risk.choices, "risk")
    before = audit.snapshot(dispute)
    raised = risk == Dispute.Risk.HIGH and dispute.risk != Dispute.Risk.HIGH
    dispute.risk = risk
    _save(actor, dispute, before, "dispute.risk", ["risk"])
    if raised:
        _notify_town(dispute, clock.now())
    return dispute


@transaction.atomic
def do_mediate(actor, dispute, notes: str, at: datetime.datetime | None = None) -> Session:
    """A mediation session with its notes; the first begins the mediation (13710's "3")."""
    dispute = _handled(actor, dispute)
    notes = _text(notes, "notes", required=True)
    now = clock.now()
    session = Session.objects.create(dispute=dispute, at=now, by=actor if getattr(actor, "pk", None) else None,
                                     notes=notes)
    session.dispute = dispute
    audit.record("dispute.session", session, None, audit.snapshot(session), actor=actor)
    if dispute.state == Dispute.State.REGISTERED:
        before = audit.snapshot(dispute)
        dispute.state, dispute.handle_at = Dispute.State.MEDIATING, now
        _save(actor, dispute, before, "dispute.mediate", ["state", "handle_at"])
    return session


@transaction.atomic
def do_answer(actor, dispute, text: str) -> Dispute:
    """The answer given to the parties (13710's "7"): once, while the dispute is open."""
    dispute = _handled(actor, dispute)
    if dispute.answer_at is not None:
        raise DisputeError(_("The parties were already answered."), status=409, field="action")
    text = _text(text, "text", required=True)
    before = audit.snapshot(dispute)
    dispute.answer, dispute.answer_at = text, clock.now()
    return _save(actor, dispute, before, "dispute.answer", ["answer", "answer_at"])


def clean_scan(upload) -> tuple[bytes, str, str]:
    """The signed agreement's scan, checked by its content: a PDF (its header and end marker) or a photo,
    which is re-encoded like a case photo (no EXIF). Returns (bytes, content type, suffix)."""
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    if upload is None:
        raise DisputeError(_("Add the scan of the signed agreement."), field="scan")
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read(SCAN_MAX_BYTES + 1)
        if len(data) > SCAN_MAX_BYTES:
            raise DisputeError(_("The scan may be at most 10 MB."), field="scan")
        if b"%%EOF" not in data[-2048:]:
            raise DisputeError(_("The PDF is incomplete or damaged."), field="scan")
        return data, "application/pdf", ".pdf"
    try:
        data, content_type, _w, _h = clean_image(upload)
    except CaseError as exc:
        raise DisputeError(_("The scan must be a photo (JPEG, PNG, WebP or GIF) or a PDF."), field="scan") from exc
    return data, content_type, ".png" if content_type == "image/png" else ".jpg"


def _store_scan(dispute: Dispute, upload) -> None:
    data, content_type, suffix = clean_scan(upload)
    if dispute.scan:
        dispute.scan.delete(save=False)
    dispute.scan_type = content_type
    dispute.scan.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)


@transaction.atomic
def do_attach_scan(actor, dispute, upload) -> Dispute:
    """The scan of the signed agreement (a phone photo or a PDF), before the agreement is recorded."""
    dispute = _handled(actor, dispute, states=(Dispute.State.MEDIATING,))
    before = audit.snapshot(dispute)
    _store_scan(dispute, upload)
    return _save(actor, dispute, before, "dispute.scan", ["scan", "scan_type"])


def _conclude(dispute: Dispute, now) -> list[FollowUp]:
    dispute.conclude_at = now
    if dispute.answer_at is None:
        dispute.answer_at = now
    if dispute.state == Dispute.State.WITHDRAWN:
        return []
    day = timezone.localdate(now)
    rows = [FollowUp(dispute=dispute, path=dispute.path, due=day + datetime.timedelta(days=int(n)))
            for n in sorted(set(queries.rule_for(dispute.path).followup_days or []))]
    return FollowUp.objects.bulk_create(rows)


@transaction.atomic
def do_agree(actor, dispute, agreement: str, scan=None) -> Dispute:
    """Mediated with an agreement: its text and the signed scan (sent here, or attached before). Only a
    dispute in mediation; its follow-up visits are scheduled."""
    dispute = _handled(actor, dispute, states=(Dispute.State.MEDIATING,))
    agreement = _text(agreement, "agreement", required=True)
    before = audit.snapshot(dispute)
    if scan is not None:
        _store_scan(dispute, scan)
    elif not dispute.scan:
        raise DisputeError(_("Add the scan of the signed agreement."), field="scan")
    now = clock.now()
    dispute.state, dispute.agreement = Dispute.State.MEDIATED, agreement
    visits = _conclude(dispute, now)
    return _save(actor, dispute, before, "dispute.agree",
                 ["state", "agreement", "scan", "scan_type", "conclude_at", "answer_at"],
                 {"followups": [v.due.isoformat() for v in visits]})


@transaction.atomic
def do_refer(actor, dispute, to: str, note: str = "") -> Dispute:
    """Referred to the judicial office (司法所) or the court; follow-up visits are scheduled."""
    dispute = _handled(actor, dispute)
    to = _choice(to, Dispute.Referral.choices, "to")
    note = _text(note, "note")
    before = audit.snapshot(dispute)
    dispute.state, dispute.referred_to, dispute.outcome_note = Dispute.State.REFERRED, to, note
    visits = _conclude(dispute, clock.now())
    return _save(actor, dispute, before, "dispute.refer", ["state", "referred_to", "outcome_note", "conclude_at",
                                                           "answer_at"],
                 {"followups": [v.due.isoformat() for v in visits]})


@transaction.atomic
def do_withdraw(actor, dispute, note: str) -> Dispute:
    """Withdrawn by the parties (the reason is required); no follow-up visit."""
    dispute = _handled(actor, dispute)
    note = _text(note, "note", required=True)
    before = audit.snapshot(dispute)
    dispute.state, dispute.outcome_note = Dispute.State.WITHDRAWN, note
    _conclude(dispute, clock.now())
    return _save(actor, dispute, before, "dispute.withdraw", ["state", "outcome_note", "conclude_at", "answer_at"])


@transaction.atomic
def do_visit(actor, dispute, notes: str) -> FollowUp:
    """The next follow-up visit made (季回访), with its notes: 409 when none is left."""
    dispute = _handled(actor, dispute, states=(Dispute.State.MEDIATED, Dispute.State.REFERRED))
    notes = _text(notes, "notes", required=True)
    visit = FollowUp.objects.select_for_update().filter(dispute=dispute, done_at__isnull=True).order_by("due").first()
    if visit is None:
        raise DisputeError(_("Every follow-up visit of this dispute is made."), status=409, field="action")
    before = audit.snapshot(visit)
    visit.done_at, visit.by, visit.notes = clock.now(), actor if getattr(actor, "pk", None) else None, notes
    visit.save(update_fields=["done_at", "by", "notes"])
    audit.record("dispute.visit", visit, *audit.diff(before, audit.snapshot(visit)), actor=actor)
    return visit


@transaction.atomic
def do_reveal(actor, dispute, party_id: int, field: str) -> str:
    """An outsider party's full name or phone (or a registry party's phone), for staff allowed to see
    personal data in full; every reveal is audited."""
    dispute = get_dispute(actor, dispute, lock=False)
    party = dispute.parties.select_related("person").filter(pk=party_id).first() \
        if isinstance(party_id, int) else None
    if party is None:
        raise DisputeError(_("No such party."), status=404, field="party")
    if field not in ("name", "phone"):
        raise DisputeError(_("Choose one of: %(values)s.") % {"values": "name, phone"}, field="field")
    if not restrict(actor, VIEW_PERSONAL, Dispute).filter(pk=dispute.pk).exists():
        raise DisputeError(_("You may not see this in full."), status=403, field="field")
    audit.record(f"dispute.reveal_{field}", party, None, {"field": field, "party": party.pk}, actor=actor)
    if field == "name":
        return party.display_name
    return party.person.phone if party.person_id else party.phone


# --- weekly screening (周排查) --------------------------------------------------------------------

def disputes_of_week(village: Region, monday: datetime.date) -> int:
    """The village's disputes reported in the ISO week (by the local day of their report)."""
    from gridgov.cases import calendar

    tz = calendar.current().tz
    start = datetime.datetime.combine(monday, datetime.time(0), tz)
    end = start + datetime.timedelta(days=7)
    return Dispute.objects.filter(village=village, reported_at__gte=start, reported_at__lt=end).count()


def due_day(monday: datetime.date, path: str) -> datetime.date:
    """The last day a week's screening is on time: its Sunday plus the town's grace days."""
    return monday + datetime.timedelta(days=6 + queries.rule_for(path).screening_grace_days)


@transaction.atomic
def do_screen(actor, village, week, none: bool, note: str = "") -> Screening:
    """File a village's screening of an ISO week (village or town staff): the disputes found that week
    (registered beforehand), or a zero report. One per village and week (409 for a second); a week not
    yet begun cannot be screened; filed after its Sunday plus the grace days it is late."""
    village = village_of(actor, village)
    if isinstance(week, str):
        try:
            week = periods.parse_week(week)
        except ValueError:
            raise DisputeError(_("Give an ISO week such as 2026-W49."), field="week") from None
    if not isinstance(week, datetime.date):
        raise DisputeError(_("Give an ISO week such as 2026-W49."), field="week")
    week = periods.week_start(week)
    if not isinstance(none, bool):
        raise DisputeError(_("Say whether nothing was found (true or false)."), field="none")
    note = _text(note, "note")
    now = clock.now()
    if week > timezone.localdate(now):
        raise DisputeError(_("This week has not begun yet."), field="week")
    found = disputes_of_week(village, week)
    if none and found:
        raise DisputeError(_("%(n)d disputes were registered in this week: it is no zero report.") % {"n": found},
                           field="none")
    if not none and not found:
        raise DisputeError(_("Register the disputes found in this week first, or file a zero report."),
                           field="none")
    if Screening.objects.select_for_update().filter(village=village, week=week).exists():
        raise DisputeError(_("This week's screening of the village is already filed."), status=409, field="week")
    screening = Screening.objects.create(
        village=village, path=village.path, week=week, none=none, found=found, note=note, filed_at=now,
        filed_by=actor if getattr(actor, "pk", None) else None,
        on_time=timezone.localdate(now) <= due_day(week, village.path))
    audit.record("dispute.screening", screening, None, audit.snapshot(screening), actor=actor)
    return screening


# --- the town's rule -------------------------------------------------------------------------------

RULE_FIELDS = ("ack_days", "handle_days", "answer_days", "conclude_days", "screening_grace_days")


@transaction.atomic
def do_set_rule(actor, town, followup_days: list | None = None, **days) -> DisputeRule:
    """A town's 13710 steps (working days, each no sooner than the one before), its follow-up intervals
    (calendar days after the outcome) and the screening's grace days. Town staff only."""
    if isinstance(town, str):
        town = Region.objects.filter(code=town.strip()).first()
    allowed = queries._active(actor) and (actor.is_superuser or (
        reach(actor, CHANGE, "dispute_rule") == SUBTREE and bool(actor.scope_path)
        and town.path.startswith(actor.scope_path))) if isinstance(town, Region) else False
    if not allowed or town.level != Region.Level.TOWN:
        raise DisputeError(_("No such town."), status=404, field="town")
    rule = DisputeRule.objects.select_for_update().filter(town=town).first() or DisputeRule(town=town, path=town.path)
    before = audit.snapshot(rule) if rule.pk else None
    for field in RULE_FIELDS:
        if field in days and days[field] is not None:
            value = days[field]
            if not isinstance(value, int) or isinstance(value, bool) or not (0 <= value <= 60):
                raise DisputeError(_("Give a whole number from 0 to 60."), field=field)
            setattr(rule, field, value)
    steps = [rule.days(code) for code, _d in STEPS]
    if steps != sorted(steps):
        raise DisputeError(_("Each step's days are no fewer than the step before."), field="conclude_days")
    if followup_days is not None:
        if not isinstance(followup_days, list) or len(followup_days) > 8 or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 730 for n in followup_days):
            raise DisputeError(_("Give up to 8 intervals, each from 1 to 730 days."), field="followup_days")
        rule.followup_days = sorted(set(followup_days))
    rule.updated_at = clock.now()
    rule.save()
    audit.record("dispute.rule", rule, *(audit.diff(before, audit.snapshot(rule)) if before else
                                         (None, audit.snapshot(rule))), actor=actor)
    return rule
