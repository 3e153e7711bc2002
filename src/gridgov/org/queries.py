"""Reads shared by pages, the API and exports."""

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridgov.core import personal
from gridgov.core.scoping import VIEW, restrict

from . import codes
from .models import Grid, Person, Region

_DIGITS = re.compile(r"^[\dXx+\- ]{7,}$")


def search_people(queryset: QuerySet, q: str | None) -> QuerySet:
    """Name prefix, or an exact ID number or phone matched through its keyed hash (never decrypted)."""
    q = (q or "").strip()
    if not q:
        return queryset
    if _DIGITS.match(q):
        return queryset.filter(
            Q(id_number_hash=Person.id_number.hash_of(personal.normalize_id_number(q)))
            | Q(phone_hash=Person.phone.hash_of(personal.normalize_phone(q)))
        )
    return queryset.filter(name__startswith=q)


def scope_code(value: str | None) -> str | None:
    """A `scope=` value checked for shape: None when empty, else a region code (12 digits, 14 for a
    villager group) or a grid code (15 digits). CodeError is a ValueError, so the API answers 422 on
    the field that carried it."""
    value = (value or "").strip()
    if not value:
        return None
    if not (codes.REGION_CODE.match(value) or codes.GRID_CODE.match(value)):
        raise codes.CodeError(_("Enter a region code (12 digits, 14 for a villager group) or a grid code "
                                "(15 digits): %(code)s") % {"code": value})
    if len(value) == 15:
        codes.grid_level_of(value)
    else:
        codes.region_level_of(value)
    return value


def scope_node(user, code: str | None, *, above: bool = False) -> Region | Grid | None:
    """The region or grid that a `scope=` code names, if the user may see it; None for an empty,
    malformed, unknown or hidden code. Every `scope=` of the pages and the API resolves here, so a
    region's code and its grid's code (a town grid and a village grid share their region's path)
    name the same subtree everywhere. `above`: also the nodes above the user's own (a village sees
    its town's published results)."""
    code = (code or "").strip()
    if codes.GRID_CODE.match(code):
        model = Grid
    elif codes.REGION_CODE.match(code):
        model = Region
    else:
        return None
    node = restrict(user, VIEW, model).filter(code=code).first()
    if node is None and above and getattr(user, "scope_path", ""):
        node = model.objects.filter(code=code, path__in=path_prefixes(user.scope_path)).first()
    return node


def path_prefixes(path: str) -> list[str]:
    """The paths of every node above and at `path`: "445321.104.201." -> ["445321.", "445321.104.", ...]."""
    parts = [p for p in (path or "").split(".") if p]
    return [".".join(parts[:i]) + "." for i in range(1, len(parts) + 1)]
