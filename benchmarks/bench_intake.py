"""Intake against the framework's own speed (issue 18): POST /api/v1/cases and a bare Django +
django-ninja endpoint that inserts one row (POST /bench/bare, benchmarks/bench_urls.py), served by the
same `gridgov serve` gunicorn workers on the same PostgreSQL database, measured in the same run in
alternating rounds. Prints cases/s, bare/s and their ratio per round, then best-of-N and median.

    python benchmarks/bench_intake.py --cases 100000            # load 100k cases, 3 rounds of 2 × 10 s
    python benchmarks/bench_intake.py                           # 1M cases
    python benchmarks/bench_intake.py --skip-load --rounds 5    # reuse the database of the last run
    python benchmarks/bench_intake.py --skip-load --profile 300 # CPU and queries per request, in-process
    python benchmarks/bench_intake.py --skip-load --suggestions 400 # the duplicate suggestions' query, plans

--suggestions N reads the duplicate suggestions of N reports in-process without making them: half at
the intake's points (the grid worker's small grid), half at random points of every small grid, each with
a random subcategory, now; each query as executed is run again under EXPLAIN (ANALYZE, BUFFERS): the
index it reads, buffers touched (shared hit + read: the same on a busy machine as on a quiet one),
heap rows fetched (returned + removed by the filter), execution and planning time, and the call's wall
time in Python. The open cases in the table are printed with them: the cost to compare is this one's.

--profile N serves N requests of each endpoint in one process through Django's test client (same
settings, same database, no HTTP server, no other client): the CPU of the Python process per request
(time.process_time, without the database server's), the queries per request, and cProfile's heaviest
functions of intake by CPU time (written to the var directory, intake.prof.txt). Quieter than the rates on a
shared machine, since a neighbour's load slows the clock but not the count of CPU seconds as much.

The database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_intake) is loaded exactly
as bench_cases.py loads it (dropped, migrated, demo town, N cases by COPY, VACUUM ANALYZE); the bare
endpoint's table is created beside. The server runs with benchmarks/bench_settings.py (production's
settings, plus the bare endpoint's URL), a module only the benchmark's server can import.
Round i runs the bare endpoint then intake (odd rounds: intake first), each for --duration seconds
with --threads client threads on the same machine.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time

import bench_cases as bc

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_intake"


def hammer(port: int, token: str | None, path: str, bodies, duration: float, threads: int, expect: int = 201) -> dict:
    """`threads` clients POST `path` for `duration` seconds; bodies(rng) makes each body."""
    stop_at = time.monotonic() + duration
    lock = threading.Lock()
    latencies, errors = [], []

    def run(worker: int):
        rng = random.Random(bc.SEED + worker)
        client = bc.Client(port, token)
        mine, failed = [], []
        while time.monotonic() < stop_at:
            try:
                status, payload, ms = client.request("POST", path, bodies(rng))
            except OSError as exc:
                failed.append(repr(exc))
                continue
            if status == expect:
                mine.append(ms)
            else:
                failed.append(f"{status} {payload[:120]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    started = time.monotonic()
    pool = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(duration + 60)
    elapsed = time.monotonic() - started
    return {"n": len(latencies), "rate": len(latencies) / elapsed, "errors": len(errors),
            "first_error": errors[0] if errors else "",
            "p50": bc.pct(latencies, 50) if latencies else 0.0, "p95": bc.pct(latencies, 95) if latencies else 0.0}


# The bare endpoint's table (bench_urls.BareRow, managed=False: in no migration, only here).
BARE_TABLE = ("CREATE TABLE IF NOT EXISTS bench_bare_row (id bigserial PRIMARY KEY, note varchar(200) NOT NULL, "
              "created_at timestamptz NOT NULL)")


def create_bare_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(BARE_TABLE)


REPORT_TEXT = "巷口垃圾桶满溢，请尽快清运"


def close_earlier_reports(url: str) -> int:
    """Close the cases earlier runs reported through intake (their state only), so every run starts
    with the open cases the load left near its points. Without this each run left some 5,000 more open
    cases in the grid worker's one small grid, and the duplicate suggestions' cost grew with the number
    of runs before (46,085 open cases of the week in that grid after eight runs: 0.71 ms of execution
    per suggestion query instead of ~0.05)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "UPDATE cases_case SET state = 'closed' WHERE state = 'reported' AND description = %s AND "
            "reporter_user_id = (SELECT id FROM org_user WHERE username = 'gridworker')", [REPORT_TEXT]).rowcount


