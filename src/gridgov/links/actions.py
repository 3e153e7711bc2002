"""Writes of the links app: link, end a link, accept a proposal, import a sheet, log a contact, raise a
case from a contact, set a town's rules. Each checks who may, writes, and audits.

LinkError carries the HTTP status the API answers: 404 out of reach, 409 a conflict, 422 bad input
(with the field), 403 a role that may not.
"""

import datetime
import math
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from gridgov.cases.models import village_path
from gridgov.core import audit, idempotency
from gridgov.core.scoping import CHANGE, PARTY_MEMBER, VIEW, reach, restrict
from gridgov.org.models import Household, Person, Region

from . import queries
from .models import Contact, Link, LinkSettings

MAX_NOTE = 2000


class LinkError(Exception):
    def __init__(self, message, status: int = 422, field: str = "body"):
        super().__init__(str(message))
        self.message, self.status, self.field = str(message), status, field


def may_manage(actor, path: str) -> bool:
    """Village staff manage the links of their village, town staff those of their town."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_superuser:
        return True
    return reach(actor, CHANGE, "link") is not None and bool(actor.scope_path) and path.startswith(actor.scope_path)


def is_member(person: Person) -> bool:
    """Who may be linked: a party member, or a person of a party-member central household."""
    return person.is_party_member or bool(person.household_id and person.household.is_party_central)


def _check_pair(actor, member: Person, household: Household):
    if not may_manage(actor, household.path):
        raise LinkError(_("No such household in your area."), status=404, field="household")
    if not may_manage(actor, member.path) and village_path(member.path) != village_path(household.path):
        raise LinkError(_("No such party member in your area."), status=404, field="member")
    if not is_member(member):
        raise LinkError(_("Only a party member or a person of a party-member central household can be linked."),
                        field="member")


def do_link(actor, member: Person, household: Household, since: datetime.date | None = None) -> Link:
    """Link a member to a household from `since` (today). 409 if the household already has an active link."""
    _check_pair(actor, member, household)
    since = since or queries.today()
    if Link.objects.filter(household=household, until__isnull=True).exists():
        raise LinkError(_("This household already has an active link; end it first."), status=409, field="household")
    link = Link(member=member, household=household, since=since, path=household.path)
    try:
        with transaction.atomic():
            link.save()
            audit.record("link.create", link, None, audit.snapshot(link), actor=actor)
    except IntegrityError:
        raise LinkError(_("This household already has an active link; end it first."), status=409,
                        field="household") from None
    return link


@transaction.atomic
def do_end_link(actor, link: Link, reason: str, until: datetime.date | None = None) -> Link:
    """End an active link on `until` (today); the link stays as history."""
    if not may_manage(actor, link.path):
        raise LinkError(_("No such link in your area."), status=404)
    reason = (reason or "").strip()
    if not reason:
        raise LinkError(_("Give a reason for ending the link."), field="reason")
    link = Link.objects.select_for_update().get(pk=link.pk)
    if link.until is not None:
        raise LinkError(_("This link has already ended."), status=409)
    until = until or queries.today()
    if until < link.since:
        raise LinkError(_("A link cannot end before it began."), field="until")
    before = audit.snapshot(link)
    link.until, link.reason = until, reason[:200]
    link.save(update_fields=["until", "reason"])
    audit.record("link.end", link, *audit.diff(before, audit.snapshot(link)), actor=actor)
    return link


def proposal(village: Region, limit_per_member: int | None = None) -> list[tuple[Person, Household]]:
    """Pairs (member, household) that would link the village's unlinked households: each household goes
    to a member of its own small grid first, else to the nearest member of the village — by the distance
    between the centres of their small grids, or by small grid order where a grid has no boundary — who
    has fewer than the town's target of households. Households carry no position of their own, so their
    small grid is the finest place the registry knows."""
    target = limit_per_member or queries.target_per_member(village.path)
    day = queries.today()
    members = list(Person.objects.filter(path__startswith=village.path, is_party_member=True)
                   .select_related("grid").order_by("path", "id"))
    if not members:
        return []
    load = dict(Link.objects.filter(queries.active_on(day), member__in=members)
                .values_list("member_id").annotate(n=Count("id")))
    households = list(queries.unlinked(village.path, day).order_by("path", "number"))
    centres = _grid_centres(village.path)
    order = [m.grid.path for m in members]
    pairs = []
    for house in households:
        free = [m for m in members if load.get(m.pk, 0) < target]
        if not free:
            break
        same = [m for m in free if m.grid.path == house.path]
        if same:
            chosen = min(same, key=lambda m: (load.get(m.pk, 0), m.pk))
        else:
            index = _position(order, house.path)
            chosen = min(free, key=lambda m: (_distance_km(centres, m.grid.path, house.path),
                                              abs(_position(order, m.grid.path) - index), load.get(m.pk, 0), m.pk))
        load[chosen.pk] = load.get(chosen.pk, 0) + 1
        pairs.append((chosen, house))
    return pairs


def _grid_centres(path: str) -> dict[str, tuple[float, float]]:
    """The centre (lat, lng) of the bounding box of every small grid under `path` that has a boundary."""
    from gridgov.org.models import Grid

    rows = Grid.objects.filter(path__startswith=path, level=Grid.Level.SMALL, min_lat__isnull=False).values_list(
        "path", "min_lat", "max_lat", "min_lng", "max_lng")
    return {p: ((south + north) / 2, (west + east) / 2) for p, south, north, west, east in rows}


def _distance_km(centres: dict, a: str, b: str) -> float:
    """Equirectangular distance, exact enough within a village; infinite when a grid has no boundary, so
    the grid order decides."""
    if a not in centres or b not in centres:
        return math.inf
    (lat1, lng1), (lat2, lng2) = centres[a], centres[b]
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def _position(order: list[str], path: str) -> int:
    for i, p in enumerate(order):
        if p >= path:
            return i
    return len(order)


@transaction.atomic
def do_accept_proposal(actor, village: Region) -> int:
    """Link every pair of the village's proposal; returns how many links were made."""
    if not may_manage(actor, village.path):
        raise LinkError(_("No such village in your area."), status=404)
    pairs = proposal(village)
    since = queries.today()
    links = Link.objects.bulk_create([Link(member=m, household=h, since=since, path=h.path) for m, h in pairs])
    audit.record_many("link.create", [(link, None, audit.snapshot(link)) for link in links], actor=actor)
    return len(links)


