"""Link coverage and contact-rate queries on a synthetic county: p50/p95 per town. Prints figures; never
part of the test suite.

    python benchmarks/bench_links.py                                  # ~300k households, a year of contacts
    python benchmarks/bench_links.py --households-per-grid 20         # ~60k households, a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_links python benchmarks/bench_links.py

The county: `--towns` (20) x `--villages` (15) x `--grids` (10) small grids, `--households-per-grid`
(100) households each, one member per small grid linked to all of its households (a few grids left
unlinked), and for each of the 12 months before today one contact for 85% of the households, written
with bulk_create. On SQLite the database is a new file under a temporary GRIDGOV_VAR_DIR; with
DATABASE_URL that database must exist, and its links, contacts and org tables are EMPTIED first
(`--skip-build`: measure what the last run built).

Measured for each town, for the current month and each of the last 12:
  figures   queries.month_figures(town): households, linked, linked_in_month, contacted (the API's
            GET /api/v1/links/coverage?scope=TOWN&month=...)
  by_child  queries.by_child(town): the same figures for each of its villages (the coverage page's table)
p50/p95/max in milliseconds.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--villages", type=int, default=15)
    parser.add_argument("--grids", type=int, default=10)
    parser.add_argument("--households-per-grid", type=int, default=100)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-build", action="store_true", help="measure the database built by the last run")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="bench_links_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not args.skip_build:
        started = time.monotonic()
        counts = build(args)
        print(f"database {connection.vendor}; built {counts} in {time.monotonic() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # visibility maps: the counts read the indexes alone
    measure(args)


def build(args) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from gridgov.links.models import Contact, Link
    from gridgov.org.models import Grid, Household, Person, Region

    rng = random.Random(args.seed)
    with transaction.atomic():
        for model in (Contact, Link):
            model.objects.all().delete()
        Person.objects.all().delete()
        Household.objects.all().delete()
        Grid.objects.filter(level=3).delete()
        Grid.objects.filter(level=2).delete()
        Grid.objects.all().delete()
        Region.objects.filter(level=3).delete()
        Region.objects.filter(level=2).delete()
        Region.objects.all().delete()
    today = timezone.localdate()
    since = today - datetime.timedelta(days=31 * (args.months + 1))
    months = []
    y, m = today.year, today.month
    for _k in range(args.months + 1):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    county = Region.objects.create(code="445399000000", name="县", level=1, kind="county", path="445399.")
    households = links = contacts = 0
    for t in range(args.towns):
        with transaction.atomic():
            town = Region.objects.create(code=f"445399{100 + t:03d}000", name=f"镇{t}", level=2, kind="town",
                                         parent=county, path=f"445399.{100 + t:03d}.")
            villages = Region.objects.bulk_create([
                Region(code=f"445399{100 + t:03d}{200 + v:03d}", name=f"村{t}-{v}", level=3, kind="village",
                       parent=town, path=f"{town.path}{200 + v:03d}.") for v in range(args.villages)])
            town_grid = Grid.objects.create(code=f"{town.code}000", name=town.name, level=1, region=town,
                                            path=town.path)
            vgrids = Grid.objects.bulk_create([Grid(code=f"{v.code}000", name=v.name, level=2, region=v,
                                                    parent=town_grid, path=v.path) for v in villages])
            small = Grid.objects.bulk_create([
                Grid(code=f"{v.region.code}{g + 1:03d}", name=f"{v.name}-{g}", level=3, region=v.region, parent=v,
                     path=f"{v.path}g{g + 1:03d}.") for v in vgrids for g in range(args.grids)])
            houses = Household.objects.bulk_create([
                Household(number=f"H{g.code}{k:03d}", grid=g, address="-", path=g.path)
                for g in small for k in range(args.households_per_grid)], batch_size=5000)
            members = Person.objects.bulk_create([
                Person(name=f"党员{g.code}", gender="M", grid=g, is_party_member=True, path=g.path) for g in small])
            member_of = {p.grid_id: p for p in members}
            new_links = [Link(member=member_of[h.grid_id], household=h, since=since, path=h.path)
                         for h in houses if rng.random() < 0.97]
            new_links = Link.objects.bulk_create(new_links, batch_size=5000)
            rows = []
            for link in new_links:
                for (year, month) in months[1:]:
                    if rng.random() < 0.85:
                        rows.append(Contact(link=link, member_id=link.member_id, household_id=link.household_id,
                                            way="visit", date=datetime.date(year, month, rng.randint(1, 28)),
                                            month=year * 100 + month, path=link.path))
                if rng.random() < 0.5:
                    rows.append(Contact(link=link, member_id=link.member_id, household_id=link.household_id,
                                        way="phone", date=today, month=today.year * 100 + today.month,
                                        path=link.path))
            Contact.objects.bulk_create(rows, batch_size=5000)
            households, links, contacts = households + len(houses), links + len(new_links), contacts + len(rows)
        print(f"  town {t + 1}/{args.towns}: {households} households, {contacts} contacts", flush=True)
    return {"households": households, "links": links, "contacts": contacts}


def measure(args):
    from django.db import connection

    from gridgov.links import queries
    from gridgov.org.models import Region

    towns = list(Region.objects.filter(level=2).order_by("code"))
    today = datetime.date.today()
    months = [(today.year, today.month)]
    for _k in range(args.months):
        months.append(queries.shift_month(*months[-1], -1))
    for name, func in (("figures", lambda town, y, m: queries.month_figures(town.path, y, m)),
                       ("by_child", lambda town, y, m: queries.by_child(town, y, m))):
        times = []
        for town in towns:
            for year, month in months:
                began = time.perf_counter()
                func(town, year, month)
                times.append((time.perf_counter() - began) * 1000)
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{name:9s} n={len(times)} p50={statistics.median(times):.1f} ms p95={p95:.1f} ms "
              f"max={times[-1]:.1f} ms ({connection.vendor})")


if __name__ == "__main__":
    main()
