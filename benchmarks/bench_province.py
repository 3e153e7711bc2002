"""A province on one server (issue 18): N cases (default 50,000,000) over the small grids of 20 counties
and several years of reports on PostgreSQL, then the p50/p95 of a village's and a town's scoped list, the
overdue list and a town's statistics for a year through the production server at 1 and 4 clients, the
queries of each request and the plan of its slowest query. Prints figures; never part of the test suite.

    python benchmarks/bench_province.py --cases 1000000              # a small run first: size and speed
    python benchmarks/bench_province.py                              # 50M cases, about an hour here
    python benchmarks/bench_province.py --skip-load                  # measure the database of the last run

Steps:
  database  DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_province) is DROPPED and created
            again, migrated, and given the demo town with its accounts (`gridgov demo --cases 0`) and the
            case configuration, exactly as bench_cases.py does
  province  the demo town cloned in SQL into --counties counties (default 20) of --towns towns (20) each:
            regions (county, town, village, group) and grids (town, village, small) with their paths,
            codes, parents and boundaries (the clones lie on top of the demo town on the map: no point
            is routed here); no people, households or posts. The demo county is one of the counties and
            the demo town (secretary, town_admin) one of its towns
  load      the cases of --years years (default 4) by COPY in transactions of --chunk rows, each chunk
            the whole province over every year (thinner), so that a load stopped between chunks (touch
            `stop` in the var directory) is still consistent; bench_cases' row generator, one call
            per chunk and year (the states of a year's cases are those bench_cases gives a year before
            its `now`; the overdue flag then set as the worker would have today); FK and check triggers off for the COPY
            (session_replication_role = replica: the rows are consistent by construction); the indexes
            whose inserts land all over the table dropped before and built again after. Then one
            `report` event per case and the daily figures (CaseDay) by INSERT ... SELECT, and VACUUM (ANALYZE)
  reads     `gridgov serve` as bench_cases starts it; the reads at 1 and at 4 client threads
  queries   each read once more through Django's test client in a child process: number of queries,
            and EXPLAIN (ANALYZE, BUFFERS) of its slowest query (--explain)
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import bench_cases as bc

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_province"
DEMO_COUNTY, DEMO_TOWN = "445321", "104"

# Indexes of cases_case whose keys are spread over the whole table (a path, a grid, a state, a category):
# COPY into them touches leaf pages everywhere, so they are built after the load instead. The others take
# keys in time order (or are NULL throughout) and are kept.
SCATTERED = ("case_path_state", "case_running_overdue_page", "case_state_deadline", "case_open_category_cell",
             "cases_case_grid_id_af7609ce", "cases_case_category_id_c6dc5a5a")
# The daily rows are written in (grid, path, day) order: the unique (grid, day) index takes them in order.
DAY_SCATTERED = ("caseday_path_day", "cases_caseday_grid_id_e98e5987")


def _psql(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


# --- province ---------------------------------------------------------------------------------------------

def province(url: str, counties: int, towns: int) -> dict:
    """Clone the demo town (county 445321, town 104) into counties 4453NN (the demo county kept) of towns
    1TT; regions and grids by INSERT ... SELECT, their parents by path."""
    started = time.monotonic()
    clones = []
    county_codes = [DEMO_COUNTY] + [f"4453{n:02d}" for n in range(1, 40) if f"4453{n:02d}" != DEMO_COUNTY]
    for county in county_codes[:counties]:
        for t in range(1, towns + 1):
            town = f"{100 + t:03d}" if t != int(DEMO_TOWN) - 100 else DEMO_TOWN
            if (county, town) != (DEMO_COUNTY, DEMO_TOWN):
                clones.append((county, town))
    with _psql(url) as conn:
        conn.execute("CREATE TEMP TABLE clone (county text, town text)")
        with conn.cursor().copy("COPY clone (county, town) FROM STDIN") as copy:
            for row in clones:
                copy.write_row(row)
        old_path = f"{DEMO_COUNTY}.{DEMO_TOWN}."
        conn.execute(
            "INSERT INTO org_region (code, name, level, kind, path, parent_id) "
            "SELECT county || '000000', '县' || county, 1, 'county', county || '.', NULL "
            "FROM (SELECT DISTINCT county FROM clone) c WHERE county <> %s", [DEMO_COUNTY])
        conn.execute(
            "INSERT INTO org_region (code, name, level, kind, path, parent_id) "
            "SELECT c.county || c.town || substr(r.code, 10), r.name, r.level, r.kind, "
            "       c.county || '.' || c.town || '.' || substr(r.path, %s), NULL "
            "FROM org_region r CROSS JOIN clone c WHERE r.path LIKE %s",
            [len(old_path) + 1, old_path + "%"])
        conn.execute(
            "UPDATE org_region r SET parent_id = p.id FROM org_region p "
            "WHERE r.parent_id IS NULL AND r.level > 1 AND p.path = regexp_replace(r.path, '[^.]+\\.$', '')")
        with conn.transaction():  # the grids' region and parent are set by the updates below: FKs checked at commit
            conn.execute(
                "INSERT INTO org_grid (code, name, level, path, geometry, min_lng, min_lat, max_lng, max_lat, "
                "                      parent_id, region_id) "
                "SELECT c.county || c.town || substr(g.code, 10), g.name, g.level, "
                "       c.county || '.' || c.town || '.' || substr(g.path, %s), g.geometry, "
                "       g.min_lng, g.min_lat, g.max_lng, g.max_lat, NULL, 0 "
                "FROM org_grid g CROSS JOIN clone c WHERE g.path LIKE %s",
                [len(old_path) + 1, old_path + "%"])
            # A small grid belongs to its village; town and village grids carry their region's path.
            conn.execute(
                "UPDATE org_grid g SET region_id = r.id FROM org_region r WHERE g.region_id = 0 AND r.path = "
                "CASE WHEN g.level = 3 THEN regexp_replace(g.path, '[^.]+\\.$', '') ELSE g.path END")
            conn.execute(
                "UPDATE org_grid g SET parent_id = p.id FROM org_grid p WHERE g.parent_id IS NULL AND g.level > 1 "
                "AND p.path = regexp_replace(g.path, '[^.]+\\.$', '')")
        conn.execute("ANALYZE org_region")
        conn.execute("ANALYZE org_grid")
        regions = conn.execute("SELECT count(*) FROM org_region").fetchone()[0]
        grids = conn.execute("SELECT count(*) FROM org_grid WHERE level = 3").fetchone()[0]
        counties_n = conn.execute("SELECT count(*) FROM org_region WHERE level = 1").fetchone()[0]
        towns_n = conn.execute("SELECT count(*) FROM org_region WHERE level = 2").fetchone()[0]
    return {"counties": counties_n, "towns": towns_n, "regions": regions, "small_grids": grids,
            "seconds": time.monotonic() - started}


# --- load -------------------------------------------------------------------------------------------------

# Columns of bench_cases.CASE_COLUMNS the overdue fix-up reads and writes.
_STATE, _DEADLINE, _OVERDUE, _OVERDUE_AT = (bc.CASE_COLUMNS.index(n) for n in ("state", "deadline", "overdue",
                                                                             "overdue_at"))


def _chunk_of_rows(n: int, years: int, first_id: int, grids, categories, now, rng):
    """bench_cases' rows for n cases spread over `years` years: one call of its generator per year (its
    states are those of a year's cases `back` years ago), the oldest year first."""
    per_year = [n // years + (1 if y < n % years else 0) for y in range(years)]
    pk = first_id
    for back in range(years - 1, -1, -1):
        year_now = now - datetime.timedelta(days=365 * back)
        for case_row, _event in bc._case_rows(per_year[back], pk, grids, categories, year_now, rng):
            # A case still running at its year's end is past its deadline today: the worker's flag.
            if back and case_row[_DEADLINE] is not None and not case_row[_OVERDUE] and case_row[_STATE] != "suspended" \
                    and case_row[_DEADLINE] < now:
                case_row = list(case_row)
                case_row[_OVERDUE], case_row[_OVERDUE_AT] = True, case_row[_DEADLINE]
            yield case_row
        pk += per_year[back]


def _daily_figures_sql(zone: str) -> str:
    """cases/rollup.py's contribution() of every case, in one statement (rebuild() holds every row of the
    table in a Python dict: tens of millions at this size). `--check-rollup` compares the two."""
    day = "(({t}) AT TIME ZONE '" + zone + "')::date"
    cohort = "c.accepted_at IS NOT NULL AND c.state NOT IN ('rejected', 'merged')"
    return f"""
INSERT INTO cases_caseday (grid_id, path, day, reported, accepted, closed, closed_on_time, reworked, reworks, rated,
                           rated_auto, satisfied, close_microseconds, closed_grid, closed_village, closed_town,
                           closed_department)
SELECT grid_id, path, day, sum(reported), sum(accepted), sum(closed), sum(closed_on_time), sum(reworked),
       sum(reworks), sum(rated), sum(rated_auto), sum(satisfied), sum(close_microseconds), sum(closed_grid),
       sum(closed_village), sum(closed_town), sum(closed_department)
FROM (
  SELECT c.grid_id, c.path, {day.format(t="c.created_at")} AS day, 1 AS reported, 0 AS accepted, 0 AS closed,
         0 AS closed_on_time, 0 AS reworked, 0 AS reworks, 0 AS rated, 0 AS rated_auto, 0 AS satisfied,
         0::bigint AS close_microseconds, 0 AS closed_grid, 0 AS closed_village, 0 AS closed_town,
         0 AS closed_department
  FROM cases_case c
  UNION ALL
  SELECT c.grid_id, c.path, {day.format(t="c.accepted_at")}, 0, 1,
         (c.state = 'closed')::int,
         (c.state = 'closed' AND c.closed_on_time IS TRUE)::int,
         (c.state = 'closed' AND c.rework_count > 0)::int,
         CASE WHEN c.state = 'closed' THEN c.rework_count ELSE 0 END,
         (c.rating <> '')::int,
         (c.rating <> '' AND c.rating_auto)::int,
         (c.rating IN ('satisfied', 'basic'))::int,
         CASE WHEN c.state = 'closed' AND c.closed_at IS NOT NULL
              THEN (extract(epoch FROM c.closed_at - c.created_at) * 1000000)::bigint ELSE 0 END,
         (c.state = 'closed' AND c.closed_level = 'grid')::int,
         (c.state = 'closed' AND c.closed_level = 'village')::int,
         (c.state = 'closed' AND c.closed_level = 'town')::int,
         (c.state = 'closed' AND c.closed_level = 'department')::int
  FROM cases_case c WHERE {cohort}
) contributions
GROUP BY grid_id, path, day"""


def load(args) -> dict:
    """The cases, their events and daily figures, in this process (Django set up on the benchmark database)."""
    import django

    os.environ.update({k: v for k, v in bc._env(args).items() if k in ("DATABASE_URL", "GRIDGOV_VAR_DIR",
                                                                        "DJANGO_SETTINGS_MODULE", "GRIDGOV_DEBUG")})
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from gridgov.cases import demo as case_demo
    from gridgov.cases.models import Category
    from gridgov.org.models import Grid

    case_demo.load_config()
    grids = [(g.pk, g.path, g.min_lat, g.max_lat, g.min_lng, g.max_lng)
             for g in Grid.objects.filter(level=Grid.Level.SMALL).order_by("code")]
    categories = [(c.pk, case_demo.DESCRIPTIONS.get(c.code, [c.name]))
                  for c in Category.objects.filter(level=2).order_by("code")]
    now = timezone.now()
    timings = {}
    with _psql(args.database_url) as conn:
        first_id = (conn.execute("SELECT max(id) FROM cases_case").fetchone()[0] or 0) + 1
        t = time.monotonic()
        definitions = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' "
                                   "AND indexname = ANY(%s)", [list(SCATTERED)]).fetchall()
        for name, _sql in definitions:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("SET session_replication_role = replica")
        # Every chunk is the whole province over every year, only thinner: a load stopped after any chunk
        # (the file `stop` in the var directory) is still a consistent database to measure.
        rng = random.Random(bc.SEED)
        written = 0
        stop = Path(args.var_dir) / "stop"
        while written < args.cases and not stop.exists():
            n = min(args.chunk, args.cases - written)
            with conn.transaction():
                with conn.cursor().copy(f"COPY cases_case ({', '.join(bc.CASE_COLUMNS)}) FROM STDIN") as copy:
                    for row in _chunk_of_rows(n, args.years, first_id + written, grids, categories, now, rng):
                        copy.write_row(row)
            written += n
            if args.verbose:
                print(f"  {written:,} cases, {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
        conn.execute("SET session_replication_role = DEFAULT")
        timings["copy_s"] = time.monotonic() - t
        t = time.monotonic()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, sql in definitions:
            conn.execute(sql)
        timings["indexes_s"] = time.monotonic() - t
        conn.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))")
        t = time.monotonic()
        if args.events:
            # The same event bench_cases writes with each case: reported, at the grid, on the channel.
            conn.execute("SET session_replication_role = replica")
            conn.execute(
                "INSERT INTO cases_caseevent (case_id, action, actor_name, from_state, to_state, level, note, data, "
                "time) SELECT id, 'report', '', '', 'reported', 'grid', '', jsonb_build_object('channel', channel), "
                "created_at FROM cases_case WHERE id >= %s ORDER BY id", [first_id])
            conn.execute("SET session_replication_role = DEFAULT")
        timings["events_s"] = time.monotonic() - t
        t = time.monotonic()
        conn.execute("SET work_mem = '256MB'")
        conn.execute("DELETE FROM cases_caseday")
        day_indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_caseday' "
                                   "AND indexname = ANY(%s)", [list(DAY_SCATTERED)]).fetchall()
        for name, _sql in day_indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute(_daily_figures_sql(settings.TIME_ZONE))
        for name, sql in day_indexes:
            conn.execute(sql)
        timings["day_rows"] = conn.execute("SELECT count(*) FROM cases_caseday").fetchone()[0]
        timings["rollup_s"] = time.monotonic() - t
        t = time.monotonic()
        for table in ("cases_case", "cases_caseevent", "cases_caseday"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
        timings["vacuum_s"] = time.monotonic() - t
    return {"cases": written, "grids": len(grids), "categories": len(categories), **timings}


def check_rollup(args) -> dict:
    """The SQL daily figures against rollup.rebuild() on the same cases (run on a small load)."""
    import django

    os.environ.update({k: v for k, v in bc._env(args).items() if k in ("DATABASE_URL", "GRIDGOV_VAR_DIR",
                                                                        "DJANGO_SETTINGS_MODULE", "GRIDGOV_DEBUG")})
    django.setup()
    from django.conf import settings
    from django.db import connection

    from gridgov.cases import rollup

    columns = "grid_id, path, day, " + ", ".join(rollup.COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseday")
        cursor.execute(_daily_figures_sql(settings.TIME_ZONE))
        cursor.execute(f"SELECT {columns} FROM cases_caseday ORDER BY grid_id, day")
        by_sql = cursor.fetchall()
    rollup.rebuild()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM cases_caseday ORDER BY grid_id, day")
        by_python = cursor.fetchall()
    return {"rows": len(by_python), "same": by_sql == by_python}


# --- reads ------------------------------------------------------------------------------------------------

def reads() -> list[tuple[str, str, str]]:
    today = datetime.date.today()
    year = (today - datetime.timedelta(days=365)).isoformat()
    return [
        ("secretary", "village list, first page", "/api/v1/cases"),
        ("secretary", "village list ?overdue=true", "/api/v1/cases?overdue=true"),
        ("secretary", "village list, page 20", "/api/v1/cases?page=20"),
        ("town_admin", "town list, first page", "/api/v1/cases"),
        ("town_admin", "town list ?overdue=true", "/api/v1/cases?overdue=true"),
        ("town_admin", "town list ?state=reported", "/api/v1/cases?state=reported"),
        ("secretary", "village stats, year", "/api/v1/cases/stats?" + urlencode({"since": year})),
        ("town_admin", "town stats, year", "/api/v1/cases/stats?" + urlencode({"since": year})),
    ]


def queries(args) -> list[dict]:
    """Each read through Django's test client: its queries, and the plan of the slowest one."""
    import django

    os.environ.update({k: v for k, v in bc._env(args).items() if k in ("DATABASE_URL", "GRIDGOV_VAR_DIR",
                                                                        "DJANGO_SETTINGS_MODULE", "GRIDGOV_DEBUG")})
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    tokens = {}
    for who, label, path in reads():
        client = Client(SERVER_NAME="127.0.0.1")
        if who not in tokens:
            response = client.post("/api/v1/auth/token", {"username": who, "password": bc.PASSWORD},
                                   content_type="application/json")
            tokens[who] = response.json()["token"]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"}
        client.get(path, **headers)  # warm: caches and the first request's imports
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **headers)
        timed = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        slowest = max(timed) if timed else (0.0, "")
        entry = {"who": who, "label": label, "path": path, "status": response.status_code, "queries": len(timed),
                 "sql_ms": sum(ms for ms, _ in timed), "slowest_ms": slowest[0], "slowest": slowest[1]}
        if args.explain and slowest[1]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1])
                entry["plan"] = "\n".join(r[0] for r in cursor.fetchall())
        out.append(entry)
    return out


