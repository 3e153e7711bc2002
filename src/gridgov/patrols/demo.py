"""The demo's records of this app (see gridgov/demo.py): built from the reference moment `now`, so they
read the same whatever day the demo is loaded on.

Eight ISO weeks of patrols before the week of `now` (and the days of that week already past) for one
grid worker of each small grid: three a week as the default rule asks, a few grids short of it, a few
patrols entered by hand. The demo account `gridworker` patrols its own grid, earns the town's
"patrol_done" points and has raised two cases on patrol. Written in bulk; the audit log gets one row
for the batch."""

import datetime
import random
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, clock
from gridgov.org.models import Grid, Post, Region, User

from . import actions, periods
from .models import CheckIn, Patrol, Visit

WEEKS = 8
SHORT_SHARE = 0.08
BY_HAND_REASONS = ["手机没电，事后补录", "山区没有信号，回村后补录", "陪同检查，纸质记录补录"]
PROBLEMS = ["巷口垃圾堆积，无人清运", "路灯不亮，夜间出行不便"]


def _days(now: datetime.datetime) -> list[list[datetime.date]]:
    """The days of each week to patrol: eight whole ISO weeks before this week, then this week's past days."""
    today = timezone.localdate(now)
    this_monday = periods.week_start(today)
    weeks = []
    for w in range(WEEKS, 0, -1):
        monday = this_monday - datetime.timedelta(weeks=w)
        weeks.append([monday + datetime.timedelta(days=d) for d in range(7)])
    current = [this_monday + datetime.timedelta(days=d) for d in range((today - this_monday).days)]
    if current:
        weeks.append(current)
    return weeks


def _point(rng: random.Random, grid: dict) -> tuple[float, float]:
    """A point well inside the grid's bounding box (the demo's grids are boxes)."""
    fx, fy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    return (round(grid["min_lat"] + fy * (grid["max_lat"] - grid["min_lat"]), 6),
            round(grid["min_lng"] + fx * (grid["max_lng"] - grid["min_lng"]), 6))


def build(now, seed: int) -> str:
    """Build the demo records; returns one line for the loader's report (empty: nothing to say)."""
    started = time.monotonic()
    rng = random.Random(seed)
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    if town is None:
        return ""
    grids = list(Grid.objects.filter(level=Grid.Level.SMALL, path__startswith=town.path, min_lat__isnull=False)
                 .order_by("code").values("id", "code", "path", "min_lat", "min_lng", "max_lat", "max_lng"))
    posts = (Post.objects.filter(kind__in=actions.WORKER_POSTS[1:], grid__level=Grid.Level.SMALL,
                                 grid__path__startswith=town.path)
             .select_related("person").order_by("grid_id", "pk"))
    worker_of: dict[int, tuple] = {}
    for post in posts:
        worker_of.setdefault(post.grid_id, (post.person, None))
    account = User.objects.filter(username="gridworker", role="grid_worker", is_active=True).select_related(
        "person", "scope_grid").first()
    if account is not None and account.person_id and account.scope_grid_id:
        worker_of[account.scope_grid_id] = (account.person, account)
    grids = [g for g in grids if g["id"] in worker_of]
    # The demo account's grid keeps the rule, so its pages show a full record; a few others fall short.
    others = [g for g in grids if account is None or g["id"] != account.scope_grid_id]
    short = {g["id"] for g in rng.sample(others, max(1, round(len(others) * SHORT_SHARE)))} if others else set()
    names = {pk: (user.display_name if user else person.name)[:150] for pk, (person, user) in worker_of.items()}
    tz = now.tzinfo
    patrols, plans = [], []
    for grid in grids:
        person, user = worker_of[grid["id"]]
        for days in _days(now):
            if grid["id"] in short:
                wanted = rng.choice([0, 1, 2, 2])
            else:
                wanted = 3 if rng.random() < 0.85 else 4
            wanted = min(len(days), round(wanted * len(days) / 7)) if len(days) < 7 else wanted
            for day in sorted(rng.sample(days, wanted)):
                start = datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])),
                                                  tzinfo=tz)
                end = start + datetime.timedelta(minutes=rng.randint(30, 100))
                by_hand = rng.random() < 0.03
                patrols.append(Patrol(
                    person=person, user=user, worker_name=names[grid["id"]],
                    path=user.scope_path if user else grid["path"], grid_paths=[grid["path"]],
                    state=Patrol.State.FINISHED, started_at=start, finished_at=end, day=day, by_hand=by_hand,
                    reason=rng.choice(BY_HAND_REASONS) if by_hand else "", created_at=end))
                # Two check-ins (where it began and ended) on the demo account's grid and on some others;
                # one elsewhere keeps the load quick and counts just the same.
                plans.append((grid, start, end, by_hand, 2 if user or rng.random() < 0.25 else 1))
    Patrol.objects.bulk_create(patrols, batch_size=1000)
    checkins, visits = [], []
    for patrol, (grid, start, end, by_hand, n) in zip(patrols, plans):
        if by_hand:
            checkins.append(CheckIn(patrol=patrol, time=start, grid_id=grid["id"], counted=True, by_hand=True))
        else:
            step = (end - start) / n
            for i in range(n):
                lat, lng = _point(rng, grid)
                checkins.append(CheckIn(patrol=patrol, time=start + step * i, lat=lat, lng=lng,
                                        accuracy=float(rng.choice([5, 8, 10, 15, 25, 40])), grid_id=grid["id"],
                                        counted=True))
        visits.append(Visit(patrol=patrol, grid_id=grid["id"], path=grid["path"], day=patrol.day))
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    Visit.objects.bulk_create(visits, batch_size=2000)
    audit.record("patrol.demo", town, None, {"total": len(patrols), "grids": len(grids)})
    cases = _worker_story(account, patrols) if account is not None else 0
    return _("Loaded %(patrols)d patrols of %(grids)d small grids over eight weeks (%(short)d grids short of the "
             "rule), %(cases)d cases raised on patrol, in %(seconds).1f s.") % {
        "patrols": len(patrols), "grids": len(grids), "short": len(short), "cases": cases,
        "seconds": time.monotonic() - started}


def _worker_story(account, patrols: list[Patrol]) -> int:
    """The demo account's patrols earn their points, and its two latest recorded ones raised a case each."""
    from gridgov.cases.models import Category

    own = [p for p in patrols if p.user_id == account.pk]
    for patrol in own:
        patrol.person = account.person
        with clock.replaying_at(patrol.finished_at):
            actions._award(patrol, patrol.finished_at)
    category = Category.objects.filter(level=2, is_active=True).order_by("code").first()
    recorded = [p for p in own if not p.by_hand][-2:]
    if category is None:
        return 0
    for patrol, problem in zip(recorded, PROBLEMS):
        checkin = CheckIn.objects.filter(patrol=patrol).order_by("time", "pk").first()
        with clock.replaying_at(checkin.time + datetime.timedelta(minutes=5)):
            actions.do_report_case(account, patrol, category, problem, checkin.lat, checkin.lng)
    return len(recorded)
