"""Five-star metric sources (gridgov.stars.metrics) of village affairs, each over a village and a window:

- affairs.matters: of the matters decided in the window, the share that went through the four
  deliberations in order and had their decision published within the town's publish days;
- affairs.disclosures: of the scheduled disclosures (三务公开) due in the window, the share published on time;
- affairs.questions: of the villagers' questions due in the window, the share answered by their due day.

Each answers {"value", "score", "records"}; value None when nothing was due (no figure, not 100 %). What is
not yet due on the day the figure is read (a decision whose publish days still run, a period or question
whose due day is ahead) is pending and left out of both sides; the records say how many.
"""

from __future__ import annotations

import datetime
import itertools
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock

from . import queries
from .actions import settings_for, town_of
from .models import DELIBERATIONS, STATE_AFTER, Matter, Outcome, State, Step

# Most matter ids listed in a snapshot; the counts are always complete.
MAX_IDS = 200


def _today() -> datetime.date:
    return timezone.localdate(clock.now())


def _share(good: int, counted: int) -> float | None:
    return round(good / counted, 4) if counted else None


def _window(since: datetime.date, until: datetime.date) -> dict:
    return {"since": since.isoformat(), "until": until.isoformat()}


def _link(page: str, village) -> str:
    """The village's page of village affairs: its matters and questions (""), or its board ("board/")."""
    return f"/affairs/{page}?" + urlencode({"village": village.code})


def _as_of(matter: Matter, steps: list, on: datetime.date) -> Matter:
    """The matter as it stood at the end of `on` (its steps up to that day), unsaved, for the flags."""
    taken = [s for s in steps if s.date <= on]
    state = State.OPEN
    if taken:
        last = taken[-1]
        state = State.REJECTED if last.outcome == Outcome.REJECTED else STATE_AFTER[last.step]
    return Matter(pk=matter.pk, state=state, last_step_on=taken[-1].date if taken else None,
                  opened_at=matter.opened_at, path=matter.path)


def matters(village, since: datetime.date, until: datetime.date) -> dict:
    """Of the village's matters whose villagers' decision passed in the window: the share that went through
    the four deliberations in order (each passed, none after the decision) and whose decision was published
    within the town's publish days of it. A decision whose publish days still run and is not yet published
    is pending. The records also count, as the window's last day stood (today if sooner), the open matters
    flagged stuck and the decisions flagged unpublished, and the matters rejected in the window."""
    today = _today()
    on = min(until, today)
    config = settings_for(town_of(village.path))
    limit = datetime.timedelta(days=config.publish_days)
    # Not by the day opened: a matter may be entered after its first steps were taken (dated back).
    rows = list(Matter.objects.filter(path=village.path).exclude(ended_on__lt=since).prefetch_related("steps")
                .order_by("opened_at", "pk"))
    decided, proper, late, unpublished, pending, rejected, stuck, flagged = [], [], [], [], [], [], [], []
    for matter in rows:
        # Only what had happened by today: the figure read on a past day is the figure of that day.
        steps = sorted((s for s in matter.steps.all() if s.date <= today), key=lambda s: (s.date, s.pk))
        by_step = {s.step: s for s in steps}
        rejected += [matter.pk for s in steps if s.outcome == Outcome.REJECTED and since <= s.date <= until]
        found = queries.flags(_as_of(matter, steps, on), config, on)
        if found.stuck:
            stuck.append(matter.pk)
        if found.unpublished:
            flagged.append(matter.pk)
        decide = by_step.get(Step.DECIDE)
        if decide is None or decide.outcome != Outcome.PASSED or not (since <= decide.date <= until):
            continue
        decided.append(matter.pk)
        in_order = [by_step.get(step) for step in DELIBERATIONS]
        deliberated = all(s is not None and s.outcome == Outcome.PASSED for s in in_order) and all(
            a.date <= b.date for a, b in itertools.pairwise(in_order))
        published = by_step.get(Step.PUBLISH_DECISION)
        if published is None and today <= decide.date + limit:
            pending.append(matter.pk)
        elif published is None:
            unpublished.append(matter.pk)
        elif published.date > decide.date + limit:
            late.append(matter.pk)
        elif deliberated:
            proper.append(matter.pk)
    counted = len(decided) - len(pending)
    share = _share(len(proper), counted)
    return {"value": share, "score": share,
            "records": {"kind": "affairs_matters", **_window(since, until), "decided": len(decided),
                        "proper": len(proper), "published_late": len(late), "unpublished": len(unpublished),
                        "pending": len(pending), "rejected": len(rejected), "publish_days": config.publish_days,
                        "flags_on": on.isoformat(), "stuck": len(stuck), "flagged_unpublished": len(flagged),
                        "matter_ids": decided[:MAX_IDS], "stuck_ids": stuck[:MAX_IDS],
                        "link": _link("", village)}}


def disclosures(village, since: datetime.date, until: datetime.date) -> dict:
    """Of the village's scheduled disclosures (monthly, quarterly under the town's schedule) whose due day
    fell in the window and has passed: the share published by their due day. Late and missing ones are
    listed by kind and period."""
    # Due days that have passed: on its due day a disclosure not yet published is still on time.
    last = min(until, _today() - datetime.timedelta(days=1))
    rows = queries.owed_disclosures(village.path, since, last, villages=[(village.pk, village.path)])
    on_time = [r for r in rows if r.on_time]
    late = [f"{r.kind}:{r.period}" for r in rows if r.late]
    missing = [f"{r.kind}:{r.period}" for r in rows if r.missing]
    share = _share(len(on_time), len(rows))
    return {"value": share, "score": share,
            "records": {"kind": "affairs_disclosures", **_window(since, until), "due": len(rows),
                        "on_time": len(on_time), "late": len(late), "missing": len(missing),
                        "late_periods": late, "missing_periods": missing,
                        "link": _link("board/", village)}}


def questions(village, since: datetime.date, until: datetime.date) -> dict:
    """Of the questions on the village's affairs due in the window: the share answered by their due day.
    One still open before its due day has passed is pending."""
    today = _today()
    figures = queries.question_figures(village.path, since, until, today)
    counted = figures["on_time"] + figures["late"] + figures["overdue"]
    share = _share(figures["on_time"], counted)
    return {"value": share, "score": share,
            "records": {"kind": "affairs_questions", **_window(since, until), "due": figures["due"],
                        "on_time": figures["on_time"], "late": figures["late"], "overdue": figures["overdue"],
                        "pending": figures["open"] - figures["overdue"],
                        "link": _link("", village)}}


def register() -> None:
    from gridgov.stars import metrics as star_metrics

    star_metrics.register("affairs.matters", _("Major matters through 4+2 properly (share decided in the period)"),
                          matters)
    star_metrics.register("affairs.disclosures",
                          _("Party, village and finance affairs disclosed on time (share due in the period)"),
                          disclosures)
    star_metrics.register("affairs.questions", _("Villagers' questions answered on time (share due in the period)"),
                          questions)
