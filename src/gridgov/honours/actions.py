"""Every change to honours goes through a do_<verb> function here: each checks the actor, validates,
writes in a transaction and records an audit row. A refusal raises HonourError and changes nothing:
404 outside the actor's reach (exactly like a missing record), 403 a role that may not, 409 a state
that does not allow the step (the message says why), 422 bad input naming the field.

The life cycle of an entry: submitted (a household applied, or the grid worker nominated) ->
inspected (the grid worker scored the sheet) -> approved or rejected (the village committee) ->
published (the town's public notice, 公示, for the campaign's number of calendar days counted from
the day of publication; anyone of the village may object, staff answer) -> named (after the notice,
with every objection answered; points to the household head or the person) -> revoked (with a reason).
"""

from __future__ import annotations

import datetime
import itertools
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import village_path
from gridgov.core import audit, clock
from gridgov.core.scoping import (
    CHANGE,
    GRID_WORKER,
    PARTY_MEMBER,
    RESIDENT,
    TOWN_ADMIN,
    VIEW,
    VILLAGE_SECRETARY,
    restrict,
)
from gridgov.org.models import Household, Person, Region
from gridgov.org.paths import town_path
from gridgov.org.queries import path_prefixes

from .models import (
    BUILT_IN,
    MAX_STARS,
    Campaign,
    Entry,
    HonourKind,
    Objection,
    Photo,
    Subject,
)

MAX_TEXT = 2000
MAX_REASON = 500
MAX_CRITERIA = 20
MAX_POINTS = 1000
MAX_PUBLICITY_DAYS = 60
POINTS_AUTO = "honour_named"