def profile_in_process(n: int, info: dict, out_dir: str) -> None:
    """Runs inside the benchmark's settings (bench_settings): see --profile."""
    import cProfile
    import io
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    client = TestClient()
    got = client.post("/api/v1/auth/token", {"username": "gridworker", "password": bc.PASSWORD},
                      content_type="application/json")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {got.json()['token']}"}
    rng = random.Random(bc.SEED)

    def case_once():
        lat, lng = rng.choice(info["points"])
        r = client.post("/api/v1/cases", {"category": rng.choice(info["categories"]),
                                          "description": REPORT_TEXT, "lat": lat, "lng": lng,
                                          "channel": "patrol"}, content_type="application/json", **headers)
        assert r.status_code == 201, (r.status_code, r.content[:300])

    def bare_once():
        r = client.post("/bench/bare", {"note": REPORT_TEXT}, content_type="application/json")
        assert r.status_code == 201, (r.status_code, r.content[:300])

    for _ in range(30):  # warm: imports, the grid index, the calendar
        case_once()
        bare_once()
    figures = {}
    for name, once in (("bare", bare_once), ("intake", case_once), ("bare", bare_once), ("intake", case_once)):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(n):
            once()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        figures.setdefault(name, []).append((cpu * 1000 / n, wall * 1000 / n))
    for name, once in (("bare", bare_once), ("intake", case_once)):
        with CaptureQueriesContext(connection) as q:
            once()
        figures[name + "_queries"] = len(q.captured_queries)
    # On the process's CPU clock: on a shared machine the wall clock mostly counts waits for the database.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(n):
        case_once()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    stats.print_callees("do_report|insert_one|_detail|report\\b")
    stats.dump_stats(f"{out_dir}/intake.prof")
    path = f"{out_dir}/intake.prof.txt"
    with open(path, "w") as f:
        f.write(text.getvalue())
    for name in ("bare", "intake"):
        runs = ", ".join(f"{c:.2f} ms CPU ({w:.2f} ms wall)" for c, w in figures[name])
        print(f"{name:>7}: {figures[name + '_queries']} queries a request; per request, two runs of {n}: {runs}")
    ratio = [b[0] / c[0] for b, c in zip(figures["bare"], figures["intake"])]
    print(f"CPU ratio bare/intake per run: {', '.join(f'{r:.3f}' for r in ratio)}  (the ceiling of the rate ratio "
          f"when the Python process is the bottleneck)")
    print(f"cProfile of {n} intake requests: {path}")


