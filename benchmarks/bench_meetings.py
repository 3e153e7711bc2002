"""Organisational-life benchmark: a synthetic county (default 20 towns x 16 villages, each village a
branch of 40 party members in 4 grid party groups = 320 branches and 1,280 groups, 12,800 members) with a
year of meetings as the default rules ask (about 26,000 meetings and 430,000 attendance rows), then the
reads of the compliance board: p50/p95/max in milliseconds. Prints figures; never part of the test suite.

    python benchmarks/bench_meetings.py                        # SQLite in a temporary directory
    python benchmarks/bench_meetings.py --towns 5              # smaller, quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_meetings python benchmarks/bench_meetings.py

With DATABASE_URL the named database is DROPPED and created again. The reads, each for a random town
(and a random village or branch of it) and a random quarter of the year, N times:
  town      queries.compliance(town, quarter): the items of GET /api/v1/party/compliance?scope=<town>
  board     the same with each slot's state: the board page's organisation x month/quarter cells
  metric    the five-star source meetings.compliance for a village over a quarter
  members   queries.member_rates(branch, quarter): attendance per member, absent three times running
Org rows are written with bulk_create (people without ID numbers or phones); meetings and attendance too.
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
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="bench_meetings_")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
    os.environ.setdefault("GRIDGOV_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(args, today: datetime.date) -> dict:
    from django.db import transaction

    from gridgov.meetings import periods
    from gridgov.meetings.models import DEFAULT_RULES, Attendance, Meeting, MeetingKind
    from gridgov.org.models import Grid, PartyOrg, Person, Region

    rng = random.Random(2026)
    started = time.monotonic()
    with transaction.atomic():
        county = Region.objects.create(code="445399000000", name="基准县", level=1, kind="county", path="445399.")
        Region.objects.bulk_create([Region(code=f"445399{100 + t:03d}000", name=f"镇{t}", level=2, kind="town",
                                           parent=county, path=f"445399.{100 + t:03d}.") for t in range(args.towns)])
        towns = list(Region.objects.filter(level=2).order_by("code"))
        Region.objects.bulk_create([Region(code=f"{t.code[:9]}{200 + v:03d}", name=f"{t.name}村{v}", level=3,
                                           kind="village", parent=t, path=f"{t.path}{200 + v:03d}.")
                                    for t in towns for v in range(args.villages_per_town)], batch_size=2000)
        villages = list(Region.objects.filter(level=3).order_by("code"))
        Grid.objects.bulk_create([Grid(code=f"{v.code}{g + 1:03d}", name=f"{v.name}第{g + 1}网格", level=3, region=v,
                                       path=f"{v.path}g{g + 1:03d}.")
                                  for v in villages for g in range(args.groups_per_branch)], batch_size=2000)
        grids: dict[int, list] = {}
        for g in Grid.objects.filter(level=3).order_by("code"):
            grids.setdefault(g.region_id, []).append(g)
        PartyOrg.objects.bulk_create([PartyOrg(code=f"P{v.code}", name=f"{v.name}党支部", kind="branch", region=v,
                                               path=v.path) for v in villages], batch_size=2000)
        branches = {o.region_id: o for o in PartyOrg.objects.filter(kind="branch")}
        PartyOrg.objects.bulk_create([PartyOrg(code=f"PG{g.code}", name=f"{g.name}党小组", kind="group", region=v,
                                               parent=branches[v.pk], grid=g, path=g.path)
                                      for v in villages for g in grids[v.pk]], batch_size=2000)
        groups: dict[int, list] = {}
        for o in PartyOrg.objects.filter(kind="group").order_by("code"):
            groups.setdefault(o.parent_id, []).append(o)
        per_group = args.members // args.groups_per_branch
        Person.objects.bulk_create([Person(name=f"党员{i}", gender="M", grid=o.grid, path=o.path, is_party_member=True,
                                           party_org=o)
                                    for b in branches.values() for o in groups[b.pk] for i in range(per_group)],
                                   batch_size=5000)
    members: dict[int, list[int]] = {}
    for pk, org_id in Person.objects.values_list("pk", "party_org_id"):
        members.setdefault(org_id, []).append(pk)
    kinds = {k.code: k for k in MeetingKind.objects.filter(town__isnull=True)}
    since = today - datetime.timedelta(days=365)
    orgs = list(PartyOrg.objects.filter(kind__in=["branch", "group"]).order_by("pk"))
    meetings = attendance = 0
    tz = datetime.timezone(datetime.timedelta(hours=8))
    for chunk in range(0, len(orgs), 200):
        batch, plans = [], []
        for org in orgs[chunk:chunk + 200]:
            pids = (members.get(org.pk, []) if org.kind == "group"
                    else [p for g in groups[org.pk] for p in members.get(g.pk, [])])
            short = org.kind == "branch" and rng.random() < 0.1
            for (org_kind, code), freq in DEFAULT_RULES.items():
                if org_kind != org.kind:
                    continue
                start, end = periods.slot(freq, since)
                while start < today:
                    if not (short and rng.random() < 0.4):
                        lo, hi = max(start, since), min(end, today - datetime.timedelta(days=1))
                        if lo <= hi:
                            day = lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))
                            late = rng.random() < 0.03
                            batch.append(Meeting(org=org, kind=kinds[code], date=day, topic="学习", late=late,
                                                 late_reason="补录" if late else "", path=org.path,
                                                 entered_at=datetime.datetime.combine(day, datetime.time(20),
                                                                                      tzinfo=tz)))
                            plans.append(pids[:5] if code == "committee" else pids)
                    start, end = periods.slot(freq, end + datetime.timedelta(days=1))
        with transaction.atomic():
            Meeting.objects.bulk_create(batch, batch_size=5000)
            rows = [Attendance(meeting=m, person_id=p, present=rng.random() > 0.1, org_id=m.org_id, date=m.date,
                               path=m.path) for m, pids in zip(batch, plans) for p in pids]
            for r in rows:
                if not r.present:
                    r.reason = rng.choice(["sick", "personal", "migrant", "other"])
                    m = r.meeting
                    m.absent_count += 1
                    m.migrant_count += r.reason == "migrant"
                else:
                    r.meeting.present_count += 1
            Meeting.objects.bulk_update(batch, ["present_count", "absent_count", "migrant_count"], batch_size=5000)
            Attendance.objects.bulk_create(rows, batch_size=10000)
        meetings += len(batch)
        attendance += len(rows)
    return {"towns": len(towns), "villages": len(villages), "orgs": len(orgs), "members": Person.objects.count(),
            "meetings": meetings, "attendance": attendance, "seconds": time.monotonic() - started}


def measure(args, today: datetime.date) -> None:
    import zoneinfo

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from gridgov.core import clock
    from gridgov.meetings import metrics, periods, queries
    from gridgov.org.models import PartyOrg, Region

    rng = random.Random(7)
    towns = list(Region.objects.filter(level=2))
    villages = list(Region.objects.filter(level=3))
    branches = list(PartyOrg.objects.filter(kind="branch"))
    quarters = periods.recent_quarters(today, 4)
    reads = {
        "town": lambda t, v, b, q: queries.compliance(t.path, *q, today),
        "board": lambda t, v, b, q: queries.compliance(t.path, *q, today, slots_detail=True),
        "metric": lambda t, v, b, q: metrics.compliance(v, *q),
        "members": lambda t, v, b, q: queries.member_rates(b, *q),
    }
    moment = datetime.datetime.combine(today, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with clock.replaying_at(moment):
        for name, read in reads.items():
            times, nq = [], 0
            for i in range(args.repeat + 1):
                args_ = (rng.choice(towns), rng.choice(villages), rng.choice(branches), rng.choice(quarters))
                reset_queries()
                with CaptureQueriesContext(connection) as q:
                    t0 = time.perf_counter()
                    read(*args_)
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
    parser.add_argument("--villages-per-town", type=int, default=16)
    parser.add_argument("--groups-per-branch", type=int, default=4)
    parser.add_argument("--members", type=int, default=40, help="party members per branch")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup(args)
    from django.db import connection

    today = datetime.date(2026, 12, 4)
    built = build(args, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {built['towns']} towns, {built['villages']} villages, {built['orgs']} party "
          f"organisations, {built['members']} members, {built['meetings']} meetings, {built['attendance']} "
          f"attendance rows over a year, built in {built['seconds']:.0f} s")
    measure(args, today)


if __name__ == "__main__":
    main()