def do_save_settings(actor, town: Region, target_per_member: int, contacts_per_month: int) -> LinkSettings:
    if town.level != Region.Level.TOWN or not may_manage(actor, town.path) or (
            actor is not None and not actor.is_superuser and actor.scope_path != town.path):
        raise LinkError(_("Only the town sets its link rules."), status=403)
    if not 1 <= target_per_member <= 100:
        raise LinkError(_("Choose between 1 and 100 households per member."), field="target_per_member")
    if not 1 <= contacts_per_month <= 31:
        raise LinkError(_("Choose between 1 and 31 contacts a month."), field="contacts_per_month")
    row, created = LinkSettings.objects.get_or_create(town=town, defaults={"path": town.path})
    before = None if created else audit.snapshot(row)
    row.target_per_member, row.contacts_per_month = target_per_member, contacts_per_month
    row.save()
    audit.record("link.settings", row, before, audit.snapshot(row), actor=actor)
    return row


# --- contacts ---------------------------------------------------------------------------------------

def member_link(actor, household_id) -> Link:
    """The actor's own active link to a household, else 404 (a household not linked to them is not theirs)."""
    person_id = getattr(actor, "person_id", None)
    link = None
    if person_id and getattr(actor, "is_active", False):
        link = (Link.objects.filter(member_id=person_id, household_id=household_id, until__isnull=True)
                .select_related("household", "household__grid").first())
    if link is None:
        raise LinkError(_("No such household among yours."), status=404, field="household")
    return link


def parse_client_id(value) -> uuid.UUID | None:
    return idempotency.parse_client_id(value, LinkError, status=422)


def _contacted_before(actor, client_id: uuid.UUID) -> Contact | None:
    earlier = Contact.objects.filter(member_id=actor.person_id, client_id=client_id).first()
    if earlier is not None:
        earlier.repeated = True
    return earlier


