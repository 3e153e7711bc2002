"""Org endpoints of the JSON API. Every list and lookup goes through restrict(); objects outside
the caller's scope answer 404 exactly like objects that do not exist."""

import datetime
from types import SimpleNamespace
from typing import Annotated, Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import AfterValidator, field_validator

from gridgov.core.api import ErrorOut
from gridgov.core.scoping import VIEW, restrict

from . import codes, geo
from .actions import do_reveal_personal
from .models import Grid, Household, Person, Region
from .queries import scope_code, search_people

router = Router(tags=["org"])

# The type of every `scope=` parameter: a region code or a grid code, or 422 naming the field. The
# endpoints resolve it through queries.scope_node, so both kinds of code name the same subtree.
ScopeCode = Annotated[str | None, AfterValidator(scope_code)]


class RegionOut(Schema):
    code: str
    name: str
    level: int = Field(..., description="1 county, 2 town, 3 village or community, 4 villager group")
    kind: str
    parent: str | None = Field(None, alias="parent.code")


class GridOut(Schema):
    code: str
    name: str
    level: int = Field(..., description="1 town grid, 2 village grid, 3 small grid")
    parent: str | None = Field(None, alias="parent.code", description="code of the grid one level up")
    region: str = Field(..., alias="region.code", description="code of the town or village the grid lies in")


class GridDetailOut(GridOut):
    geometry: dict | None = Field(None, description="GeoJSON geometry (Polygon or MultiPolygon, WGS 84), or null")
    households: int = Field(..., description="households under this grid that the caller may see")
    people: int = Field(..., description="people under this grid that the caller may see")


class HouseholdOut(Schema):
    id: int
    number: str
    address: str
    grid: str = Field(..., alias="grid.code")
    head: str | None = Field(None, alias="head.name")
    is_party_central: bool


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: datetime.date | None
    id_number: str = Field(..., description="masked, e.g. 4453**********1234")
    phone: str = Field(..., description="masked, e.g. 138****5678")
    grid: str
    household: int | None
    relation: str
    is_party_member: bool


class MeOut(Schema):
    user: str = Field(..., description="the username")
    username: str
    role: str = Field(..., description="one of the roles, or 'superuser'")
    scope: str | None = Field(..., description="code of the region or grid the account is scoped to")
    scope_name: str | None
    person: int | None = Field(..., description="id of the linked person (residents and party members)")
    is_superuser: bool


class LocateOut(Schema):
    code: str | None = Field(..., description="the small grid's code; null outside every grid the caller may see")
    name: str | None


def _grid_code(value: str | None) -> str | None:
    value = (value or "").strip() or None
    if value is not None:
        codes.grid_level_of(value)  # CodeError is a ValueError: pydantic reports it on the field
    return value


class GridFilter(Schema):
    level: int | None = Field(None, ge=1, le=3, description="1 town grid, 2 village grid, 3 small grid")
    parent: str | None = Field(None, description="code of the parent grid")

    @field_validator("parent")
    @classmethod
    def parent_is_a_grid_code(cls, value):
        return _grid_code(value)


class ListFilter(Schema):
    grid: str | None = Field(None, description="code of a grid: everything under it")
    q: str | None = Field(None, max_length=50, description="search")

    @field_validator("grid")
    @classmethod
    def grid_is_a_grid_code(cls, value):
        return _grid_code(value)


@router.get("/me", response=MeOut)
def me(request):
    """The caller: username, role, the code of the node the account is scoped to, the linked person."""
    user = request.user
    node = user.scope_node
    return {"user": user.username, "username": user.username,
            "role": user.role or ("superuser" if user.is_superuser else ""),
            "scope": node.code if node else None, "scope_name": node.name if node else None,
            "person": user.person_id, "is_superuser": user.is_superuser}


@router.get("/regions", response=list[RegionOut])
@paginate(PageNumberPagination)
def regions(request):
    """Regions in scope (county > town > village/community > villager group), in tree order."""
    return restrict(request.user, VIEW, Region.objects.select_related("parent"))


@router.get("/grids", response=list[GridOut])
@paginate(PageNumberPagination)
def grids(request, filters: Query[GridFilter]):
    """Grids in scope, in tree order. `level` keeps one level, `parent` the grids directly under a grid."""
    qs = restrict(request.user, VIEW, Grid.objects.select_related("parent", "region"))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    return qs


class GridFeatureProperties(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    village: str = Field(..., description="code of the grid's village (of its town for the town grid)")
    village_name: str


class GridFeature(Schema):
    type: Literal["Feature"] = "Feature"
    geometry: dict
    properties: GridFeatureProperties


class GridFeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GridFeature]


