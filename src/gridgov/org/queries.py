"""Reads shared by pages, the API and exports."""

import re

from django.db.models import Q, QuerySet

from gridgov.core import personal

from .models import Person

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
