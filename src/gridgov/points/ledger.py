"""The ledger's two primitives: open an account, post an entry. Only actions.py and worker.py call them.

post() writes the entry and moves the balance in one transaction with a conditional UPDATE
(balance = balance + n WHERE balance + n >= 0), so two concurrent spends can never both pass a check
made on a stale balance; the CHECK constraint balance >= 0 backs it in the database. The unique
idempotency key makes a repeated post of the same source event a no-op that returns the first entry.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from gridgov.core.audit import snapshot
from gridgov.core.audit import record as audit_record

from .models import Account, Entry


class LedgerError(Exception):
    """A refused change of the ledger, with a translated message; status is the HTTP status to answer."""

    def __init__(self, message, status: int = 409, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def account_for(person=None, household=None) -> Account:
    """The account of a person or a household, opened on first use (concurrent openers get the same row)."""
    if (person is None) == (household is None):
        raise ValueError("an account belongs to a person or to a household")
    holder = {"person": person} if person is not None else {"household": household}
    account = Account.objects.filter(**holder).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(path=(person or household).path, **holder)
    except IntegrityError:  # opened at the same moment by another request
        return Account.objects.get(**holder)


@transaction.atomic
def post(account: Account, kind: str, points: int, reason: str, key: str, *, rule=None, person=None,
         source: str = "", actor=None, reversal_of=None, now=None, allow_negative: bool = False) -> tuple[Entry, bool]:
    """Write one entry and move the balance. Returns (entry, created); a known key returns the first entry.

    A spend that would take the balance below zero raises LedgerError; a deduction (allow_negative)
    takes the balance down to zero at most — the part beyond it is not recorded, as a balance is never
    negative (积分不为负).
    """
    existing = Entry.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    if points == 0:
        raise ValueError("an entry moves points")
    if points < 0 and allow_negative:
        current = Account.objects.select_for_update().values_list("balance", flat=True).get(pk=account.pk)
        points = max(points, -current)
        if points == 0:
            return None, False
    now = now or timezone.now()
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                account=account, kind=kind, rule=rule, person=person if person is not None else account.person,
                points=points, reason=reason[:200], source=source, key=key,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=getattr(actor, "username", "") or "system", time=now, date=local_date(now),
                reversal_of=reversal_of, path=account.path)
    except IntegrityError:
        # Posted at the same moment by another transaction (a second worker, a retried request): that
        # one stands, and nothing has moved here yet.
        return Entry.objects.get(key=key), False
    if points < 0:
        moved = Account.objects.filter(pk=account.pk, balance__gte=-points).update(balance=F("balance") + points)
        if moved != 1:
            raise LedgerError(_short_balance())  # the atomic block takes the entry back out
    else:
        Account.objects.filter(pk=account.pk).update(balance=F("balance") + points)
    audit_record(f"points.{kind}", entry, None, snapshot(entry), actor=actor)
    return entry, True


def _short_balance():
    from django.utils.translation import gettext as _

    return _("Not enough points: the balance is too low.")


def check(account: Account | None = None) -> list[tuple[int, int, int]]:
    """Accounts whose balance differs from the sum of their entries: [(account id, balance, sum)].
    Empty means the ledger and the balances agree."""
    accounts = Account.objects.all() if account is None else Account.objects.filter(pk=account.pk)
    sums = dict(Entry.objects.filter(account__in=accounts).values("account").annotate(s=Sum("points"))
                .values_list("account", "s"))
    return [(pk, bal, sums.get(pk, 0)) for pk, bal in accounts.values_list("pk", "balance") if bal != sums.get(pk, 0)]


@transaction.atomic
def rebuild(account: Account) -> int:
    """Set an account's balance to the sum of its entries (after a restore or a manual repair); returns it."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    total = Entry.objects.filter(account=locked).aggregate(s=Sum("points"))["s"] or 0
    if total != locked.balance:
        before = snapshot(locked)
        locked.balance = total
        locked.save(update_fields=["balance"])
        audit_record("points.rebuild", locked, before, snapshot(locked))
    return total
