"""Reads of the case loop that the API and the pages share: scoped lists, one case with its timeline,
the metrics of a node over a period, and rankings.

Every read starts from restrict(user, "view", Case): staff see the cases under their node, residents
and party members their own reports, the orders they took and their village's order pool (Case.own_q).

Metrics (统计口径). The cohort is the cases *accepted* (立案, `accepted_at`) in the window
[since, until] under the node, leaving out cases that ended rejected or merged (an escalated case may
be assessed again and rejected; it then no longer counts). Every figure below except `reported` is
counted over that cohort, so a rate never divides numbers of different cases:

  reported               上报数    cases reported (`created_at`) in the window, whatever became of them
  accepted               应结案数  the cohort
  closed                 结案数    cases of the cohort now closed (verified)
  closed_on_time         按期结案数 closed cases none of whose steps went past its deadline
  completion_rate        结案率    = 结案数 / 应结案数 = closed / accepted
  on_time_rate           按期结案率 = 按期结案数 / 结案数 = closed_on_time / closed
  rework_rate            返工率    = 返工过的结案数 / 结案数 = closed cases with rework_count > 0 / closed
                                   (a case sent back twice counts once; `reworks` gives the total sends)
  satisfaction_rate      满意率    = (满意 + 基本满意) / 已评价数 = (satisfied + basic) / rated, where rated
                                   counts the reporters' ratings and the automatic ones of unrated cases
                                   (GRIDGOV_CASE_AUTO_RATING); `rated_auto` says how many are automatic
  average_hours_to_close 平均办结时长 mean of (closed_at - created_at) over closed cases, in calendar hours
  closed_by_level        分级结案数 closed cases by the level they were closed at (grid, village, town, department)

A rate whose denominator is 0 is null. For staff, whose reach is a subtree of the org tree, the
figures add up the daily rows of CaseDay (rollup.py) under the node: a town's year is some 50,000
small rows rather than the cases themselves. Otherwise (a resident's own cases, a handler ranking)
they come from one aggregate query over the cases with conditional aggregation (COUNT ... FILTER on
PostgreSQL, CASE WHEN on SQLite). Both give the same figures; the tests hold them to it.
"""

from __future__ import annotations

import datetime
import time

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gridgov.core import personal
from gridgov.core.scoping import PERSONAL_ROLES, SUBTREE, VIEW, VIEW_PERSONAL, reach, restrict
from gridgov.org import queries as org_queries
from gridgov.org import names
from gridgov.org.models import Grid, Region, User

from . import rollup
from .models import CLOCKED_STATES, LEVEL_ORDER, Case, CaseDay, CasePhoto, Category, State


def visible_cases(user):
    """The cases `user` may see."""
    return restrict(user, VIEW, Case.objects.all())


def case_list(user, state=None, grid_path=None, region_path=None, category=None, overdue=None, mine=False):
    """The scoped list behind GET /cases, newest first; every filter is one indexed column or prefix.
    `category` is a code: a main category ("01") keeps all its subcategories."""
    qs = visible_cases(user).select_related("category", "grid")
    if state:
        qs = qs.filter(state=state)
    if grid_path:
        qs = qs.filter(path__startswith=grid_path)
    if region_path:
        qs = qs.filter(path__startswith=region_path)
    if category:
        # Through a subquery of ids, so the filter is on case.category_id (indexed) rather than a join.
        codes = Category.objects.filter(Q(code=category) | Q(parent__code=category)).values("pk")
        qs = qs.filter(category_id__in=codes)
    if overdue is not None:
        # "overdue" as the clock shows it: an open, running step past its deadline (flagged by the
        # worker or not yet).
        now = timezone.now()
        late = Q(state__in=CLOCKED_STATES, deadline__lt=now)  # the condition of index case_running_overdue_page
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if mine:
        qs = qs.filter(Q(reporter_id=user.person_id) if user.person_id else Q(reporter_user=user))
    if not (state or category or overdue is not None or mine or (grid_path and region_path)):
        # All the cases under one node: as many as were ever reported there, which the daily figures
        # add up from a few rows per grid and day instead of counting up to a million cases.
        scope = _rollup_path(user, None)
        if scope is not None:
            node = _narrower(scope, grid_path or region_path or scope)
            if node is None:
                # A node outside the user's subtree: nothing, and no count of someone else's cases.
                return qs.none().with_count(0)
            qs = qs.with_count(reported_under(node))
            # A town or anything under it (codes are fixed-width: 445321.104.): its page is a merge of its
            # grids' newest cases. Above a town the cases of a county or province are a large share of the
            # table, and PostgreSQL finds the newest of them faster by date (index case_created).
            return qs.page_by_key(subtree=node if node.count(".") >= 2 else None)
    return qs.page_by_key()


