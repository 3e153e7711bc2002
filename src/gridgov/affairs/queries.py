"""Reads that the pages, the API, the metrics and the worker share: the board's current items, which
scheduled disclosures were owed and how they went, the flags on matters, and a town's overview.

Every function takes a path prefix the caller has already scoped (restrict() or a village's own path):
these read figures, not rows a user browses.
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from gridgov.core import clock, personal
from gridgov.org.models import Region
from gridgov.org.paths import town_path

from . import schedule
from .actions import schedules_by_town, settings_by_town
from .models import ENDED_STATES, Disclosure, Frequency, Matter, Question, Remark, State


def today() -> datetime.date:
    return timezone.localdate(clock.now())


# What a board item's questions need (never the asker's personal data beyond the name to mask it by).
QUESTION_FIELDS = ("id", "disclosure_id", "matter_id", "asker_id", "text", "answer", "asked_at", "answered_at",
                   "public", "path")

# --- the board ------------------------------------------------------------------------------------------

def current_items(village_path: str, kind: str | None = None, on: datetime.date | None = None):
    """The public items on a village's board on a day (today by default), newest first, with their public
    answered questions and public remarks prefetched (two more queries whatever the number of items)."""
    on = on or today()
    rows = Disclosure.objects.filter(path=village_path, public=True, shown_from__lte=on, shown_until__gte=on)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-shown_from", "-id").prefetch_related(
        Prefetch("questions", queryset=Question.objects.filter(public=True, answered_at__isnull=False)
                 .select_related("asker").only("asker__name", *QUESTION_FIELDS).order_by("asked_at", "id"),
                 to_attr="public_questions"),
        Prefetch("remarks", queryset=Remark.objects.filter(public=True).order_by("created_at", "id"),
                 to_attr="public_remarks"),
        "files")


# --- scheduled disclosures --------------------------------------------------------------------------------

@dataclass
class Owed:
    """A scheduled disclosure a village owed: published on time, late, or missing (its due day passed)."""

    village_id: int
    village_path: str
    kind: str
    period: str
    due_on: datetime.date
    published_on: datetime.date | None = None
    late: bool = False

    @property
    def missing(self) -> bool:
        return self.published_on is None

    @property
    def on_time(self) -> bool:
        return self.published_on is not None and not self.late


def villages_under(path: str):
    return Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=path).order_by("path")


def adopted_on(town_paths) -> dict[str, datetime.date]:
    """{town path: the day its villages began publishing on gridgov's board} (the first item any of them
    published), for the towns that have: scheduled disclosures are owed from then on, so a town that starts
    using the board is not told of a year it kept on paper. One query."""
    out: dict[str, datetime.date] = {}
    if not town_paths:
        return out
    under = reduce(operator.or_, (Q(path__startswith=tp) for tp in sorted(town_paths)))
    for vpath, first in Disclosure.objects.filter(under).values_list("path").annotate(
            first=Min("published_at")).order_by():
        day, tp = timezone.localdate(first), town_path(vpath)
        out[tp] = min(out.get(tp, day), day)
    return out


def owed_disclosures(path: str, since: datetime.date, until: datetime.date, villages=None) -> list[Owed]:
    """The scheduled disclosures of the villages under `path` whose due day falls in [since, until] (until
    at most today) and after their town began publishing on the board (adopted_on): each with when it was
    published and whether late. Four queries."""
    until = min(until, today())
    villages = list(villages if villages is not None else villages_under(path).values_list("pk", "path"))
    if not villages or until < since:
        return []
    towns = {town_path(vpath) for _pk, vpath in villages}
    adopted = adopted_on(towns)
    schedules, configs = schedules_by_town(towns), settings_by_town(towns)
    out: list[Owed] = []
    wanted: set[str] = set()
    for pk, vpath in villages:
        tp = town_path(vpath)
        if tp not in adopted:
            continue
        start = max(since, adopted[tp] + datetime.timedelta(days=1))
        for kind, frequency in schedules[tp].items():
            for period, due in schedule.owed(frequency, start, until, configs[tp].due_days):
                out.append(Owed(pk, vpath, kind, period, due))
                wanted.add(period)
    if not out:
        return []
    published: dict[tuple[str, str, str], tuple[datetime.date, bool]] = {}
    for vpath, kind, period, at, late in Disclosure.objects.filter(
            path__startswith=path, period__in=sorted(wanted)).values_list(
            "path", "kind", "period", "published_at", "late").order_by("published_at"):
        published.setdefault((vpath, kind, period), (timezone.localdate(at), late))  # the first one counts
    for row in out:
        found = published.get((row.village_path, row.kind, row.period))
        if found:
            row.published_on, row.late = found
    return out


def overdue(path: str, on: datetime.date | None = None, days: int = 366) -> list[Owed]:
    """The scheduled disclosures still missing under `path` whose due day passed in the last `days` days."""
    on = on or today()
    return [row for row in owed_disclosures(path, on - datetime.timedelta(days=days), on - datetime.timedelta(days=1))
            if row.missing]


def next_due(village_path: str, on: datetime.date | None = None) -> list[tuple[str, str, datetime.date]]:
    """(kind, period, due day) of the village's next scheduled disclosures not yet published."""
    on = on or today()
    tp = town_path(village_path)
    frequencies, config = schedules_by_town([tp])[tp], settings_by_town([tp])[tp]
    out = []
    for kind, frequency in frequencies.items():
        if frequency == Frequency.EVENT:
            continue
        period = schedule.label(frequency, on)
        previous = schedule.previous(period)
        for candidate in (previous, period):
            due = schedule.due_on(candidate, config.due_days)
            if due >= on and not Disclosure.objects.filter(path=village_path, kind=kind, period=candidate).exists():
                out.append((kind, candidate, due))
                break
    return sorted(out, key=lambda row: row[2])