# Like /grids/locate, declared before /grids/{code} so "geojson" is not taken for a grid code.
@router.get("/grids/geojson", response=GridFeatureCollection)
def grids_geojson(request, filters: Query[GridFilter]):
    """The boundaries of the grids in scope as one GeoJSON FeatureCollection, for maps: one request
    instead of one per grid. `parent=CODE` keeps the grids below that grid, `level` one level;
    grids without a boundary are left out."""
    qs = restrict(request.user, VIEW, Grid.objects.all()).filter(geometry__isnull=False)
    if filters.parent:
        parent = get_object_or_404(restrict(request.user, VIEW, Grid), code=filters.parent)
        qs = qs.filter(path__startswith=parent.path).exclude(pk=parent.pk)
    if filters.level:
        qs = qs.filter(level=filters.level)
    rows = qs.order_by("path").values("code", "name", "level", "geometry", "parent__code", "region__code",
                                      "region__name")
    return {"features": [
        {"geometry": row["geometry"],
         "properties": {"code": row["code"], "name": row["name"], "level": row["level"],
                        "parent": row["parent__code"], "village": row["region__code"],
                        "village_name": row["region__name"]}}
        for row in rows
    ]}


# Declared before /grids/{code}: Django tries the routes in order and "locate" is not a grid code.
@router.get("/grids/locate", response=LocateOut)
def locate(request, lat: float = Query(..., ge=-90, le=90, description="latitude, WGS 84"),
           lng: float = Query(..., ge=-180, le=180, description="longitude, WGS 84")):
    """The small grid containing the point (on a border shared by two grids, the one with the
    smaller code). Answers 200 with `code: null` when the point lies in no small grid, and likewise
    when it lies in a grid outside the caller's scope, which is not revealed."""
    code = geo.locate(lat, lng)
    grid = restrict(request.user, VIEW, Grid).filter(code=code).first() if code else None
    return {"code": grid.code if grid else None, "name": grid.name if grid else None}


@router.get("/grids/{code}", response={200: GridDetailOut, 404: ErrorOut})
def grid_detail(request, code: str):
    """One grid with its boundary and the number of households and people under it."""
    grid = get_object_or_404(restrict(request.user, VIEW, Grid.objects.select_related("parent", "region")), code=code)
    # A plain object rather than the grid: `households` and `people` are its reverse relations.
    return SimpleNamespace(
        code=grid.code, name=grid.name, level=grid.level, parent=grid.parent, region=grid.region,
        geometry=grid.geometry,
        households=restrict(request.user, VIEW, Household).filter(path__startswith=grid.path).count(),
        people=restrict(request.user, VIEW, Person).filter(path__startswith=grid.path).count(),
    )


def _under_grid(request, queryset, code: str | None):
    """Rows under the grid `code`; none at all when that grid is unknown or outside the scope."""
    if not code:
        return queryset
    grid = restrict(request.user, VIEW, Grid).filter(code=code).first()
    return queryset.filter(path__startswith=grid.path) if grid else queryset.none()


@router.get("/households", response=list[HouseholdOut])
@paginate(PageNumberPagination)
def households(request, filters: Query[ListFilter]):
    """Households in scope. `grid` keeps those under a grid; `q` matches the household number, the
    head's name (prefix) or part of the address."""
    qs = _under_grid(request, restrict(request.user, VIEW, Household.objects.select_related("grid", "head")),
                     filters.grid)
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(address__contains=q) | Q(head__name__startswith=q))
    return qs


@router.get("/households/{household_id}", response={200: HouseholdOut, 404: ErrorOut})
def household_detail(request, household_id: int):
    """One household."""
    return get_object_or_404(restrict(request.user, VIEW, Household.objects.select_related("grid", "head")),
                             pk=household_id)


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination)
def people(request, filters: Query[ListFilter]):
    """People in scope. `grid` keeps those under a grid; `q` matches a name prefix, or an exact ID
    number or phone (through their keyed hash). ID numbers and phones are always masked here; see
    POST /people/{id}/reveal."""
    qs = _under_grid(request, restrict(request.user, VIEW, Person.objects.select_related("grid")), filters.grid)
    return _Masked(search_people(qs, filters.q))


@router.get("/people/{person_id}", response={200: PersonOut, 404: ErrorOut})
def person_detail(request, person_id: int):
    """One person, masked."""
    person = get_object_or_404(restrict(request.user, VIEW, Person.objects.select_related("grid")), pk=person_id)
    return _masked(person)


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


@router.post("/people/{person_id}/reveal", response={200: RevealOut, 403: ErrorOut, 404: ErrorOut})
def reveal(request, person_id: int, body: RevealIn):
    """The full ID number or phone, for roles that need it (403 for the others). Each call is
    written to the audit log."""
    person = get_object_or_404(restrict(request.user, VIEW, Person), pk=person_id)
    try:
        value = do_reveal_personal(request.user, person, body.field)
    except PermissionError:
        return Status(403, {"detail": _("You may not see this in full.")})
    return Status(200, {"field": body.field, "value": value})


def _masked(person: Person) -> dict:
    data = {f: getattr(person, f) for f in ("id", "name", "gender", "birth_date", "relation", "is_party_member")}
    data["household"] = person.household_id
    data["grid"] = person.grid.code
    data["id_number"] = person.id_number_masked
    data["phone"] = person.phone_masked
    return data


class _Masked:
    """Masks only the page the paginator slices out, so a page decrypts at most its own rows."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        return [_masked(p) for p in self.queryset[item]]