def sizes(url: str) -> dict:
    with _psql(url) as conn:
        row = conn.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('cases_case'), "
            "pg_relation_size('cases_case'), pg_total_relation_size('cases_caseevent'), "
            "pg_total_relation_size('cases_caseday'), (SELECT count(*) FROM cases_case)").fetchone()
    return dict(zip(("database", "case_total", "case_heap", "events", "caseday", "cases"), row))


def _gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000_000, help="cases loaded before measuring")
    parser.add_argument("--years", type=int, default=4, help="years of reports the cases are spread over")
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--towns", type=int, default=20, help="towns per county (each a clone of the demo town)")
    parser.add_argument("--chunk", type=int, default=1_000_000, help="cases per COPY transaction")
    parser.add_argument("--requests", type=int, default=100, help="requests per read and client count")
    parser.add_argument("--read-cap", type=float, default=60, help="seconds at most per read measured")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--clients", default="1,4", help="client thread counts the reads are measured with")
    parser.add_argument("--explain", action="store_true", help="print the plan of each read's slowest query")
    parser.add_argument("--check-rollup", action="store_true",
                        help="after the load, compare the SQL daily figures with rollup.rebuild() (small loads)")
    parser.add_argument("--no-events", action="store_true",
                        help="no `report` event per case (no read measured here uses them; 0.19 GB per million cases)")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database as it is")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    bc.database_and_var_dir(args, "bench_province", DEFAULT_URL)
    print("command: " + " ".join([os.path.relpath(sys.argv[0], bc.ROOT), *sys.argv[1:]])
          + f"  (database {urlsplit(args.database_url).path.strip('/')})", flush=True)
    child = [bc.PYTHON, __file__, args.database_url, args.var_dir]

    if not args.skip_load:
        t0 = time.monotonic()
        bc.recreate_database(args.database_url)
        bc._gridgov(args, "migrate", "-v", "0")
        bc._gridgov(args, "demo", "--cases", "0", "-v", "0")
        print(f"database, migrations and demo town: {time.monotonic() - t0:.0f} s", flush=True)
        p = province(args.database_url, args.counties, args.towns)
        print(f"province: {p['counties']} counties, {p['towns']} towns, {p['regions']:,} regions, "
              f"{p['small_grids']:,} small grids in {p['seconds']:.0f} s", flush=True)
        out = subprocess.run([*child, "--_load", str(args.cases), str(args.years), str(args.chunk),
                              "-v" if args.verbose else "-q", "no-events" if args.no_events else "events"], cwd=bc.ROOT, check=True, stdout=subprocess.PIPE,
                             text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"loaded {r['cases']:,} cases over {r['grids']:,} small grids and {args.years} years: COPY "
              f"{r['copy_s']:.0f} s ({r['cases'] / max(r['copy_s'], 1e-9):,.0f} cases/s), indexes {r['indexes_s']:.0f} s, "
              f"events {r['events_s']:.0f} s, daily figures {r['rollup_s']:.0f} s ({r['day_rows']:,} rows), "
              f"VACUUM (ANALYZE) {r['vacuum_s']:.0f} s", flush=True)
        if args.check_rollup:
            out = subprocess.run([*child, "--_check_rollup"], cwd=bc.ROOT, check=True, stdout=subprocess.PIPE,
                                 text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"daily figures by SQL = rollup.rebuild(): {r['same']} ({r['rows']:,} rows)", flush=True)
            if not r["same"]:
                sys.exit("the SQL daily figures differ from rollup.rebuild()")
    s = sizes(args.database_url)
    print(f"{s['cases']:,} cases; database {_gb(s['database'])}: cases_case {_gb(s['case_total'])} "
          f"(table {_gb(s['case_heap'])}), events {_gb(s['events'])}, daily figures {_gb(s['caseday'])}",
          flush=True)

    out = subprocess.run([*child, "--_queries", "1" if args.explain else "0"], cwd=bc.ROOT, check=True,
                         stdout=subprocess.PIPE, text=True)
    counted = {(q["who"], q["label"]): q for q in json.loads(out.stdout.strip().splitlines()[-1])}

    port = bc.free_port()
    server = bc.start_server(args, port)
    failures = []
    try:
        tokens = {u: bc.token_for(port, u) for u in ("secretary", "town_admin")}
        print(f"server: gunicorn, {args.workers} workers; {args.requests} requests per read and client count, "
              f"at most {args.read_cap:.0f} s", flush=True)
        print(f"  {'who':<11} {'request':<28} {'count':>9} {'queries':>7} {'slowest':>8} {'clients':>7} {'n':>5} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for who, label, path in reads():
            q = counted[(who, label)]
            for threads in (int(c) for c in args.clients.split(",")):
                r = bc.timed_reads(port, tokens[who], path, args.requests, threads, args.read_cap)
                if "error" in r or sum(r["failed"].values()):
                    failures.append(f"{who} {label} ({threads} clients): {r.get('error') or r['failed']}")
                    continue
                print(f"  {who:<11} {label:<28} {r['what']:>9,} {q['queries']:>7} {q['slowest_ms']:>6.1f}ms "
                      f"{threads:>7} {r['n']:>5} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f}", flush=True)
    finally:
        bc.stop_server(server)
    if args.explain:
        for q in counted.values():
            print(f"\n--- {q['who']} {q['label']} ({q['path']}): {q['queries']} queries, {q['sql_ms']:.1f} ms of SQL; "
                  f"the slowest ({q['slowest_ms']:.1f} ms):\n{q['slowest']}\n{q.get('plan', '')}")
    if failures:
        sys.exit("reads that did not all answer 200:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[3].startswith("--_"):
        url, var_dir, step = sys.argv[1:4]
        sys.path.insert(0, str(bc.ROOT / "src"))
        ns = argparse.Namespace(database_url=url, var_dir=var_dir)
        if step == "--_load":
            ns.cases, ns.years, ns.chunk = (int(v) for v in sys.argv[4:7])
            ns.verbose, ns.events = sys.argv[7] == "-v", sys.argv[8] == "events"
            print(json.dumps(load(ns)), flush=True)
        elif step == "--_check_rollup":
            print(json.dumps(check_rollup(ns)), flush=True)
        elif step == "--_queries":
            ns.explain = sys.argv[4] == "1"
            print(json.dumps(queries(ns)), flush=True)
    else:
        main()
