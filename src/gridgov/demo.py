"""The whole demo: the town 东成镇 with its case loop, points, five stars and Open311, loaded as one.

It spans every app (like `api.py` and `urls.py`), so it lives above them; each app keeps its own
builder. The data depend only on the seed and a reference day: the history ends at the start of that
day (00:00 in the site's time zone), and every action runs on `clock.replaying_at`, so loading the
same seed and day on another date gives the same records. The town is loaded in one transaction and a
last audit row marks it complete, so a failure leaves an empty database and a database without the
mark is recognised as a half-loaded demo instead of being served as if it were whole.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.core.context import acting_as
from gridgov.core.models import AuditEntry
from gridgov.org import demo as org_demo
from gridgov.org.models import Region

# Enough for every board and chart to show something.
DEMO_CASES = 200
COMPLETE = "demo.complete"
# Each app's builder has its own random stream, derived from the one seed; the offsets keep the default
# seed's data what it has always been (cases and stars 2026, points 2022).
CASES_SEED_OFFSET = 4
STARS_SEED_OFFSET = 4
LINKS_SEED_OFFSET = 12
PATROLS_SEED_OFFSET = 13

EMPTY, COMPLETE_DEMO, PARTIAL_DEMO, OTHER_DATA = "empty", "complete", "partial", "other"


class DemoError(Exception):
    """The demo cannot be loaded; the message says why and what to do."""


def reference_moment(day: datetime.date) -> datetime.datetime:
    """The moment the demo's history ends: the start of `day` in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def state() -> str:
    """What the database holds: nothing, a complete demo, a demo whose loading stopped half-way (only
    possible with versions before loading became one transaction), or other data (a real town)."""
    if not Region.objects.exists():
        return EMPTY
    if AuditEntry.objects.filter(action=COMPLETE).exists():
        return COMPLETE_DEMO
    if AuditEntry.objects.filter(action="demo.load").exists():
        return PARTIAL_DEMO
    return OTHER_DATA


def load(*, scale: str = "town", seed: int = org_demo.DEFAULT_SEED, day: datetime.date | None = None,
         cases: int = DEMO_CASES, progress: bool = True, say: Callable[[str], None] = lambda line: None) -> dict:
    """Load the demo into an empty database; `say` gets one line per part as it is loaded. Returns the
    org summary with the reference `day` and the case counts by state (empty without cases)."""
    day = day or timezone.localdate()
    now = reference_moment(day)
    if scale == "county":
        # Benchmarks only: a million people commit town by town (org.demo.build), never as one transaction.
        summary = _org(scale, seed, progress, say)
        with transaction.atomic():
            _mark_complete(seed, day, scale)
        return {**summary, "day": day, "cases": {}}
    try:
        with transaction.atomic(), clock.replaying_at(now):
            summary = _org(scale, seed, progress, say)
            states = load_history(seed=seed, day=day, cases=cases, say=say) if cases > 0 else {}
            _mark_complete(seed, day, scale)
    except org_demo.DemoError as exc:
        raise DemoError(str(exc)) from None
    except Exception as exc:
        raise DemoError(_(
            "Loading the demo failed, and nothing was written: the database is as empty as before. "
            "The error was: %(error)s"
        ) % {"error": f"{type(exc).__name__}: {exc}"}) from exc
    return {**summary, "day": day, "cases": states}


def load_history(*, seed: int, day: datetime.date, cases: int = DEMO_CASES,
                 say: Callable[[str], None] = lambda line: None, practices: bool = True) -> dict:
    """On the demo town already loaded: the case loop's configuration and `cases` cases of the 60 days
    before `day`, then points, five stars and Open311 (they read the case loop). Returns the cases by state.
    `practices=False` leaves out the practice apps that plugged in (gridgov.core.modules): a sweep over many
    dates of the loop's own logic, where each of those apps tests its own part on its own dates."""
    now = reference_moment(day)
    with clock.replaying_at(now):
        states = _cases(cases, seed, now, say)
        _modules(seed, now, say, practices=practices)
    return states


