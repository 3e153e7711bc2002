"""points.public.participation: distinct people under a path with an award in [since, until] / residents."""

import datetime

from django.utils import timezone

from gridgov.points import ledger, public
from gridgov.points.models import Entry


def _award(person, day, points=5, key=None, household=None):
    account = ledger.account_for(household=household) if household else ledger.account_for(person=person)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))
    entry, _ = ledger.post(account, Entry.Kind.AWARD, points, "test", key or f"t:{person.pk}:{day}:{points}",
                           person=person, now=moment)
    return entry


def test_participation_counts_distinct_people_with_awards_in_the_period(town):
    day = datetime.date(2026, 5, 10)
    _award(town.zhang, day)
    _award(town.zhang, day + datetime.timedelta(days=1), key="second")  # same person twice: one participant
    _award(town.wang, day, household=town.house_a1b)  # on a household account, counted for its member
    _award(town.chen, datetime.date(2026, 5, 31))  # the last day is inclusive (local date, 23:30 Shanghai)
    _award(town.liu, day)  # village B
    _award(town.zhang_wife, datetime.date(2026, 6, 1))  # after the period
    result = public.participation(town.village_a.path, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert result == {"participants": 3, "residents": 4, "rate": 0.75}
    town_wide = public.participation(town.town.path, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert town_wide["participants"] == 4 and town_wide["residents"] == 5


def test_participation_ignores_reversed_awards_and_spending(town):
    day = datetime.date(2026, 5, 10)
    entry = _award(town.zhang, day)
    ledger.post(entry.account, Entry.Kind.REVERSAL, -entry.points, "mistake", f"reversal:{entry.pk}",
                reversal_of=entry)
    ledger.post(ledger.account_for(person=town.chen), Entry.Kind.REFUND, 3, "refund", "refund:1")
    result = public.participation(town.village_a.path, day, day)
    assert result["participants"] == 0


def test_participation_rate_is_none_without_residents(town):
    result = public.participation("999999.", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert result == {"participants": 0, "residents": 0, "rate": None}


def test_balance_reads_the_account(town):
    entry = _award(town.zhang, datetime.date(2026, 5, 10), points=7)
    assert public.balance(entry.account) == 7
    assert public.balance(entry.account.pk) == 7
    assert public.person_balance(town.zhang) == 7
    assert public.person_balance(town.chen) == 0
    assert ledger.check() == []
