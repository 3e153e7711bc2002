"""Patrol compliance benchmark: a synthetic county (default 20 towns x 15 villages x 10 small grids =
3,000 small grids) with a year of patrols (three a week per grid, a few grids short, about 470,000
patrols), then the reads of the compliance board for a town: p50/p95/max in milliseconds. Prints
figures; never part of the test suite.

    python benchmarks/bench_patrols.py                                  # SQLite in a temporary directory
    python benchmarks/bench_patrols.py --villages-per-town 3 --weeks 13  # smaller, quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_patrols python benchmarks/bench_patrols.py

With DATABASE_URL the named database is DROPPED and created again. The reads, each for a random town
(and a random village of it) and a random week of the year, N times:
  week      queries.week_compliance(town, week): the items of GET /api/v1/patrols/compliance
  board     queries.board(town, 4 weeks): the grid x week page with its half months
  count     queries.patrol_count(town, a quarter)
  metric    the five-star source patrols.compliance for a village over a quarter
Only org rows the reads need are built (regions and grids, no people); patrols and their visits are
written with bulk_create.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


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
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="bench_patrols_")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
    os.environ.setdefault("GRIDGOV_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(args, today: datetime.date) -> dict:
    from django.db import transaction

    from gridgov.org.models import Grid, Region
    from gridgov.patrols.models import Patrol, Visit

    rng = random.Random(2026)
    started = time.monotonic()
    with transaction.atomic():
        county = Region.objects.create(code="445399000000", name="基准县", level=1, kind="county", path="445399.")
        towns, villages = [], []
        for t in range(args.towns):
            tcode = f"{100 + t:03d}"
            towns.append(Region(code=f"445399{tcode}000", name=f"镇{t}", level=2, kind="town", parent=county,
                                path=f"445399.{tcode}."))
        Region.objects.bulk_create(towns)
        towns = list(Region.objects.filter(level=2).order_by("code"))
        for town in towns:
            for v in range(args.villages_per_town):
                vcode = f"{200 + v:03d}"
                villages.append(Region(code=f"{town.code[:9]}{vcode}", name=f"{town.name}村{v}", level=3,
                                       kind="village", parent=town, path=f"{town.path}{vcode}."))
        Region.objects.bulk_create(villages, batch_size=2000)
        villages = list(Region.objects.filter(level=3).order_by("code"))
        grids = []
        for village in villages:
            for g in range(args.grids_per_village):
                lng, lat = 112.0 + (len(grids) % 100) * 0.01, 22.0 + (len(grids) // 100) * 0.01
                grids.append(Grid(code=f"{village.code}{g + 1:03d}", name=f"{village.name}第{g + 1}网格", level=3,
                                  region=village, path=f"{village.path}g{g + 1:03d}.", min_lng=lng, min_lat=lat,
                                  max_lng=lng + 0.01, max_lat=lat + 0.01))
        Grid.objects.bulk_create(grids, batch_size=2000)
    grids = list(Grid.objects.filter(level=3).values_list("id", "path"))
    first_monday = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=args.weeks)
    tz = datetime.timezone(datetime.timedelta(hours=8))
    total = 0
    batch_p, batch_v = [], []

    def flush():
        Patrol.objects.bulk_create(batch_p, batch_size=5000)
        Visit.objects.bulk_create([Visit(patrol=p, grid_id=g, path=path, day=p.day)
                                   for p, (g, path) in zip(batch_p, batch_v)], batch_size=5000)
        batch_p.clear()
        batch_v.clear()

    for grid_id, path in grids:
        short = rng.random() < 0.08
        with transaction.atomic():
            for w in range(args.weeks):
                monday = first_monday + datetime.timedelta(weeks=w)
                n = rng.choice([0, 1, 2]) if short else 3
                for d in rng.sample(range(7), n):
                    day = monday + datetime.timedelta(days=d)
                    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz)
                    batch_p.append(Patrol(worker_name="网格员", path=path, grid_paths=[path], state="finished",
                                          started_at=start, finished_at=start, day=day, created_at=start))
                    batch_v.append((grid_id, path))
                    total += 1
            if len(batch_p) >= 20000:
                flush()
    with transaction.atomic():
        flush()
    return {"grids": len(grids), "towns": len(towns), "villages": len(villages), "patrols": total,
            "first_monday": first_monday, "seconds": time.monotonic() - started}


def measure(args, built: dict, today: datetime.date) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from gridgov.core import clock
    from gridgov.org.models import Region
    from gridgov.patrols import metrics, queries

    rng = random.Random(7)
    towns = list(Region.objects.filter(level=2))
    villages = list(Region.objects.filter(level=3))
    mondays = [built["first_monday"] + datetime.timedelta(weeks=w) for w in range(args.weeks)]
    reads = {
        "week": lambda t, v, m: queries.week_compliance(t.path, m),
        "board": lambda t, v, m: queries.board(t.path, [m - datetime.timedelta(weeks=i) for i in range(3, -1, -1)]),
        "count": lambda t, v, m: queries.patrol_count(t.path, m, m + datetime.timedelta(days=90)),
        "metric": lambda t, v, m: metrics.compliance(v, m, m + datetime.timedelta(days=90)),
    }
    import zoneinfo

    moment = datetime.datetime.combine(today, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with clock.replaying_at(moment):
        for name, read in reads.items():
            times, nq = [], 0
            for i in range(args.repeat + 1):
                town, village, monday = rng.choice(towns), rng.choice(villages), rng.choice(mondays)
                reset_queries()
                with CaptureQueriesContext(connection) as q:
                    t0 = time.perf_counter()
                    read(town, village, monday)
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
    parser.add_argument("--grids-per-village", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup(args)
    from django.db import connection

    today = datetime.date(2026, 12, 4)
    built = build(args, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {built['towns']} towns, {built['villages']} villages, {built['grids']} small grids, "
          f"{built['patrols']} patrols over {args.weeks} weeks, built in {built['seconds']:.0f} s")
    measure(args, built, today)


if __name__ == "__main__":
    main()