# --- matters --------------------------------------------------------------------------------------------

@dataclass
class MatterFlags:
    stuck: bool = False  # still deliberating, and no step for the town's stuck days
    unpublished: bool = False  # decided (or finished) and not published within the town's publish days
    waiting_since: datetime.date | None = None

    @property
    def any(self) -> bool:
        return self.stuck or self.unpublished


def flags(matter: Matter, config, on: datetime.date | None = None) -> MatterFlags:
    """A matter's flags under its town's settings (`config`: an AffairsSettings)."""
    on = on or today()
    if matter.state in ENDED_STATES:
        return MatterFlags()
    since = matter.last_step_on or timezone.localdate(matter.opened_at)
    waited = (on - since).days
    if matter.state == State.DECIDED:
        return MatterFlags(unpublished=waited > config.publish_days, waiting_since=since)
    if matter.state == State.DECISION_PUBLISHED:
        # Being carried out: a road or a contract takes months, and its result is published when it is done.
        return MatterFlags(waiting_since=since)
    return MatterFlags(stuck=waited > config.stuck_days, waiting_since=since)


def flags_for(matters, on: datetime.date | None = None) -> dict[int, MatterFlags]:
    """{matter id: flags} for several matters (one query for their towns' settings)."""
    matters = list(matters)
    configs = settings_by_town({town_path(m.path) for m in matters})
    return {m.pk: flags(m, configs[town_path(m.path)], on) for m in matters}


# --- questions --------------------------------------------------------------------------------------------

def question_figures(path: str, since: datetime.date, until: datetime.date, on: datetime.date | None = None) -> dict:
    """Questions under `path` due in [since, until]: how many, answered by their due day, answered late,
    still open (past due or not). One query."""
    on = on or today()
    rows = Question.objects.filter(path__startswith=path, due_on__gte=since, due_on__lte=until).values_list(
        "due_on", "answered_at")
    figures = {"due": 0, "on_time": 0, "late": 0, "open": 0, "overdue": 0}
    for due, answered_at in rows:
        figures["due"] += 1
        if answered_at is None:
            figures["open"] += 1
            figures["overdue"] += due < on
        elif timezone.localdate(answered_at) <= due:
            figures["on_time"] += 1
        else:
            figures["late"] += 1
    return figures