# Each process keeps, per node, the sum of `reported` over the daily rows of the days before today for
# this many seconds: a day's `reported` is final once the day is over (a rebuild of the figures aside,
# which the lists then show within this time).
PAST_RECHECK_SECONDS = 600
_past_reported: dict[str, tuple[datetime.date, float, int]] = {}


def reported_under(path: str) -> int:
    """Every case ever reported under `path` (the count of its unfiltered list): the days before today
    from this process's copy, today's through each grid's (grid, day) row. Summing all of a town's daily
    rows on every page read 100,626 rows at 50M cases (21 ms); today's are at most one per grid. One
    query either way: a copy too old is read again in the same pass as today's rows."""
    today = timezone.localdate()
    now = time.monotonic()
    kept = _past_reported.get(path)
    if kept is None or kept[0] != today or now - kept[1] > PAST_RECHECK_SECONDS:
        sums = _rows_under(path).aggregate(past=Coalesce(Sum("reported", filter=Q(day__lt=today)), 0),
                                           since=Coalesce(Sum("reported", filter=Q(day__gte=today)), 0))
        if len(_past_reported) > 10_000:  # nodes come from users' scopes and filters: bounded, but be sure
            _past_reported.clear()
        _past_reported[path] = (today, now, sums["past"])
        return sums["past"] + sums["since"]
    grids = Grid.objects.filter(path__startswith=path) if path else Grid.objects.all()
    since = CaseDay.objects.filter(day__gte=today, grid_id__in=grids.values("pk"))
    return kept[2] + since.aggregate(n=Coalesce(Sum("reported"), 0))["n"]


def _narrower(path: str, other: str) -> str | None:
    """The deeper of two paths when one holds the other; None when they are apart."""
    if other.startswith(path):
        return other
    return path if path.startswith(other) else None


def case_detail(user, case_id: int) -> Case | None:
    """One case the user may see, with what its page shows, in a fixed number of queries."""
    return (visible_cases(user)
            .select_related("category", "grid", *names.related("assignee"), "unit", "merged_into")
            .prefetch_related("events", "photos")
            .filter(pk=case_id).first())


def case_for_response(case_id: int) -> Case:
    """The case as detail shows it, after an action the actor was already checked for."""
    return (Case.objects.select_related("category", "grid", *names.related("assignee"), "unit", "merged_into")
            .prefetch_related("events", "photos").get(pk=case_id))


# What the timeline says instead of the reporter's name to those who may not know it.
REPORTER_LABEL = gettext_lazy("The reporter")


def sees_reporter(user, case: Case) -> bool:
    """Whether `user` may know who reported the case: the reporter, and the staff whose scope covers it
    with sight of personal data (grid workers, village secretaries, town administrators). A party
    member taking the order from the pool, a department handling it, a neighbour: what the job needs
    (place, problem, the masked phone), not who complained."""
    if user.is_superuser:
        return True
    if case.reporter_user_id == user.pk or (user.person_id and user.person_id == case.reporter_id):
        return True
    return bool(reach(user, VIEW_PERSONAL, Case.scope_kind) == SUBTREE and user.scope_path
                and case.path.startswith(user.scope_path))


def reporter_account_ids(case: Case) -> set[int]:
    """The accounts whose steps in the timeline are the reporter's own (the resident or party member
    who reported, rated or commented): one query. Staff who entered a report (patrol, hotline, 代报)
    are not among them; their name is their post's."""
    who = Q(pk=case.reporter_user_id) if case.reporter_user_id else Q(pk__in=[])
    if case.reporter_id:
        who |= Q(person_id=case.reporter_id)
    return set(User.objects.filter(who, role__in=PERSONAL_ROLES).values_list("pk", flat=True))