def _org(scale, seed, progress, say) -> dict:
    summary = org_demo.build(scale, seed=seed, progress=progress)
    grids = summary["grids"]
    say(_(
        "Loaded %(towns)d town(s), %(villages)d villages and communities, grids %(g1)d/%(g2)d/%(g3)d "
        "(town/village/small), %(households)d households, %(people)d people, %(members)d party members, "
        "%(groups)d grid party groups, %(central)d party-member central households in %(seconds)s s."
    ) % {
        "towns": summary["regions"]["town"], "villages": summary["regions"]["village"],
        "g1": grids["1"], "g2": grids["2"], "g3": grids["3"], "households": summary["households"],
        "people": summary["people"], "members": summary["party_members"],
        "groups": summary["party_orgs"]["group"], "central": summary["central_households"],
        "seconds": summary["seconds"],
    })
    return summary


def _cases(count: int, seed: int, now: datetime.datetime, say) -> dict:
    from gridgov.cases import demo as case_demo
    from gridgov.cases.models import OPEN_STATES

    started = time.monotonic()
    config = case_demo.load_config()
    # The played history fills inboxes but queues nothing for the delivery channels: nobody is to get a
    # text for a made-up event of last month, and the worker's log stays readable on `make run`.
    with override_settings(GRIDGOV_NOTIFY_CHANNELS=""):
        states = case_demo.build_cases(now=now, seed=seed + CASES_SEED_OFFSET, count=count)
    say(_(
        "Loaded the case loop: %(cases)d cases (%(open)d open, %(closed)d closed), %(categories)d "
        "categories, %(units)d handling units and %(days)d calendar days in %(seconds).1f s."
    ) % {
        "cases": sum(states.values()), "open": sum(states[s] for s in OPEN_STATES), "closed": states["closed"],
        "categories": config["categories"], "units": config["units"], "days": config["holidays"],
        "seconds": time.monotonic() - started,
    })
    return states


def _modules(seed: int, now: datetime.datetime, say, practices: bool = True) -> None:
    """The modules built on the foundation and the case loop, in the order they read each other: points
    read cases and set the rules that contacts and patrols earn by, links and patrols raise cases, stars
    read them all, Open311 requests become cases."""
    from gridgov.links import demo as links_demo
    from gridgov.open311 import demo as open311_demo
    from gridgov.patrols import demo as patrols_demo
    from gridgov.points import demo as points_demo
    from gridgov.stars import demo as stars_demo

    from gridgov.core import modules

    builders = [
        lambda: points_demo.build(now=now, seed=seed),  # first: its rules award the contacts and patrols
        lambda: links_demo.build(now=now, seed=seed + LINKS_SEED_OFFSET),
        lambda: patrols_demo.build(now=now, seed=seed + PATROLS_SEED_OFFSET),
        # the practice apps that plugged in (gridgov.core.modules), in the order of INSTALLED_APPS
        *[lambda part=part: part.build(now=now, seed=seed + part.seed_offset)
          for part in (modules.demos() if practices else [])],
        lambda: stars_demo.build(now=now, seed=seed + STARS_SEED_OFFSET),
        open311_demo.build,
    ]
    for build in builders:
        with override_settings(GRIDGOV_NOTIFY_CHANNELS=""):  # as for the cases: nothing to text anyone
            line = build()
        if line:
            say(line)


def _mark_complete(seed: int, day: datetime.date, scale: str) -> None:
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    # Under the load's own request id, so the audit log shows the mark as part of that load.
    load_id = AuditEntry.objects.filter(action="demo.load").values_list("request_id", flat=True).first()
    with acting_as(None, request_id=load_id):
        audit.record(COMPLETE, county, None, {"seed": seed, "day": day.isoformat(), "scale": scale})