@transaction.atomic
def do_contact(actor, household_id: int, way: str, date: datetime.date, topics=(), note: str = "",
               lat: float | None = None, lng: float | None = None, photo=None, client_id=None) -> Contact:
    """A member logs a contact with one of their linked households, with an optional photo (re-encoded like
    a case photo: no EXIF); points follow by the town's rule. `client_id`: the contact's own id, a UUID the
    phone made once per contact; the same client_id again from the same member returns the contact made the
    first time, with `contact.repeated = True`, and writes nothing (also when both arrive at once: the unique
    constraint contact_client_id_once decides) — checked first, so a repeat is answered even if the link has
    ended since."""
    client_id = parse_client_id(client_id)
    if client_id is not None and getattr(actor, "person_id", None) and getattr(actor, "is_active", False):
        earlier = _contacted_before(actor, client_id)
        if earlier is not None:
            return earlier
    link = member_link(actor, household_id)
    if way not in Contact.Way.values:
        raise LinkError(_("Choose visit, phone or WeChat."), field="way")
    if date > queries.today():
        raise LinkError(_("A contact cannot be dated in the future."), field="date")
    if date < link.since:
        raise LinkError(_("A contact cannot be dated before the link began."), field="date")
    topics = [t for t in dict.fromkeys(topics or [])]
    unknown = [t for t in topics if t not in Contact.Topic.values]
    if unknown:
        raise LinkError(_("Unknown topic %(topic)s.") % {"topic": unknown[0]}, field="topics")
    if (lat is None) != (lng is None):
        raise LinkError(_("Give both latitude and longitude, or neither."), field="lat")
    contact = Contact(link=link, member_id=link.member_id, household_id=link.household_id, way=way,
                      date=date, topics=topics, note=(note or "").strip()[:MAX_NOTE], lat=lat, lng=lng,
                      path=link.path, client_id=client_id)
    if photo is not None:
        _attach_photo(contact, photo)
    if client_id is None:
        contact.save()
    else:
        # A savepoint only where a twin can collide: the same contact, sent twice at once. The loser's photo
        # file stays in storage unreferenced (rare; the same as a failed upload).
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:
            earlier = _contacted_before(actor, client_id)
            if earlier is None:
                raise
            return earlier
    contact.repeated = False
    audit.record("link.contact", contact, None, audit.snapshot(contact), actor=actor)
    award(contact, actor.person)
    return contact


def _attach_photo(contact: Contact, fileobj) -> None:
    """Checked by content and re-encoded by the case loop's image cleaner, so no EXIF (position, phone
    model) leaves the member's phone with it."""
    from gridgov.cases.actions import clean_image
    from gridgov.cases.workflow import CaseError

    try:
        data, content_type, _width, _height = clean_image(fileobj)
    except CaseError as exc:
        raise LinkError(str(exc), field="photo") from None
    contact.photo_type = content_type
    contact.photo.save(f"{uuid.uuid4().hex}.{'png' if content_type == 'image/png' else 'jpg'}", ContentFile(data),
                       save=False)


@transaction.atomic
def do_contact_photo(actor, contact_id: int, photo) -> Contact:
    """Add or replace the photo of one's own contact (a phone that sent the contact first and the photo after,
    on a weak signal)."""
    contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None or contact.member_id != getattr(actor, "person_id", None):
        raise LinkError(_("No such contact among yours."), status=404)
    before = audit.snapshot(contact)
    _attach_photo(contact, photo)
    contact.save(update_fields=["photo", "photo_type"])
    audit.record("link.contact_photo", contact, *audit.diff(before, audit.snapshot(contact)), actor=actor)
    return contact


def award(contact: Contact, member: Person, now=None) -> str:
    """Points for a contact by the town's `link_contact` rule, once per contact (`now`: when it is
    awarded, the clock's time unless a replayed history says otherwise)."""
    from gridgov.points.public import award_automatic

    return award_automatic("link_contact", person=member, path=contact.path, key=f"contact:{contact.pk}",
                           reason=_("Contact with household %(number)s on %(date)s")
                           % {"number": contact.household.number, "date": contact.date.isoformat()}, now=now)


def reporter_of(household: Household) -> Person | None:
    if household.head_id:
        return household.head
    return household.members.order_by("id").first()


@transaction.atomic
def do_contact_case(actor, contact: Contact, category, description: str):
    """Raise a case from a contact: channel contact, the household's person as reporter, linked both ways."""
    from gridgov.cases import actions as case_actions
    from gridgov.cases.workflow import CaseError

    contact = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if contact is None or contact.member_id != getattr(actor, "person_id", None):
        raise LinkError(_("No such contact among yours."), status=404)
    if contact.case_id:
        raise LinkError(_("This contact has already become a case."), status=409)
    household = contact.household
    try:
        case = case_actions.do_report(actor, category, description, lat=contact.lat, lng=contact.lng,
                                      grid=household.grid, channel="contact", reporter_person=reporter_of(household),
                                      reporter_checked=True)
    except CaseError as exc:
        raise LinkError(exc.message, status=422 if exc.status == 400 else exc.status, field="category") from None
    before = audit.snapshot(contact)
    contact.case = case
    contact.save(update_fields=["case"])
    audit.record("link.contact_case", contact, *audit.diff(before, audit.snapshot(contact)), actor=actor)
    return case


def visible_links(user):
    return restrict(user, VIEW, Link)


def is_party_member_user(user) -> bool:
    return getattr(user, "role", "") == PARTY_MEMBER and bool(getattr(user, "person_id", None))
