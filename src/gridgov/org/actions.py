"""Every change to the org tree goes through a do_<verb> function here: validated, atomic, audited."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, bulk, personal
from gridgov.core.scoping import PERSONAL_ROLES, ROLES, VIEW_PERSONAL, permits

from . import codes, geo
from .geo import bbox
from .models import ApiToken, Grid, Household, PartyOrg, Person, Post, Region, User


class OrgError(ValueError):
    """A refused change, with a message fit to show the user."""


def find_node(code: str) -> Region | Grid | None:
    code = (code or "").strip()
    return Region.objects.filter(code=code).first() or Grid.objects.filter(code=code).first()


def _code_level(level_of, code: str) -> int:
    try:
        return level_of(code)
    except codes.CodeError as exc:
        raise OrgError(str(exc)) from None


@transaction.atomic
def do_create_region(actor, code: str, name: str, kind: str | None = None, parent: Region | None = None) -> Region:
    code = (code or "").strip()
    level = _code_level(codes.region_level_of, code)
    if level > 1 and parent is None:
        raise OrgError(_("Region %(code)s needs a parent region") % {"code": code})
    if level == 1 and parent is not None:
        raise OrgError(_("Region %(code)s is a county and has no parent region") % {"code": code})
    if parent is not None and (parent.level != level - 1 or codes.region_parent_code(code) != parent.code):
        raise OrgError(_("Region %(code)s cannot sit under %(parent)s") % {"code": code, "parent": parent.code})
    if Region.objects.filter(code=code).exists():
        raise OrgError(_("A region with the code %(code)s already exists") % {"code": code})
    default_kind = {1: Region.Kind.COUNTY, 2: Region.Kind.TOWN, 3: Region.Kind.VILLAGE, 4: Region.Kind.GROUP}[level]
    allowed_kinds = {1: {"county"}, 2: {"town"}, 3: {"village", "community"}, 4: {"group"}}[level]
    if kind and kind not in allowed_kinds:
        raise OrgError(_("A region at this level cannot be of kind %(kind)s") % {"kind": kind})
    region = Region(
        code=code, name=name, level=level, kind=kind or default_kind, parent=parent,
        path=codes.region_path(code, level, parent.path if parent else ""),
    )
    region.save()
    audit.record("region.create", region, None, audit.snapshot(region), actor=actor)
    return region


def set_geometry(grid: Grid, geometry: dict | None) -> None:
    grid.geometry = geometry
    grid.min_lng, grid.min_lat, grid.max_lng, grid.max_lat = bbox(geometry) if geometry else (None,) * 4


def _checked_geometry(geometry: dict | None) -> dict | None:
    if not geometry:
        return None
    try:
        return geo.check_geometry(geometry)
    except ValueError as exc:
        raise OrgError(str(exc)) from None


@transaction.atomic
def do_create_grid(actor, code: str, name: str, parent: Grid | None = None, geometry: dict | None = None) -> Grid:
    """A town grid (on a town), a village grid (on a village, under its town's grid) or a small
    grid (under a village grid, always inside that one village)."""
    code = (code or "").strip()
    level = _code_level(codes.grid_level_of, code)
    region = Region.objects.filter(code=codes.grid_region_code(code)).first()
    if region is None:
        raise OrgError(_("No region %(code)s for grid %(grid)s") % {"code": codes.grid_region_code(code), "grid": code})
    wanted_region_level = Region.Level.TOWN if level == Grid.Level.TOWN else Region.Level.VILLAGE
    if region.level != wanted_region_level:
        raise OrgError(_("Grid %(grid)s: a town grid lies on a town, village and small grids on a village, "
                         "and %(code)s is neither") % {"grid": code, "code": region.code})
    if level == Grid.Level.TOWN and parent is not None:
        raise OrgError(_("A town grid has no parent grid"))
    if level > 1 and (parent is None or parent.level != level - 1):
        raise OrgError(_("Grid %(code)s needs a parent grid one level up") % {"code": code})
    if level == Grid.Level.VILLAGE and parent.region_id != region.parent_id:
        raise OrgError(_("A village grid must sit under the grid of its own town"))
    if level == Grid.Level.SMALL and parent.region_id != region.pk:
        raise OrgError(_("A small grid must lie inside its village grid's village"))
    if Grid.objects.filter(code=code).exists():
        raise OrgError(_("A grid with the code %(code)s already exists") % {"code": code})
    grid = Grid(code=code, name=name, level=level, parent=parent, region=region,
                path=codes.grid_path(code, level, region.path))
    set_geometry(grid, _checked_geometry(geometry))
    grid.save()
    audit.record("grid.create", grid, None, audit.snapshot(grid), actor=actor)
    if grid.geometry:
        transaction.on_commit(geo.invalidate)
    return grid


@transaction.atomic
def do_set_grid_geometry(actor, grid: Grid, geometry: dict | None) -> Grid:
    before = {"geometry": grid.geometry}
    set_geometry(grid, _checked_geometry(geometry))
    grid.save(update_fields=["geometry", "min_lng", "min_lat", "max_lng", "max_lat"])
    audit.record("grid.geometry", grid, before, {"geometry": grid.geometry}, actor=actor)
    transaction.on_commit(geo.invalidate)
    return grid


@transaction.atomic
def do_create_party_org(actor, code: str, name: str, kind: str, region: Region, parent: PartyOrg | None = None,
                        grid: Grid | None = None) -> PartyOrg:
    """A town party committee, a village branch or a grid party group (kind "group", given its grid)."""
    code = (code or "").strip()
    if kind not in PartyOrg.Kind.values:
        raise OrgError(_("Unknown kind of party organisation %(kind)s") % {"kind": kind})
    if kind == PartyOrg.Kind.GROUP and grid is None:
        raise OrgError(_("A grid party group needs its grid"))
    if grid is not None and not grid.path.startswith(region.path):
        raise OrgError(_("The grid %(grid)s does not lie in %(region)s") % {"grid": grid.code, "region": region.code})
    if parent is not None and not region.path.startswith(parent.path):
        raise OrgError(_("A party organisation sits under one of its region's parents"))
    if not code or PartyOrg.objects.filter(code=code).exists():
        raise OrgError(_("A party organisation needs a code of its own: %(code)s") % {"code": code})
    org = PartyOrg(code=code, name=name, kind=kind, parent=parent, region=region, grid=grid,
                   path=grid.path if grid else region.path)
    org.save()
    audit.record("party_org.create", org, None, audit.snapshot(org), actor=actor)
    return org


@transaction.atomic
def do_create_household(actor, number: str, grid: Grid, address: str) -> Household:
    if grid.level != Grid.Level.SMALL:
        raise OrgError(_("Households belong to small grids"))
    if Household.objects.filter(number=number).exists():
        raise OrgError(_("A household with the number %(number)s already exists") % {"number": number})
    household = Household(number=number, grid=grid, address=address, path=grid.path)
    household.save()
    audit.record("household.create", household, None, audit.snapshot(household), actor=actor)
    return household


def build_person(name: str, grid: Grid, id_number: str = "", phone: str = "", gender: str = "",
                 birth_date: datetime.date | None = None, household: Household | None = None,
                 relation: str = "", is_party_member: bool = False, party_org: PartyOrg | None = None,
                 checked: bool = False, id_hash: str | None = None, household_id: int | None = None,
                 party_org_id: int | None = None) -> Person:
    """An unsaved, validated Person (shared by the form path and the bulk import path). `checked`: the
    import has validated and normalised the ID number and phone already (a county's million people
    were checked twice), and gives the ID number's blind index it looked the person up by (`id_hash`)
    and the household and organisation by id."""
    if id_number:
        id_number = id_number if checked else personal.validate_id_number(id_number)
        gender = gender or personal.gender_from_id(id_number)
        birth_date = birth_date or personal.birth_date_from_id(id_number)
    if phone and not checked:
        phone = personal.validate_phone(phone)
    id_number_enc, id_number_hash = Person.id_number.seal(id_number, id_hash, normalized=checked)
    phone_enc, phone_hash = Person.phone.seal(phone, normalized=checked)
    related = {"household": household} if household is not None else {"household_id": household_id}
    related.update({"party_org": party_org} if party_org is not None else {"party_org_id": party_org_id})
    return bulk.instance(Person, name=name.strip(), grid=grid, relation=relation, is_party_member=is_party_member,
                         path=grid.path, gender=gender, birth_date=birth_date, id_number_enc=id_number_enc,
                         id_number_hash=id_number_hash, phone_enc=phone_enc, phone_hash=phone_hash, **related)


@transaction.atomic
def do_create_person(actor, **fields) -> Person:
    person = build_person(**fields)
    if person.household_id and person.household.grid_id != person.grid_id:
        raise OrgError(_("A person lives in the grid of their household"))
    if person.id_number_hash and Person.objects.filter(id_number_hash=person.id_number_hash).exists():
        raise OrgError(_("A person with this ID number is already registered"))
    person.save()
    if person.household_id and person.relation == Person.Relation.HEAD:
        Household.objects.filter(pk=person.household_id).update(head=person)
    audit.record("person.create", person, None, audit.snapshot(person), actor=actor)
    return person


@transaction.atomic
def do_add_post(actor, person: Person, kind: str, grid: Grid | None = None, region: Region | None = None,
                party_org: PartyOrg | None = None) -> Post:
    node = grid or region or party_org
    if node is None:
        raise OrgError(_("A post belongs to a grid, a region or a party organisation"))
    if kind not in Post.Kind.values:
        raise OrgError(_("Unknown post %(kind)s") % {"kind": kind})
    post = Post(person=person, kind=kind, grid=grid, region=region, party_org=party_org, path=node.path)
    post.save()
    audit.record("post.create", post, None, audit.snapshot(post), actor=actor)
    return post


def do_reveal_personal(actor, person: Person, field: str) -> str:
    """The full ID number or phone, for roles allowed to see it; every reveal is audited."""
    if field not in ("id_number", "phone"):
        raise OrgError(_("Unknown field"))
    if not permits(actor, VIEW_PERSONAL, person):
        raise PermissionError(_("You may not see this in full"))
    audit.record(f"person.reveal_{field}", person, None, {"field": field}, actor=actor)
    return getattr(person, field)


@transaction.atomic
def do_create_user(actor, username: str, role: str, scope_code: str, password: str | None = None,
                   person: Person | None = None, person_name: str = "") -> User:
    """An account with a role scoped to a region or grid. Resident and party-member accounts are
    tied to a person of that node, created when none is given."""
    if role not in ROLES:
        raise OrgError(_("Unknown role %(role)s; choose one of %(roles)s") % {"role": role, "roles": ", ".join(ROLES)})
    node = find_node(scope_code)
    if node is None:
        raise OrgError(_("No region or grid has the code %(code)s") % {"code": scope_code})
    if User.objects.filter(username=username).exists():
        raise OrgError(_("The username %(name)s is taken") % {"name": username})
    user = User(username=username, role=role, scope_path=node.path)
    if isinstance(node, Grid):
        user.scope_grid = node
    else:
        user.scope_region = node
    if role in PERSONAL_ROLES:
        if person is None:
            grid = node if isinstance(node, Grid) else None
            if grid is None or grid.level != Grid.Level.SMALL:
                grid = Grid.objects.filter(path__startswith=node.path, level=Grid.Level.SMALL).order_by("path").first()
            if grid is None:
                raise OrgError(_("No small grid under %(code)s to register the person in") % {"code": scope_code})
            person = do_create_person(actor, name=person_name or username, grid=grid,
                                      is_party_member=role == "party_member")
        elif not person.path.startswith(node.path):
            raise OrgError(_("The person does not belong to %(code)s") % {"code": scope_code})
        user.person = person
        user.scope_path = person.path
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record("user.create", user, None, audit.snapshot(user), actor=actor)
    return user


@transaction.atomic
def do_change_password(actor, user: User, new_password: str) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # A new password ends what the old one opened: sessions (Django's auth hash) and API tokens.
    revoked = ApiToken.objects.filter(user=user).delete()[0]
    audit.record("user.password", user, None, {"changed": True, "tokens_revoked": revoked}, actor=actor)


@transaction.atomic
def do_issue_api_token(user: User, label: str = "") -> tuple[str, datetime.datetime]:
    """A new bearer token for the API; only its SHA-256 is kept, the token itself is shown once."""
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    issued = ApiToken.objects.create(user=user, key_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at=expires,
                                     label=label[:120])
    audit.record("user.token", user, None, {"token_id": issued.pk, "expires_at": expires.isoformat()}, actor=user)
    return token, expires


def token_is_live(token: ApiToken, now: datetime.datetime | None = None) -> bool:
    """Neither past its expiry nor idle longer than GRIDGOV_API_TOKEN_IDLE_HOURS."""
    now = now or timezone.now()
    idle = datetime.timedelta(hours=settings.API_TOKEN_IDLE_HOURS)
    return token.expires_at > now and token.idle_since() > now - idle


@transaction.atomic
def do_revoke_api_tokens(actor, user: User, token_id: int | None = None, reason: str = "revoked") -> int:
    """End one of a user's API tokens (token_id), or all of them; returns how many ended. Nobody ends
    another person's tokens here: a user manages their own (an administrator deactivates the account)."""
    if actor is not None and actor.pk != user.pk:
        return 0
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    ended = list(tokens.values_list("pk", flat=True))
    if ended:
        tokens.delete()
        audit.record("user.token_revoked", user, None, {"token_ids": ended, "reason": reason}, actor=actor)
    return len(ended)
