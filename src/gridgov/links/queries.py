"""Coverage and contact figures, shared by the pages, the API, the star metrics and the benchmark.

Definitions (every figure is of the households whose path starts with a node's path):

    households      = registered households
    linked(d)       = households with a link active on day d (since <= d and (until is None or d < until))
    coverage_rate   = linked(d) / households, None when there are no households
    linked_in(M)    = households with a link active on at least one day of month M
    contacted(M)    = households of linked_in(M) with at least the town's required number of contacts
                      (default 1) dated in M, by any member
    contact_rate(M) = contacted(M) / linked_in(M), None when nobody was linked

The reference day of a month is its last day, or today in the current month.
"""

import calendar
import datetime

from django.db.models import Count, Q
from django.utils import timezone

from gridgov.core import clock
from gridgov.org.models import Household, Region

from .models import Contact, Link, LinkSettings, month_key


def today() -> datetime.date:
    return timezone.localdate(clock.now())


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(value: str | None) -> tuple[int, int]:
    """"2026-12" -> (2026, 12); empty: this month. ValueError on anything else."""
    if not value:
        d = today()
        return d.year, d.month
    year, _sep, month = value.strip().partition("-")
    if len(year) != 4 or not year.isdigit() or not month.isdigit() or not 1 <= int(month) <= 12:
        raise ValueError(value)
    return int(year), int(month)


def months_between(since: datetime.date, until: datetime.date) -> list[tuple[int, int]]:
    out, y, m = [], since.year, since.month
    while (y, m) <= (until.year, until.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def active_on(day: datetime.date) -> Q:
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gt=day))


def active_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(since__lte=last) & (Q(until__isnull=True) | Q(until__gt=first))


def settings_for(path: str) -> LinkSettings | None:
    """The town's settings for a node's path (None: the defaults)."""
    parts = [p for p in path.split(".") if p]
    if len(parts) < 2:
        return None
    return LinkSettings.objects.filter(path=".".join(parts[:2]) + ".").first()


def required_contacts(path: str) -> int:
    found = settings_for(path)
    return found.contacts_per_month if found else 1


def target_per_member(path: str) -> int:
    found = settings_for(path)
    return found.target_per_member if found else 10


def linked_households(path: str, day: datetime.date):
    return Link.objects.filter(active_on(day), path__startswith=path).order_by().values("household_id")


def contacted_households(path: str, first: datetime.date, last: datetime.date, required: int = 1):
    """Household ids contacted at least `required` times between first and last (both inclusive).
    A contact is dated inside its link's active days (actions.do_contact), so each of them is among
    the households linked at some point of the window. A window inside one calendar month reads
    the (month, path) index."""
    rows = Contact.objects.filter(path__startswith=path).order_by()
    if (first, last) == month_bounds(first.year, first.month):
        rows = rows.filter(month=month_key(first))  # a whole month: the index alone answers
    elif (first.year, first.month) == (last.year, last.month):
        rows = rows.filter(month=month_key(first), date__gte=first, date__lte=last)
    else:
        rows = rows.filter(date__gte=first, date__lte=last)
    if required <= 1:
        return rows.values("household_id").distinct()
    return rows.values("household_id").annotate(n=Count("id")).filter(n__gte=required).values("household_id")


def figures(path: str, first: datetime.date, last: datetime.date, *, day: datetime.date | None = None,
            required: int | None = None, households: int | None = None) -> dict:
    """The figures of the module docstring for one node over the window first..last."""
    day = day or last
    required = required or required_contacts(path)
    if households is None:
        households = Household.objects.filter(path__startswith=path).count()
    linked = Link.objects.filter(active_on(day), path__startswith=path).count()
    linked_in = Link.objects.filter(active_between(first, last), path__startswith=path).order_by() \
        .values("household_id").distinct().count()
    contacted = contacted_households(path, first, last, required).count()
    return {
        "households": households, "linked": linked,
        "coverage_rate": round(linked / households, 4) if households else None,
        "linked_in_month": linked_in, "contacted": contacted,
        "contact_rate": round(contacted / linked_in, 4) if linked_in else None,
    }