class HonourError(Exception):
    def __init__(self, message, status: int = 422, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def today() -> datetime.date:
    return timezone.localdate(clock.now())


def _text(value, field: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise HonourError(_("Write text here."), field=field)
    if required and not value:
        raise HonourError(_("This field is required."), field=field)
    if len(value) > limit:
        raise HonourError(_("Keep it under %(n)d characters.") % {"n": limit}, field=field)
    return value


def _active(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active


def _staff_of(actor, path: str, roles: tuple) -> bool:
    """The actor holds one of `roles` and their scope covers `path` (a superuser always)."""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    return actor.role in roles and bool(actor.scope_path) and path.startswith(actor.scope_path)


def own_village(user) -> str:
    """The village path a user belongs to: their person's, else their scope's (a village or below)."""
    if not _active(user):
        return ""
    if getattr(user, "person_id", None) and user.role in (RESIDENT, PARTY_MEMBER):
        return village_path(user.person.path)
    parts = [p for p in (user.scope_path or "").split(".") if p]
    if len(parts) >= 3:
        return ".".join(parts[:3]) + "."
    return ""


def may_object(user, entry: Entry) -> bool:
    return _active(user) and (user.is_superuser or own_village(user) == entry.village_path)


# --- what a user sees ------------------------------------------------------------------------------

def _reach_path(user) -> str:
    """The path from which a user looks at honours: staff their scope, residents their person's."""
    if user.role in (TOWN_ADMIN, VILLAGE_SECRETARY, GRID_WORKER):
        return user.scope_path or ""
    if user.role in (RESIDENT, PARTY_MEMBER) and getattr(user, "person_id", None):
        return user.person.path
    return ""


def visible_campaigns(user):
    """Campaigns of the towns a user belongs to or oversees (a village's people see their town's)."""
    if not _active(user):
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    path = _reach_path(user)
    if not path:
        return Campaign.objects.none()
    return Campaign.objects.filter(Q(path__in=path_prefixes(path)) | Q(path__startswith=path))


def visible_kinds(user):
    if not _active(user):
        return HonourKind.objects.none()
    if user.is_superuser:
        return HonourKind.objects.all()
    path = _reach_path(user)
    if not path:
        return HonourKind.objects.none()
    return HonourKind.objects.filter(Q(path__in=path_prefixes(path)) | Q(path__startswith=path))


def visible_entries(user):
    """Staff: the entries under their node; residents and party members: their own household's (or
    their own) entries, and those of their village under public notice or named (the public list)."""
    if _active(user) and not user.is_superuser and user.role in (RESIDENT, PARTY_MEMBER):
        if not getattr(user, "person_id", None):
            return Entry.objects.none()
        return Entry.objects.filter(Entry.own_q(user.person) | _public_q(own_village(user)))
    return restrict(user, VIEW, Entry)


def _public_q(village: str):
    return Q(village_path=village, state__in=[Entry.State.PUBLISHED, Entry.State.NAMED]) if village else Q(pk__in=[])


def entry_for(actor, entry, lock: bool = True) -> Entry:
    """An entry the actor may see (404 otherwise), locked for the step."""
    pk = entry.pk if isinstance(entry, Entry) else entry
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise HonourError(_("No such entry."), status=404) from None
    if not visible_entries(actor).filter(pk=pk).exists():
        raise HonourError(_("No such entry."), status=404)
    rows = Entry.objects.select_for_update(of=("self",)) if lock else Entry.objects
    return rows.select_related("campaign", "kind", "household", "person").get(pk=pk)


# --- kinds and campaigns (the town) ----------------------------------------------------------------

def _town_for(actor, town: Region | None) -> Region:
    if town is None and _active(actor) and actor.scope_path:
        town = Region.objects.filter(path=town_path(actor.scope_path), level=Region.Level.TOWN).first()
    if town is None or town.level != Region.Level.TOWN or not _staff_of(actor, town.path, (TOWN_ADMIN,)):
        raise HonourError(_("No such town."), status=404, field="town")
    return town


def ensure_kinds(town: Region, actor=None) -> list[HonourKind]:
    """The built-in kinds of a town (made, and audited, on the town's first use)."""
    out = []
    for code, (name, subject, starred) in BUILT_IN.items():
        kind, created = HonourKind.objects.get_or_create(
            town=town, code=code, defaults={"name": name, "subject": subject, "starred": starred, "built_in": True,
                                            "path": town.path, "created_at": clock.now()})
        if created:
            audit.record("honour.kind", kind, None, audit.snapshot(kind), actor=actor)
        out.append(kind)
    return out


@transaction.atomic
def do_add_kind(actor, name: str, subject: str = Subject.HOUSEHOLD, starred: bool = False, code: str = "",
                town: Region | None = None) -> HonourKind:
    """A town adds an honour (好媳妇, 好公婆 ...) for households or persons."""
    town = _town_for(actor, town)
    ensure_kinds(town, actor)
    name = _text(name, "name", required=True, limit=50)
    if subject not in Subject.values:
        raise HonourError(_("Choose household or person."), field="subject")
    if starred and subject != Subject.HOUSEHOLD:
        raise HonourError(_("Only a household honour is starred."), field="starred")
    code = (code or "").strip() or f"k{uuid.uuid4().hex[:8]}"
    if len(code) > 32 or not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise HonourError(_("A code of letters, digits, - and _ (at most 32)."), field="code")
    if HonourKind.objects.filter(town=town, code=code).exists() or \
            HonourKind.objects.filter(town=town, name=name).exists():
        raise HonourError(_("The town has this honour already."), status=409, field="name")
    kind = HonourKind.objects.create(town=town, code=code, name=name, subject=subject, starred=bool(starred),
                                     path=town.path, created_at=clock.now())
    audit.record("honour.kind", kind, None, audit.snapshot(kind), actor=actor)
    return kind


def _criteria(value) -> list[dict]:
    if not isinstance(value, list) or not value:
        raise HonourError(_("Give the score sheet: at least one criterion with its maximum points."), field="criteria")
    if len(value) > MAX_CRITERIA:
        raise HonourError(_("At most %(n)d criteria.") % {"n": MAX_CRITERIA}, field="criteria")
    out, names = [], set()
    for item in value:
        name = item.get("name") if isinstance(item, dict) else None
        points = item.get("max") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 50:
            raise HonourError(_("Each criterion needs a name (at most 50 characters)."), field="criteria")
        if isinstance(points, bool) or not isinstance(points, int) or not (1 <= points <= MAX_POINTS):
            raise HonourError(_("Each criterion's maximum is a whole number from 1 to %(n)d.") % {"n": MAX_POINTS},
                              field="criteria")
        if name.strip() in names:
            raise HonourError(_("Two criteria have the same name."), field="criteria")
        names.add(name.strip())
        out.append({"name": name.strip(), "max": points})
    return out


def _thresholds(value, criteria: list[dict], starred: bool) -> list[int]:
    if not starred:
        if value:
            raise HonourError(_("Only a starred honour has star thresholds."), field="thresholds")
        return []
    total = sum(c["max"] for c in criteria)
    ok = isinstance(value, list) and len(value) == MAX_STARS and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value)
    if not ok or any(b <= a for a, b in itertools.pairwise(value)) or value[0] < 0 or value[-1] > total:
        raise HonourError(_("Give five rising totals, one for each star, none above the sheet's %(total)d "
                            "points.") % {"total": total}, field="thresholds")
    return list(value)


@transaction.atomic
def do_create_campaign(actor, year: int, kind: str | HonourKind, criteria, thresholds=None,
                       publicity_days: int | None = None, town: Region | None = None) -> Campaign:
    """The town opens a year's campaign for one of its honours, with its score sheet."""
    town = _town_for(actor, town)
    ensure_kinds(town, actor)
    code = kind.code if isinstance(kind, HonourKind) else (kind or "").strip()
    kind = HonourKind.objects.filter(town=town, code=code).first()
    if kind is None:
        raise HonourError(_("No such honour in the town."), status=404, field="kind")
    this_year = today().year
    if isinstance(year, bool) or not isinstance(year, int) or not (this_year - 1 <= year <= this_year + 1):
        raise HonourError(_("A campaign is for last year, this year or next year."), field="year")
    criteria = _criteria(criteria)
    thresholds = _thresholds(thresholds or [], criteria, kind.starred)
    days = publicity_days if publicity_days is not None else 7
    if isinstance(days, bool) or not isinstance(days, int) or not (1 <= days <= MAX_PUBLICITY_DAYS):
        raise HonourError(_("The public notice lasts from 1 to %(n)d days.") % {"n": MAX_PUBLICITY_DAYS},
                          field="publicity_days")
    if Campaign.objects.filter(kind=kind, year=year).exists():
        raise HonourError(_("This honour has a campaign for %(year)d already.") % {"year": year}, status=409,
                          field="year")
    campaign = Campaign.objects.create(kind=kind, year=year, criteria=criteria, thresholds=thresholds,
                                       publicity_days=days, path=town.path, created_at=clock.now())
    audit.record("honour.campaign", campaign, None, audit.snapshot(campaign), actor=actor)
    return campaign


# --- entries ---------------------------------------------------------------------------------------

def _campaign_for(actor, campaign) -> Campaign:
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    found = visible_campaigns(actor).select_related("kind").filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise HonourError(_("No such campaign."), status=404, field="campaign")
    return found


@transaction.atomic
def do_enter(actor, campaign, household: Household | int | None = None, person: Person | int | None = None) -> Entry:
    """A household applies (a resident or party member for their own household, or for themselves or a
    member of their household for a personal honour), or the grid worker nominates one of their grid."""
    campaign = _campaign_for(actor, campaign)
    kind = campaign.kind
    if not _active(actor) or (actor.role not in (RESIDENT, PARTY_MEMBER, GRID_WORKER) and not actor.is_superuser):
        raise HonourError(_("Households apply and grid workers nominate."), status=403)
    wanted, field = (household, "household") if kind.subject == Subject.HOUSEHOLD else (person, "person")
    if wanted is None:
        raise HonourError(_("Choose the household.") if field == "household" else _("Choose the person."), field=field)
    model = Household if field == "household" else Person
    pk = wanted.pk if isinstance(wanted, model) else wanted
    if actor.role == GRID_WORKER or actor.is_superuser:
        target = restrict(actor, CHANGE, model).filter(pk=pk).first() if isinstance(pk, int) else None
        origin = Entry.Origin.NOMINATED
    else:
        mine = actor.person if actor.person_id else None
        target = None
        if mine is not None and isinstance(pk, int):
            target = (Household.objects.filter(pk=pk, pk__in=[mine.household_id]).first() if field == "household"
                      else Person.objects.filter(pk=pk).filter(Person.own_q(mine)).first())
        origin = Entry.Origin.APPLIED
    if target is None or not target.path.startswith(campaign.path):
        raise HonourError(_("No such household in your reach.") if field == "household"
                          else _("No such person in your reach."), status=404, field=field)
    if campaign.year < today().year:
        raise HonourError(_("The campaign of %(year)d is over.") % {"year": campaign.year}, status=409,
                          field="campaign")
    entry = Entry(campaign=campaign, kind=kind, year=campaign.year, path=target.path,
                  village_path=village_path(target.path), origin=origin, created_by=actor, created_at=clock.now(),
                  **{field: target})
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise HonourError(_("This household is in the campaign already.") if field == "household"
                          else _("This person is in the campaign already."), status=409, field=field) from None
    audit.record("honour.enter", entry, None, audit.snapshot(entry), actor=actor)
    return entry


def _step(actor, entry, roles: tuple, states: tuple, refused) -> Entry:
    entry = entry_for(actor, entry)
    if not _staff_of(actor, entry.path, roles):
        raise HonourError(refused, status=403)
    if entry.state not in states:
        raise HonourError(_("Not possible while the entry is %(state)s.") % {"state": entry.get_state_display()},
                          status=409, field="action")
    return entry


def _save(action: str, actor, entry: Entry, before: dict, fields: list[str]) -> Entry:
    entry.save(update_fields=fields)
    audit.record(action, entry, *audit.diff(before, audit.snapshot(entry)), actor=actor)
    return entry


@transaction.atomic
def do_inspect(actor, entry, scores: dict, notes: str = "") -> Entry:
    """The grid worker scores each criterion of the sheet (again, until the village has reviewed)."""
    entry = _step(actor, entry, (GRID_WORKER,), (Entry.State.SUBMITTED, Entry.State.INSPECTED),
                  _("Only the grid worker of the household inspects."))
    criteria = entry.campaign.criteria
    if not isinstance(scores, dict):
        raise HonourError(_("Score each criterion of the sheet."), field="scores")
    names = {c["name"] for c in criteria}
    unknown = [k for k in scores if k not in names]
    if unknown:
        raise HonourError(_("Not on the score sheet: %(name)s") % {"name": unknown[0]}, field="scores")
    clean = {}
    for c in criteria:
        value = scores.get(c["name"])
        if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value <= c["max"]):
            raise HonourError(_("Score %(name)s from 0 to %(max)d.") % {"name": c["name"], "max": c["max"]},
                              field="scores")
        clean[c["name"]] = value
    notes = _text(notes, "notes")
    before = audit.snapshot(entry)
    entry.scores, entry.total, entry.notes = clean, sum(clean.values()), notes
    entry.stars = entry.campaign.stars_for(entry.total)
    entry.state, entry.inspected_at = Entry.State.INSPECTED, clock.now()
    return _save("honour.inspect", actor, entry, before, ["scores", "total", "stars", "notes", "state", "inspected_at"])


@transaction.atomic
def do_add_photo(actor, entry, fileobj) -> Photo:
    """A photo of the inspection, proven an image and re-encoded without EXIF like a case photo."""
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    entry = _step(actor, entry, (GRID_WORKER,), (Entry.State.SUBMITTED, Entry.State.INSPECTED),
                  _("Only the grid worker of the household inspects."))
    if fileobj is None:
        raise HonourError(_("Choose a photo."), field="photo")
    try:
        data, content_type, _w, _h = clean_image(fileobj)
    except CaseError as exc:
        raise HonourError(str(exc), field="photo") from None
    photo = Photo(entry=entry, content_type=content_type, created_at=clock.now())
    photo.file.save(f"{uuid.uuid4().hex}.{'png' if content_type == 'image/png' else 'jpg'}", ContentFile(data),
                    save=False)
    photo.save()
    photo.entry = entry
    audit.record("honour.photo", photo, None, audit.snapshot(photo), actor=actor)
    return photo


@transaction.atomic
def do_review(actor, entry, approve: bool, reason: str = "") -> Entry:
    """The village committee approves an inspected entry, or rejects it with a reason."""
    entry = _step(actor, entry, (VILLAGE_SECRETARY,), (Entry.State.INSPECTED,),
                  _("Only the village committee reviews."))
    if not isinstance(approve, bool):
        raise HonourError(_("Approve or reject."), field="decision")
    reason = _text(reason, "reason", required=not approve, limit=MAX_REASON)
    if entry.kind.starred and approve and not entry.stars:
        raise HonourError(_("The total earns no star: reject it with a reason."), status=409, field="decision")
    before = audit.snapshot(entry)
    entry.state = Entry.State.APPROVED if approve else Entry.State.REJECTED
    entry.reason, entry.reviewed_at = reason, clock.now()
    return _save("honour.review", actor, entry, before, ["state", "reason", "reviewed_at"])


@transaction.atomic
def do_publish(actor, entry) -> Entry:
    """The town puts an approved entry on the village's public notice for the campaign's days."""
    entry = _step(actor, entry, (TOWN_ADMIN,), (Entry.State.APPROVED,), _("Only the town publishes."))
    before = audit.snapshot(entry)
    day = today()
    entry.state, entry.published_on = Entry.State.PUBLISHED, day
    entry.notice_ends = day + datetime.timedelta(days=entry.campaign.publicity_days)
    return _save("honour.publish", actor, entry, before, ["state", "published_on", "notice_ends"])


@transaction.atomic
def do_object(actor, entry, text: str) -> Objection:
    """Anyone of the village objects to an entry while it is under public notice."""
    entry = entry_for(actor, entry)
    if not may_object(actor, entry):
        raise HonourError(_("Only people of the village may object."), status=403)
    text = _text(text, "text", required=True)
    if not entry.in_notice(today()):
        raise HonourError(_("Objections are taken only during the public notice."), status=409, field="action")
    objection = Objection.objects.create(entry=entry, text=text, by=actor, created_at=clock.now())
    objection.entry = entry
    audit.record("honour.object", objection, None, audit.snapshot(objection), actor=actor)
    return objection


@transaction.atomic
def do_answer(actor, entry, objection, text: str) -> Objection:
    """Village or town staff answer an objection (once), before the title is named."""
    entry = _step(actor, entry, (VILLAGE_SECRETARY, TOWN_ADMIN), (Entry.State.PUBLISHED,),
                  _("Only village or town staff answer objections."))
    pk = objection.pk if isinstance(objection, Objection) else objection
    found = Objection.objects.select_for_update().filter(pk=pk, entry=entry).first() if isinstance(pk, int) else None
    if found is None:
        raise HonourError(_("No such objection."), status=404, field="objection")
    text = _text(text, "text", required=True)
    if found.answered_at is not None:
        raise HonourError(_("This objection is answered already."), status=409, field="objection")
    before = audit.snapshot(found)
    found.answer, found.answered_by, found.answered_at = text, actor, clock.now()
    found.save(update_fields=["answer", "answered_by", "answered_at"])
    found.entry = entry
    audit.record("honour.answer", found, *audit.diff(before, audit.snapshot(found)), actor=actor)
    return found


def award(entry: Entry, now=None) -> str:
    """The town's "honour_named" points to the household head (or the person), once per entry."""
    from gridgov.points.public import award_automatic

    return award_automatic(POINTS_AUTO, person=entry.head, path=entry.path, key=f"honour:{entry.pk}",
                           reason=_("%(year)d %(honour)s") % {"year": entry.year, "honour": entry.kind.name},
                           now=now)


@transaction.atomic
def do_name(actor, entry) -> Entry:
    """The town names the title once the public notice is over and every objection is answered."""
    entry = _step(actor, entry, (TOWN_ADMIN,), (Entry.State.PUBLISHED,), _("Only the town names honours."))
    if today() < entry.notice_ends:
        last = entry.notice_ends - datetime.timedelta(days=1)
        raise HonourError(_("The public notice runs until %(day)s: name it after that.") % {"day": last.isoformat()},
                          status=409, field="action")
    if entry.objections.filter(answered_at__isnull=True).exists():
        raise HonourError(_("An objection is not answered yet: answer every objection first."), status=409,
                          field="action")
    before = audit.snapshot(entry)
    now = clock.now()
    entry.state, entry.named_at = Entry.State.NAMED, now
    _save("honour.name", actor, entry, before, ["state", "named_at"])
    award(entry, now)
    return entry


@transaction.atomic
def do_revoke(actor, entry, reason: str) -> Entry:
    """The town revokes a named title, with a reason (the points earned stay in the ledger's history)."""
    entry = _step(actor, entry, (TOWN_ADMIN,), (Entry.State.NAMED,), _("Only the town revokes honours."))
    reason = _text(reason, "reason", required=True, limit=MAX_REASON)
    before = audit.snapshot(entry)
    entry.state, entry.reason, entry.revoked_at = Entry.State.REVOKED, reason, clock.now()
    return _save("honour.revoke", actor, entry, before, ["state", "reason", "revoked_at"])


ACTIONS = ("inspect", "review", "publish", "object", "answer", "name", "revoke")


def do_action(actor, entry, action: str, **body):
    """The contract's one door: {"action": ..., ...} -> the step's function."""
    if action == "inspect":
        return do_inspect(actor, entry, body.get("scores") or {}, body.get("notes") or "")
    if action == "review":
        decision = body.get("decision")
        if decision not in ("approve", "reject"):
            entry_for(actor, entry, lock=False)
            raise HonourError(_("Approve or reject."), field="decision")
        return do_review(actor, entry, decision == "approve", body.get("reason") or "")
    if action == "publish":
        return do_publish(actor, entry)
    if action == "object":
        return do_object(actor, entry, body.get("text") or "")
    if action == "answer":
        return do_answer(actor, entry, body.get("objection"), body.get("text") or "")
    if action == "name":
        return do_name(actor, entry)
    if action == "revoke":
        return do_revoke(actor, entry, body.get("reason") or "")
    raise HonourError(_("Choose one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)}, field="action")