# --- a town's overview --------------------------------------------------------------------------------------

@dataclass
class VillageRow:
    village: Region
    open: int = 0
    done: int = 0
    rejected: int = 0
    stuck: int = 0
    unpublished: int = 0
    overdue: list = field(default_factory=list)  # Owed rows still missing
    late: int = 0  # scheduled disclosures of the last year published after their due day
    questions_open: int = 0
    questions_overdue: int = 0

    @property
    def flagged(self) -> bool:
        return bool(self.stuck or self.unpublished or self.overdue or self.questions_overdue)


def overview(path: str, on: datetime.date | None = None) -> list[VillageRow]:
    """One row per village under `path` (a town's, a village's): its matters by state with the stuck and
    unpublished ones, its missing and late disclosures of the last year, its open and overdue questions.
    A constant number of queries whatever the number of villages."""
    on = on or today()
    villages = list(villages_under(path))
    rows = {v.path: VillageRow(v) for v in villages}
    if not rows:
        return []
    for vpath, state, n in Matter.objects.filter(path__startswith=path).values_list("path", "state").annotate(
            n=Count("id")).order_by():
        row = rows.get(vpath)
        if row is None:
            continue
        if state == State.DONE:
            row.done += n
        elif state == State.REJECTED:
            row.rejected += n
        else:
            row.open += n
    configs = settings_by_town({town_path(p) for p in rows})
    for matter in Matter.objects.filter(path__startswith=path).exclude(state__in=ENDED_STATES).only(
            "pk", "path", "state", "last_step_on", "opened_at"):
        row = rows.get(matter.path)
        if row is not None:
            found = flags(matter, configs[town_path(matter.path)], on)
            row.stuck += found.stuck
            row.unpublished += found.unpublished
    owed = owed_disclosures(path, on - datetime.timedelta(days=366), on - datetime.timedelta(days=1),
                            villages=[(v.pk, v.path) for v in villages])
    for item in owed:
        row = rows[item.village_path]
        if item.missing:
            row.overdue.append(item)
        elif item.late:
            row.late += 1
    for vpath, answered, late, n in Question.objects.filter(path__startswith=path).values_list("path").annotate(
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            late=Count("id", filter=Q(answered_at__isnull=True, due_on__lt=on)), n=Count("id")).order_by():
        row = rows.get(vpath)
        if row is not None:
            row.questions_open += n - answered
            row.questions_overdue += late
    return list(rows.values())


# --- what the public board may show -------------------------------------------------------------------

def mask_for_board(items) -> list:
    """Items of current_items() made fit for the public board, in place: `body_shown`, `rows`,
    `shown_questions` and `shown_remarks` carry the texts with phones, ID numbers and e-mail addresses
    masked (core.personal.mask_text) and an asker's own name, where they wrote it or the answer greets
    them by it, as 张**; who asked never appears. No query: the askers come with the questions."""
    items = list(items)

    def shown(text: str, question) -> str:
        name = question.asker.name if question.asker_id else ""
        if len(name) > 1:
            text = text.replace(name, personal.mask_name(name))
        return personal.mask_text(text)

    for item in items:
        item.body_shown = personal.mask_text(item.body)
        item.rows = [dict(row, item=personal.mask_text(row.get("item", "")),
                          note=personal.mask_text(row.get("note", ""))) for row in item.table or []]
        item.shown_questions = [{"text": shown(q.text, q), "answer": shown(q.answer, q), "asked_at": q.asked_at,
                                 "answered_at": q.answered_at, "public": q.public} for q in item.public_questions]
        item.shown_remarks = [{"text": personal.mask_text(r.text), "is_check": r.is_check, "at": r.created_at,
                               "public": r.public} for r in item.public_remarks]
    return items