def suggestions_in_process(n: int, info: dict) -> None:
    """Runs inside the benchmark's settings: see --suggestions. Only the public nearby_open_cases is
    called, so the same harness measures older code (PYTHONPATH on its src/)."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.cases import routing
    from gridgov.cases.models import OPEN_STATES, Case, Category
    from gridgov.org.models import Grid

    rng = random.Random(bc.SEED)
    categories = list(Category.objects.filter(level=2).order_by("code"))
    boxes = list(Grid.objects.filter(level=Grid.Level.SMALL).values_list("min_lat", "max_lat", "min_lng", "max_lng"))
    points = [rng.choice(info["points"]) for _ in range(n // 2)]
    for _ in range(n - len(points)):
        lat0, lat1, lng0, lng1 = rng.choice(boxes)
        points.append((rng.uniform(lat0, lat1), rng.uniform(lng0, lng1)))
    open_cases = Case.objects.filter(state__in=OPEN_STATES).count()
    for lat, lng in points[:20]:  # warm: the compiled SQL, the table's pages
        routing.nearby_open_cases(rng.choice(categories), lat, lng)
    figures = {k: [] for k in ("buffers", "heap_rows", "found", "exec_ms", "plan_ms", "call_ms")}
    indexes = {}

    def walk(node):
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    for lat, lng in points:
        category = rng.choice(categories)
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            found = routing.nearby_open_cases(category, lat, lng, limit=10_000)
        figures["call_ms"].append((time.perf_counter() - t) * 1000)
        (sql,) = [q["sql"] for q in captured.captured_queries if "cases_case" in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        top = plan["Plan"]
        figures["buffers"].append(top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0))
        scans = [node for node in walk(top) if node["Node Type"] in ("Index Scan", "Bitmap Heap Scan", "Seq Scan",
                                                                     "Index Only Scan")]
        figures["heap_rows"].append(sum(node["Actual Rows"] + node.get("Rows Removed by Filter", 0) for node in scans))
        figures["found"].append(len(found))
        figures["exec_ms"].append(plan["Execution Time"])
        figures["plan_ms"].append(plan["Planning Time"])
        for node in walk(top):
            if "Index Name" in node:
                indexes[node["Index Name"]] = indexes.get(node["Index Name"], 0) + 1
    print(f"{Case.objects.count():,} cases, {open_cases:,} open; {n} suggestion queries "
          f"(nearby_open_cases, {routing.conf.get('GRIDGOV_CASE_DUPLICATE_METERS')} m, "
          f"{routing.conf.get('GRIDGOV_CASE_DUPLICATE_DAYS')} days, {routing.__file__}); indexes read: {indexes}")
    print(f"  {'per query':<34} {'median':>9} {'p95':>9} {'max':>9}")
    labels = {"buffers": "buffers (shared hit + read)", "heap_rows": "heap rows fetched",
              "found": "suggestions found", "exec_ms": "execution ms (EXPLAIN ANALYZE)", "plan_ms": "planning ms",
              "call_ms": "call ms (Python, wall)"}
    for key, label in labels.items():
        values = figures[key]
        print(f"  {label:<34} {statistics.median(values):>9.2f} {bc.pct(values, 95):>9.2f} {max(values):>9.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases loaded before measuring")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (bare + intake each)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each measured run")
    parser.add_argument("--threads", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database as it is")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of the rates: N requests of each endpoint in-process, CPU and queries a request")
    parser.add_argument("--suggestions", type=int, default=0, metavar="N",
                        help="instead of the rates: N duplicate-suggestion queries in-process, with their plans")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    bc.database_and_var_dir(args, "bench_intake", DEFAULT_URL)
    args.bench_settings = True

    if not args.skip_load:
        t0 = time.monotonic()
        bc.recreate_database(args.database_url)
        bc._gridgov(args, "migrate", "-v", "0")
        bc._gridgov(args, "demo", "--cases", "0", "-v", "0")
        print(f"database, migrations and demo town: {time.monotonic() - t0:.0f} s", flush=True)
        out = subprocess.run([bc.PYTHON, bc.__file__, "--_load", str(args.cases), args.database_url, args.var_dir,
                              "-v" if args.verbose else "-q"], cwd=bc.ROOT, check=True, stdout=subprocess.PIPE,
                             timeout=3600, text=True)
        loaded = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"loaded {loaded['cases']:,} cases: COPY {loaded['copy_s']:.0f} s, with VACUUM ANALYZE "
              f"{loaded['total_s']:.0f} s", flush=True)
    create_bare_table(args.database_url)
    closed = close_earlier_reports(args.database_url)
    if closed:
        print(f"closed {closed:,} open cases that earlier runs reported", flush=True)
    info = bc.facts(args)
    print(f"{info['cases']:,} cases in the database; intake as gridworker in grid {info['grid']}", flush=True)

    def case_body(rng):
        lat, lng = rng.choice(info["points"])
        return {"category": rng.choice(info["categories"]), "description": REPORT_TEXT,
                "lat": lat, "lng": lng, "channel": "patrol"}

    def bare_body(rng):
        return {"note": REPORT_TEXT}

    if args.suggestions:
        subprocess.run([bc.PYTHON, __file__, "--_suggestions", str(args.suggestions), json.dumps(info)],
                       env=bc._env(args), cwd=bc.ROOT, check=True, timeout=3600)
        return

    if args.profile:
        env = bc._env(args)
        subprocess.run([bc.PYTHON, __file__, "--_profile", str(args.profile), json.dumps(info), args.var_dir],
                       env=env, cwd=bc.ROOT, check=True, timeout=3600)
        return

    port = bc.free_port()
    server = bc.start_server(args, port)
    failed = []
    try:
        token = bc.token_for(port, "gridworker")
        print(f"server: gridgov serve (gunicorn), {args.workers} workers; {args.threads} client threads, "
              f"{args.duration:.0f} s a run", flush=True)
        # Untimed warm-up of both, so no round pays for imports, the grid index or the calendar.
        hammer(port, None, "/bench/bare", bare_body, 2, 2)
        hammer(port, token, "/api/v1/cases", case_body, 2, 2)
        rows = []
        print(f"\n  {'round':>5} {'bare/s':>8} {'p50':>6} {'p95':>6} {'cases/s':>8} {'p50':>6} {'p95':>6} {'ratio':>6}")
        for i in range(args.rounds):
            order = ["bare", "cases"] if i % 2 == 0 else ["cases", "bare"]
            got = {}
            for which in order:
                if which == "bare":
                    got[which] = hammer(port, None, "/bench/bare", bare_body, args.duration, args.threads)
                else:
                    got[which] = hammer(port, token, "/api/v1/cases", case_body, args.duration, args.threads)
                if got[which]["errors"]:
                    failed.append(f"round {i + 1} {which}: {got[which]['errors']} errors, first "
                                  f"{got[which]['first_error']}")
            b, c = got["bare"], got["cases"]
            rows.append((b["rate"], c["rate"]))
            print(f"  {i + 1:>5} {b['rate']:>8.0f} {b['p50']:>6.0f} {b['p95']:>6.0f} {c['rate']:>8.0f} {c['p50']:>6.0f} "
                  f"{c['p95']:>6.0f} {c['rate'] / b['rate']:>6.3f}", flush=True)
        bares, cases = [r[0] for r in rows], [r[1] for r in rows]
        ratios = [c / b for b, c in rows]
        print(f"\nbare/s   best {max(bares):.0f}, median {statistics.median(bares):.0f}")
        print(f"cases/s  best {max(cases):.0f}, median {statistics.median(cases):.0f}")
        print(f"ratio    per round median {statistics.median(ratios):.3f} (best {max(ratios):.3f}); "
              f"best/best {max(cases) / max(bares):.3f}  (goal ≥ 0.6)")
        if failed:
            sys.exit("runs with errors (rates count only the expected answers):\n  " + "\n  ".join(failed))
    finally:
        bc.stop_server(server)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_profile":
        profile_in_process(int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--_suggestions":
        suggestions_in_process(int(sys.argv[2]), json.loads(sys.argv[3]))
    else:
        main()