def month_figures(path: str, year: int, month: int, **known) -> dict:
    """`known`: required= and households= when the caller has them already (a trend of many months)."""
    first, last = month_bounds(year, month)
    day = min(last, max(first, today()))
    return {"month": f"{year:04d}-{month:02d}", **figures(path, first, last, day=day, **known)}


def by_child(node, year: int, month: int) -> list[dict]:
    """Month figures of each village of a town, or each small grid of a village (pages: coverage table)."""
    from gridgov.org.models import Grid

    first, last = month_bounds(year, month)
    day = min(last, max(first, today()))
    if isinstance(node, Region) and node.level <= 2:  # a county's towns, a town's villages
        rows = Region.objects.filter(parent=node).order_by("path")
    elif isinstance(node, Region):  # a village's small grids
        rows = Grid.objects.filter(level=Grid.Level.SMALL, path__startswith=node.path).order_by("path")
    elif node.level < Grid.Level.SMALL:
        rows = Grid.objects.filter(parent=node).order_by("path")
    else:
        rows = [node]
    children = [(r.name, r.code, r.path) for r in rows]
    return _grouped(node.path, children, first, last, day, required_contacts(node.path))


def _grouped(common: str, children, first, last, day, required) -> list[dict]:
    """Figures of many nodes in a fixed number of queries: every row is read grouped by path and
    summed under each child's prefix in Python."""
    if not children:
        return []
    houses = dict(Household.objects.filter(path__startswith=common).values_list("path").annotate(n=Count("id")))
    linked = dict(Link.objects.filter(active_on(day), path__startswith=common)
                  .values_list("path").annotate(n=Count("id")))
    linked_in = dict(Link.objects.filter(active_between(first, last), path__startswith=common)
                     .values_list("path").annotate(n=Count("household_id", distinct=True)))
    contacted_ids = contacted_households(common, first, last, required)
    contacted = dict(Household.objects.filter(pk__in=contacted_ids).values_list("path").annotate(n=Count("id")))

    def under(table, prefix):
        return sum(n for path, n in table.items() if path.startswith(prefix))

    rows = []
    for name, code, path in children:
        h, ln, li, c = under(houses, path), under(linked, path), under(linked_in, path), under(contacted, path)
        rows.append({"name": name, "code": code, "households": h, "linked": ln,
                     "coverage_rate": round(ln / h, 4) if h else None, "linked_in_month": li, "contacted": c,
                     "contact_rate": round(c / li, 4) if li else None})
    return rows


def trend(path: str, year: int, month: int, months: int = 6) -> list[dict]:
    known = {"required": required_contacts(path),
             "households": Household.objects.filter(path__startswith=path).count()}
    return [month_figures(path, *shift_month(year, month, -k), **known) for k in range(months - 1, -1, -1)]


def unlinked(path: str, day: datetime.date | None = None):
    """Households under a node with no link active on `day` (today)."""
    day = day or today()
    return Household.objects.filter(path__startswith=path).exclude(pk__in=linked_households(path, day))


def not_contacted(path: str, year: int, month: int):
    """Links active now whose household was not contacted (enough) this month."""
    first, last = month_bounds(year, month)
    day = min(last, max(first, today()))
    done = contacted_households(path, first, last, required_contacts(path))
    return Link.objects.filter(active_on(day), path__startswith=path).exclude(household_id__in=done)


def members_behind(path: str, year: int, month: int) -> list[dict]:
    """Members with active links some of whose households were not contacted this month: name, linked, missing."""
    rows = not_contacted(path, year, month).values("member_id", "member__name").annotate(n=Count("id"))
    first, last = month_bounds(year, month)
    day = min(last, max(first, today()))
    totals = dict(Link.objects.filter(active_on(day), path__startswith=path, member_id__in=[r["member_id"] for r in rows])
                  .values_list("member_id").annotate(n=Count("id")))
    return sorted(({"member": r["member_id"], "name": r["member__name"], "linked": totals.get(r["member_id"], 0),
                    "missing": r["n"]} for r in rows), key=lambda r: (-r["missing"], r["name"]))
