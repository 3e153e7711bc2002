"""Town task benchmark: a synthetic county (default 20 towns x 15 villages = 300 villages) with a year of
town tasks (each town issues four tasks and one weekly hint a week to all its villages: about 78,000
assignments in every state, some overdue), then the reads of a town's task board: p50/p95/max in
milliseconds. Prints figures; never part of the test suite.

    python benchmarks/bench_tasks.py                                  # SQLite in a temporary directory
    python benchmarks/bench_tasks.py --villages-per-town 5 --weeks 13  # smaller, quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tasks python benchmarks/bench_tasks.py

With DATABASE_URL the named database is DROPPED and created again. The reads, each for a random town
(and a random village of it) and a random month or quarter of the year, N times:
  board     queries.board(town, a month): the villages x state counts of the board, overdue apart
  page      GET /tasks/board/?scope=<town>&month=… as a signed-in user: the whole page, rendered
  list      GET /api/v1/tasks?scope=<town>&state=issued: the contract's list, first page of 50
  account   queries.accountability(town, a quarter): the 问责 list
  metric    the five-star source tasks.on_time for a village over a quarter
Only the org rows the reads need are built (regions, no people); tasks and assignments are written with
bulk_create.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def _recreate_pg(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark only drops databases whose name starts with 'bench'")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(args) -> None:
    if os.environ.get("DATABASE_URL"):
        _recreate_pg(os.environ["DATABASE_URL"])
    else:
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="bench_tasks_")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
    os.environ.setdefault("GRIDGOV_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _state(rng, due: datetime.datetime, now: datetime.datetime) -> tuple[str, datetime.datetime | None]:
    """A plausible state and completion moment: most past tasks accepted (a few late), a few overdue."""
    r = rng.random()
    if due < now:
        if r < 0.80:
            return "accepted", due - datetime.timedelta(hours=rng.randint(2, 90))
        if r < 0.88:
            return "accepted", due + datetime.timedelta(hours=rng.randint(2, 60))
        if r < 0.92:
            return "completed", due - datetime.timedelta(hours=5)
        return rng.choice(["issued", "signed", "in_progress"]), None
    return rng.choice(["issued", "signed", "in_progress", "in_progress", "completed"]), None


def build(args, now: datetime.datetime) -> dict:
    from django.db import transaction

    from gridgov.org.models import Region
    from gridgov.tasks.models import Assignment, Task

    rng = random.Random(2026)
    started = time.monotonic()
    with transaction.atomic():
        county = Region.objects.create(code="445399000000", name="基准县", level=1, kind="county", path="445399.")
        towns = [Region(code=f"445399{100 + t:03d}000", name=f"镇{t}", level=2, kind="town", parent=county,
                        path=f"445399.{100 + t:03d}.") for t in range(args.towns)]
        Region.objects.bulk_create(towns)
        towns = list(Region.objects.filter(level=2).order_by("code"))
        villages = [Region(code=f"{town.code[:9]}{200 + v:03d}", name=f"{town.name}村{v}", level=3, kind="village",
                           parent=town, path=f"{town.path}{200 + v:03d}.")
                    for town in towns for v in range(args.villages_per_town)]
        Region.objects.bulk_create(villages, batch_size=2000)
    by_town: dict[int, list] = {}
    for v in Region.objects.filter(level=3).order_by("code"):
        by_town.setdefault(v.parent_id, []).append(v)
    first_monday = now.date() - datetime.timedelta(days=now.weekday()) - datetime.timedelta(weeks=args.weeks)
    assignments = 0
    for town in towns:
        tasks = []
        for w in range(args.weeks + 2):
            monday = first_monday + datetime.timedelta(weeks=w)
            for k in range(args.tasks_per_week + 1):
                hint = k == args.tasks_per_week
                deadline = monday + datetime.timedelta(days=4 if hint else rng.choice([4, 8, 11, 15]))
                due = datetime.datetime.combine(deadline, datetime.time(17, 30), tzinfo=TZ)
                created = datetime.datetime.combine(monday, datetime.time(9), tzinfo=TZ)
                if created >= now:
                    continue
                tasks.append(Task(town=town, path=town.path, kind="hint" if hint else "task",
                                  title=f"第{w + 1}周任务{k + 1}", deadline=deadline, due_at=due,
                                  evidence_required=not hint, created_at=created))
        with transaction.atomic():
            Task.objects.bulk_create(tasks, batch_size=2000)
            rows = []
            for task in tasks:
                for village in by_town[town.pk]:
                    state, done = _state(rng, task.due_at, now)
                    rows.append(Assignment(task=task, village=village, path=village.path, state=state,
                                           due_at=task.due_at, completed_at=done,
                                           accepted_at=done + datetime.timedelta(hours=20) if state == "accepted"
                                           else None, updated_at=task.created_at))
            Assignment.objects.bulk_create(rows, batch_size=5000)
            assignments += len(rows)
    return {"towns": len(towns), "villages": sum(len(v) for v in by_town.values()), "assignments": assignments,
            "tasks": Task.objects.count(), "seconds": time.monotonic() - started}


def measure(args, now: datetime.datetime) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gridgov.core import clock
    from gridgov.org.models import Region, User
    from gridgov.tasks import actions, metrics, queries

    rng = random.Random(7)
    towns = list(Region.objects.filter(level=2))
    villages = list(Region.objects.filter(level=3))
    months = [(now.date().replace(day=1) - datetime.timedelta(days=30 * i)).replace(day=1) for i in range(12)]
    user = User.objects.create_superuser("bench", password="Bench-2026-x")
    client = Client()
    client.force_login(user)

    def month_end(first):
        return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)

    def page(t, v, m):
        r = client.get("/tasks/board/", {"scope": t.code, "month": m.strftime("%Y-%m")})
        assert r.status_code == 200, r.status_code

    def listing(t, v, m):
        r = client.get("/api/v1/tasks", {"scope": t.code, "state": "issued"})
        assert r.status_code == 200, r.status_code

    def quarter(m):
        return actions.quarter_bounds(*actions.quarter_of(m))

    reads = {
        "board": lambda t, v, m: queries.board(t.path, m, month_end(m), now),
        "page": page,
        "list": listing,
        "account": lambda t, v, m: queries.accountability(t.path, *quarter(m), now),
        "metric": lambda t, v, m: metrics.on_time(v, *quarter(m)),
    }
    with clock.replaying_at(now):
        for name, read in reads.items():
            times, nq = [], 0
            for i in range(args.repeat + 1):
                town, village, month = rng.choice(towns), rng.choice(villages), rng.choice(months)
                reset_queries()
                with CaptureQueriesContext(connection) as q:
                    t0 = time.perf_counter()
                    read(town, village, month)
                    spent = (time.perf_counter() - t0) * 1000
                if i:  # the first call warms the caches
                    times.append(spent)
                    nq = len(q)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{name:7s} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  "
                  f"queries {nq}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--villages-per-town", type=int, default=15)
    parser.add_argument("--tasks-per-week", type=int, default=4)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup(args)
    from django.db import connection

    now = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=TZ)
    built = build(args, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {built['towns']} towns, {built['villages']} villages, {built['tasks']} tasks, "
          f"{built['assignments']} assignments over {args.weeks} weeks, built in {built['seconds']:.0f} s")
    measure(args, now)


if __name__ == "__main__":
    main()
