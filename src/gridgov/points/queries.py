"""Reads shared by the pages and the exports: rankings, statements, the home box, Excel workbooks."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from gridgov.core import xlsx
from gridgov.core.scoping import EXPORT, VIEW, can, restrict

from gridgov.org.models import Person

from .models import Account, Claim, Entry, Order, Rule, Unit

# What counts toward a ranking: points earned and lost by conduct, not spending or refunds.
RANKED_KINDS = (Entry.Kind.AWARD, Entry.Kind.DEDUCTION, Entry.Kind.REVERSAL)


def visible_rules(user):
    """The rules a user may read: those restrict() gives (staff: set under their node; residents: their
    town's and village's) and, for staff, also the rules set above their node that apply in it (a village
    secretary reads the town's rules)."""
    rows = restrict(user, VIEW, Rule)
    if user.is_authenticated and user.scope_path and can(user, VIEW, "points_rule"):
        parts = user.scope_path.split(".")
        rows = rows | Rule.objects.filter(path__in=[".".join(parts[:n]) + "." for n in range(1, len(parts))])
    return rows.distinct()


def mask_name(name: str) -> str:
    """张建华 -> 张*华, 张华 -> 张*, 欧阳建华 -> 欧**华: enough for neighbours to recognise, no more."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def period_bounds(period: str, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    if period == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    start = today.replace(day=1)
    return start, (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _ranked_entries(path: str, unit: str, period: str, today=None):
    since, until = period_bounds(period, today)
    holder = Q(account__person__isnull=False) if unit == Unit.PERSON else Q(account__household__isnull=False)
    return Entry.objects.filter(holder, path__startswith=path, kind__in=RANKED_KINDS, date__gte=since, date__lte=until)


def ranking_count(path: str, unit: str = Unit.PERSON, period: str = "month", today=None) -> int:
    """How many accounts ranking() ranks when it is not cut at `limit`."""
    return _ranked_entries(path, unit, period, today).values("account_id").distinct().count()


def ranking(path: str, unit: str = Unit.PERSON, period: str = "month", today=None, limit: int = 50) -> list[dict]:
    """Accounts under `path` by points earned (awards, deductions, reversals) in the month or year,
    highest first; ties share a rank. One query."""
    rows = (_ranked_entries(path, unit, period, today)
            .values("account_id", "account__person__name", "account__household__head__name",
                    "account__household__grid__name", "account__person__grid__name")
            .annotate(points=Sum("points")).order_by("-points", "account_id")[:limit])
    out, rank, last = [], 0, None
    for n, row in enumerate(rows, start=1):
        if row["points"] != last:
            rank, last = n, row["points"]
        name = row["account__person__name"] or row["account__household__head__name"] or ""
        out.append({"rank": rank, "account": row["account_id"], "name": mask_name(name),
                    "grid": row["account__person__grid__name"] or row["account__household__grid__name"] or "",
                    "household": unit == Unit.HOUSEHOLD, "points": row["points"]})
    return out


def home_box(user) -> dict:
    """The points box of the home page (loaded after the page, one query): a resident's balances and
    waiting orders, staff's claims to act on."""
    if user.person_id and user.role in ("resident", "party_member"):
        # The household through a subquery: one query, without loading the person first.
        household = Person.objects.filter(pk=user.person_id).values("household_id")
        accounts = Account.objects.filter(Q(person_id=user.person_id) | Q(household_id__in=household)).annotate(
            waiting=Count("orders", filter=Q(orders__state=Order.State.PLACED)))
        rows = list(accounts.values("person_id", "balance", "waiting"))
        return {"kind": "personal",
                "mine": sum(r["balance"] for r in rows if r["person_id"] == user.person_id),
                "household": sum(r["balance"] for r in rows if r["person_id"] is None),
                "waiting": sum(r["waiting"] for r in rows)}
    claims = restrict(user, VIEW, Claim).aggregate(
        submitted=Count("pk", filter=Q(state=Claim.State.SUBMITTED)),
        reviewed=Count("pk", filter=Q(state=Claim.State.REVIEWED)),
        publicised=Count("pk", filter=Q(state=Claim.State.PUBLICISED)))
    return {"kind": "staff", **claims}


# --- Excel -----------------------------------------------------------------------------------------

def _sheet(workbook, title, headers, rows):
    sheet = workbook.active
    sheet.title = title
    xlsx.append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx.append(sheet, row)
    sheet.freeze_panes = "A2"
    return sheet


def ledger_workbook(user, since: datetime.date, until: datetime.date, path: str | None = None) -> Workbook:
    """The ledger entries the user may export, dated since..until: names masked, no personal data."""
    entries = restrict(user, EXPORT, Entry).filter(date__gte=since, date__lte=until) \
        .select_related("rule", "account__person__grid", "account__household__head", "account__household__grid") \
        .order_by("date", "id")
    if path:
        entries = entries.filter(path__startswith=path)
    book = Workbook()

    def rows():
        for e in entries.iterator(chunk_size=2000):
            a = e.account
            holder = a.person.name if a.person_id else (a.household.head.name if a.household.head_id else "")
            grid = a.person.grid.name if a.person_id else a.household.grid.name
            yield [e.pk, e.date, str(Unit(a.unit).label), mask_name(holder), grid, str(e.get_kind_display()),
                   e.rule.code if e.rule_id else "", e.rule.name if e.rule_id else "", e.points, e.reason, e.source,
                   e.actor_name, e.reversal_of_id or ""]

    _sheet(book, _("Ledger"), [_("No."), _("Date"), _("Unit"), _("Name"), _("Grid"), _("Kind"), _("Rule code"),
                               _("Rule"), pgettext("points", "Points"), _("Reason"), _("Source"), _("Recorded by"),
                               _("Reverses")],
           rows())
    return book


def orders_workbook(user, since: datetime.date, until: datetime.date) -> Workbook:
    """The shop orders the user may export, placed since..until (local dates)."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min))
    orders = restrict(user, EXPORT, Order).filter(placed_at__gte=start, placed_at__lt=end) \
        .select_related("shop", "product", "account__person", "account__household__head", "closed_by") \
        .order_by("placed_at", "id")
    book = Workbook()

    def rows():
        for o in orders.iterator(chunk_size=2000):
            a = o.account
            holder = a.person.name if a.person_id else (a.household.head.name if a.household.head_id else "")
            yield [o.pk, timezone.localtime(o.placed_at).replace(tzinfo=None), o.shop.name, o.product.name,
                   o.quantity, o.points, mask_name(holder), str(o.get_state_display()),
                   timezone.localtime(o.closed_at).replace(tzinfo=None) if o.closed_at else "",
                   o.closed_by.username if o.closed_by_id else ""]

    _sheet(book, _("Orders"), [_("No."), _("Placed at"), _("Shop"), _("Product"), _("Quantity"),
                               pgettext("points", "Points"),
                               _("Name"), _("State"), _("Closed at"), _("Closed by")], rows())
    return book
