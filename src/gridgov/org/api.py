"""Org endpoints of the JSON API. Every list and lookup goes through restrict(); objects outside
the caller's scope answer 404 exactly like objects that do not exist."""

import datetime
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gridgov.core.scoping import VIEW, restrict

from . import geo
from .actions import do_reveal_personal
from .models import Grid, Household, Person, Region
from .queries import search_people

router = Router(tags=["org"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None = Field(None, alias="parent.code")


class GridOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = Field(None, alias="parent.code")
    region: str = Field(..., alias="region.code")


class GridDetailOut(GridOut):
    geometry: dict | None
    households: int
    people: int


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
    id_number: str
    phone: str
    grid: str = Field(..., alias="grid.code")
    household: int | None = Field(None, alias="household_id")
    relation: str
    is_party_member: bool


class MeOut(Schema):
    username: str
    role: str
    scope: str | None
    scope_name: str | None
    person: int | None
    is_superuser: bool


class LocateOut(Schema):
    code: str | None
    name: str | None


class GridFilter(Schema):
    level: int | None = Field(None, ge=1, le=3)
    parent: str | None = None


class ListFilter(Schema):
    grid: str | None = None
    q: str | None = Field(None, max_length=50)


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    node = user.scope_node
    return {"username": user.username, "role": user.role or ("superuser" if user.is_superuser else ""),
            "scope": node.code if node else None, "scope_name": node.name if node else None,
            "person": user.person_id, "is_superuser": user.is_superuser}


@router.get("/regions", response=list[RegionOut])
@paginate(PageNumberPagination)
def regions(request):
    return restrict(request.user, VIEW, Region.objects.select_related("parent"))


@router.get("/grids", response=list[GridOut])
@paginate(PageNumberPagination)
def grids(request, filters: Query[GridFilter]):
    qs = restrict(request.user, VIEW, Grid.objects.select_related("parent", "region"))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    return qs


@router.get("/grids/locate", response=LocateOut)
def locate(request, lat: float = Query(..., ge=-90, le=90), lng: float = Query(..., ge=-180, le=180)):
    """The small grid containing the point. A grid outside the caller's scope is not revealed."""
    code = geo.locate(lat, lng)
    grid = restrict(request.user, VIEW, Grid.objects.filter(code=code)).first() if code else None
    return {"code": grid.code if grid else None, "name": grid.name if grid else None}


@router.get("/grids/{code}", response=GridDetailOut)
def grid_detail(request, code: str):
    grid = get_object_or_404(restrict(request.user, VIEW, Grid.objects.select_related("parent", "region")), code=code)
    grid.households = restrict(request.user, VIEW, Household).filter(path__startswith=grid.path).count()
    grid.people = restrict(request.user, VIEW, Person).filter(path__startswith=grid.path).count()
    return grid


def _grid_path(request, code: str | None) -> str | None:
    if not code:
        return None
    grid = restrict(request.user, VIEW, Grid).filter(code=code).first()
    return grid.path if grid else "\x00no-such-grid"


@router.get("/households", response=list[HouseholdOut])
@paginate(PageNumberPagination)
def households(request, filters: Query[ListFilter]):
    qs = restrict(request.user, VIEW, Household.objects.select_related("grid", "head"))
    path = _grid_path(request, filters.grid)
    if path:
        qs = qs.filter(path__startswith=path)
    if filters.q:
        qs = qs.filter(Q(number__startswith=filters.q) | Q(address__contains=filters.q) | Q(head__name__startswith=filters.q))
    return qs


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination)
def people(request, filters: Query[ListFilter]):
    """People in scope. `q` matches a name prefix, or an exact ID number or phone (through their
    keyed hash). ID numbers and phones are always masked here; see /people/{id}/reveal."""
    qs = restrict(request.user, VIEW, Person.objects.select_related("grid"))
    path = _grid_path(request, filters.grid)
    if path:
        qs = qs.filter(path__startswith=path)
    return _Masked(search_people(qs, filters.q))


@router.get("/people/{person_id}", response=PersonOut)
def person_detail(request, person_id: int):
    person = get_object_or_404(restrict(request.user, VIEW, Person.objects.select_related("grid")), pk=person_id)
    return _masked(person)


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    field: str
    value: str


@router.post("/people/{person_id}/reveal", response={200: RevealOut, 403: dict})
def reveal(request, person_id: int, body: RevealIn):
    """The full ID number or phone, for roles that need it. Each call is written to the audit log."""
    person = get_object_or_404(restrict(request.user, VIEW, Person), pk=person_id)
    try:
        value = do_reveal_personal(request.user, person, body.field)
    except PermissionError as exc:
        return 403, {"detail": str(exc)}
    return 200, {"field": body.field, "value": value}


def _masked(person: Person) -> dict:
    data = {f: getattr(person, f) for f in ("id", "name", "gender", "birth_date", "relation", "is_party_member",
                                            "household_id", "grid")}
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


# Django tries routes in order, and "/grids/{code}" above would take "geojson" for a grid code.
router.path_operations = {"/grids/geojson": router.path_operations.pop("/grids/geojson"), **router.path_operations}
