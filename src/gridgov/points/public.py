"""What other apps may use of points (gridgov.stars, dashboards, the practice apps). The signatures are stable.

The reads apply no access rules: callers that show the figures to a user scope the `path` they pass
(e.g. only a path the user's scope covers).

The writes are `award_automatic` and `revoke_automatic`: an app that records conduct worth points (a
contact with a linked household, a patrol) names an automatic source it registered with
`register_automatic`, and the town's rules for that source decide whether and how many points follow;
`revoke_automatic` takes such an award back by a reversing entry when the conduct turns out not to have
happened. Points never imports those apps.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gridgov.org.models import Person

from . import actions, ledger
from .ledger import LedgerError
from .models import Account, Entry, Rule

# Automatic sources a rule may name (Rule.auto): code -> label. The case loop's two are swept by
# points/worker.py; other apps add theirs with register_automatic() from their AppConfig.ready().
AUTOMATIC: dict[str, object] = {
    "case_verified": _("A reported problem is verified"),
    "case_closed_on_time": _("A party member closes a case on time"),
}


def register_automatic(code: str, label) -> None:
    """Let rules name `code` as their automatic source; `label` (lazy translation) is what staff choose from."""
    if len(code) > 32:
        raise ValueError(f"automatic source {code!r} is longer than 32 characters")
    AUTOMATIC[code] = label


def automatic_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in AUTOMATIC.items()]


def award_automatic(auto: str, *, person: Person, path: str, key: str, reason: str, now=None) -> str:
    """Award the rule for automatic source `auto` that covers `path` (a village's own rule wins over
    its town's) to `person` (or their household, if the rule is per household).

    `key` makes it idempotent: the same key never earns twice, so callers may call again after a
    crash or on every save. The rule's cap applies: an award past it is skipped, never clipped.
    Returns "awarded", "exists" (this key earned already), "capped" or "none" (no active rule, no
    person). Runs in its own savepoint: a refusal leaves the caller's transaction intact."""
    if person is None or auto not in AUTOMATIC:
        return "none"
    rule = None
    for candidate in Rule.objects.filter(is_active=True, auto=auto):
        if path.startswith(candidate.path) and (rule is None or len(candidate.path) > len(rule.path)):
            rule = candidate
    if rule is None:
        return "none"
    if Entry.objects.filter(key=key).exists():
        return "exists"
    try:
        with transaction.atomic():
            account, person = actions._account_of(rule, person, None)
            actions.apply_rule(rule, account, person, reason, key, source=key, now=now)
    except LedgerError:
        return "capped"
    return "awarded"


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


def revoke_automatic(key: str, reason: str, *, now=None) -> str:
    """Take back the automatic award posted under `key` when the conduct that earned it turns out not to
    have happened (a member un-ticked from a meeting's attendance): the ledger's reversing entry (冲正),
    as a hand reversal writes it — the award stays as written, a reversal of the opposite sign keyed
    "reversal:<entry id>" follows it, and the balance moves back.

    Idempotent. Returns "revoked"; "reversed" (reversed before); "none" (nothing automatic was posted
    under `key`: no rule, capped, never awarded); or "spent" (the balance is now below the points: a
    balance is never negative, so the award stands). Runs in its own savepoint: a refusal leaves the
    caller's transaction intact."""
    entry = Entry.objects.select_related("rule", "account").filter(key=key).first()
    if entry is None or entry.rule is None or entry.rule.auto not in AUTOMATIC or entry.kind not in (
            Entry.Kind.AWARD, Entry.Kind.DEDUCTION):
        return "none"
    if Entry.objects.filter(reversal_of=entry).exists():
        return "reversed"
    try:
        with transaction.atomic():
            _reversal, created = ledger.post(entry.account, Entry.Kind.REVERSAL, -entry.points, str(reason),
                                             f"reversal:{entry.pk}", rule=entry.rule, person=entry.person,
                                             source=f"entry:{entry.pk}", now=now, reversal_of=entry)
            if entry.rule.sanction_days:
                actions._recompute_suspension(entry.account, None)
    except LedgerError:
        return "spent"
    return "revoked" if created else "reversed"


def automatic_stands(key: str) -> bool:
    """Whether an automatic award posted under `key` counts: posted and not reversed. An app that awards
    the same conduct again after revoking it (a member ticked present again) asks this before choosing a
    new key, so a standing award is never doubled."""
    return Entry.objects.filter(key=key, rule__auto__in=list(AUTOMATIC), reversed_by__isnull=True).exists()