def text_shown(text: str, sees: bool) -> str:
    """A description or note as a viewer reads it: whole for those who see the reporter, else with the
    phone numbers, ID numbers and e-mail addresses in it masked (core.personal.mask_text): a resident's
    "电话13800000011" reaches the party member taking the order as 138****0011."""
    return text if sees else personal.mask_text(text)


def actor_shown(event, hidden: set[int]) -> str:
    """The name stored with a timeline event, or REPORTER_LABEL for an actor in `hidden`."""
    return str(REPORTER_LABEL) if event.actor_id is not None and event.actor_id in hidden else event.actor_name


def photo_of(user, case_id: int, photo_id: int) -> CasePhoto | None:
    """A photo of a case the user may see."""
    if not visible_cases(user).filter(pk=case_id).exists():
        return None
    return CasePhoto.objects.filter(case_id=case_id, pk=photo_id).first()


# --- metrics ---------------------------------------------------------------------------------------

def window(since: datetime.date | None, until: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The period asked for; by default the current month up to today (local dates, both ends included)."""
    today = timezone.localdate()
    since = since or today.replace(day=1)
    until = until or today
    return since, until


def _bounds(since: datetime.date, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _cohort_counts() -> dict:
    """The conditional aggregates over a cohort queryset (see the module docstring)."""
    closed = Q(state=State.CLOSED)
    counts = {
        "accepted": Count("pk"),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & Q(closed_on_time=True)),
        "reworked": Count("pk", filter=closed & Q(rework_count__gt=0)),
        "reworks": Coalesce(Sum("rework_count", filter=closed), 0),
        "rated": Count("pk", filter=~Q(rating="")),
        "rated_auto": Count("pk", filter=~Q(rating="") & Q(rating_auto=True)),
        "satisfied": Count("pk", filter=Q(rating__in=[Case.Rating.SATISFIED, Case.Rating.BASIC])),
        "time_to_close": Avg(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
                             filter=closed),
    }
    for level in LEVEL_ORDER:
        counts[f"closed_{level}"] = Count("pk", filter=closed & Q(closed_level=level))
    return counts


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _hours(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds() / 3600, 2)
    return round(float(value) / 3_600_000_000, 2)  # a backend that averages durations as microseconds


def _figures(row: dict) -> dict:
    return {
        "accepted": row["accepted"],
        "closed": row["closed"],
        "closed_on_time": row["closed_on_time"],
        "reworked": row["reworked"],
        "reworks": row["reworks"],
        "rated": row["rated"],
        "rated_auto": row["rated_auto"],
        "completion_rate": _rate(row["closed"], row["accepted"]),
        "on_time_rate": _rate(row["closed_on_time"], row["closed"]),
        "rework_rate": _rate(row["reworked"], row["closed"]),
        "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
        "average_hours_to_close": _hours(row["time_to_close"]),
        "closed_by_level": {level: row[f"closed_{level}"] for level in LEVEL_ORDER},
    }


def cohort(cases, since: datetime.date, until: datetime.date):
    """The cases of `cases` accepted in the window, without those that ended rejected or merged."""
    start, end = _bounds(since, until)
    return cases.filter(accepted_at__gte=start, accepted_at__lt=end).exclude(
        state__in=[State.REJECTED, State.MERGED])


def stats(cases, since: datetime.date, until: datetime.date) -> dict:
    """The metrics of the scoped queryset `cases` over the window, in two aggregate queries."""
    start, end = _bounds(since, until)
    row = cohort(cases, since, until).aggregate(**_cohort_counts())
    reported = cases.filter(created_at__gte=start, created_at__lt=end).count()
    return {"since": since, "until": until, "reported": reported, **_figures(row)}


RANK_BY = {
    # Each ranks the children of the scope: the small grids, the villages (the region of a small
    # grid is its village), or the accounts the cases were dispatched to or claimed by.
    "grid": ("grid__code", "grid__name"),
    "village": ("grid__region__code", "grid__region__name"),
    "handler": ("assignee__username", "assignee__first_name"),
}


def rankings(cases, by: str, since: datetime.date, until: datetime.date) -> list[dict]:
    """Completion and on-time rates per child node, best first; ties broken by code. One query."""
    code_field, name_field = RANK_BY[by]
    rows = (cohort(cases, since, until).exclude(**{f"{code_field}__isnull": True})
            .values(code_field, name_field).annotate(**_cohort_counts()).order_by(code_field))
    ranked = _ranked([(row[code_field], row[name_field], _figures(row)) for row in rows])
    return _handler_labels(ranked) if by == "handler" else ranked


def _handler_labels(ranked: list[dict]) -> list[dict]:
    """A handler ranks under their name and post (org.names.label), read in one query for all rows."""
    accounts = User.objects.filter(username__in=[row["code"] for row in ranked]).select_related(*names.LABEL_RELATED)
    labels = {account.username: account.label for account in accounts} if ranked else {}
    for row in ranked:
        row["name"] = labels.get(row["code"], row["name"])
    return ranked


def _rollup_path(user, node) -> str | None:
    """The path prefix whose daily rows hold exactly the cases the user sees under `node`, or None
    when the user's view of cases is not a subtree (then only the live aggregate is right)."""
    if reach(user, VIEW, Case.scope_kind) != SUBTREE:
        return None
    if node is not None:
        return node.path
    return "" if user.is_superuser else (user.scope_path or None)


def _rows_under(path: str):
    return CaseDay.objects.filter(path__startswith=path) if path else CaseDay.objects.all()


def _day_rows(path: str, since: datetime.date, until: datetime.date):
    return _rows_under(path).filter(day__gte=since, day__lte=until)


def _day_sums() -> dict:
    # Prefixed: an annotation may not take the name of a field of the model.
    return {f"sum_{name}": Coalesce(Sum(name), 0) for name in rollup.COUNTERS}


def _from_days(row: dict) -> dict:
    """A row of summed daily counters in the shape _figures() reads."""
    sums = {name: row[f"sum_{name}"] for name in rollup.COUNTERS}
    closed = sums["closed"]
    return {**sums, "time_to_close": (datetime.timedelta(microseconds=sums["close_microseconds"] / closed)
                                      if closed else None)}


def figures_under(path: str, since: datetime.date, until: datetime.date) -> dict:
    """The metrics of every case under an org path (a region's or grid's `path`; "" for all) over the
    window, from the daily rows: for other modules (five-star ratings, points) that report on a node
    rather than for a user."""
    row = _from_days(_day_rows(path, since, until).aggregate(**_day_sums()))
    return {"since": since, "until": until, "reported": row["reported"], **_figures(row)}


def stats_for(user, node, cases, since: datetime.date, until: datetime.date) -> dict:
    """The metrics the user may see under `node` (`cases`: the same, as a scoped queryset)."""
    path = _rollup_path(user, node)
    if path is None:
        return stats(cases, since, until)
    return figures_under(path, since, until)


def rankings_for(user, node, cases, by: str, since: datetime.date, until: datetime.date) -> list[dict]:
    """rankings() from the daily rows where they hold the answer (grids and villages for staff)."""
    path = _rollup_path(user, node)
    if path is None or by == "handler":  # the daily rows are per grid, not per handler
        return rankings(cases, by, since, until)
    code_field, name_field = RANK_BY[by]
    rows = (_day_rows(path, since, until).values(code_field, name_field).annotate(**_day_sums())
            .filter(sum_accepted__gt=0).order_by(code_field))
    return _ranked([(row[code_field], row[name_field], _figures(_from_days(row))) for row in rows])


def _ranked(items: list[tuple]) -> list[dict]:
    ranked = [{"code": code, "name": name or code, **figures} for code, name, figures in items]
    ranked.sort(key=lambda item: (-(item["completion_rate"] or 0), -(item["on_time_rate"] or 0), item["code"]))
    for rank, item in enumerate(ranked, start=1):
        item["rank"] = rank
    return ranked


def scope_node(user, code: str | None) -> Region | Grid | None:
    """The region or grid `code` if the user may see it (org.queries.scope_node); the user's own node
    when no code is given."""
    if not (code or "").strip():
        return user.scope_node
    return org_queries.scope_node(user, code)
