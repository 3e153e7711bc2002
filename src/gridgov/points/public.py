"""What other apps may read of points (gridgov.stars, dashboards). Read-only; the signatures are stable.

Nothing here applies access rules: callers that show the figures to a user scope the `path` they pass
(e.g. only a path the user's scope covers).
"""

import datetime

from django.db.models import Sum

from gridgov.org.models import Person

from .models import Account, Entry


def participation(path: str, since: datetime.date, until: datetime.date) -> dict:
    """How many residents under an org node took part in points activities in a period.

        participants = number of distinct people P with P.path starting with `path` who earned at least
                       one award entry (kind "award", points > 0, not reversed) dated since <= date <= until
                       (local dates, both inclusive; the person is the one whose conduct earned it, also on
                       a household account)
        residents    = number of people registered with Person.path starting with `path`
        rate         = participants / residents, or None when residents == 0

    Returns {"participants": int, "residents": int, "rate": float | None}.
    Refunds, reversals, settlements and deductions do not count as taking part.
    """
    participants = (
        Entry.objects.filter(kind=Entry.Kind.AWARD, points__gt=0, date__gte=since, date__lte=until,
                             person__path__startswith=path, reversed_by__isnull=True)
        .values("person_id").distinct().count()
    )
    residents = Person.objects.filter(path__startswith=path).count()
    return {"participants": participants, "residents": residents,
            "rate": (participants / residents) if residents else None}


def balance(account: Account | int) -> int:
    """The current balance of an account (an Account or its id): the sum of its ledger entries, as kept
    on the account row; 0 for an unknown id."""
    if isinstance(account, Account):
        return Account.objects.filter(pk=account.pk).values_list("balance", flat=True).first() or 0
    return Account.objects.filter(pk=account).values_list("balance", flat=True).first() or 0


def person_balance(person: Person | int) -> int:
    """The balance of a person's own account (not their household's); 0 if they have none."""
    pk = person.pk if isinstance(person, Person) else person
    return Account.objects.filter(person_id=pk).values_list("balance", flat=True).first() or 0


def points_earned(path: str, since: datetime.date, until: datetime.date) -> int:
    """Net points awarded and deducted by rules (awards + deductions + their reversals; not redemptions,
    refunds or settlements) on accounts under `path`, dated since <= date <= until inclusive."""
    total = Entry.objects.filter(path__startswith=path, date__gte=since, date__lte=until,
                                 kind__in=[Entry.Kind.AWARD, Entry.Kind.DEDUCTION, Entry.Kind.REVERSAL],
                                 rule__isnull=False).aggregate(s=Sum("points"))["s"]
    return total or 0
