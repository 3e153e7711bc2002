"""Case loop benchmark on PostgreSQL with the production server: sustained intake through
POST /api/v1/cases, and the p95 of the scoped case list and of the stats call with N cases (default
1,000,000) in the database. Prints figures; never part of the test suite.

    python benchmarks/bench_cases.py                          # 1M cases, 30 s of intake
    python benchmarks/bench_cases.py --cases 100000 --duration 10 --threads 16
    python benchmarks/bench_cases.py --skip-load              # reuse the database of the last run

Steps:
  database  DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_cases) is DROPPED and
            created again, migrated (`gridgov migrate`) and given the demo town (`gridgov demo
            --cases 0`) and the case configuration (cases.demo.load_config)
  load      N cases spread over the 147 small grids, the states and the last 12 months, one `report`
            event each, written with COPY (rows consistent: path of the grid, accepted/resolved/closed
            times, deadlines of open steps, ratings of closed cases); then ANALYZE
  serve     `gridgov serve --workers W` (gunicorn) on 127.0.0.1, GRIDGOV_VAR_DIR in a directory of the temporary
            folder named after the database, kept between runs (its data key, serve.log)
  intake    T client threads POST /api/v1/cases as the grid worker (`gridworker`, channel patrol) at
            random points of their small grid for D seconds: cases/s, errors, p50/p95 latency
  reads     the secretary's (and the town admin's) GET /api/v1/cases, first page and filtered by state
            and overdue, and GET /api/v1/cases/stats for the village and the town over a month and a
            year: p50/p95/max in milliseconds
The client threads run on the same machine as the server and the database.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_cases"
PASSWORD = "Gridgov-2026"
SEED = 2026


def _env(args) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": args.database_url, "GRIDGOV_VAR_DIR": args.var_dir,
                "DJANGO_SETTINGS_MODULE": "gridgov.settings", "GRIDGOV_DEBUG": "0"})
    if getattr(args, "bench_settings", False):
        # bench_intake.py: the same server with the bare one-row endpoint added (benchmarks/bench_settings.py),
        # a module that only exists on this path, so production never serves it.
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), env.get("PYTHONPATH")]))
    return env


def _gridgov(args, *argv, timeout=900):
    subprocess.run([PYTHON, "-m", "gridgov", *argv], env=_env(args), cwd=ROOT, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark only drops databases whose name starts with 'bench'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- load ---------------------------------------------------------------------------------------------

# Share of each state among cases older than a month, and among the last month's (the rest of old
# cases are closed; recent ones are still moving through the loop).
OLD_STATES = [("closed", 92), ("rejected", 4), ("in_progress", 2), ("suspended", 1), ("resolved", 1)]
RECENT_STATES = [("reported", 10), ("accepted", 8), ("dispatched", 10), ("in_progress", 20), ("suspended", 2),
                 ("resolved", 10), ("closed", 36), ("rejected", 4)]
LEVELS = [("grid", 8), ("village", 3), ("town", 1), ("department", 1)]
RATINGS = [("satisfied", 80), ("basic", 15), ("dissatisfied", 5)]
CHANNELS = [("resident", 5), ("patrol", 4), ("proxy", 1), ("hotline", 2)]
CASE_COLUMNS = [
    "id", "number", "category_id", "description", "lat", "lng", "grid_id", "path", "reporter_phone_enc",
    "channel", "state", "level", "priority", "in_pool", "step_started_at", "deadline", "due_soon_at", "paused_at",
    "paused_seconds", "due_soon_notified", "overdue", "overdue_at", "late_steps", "rework_count",
    "escalation_count", "closed_level", "rating", "rating_auto", "rated_at", "accepted_at", "resolved_at",
    "closed_at", "closed_on_time", "created_at", "updated_at", "extension_pending", "open_supervisions",
]
EVENT_COLUMNS = ["case_id", "action", "actor_name", "from_state", "to_state", "level", "note", "data", "time"]


def _chooser(rng, weighted):
    values = [v for v, _w in weighted]
    weights = [w for _v, w in weighted]

    def choose():
        return rng.choices(values, weights)[0]
    return choose


def _case_rows(n: int, first_id: int, grids: list, categories: list, now: datetime.datetime, rng):
    """(case row, event row) for n cases, oldest first, reported over the 365 days before now."""
    from django.utils import timezone

    H = datetime.timedelta(hours=1)
    old_state, recent_state = _chooser(rng, OLD_STATES), _chooser(rng, RECENT_STATES)
    level_of, rating_of, channel_of = _chooser(rng, LEVELS), _chooser(rng, RATINGS), _chooser(rng, CHANNELS)
    span = 365 * 86400
    start = now - datetime.timedelta(seconds=span)
    tz = timezone.get_current_timezone()
    for i in range(n):
        pk = first_id + i
        created = start + datetime.timedelta(seconds=span * (i + rng.random()) / n)
        age_days = (now - created).total_seconds() / 86400
        state = old_state() if age_days > 30 else recent_state()
        grid_id, path, lat0, lat1, lng0, lng1 = rng.choice(grids)
        category_id, descriptions = rng.choice(categories)
        level = "grid" if state in ("reported", "rejected") else level_of()
        escalations = ["grid", "village", "town", "department"].index(level)
        accepted = None if state in ("reported", "rejected") else created + rng.uniform(0.2, 4) * H
        resolved = closed = rated = None
        step_started = deadline = due_soon = paused = overdue_at = None
        closed_level, rating, rating_auto, on_time, late, rework, overdue = "", "", False, None, 0, 0, False
        if state in ("resolved", "closed"):
            resolved = accepted + rng.uniform(2, 240) * H
        if state == "closed":
            closed = resolved + rng.uniform(0.5, 24) * H
            if closed > now:
                closed = now - rng.uniform(0, 1) * H
                resolved = min(resolved, closed - 0.1 * H)
            closed_level = level
            on_time = rng.random() < 0.9
            late = 0 if on_time else 1
            rework = 1 if rng.random() < 0.05 else 0
            if closed + 24 * H < now:
                rating, rated = rating_of(), closed + rng.uniform(1, 72) * H
                rated = min(rated, now)
                rating_auto = rng.random() < 0.1
        if state not in ("closed", "rejected"):
            step_started = resolved or accepted or created
            step_started = min(step_started, now)
            deadline = step_started + 72 * H
            due_soon = step_started + 58 * H
            if deadline < now and state != "suspended":
                overdue, overdue_at = True, deadline
            if state == "suspended":
                paused = step_started + 1 * H
        last = max(t for t in (created, accepted, resolved, closed, rated) if t is not None)
        channel = channel_of()
        number = f"{created.astimezone(tz):%Y%m%d}-{pk:06d}"
        lat, lng = rng.uniform(lat0, lat1), rng.uniform(lng0, lng1)
        description = rng.choice(descriptions)
        yield ((pk, number, category_id, description, lat, lng, grid_id, path, "", channel, state, level, "normal",
                False, step_started, deadline, due_soon, paused, 0, False, overdue, overdue_at, late, rework,
                escalations, closed_level, rating, rating_auto, rated, accepted, resolved, closed, on_time, created,
                last, False, 0),
               (pk, "report", "", "", "reported", "grid", "", json.dumps({"channel": channel}), created))


def load(args) -> dict:
    """Configuration and the bulk cases, in this process (Django set up on the benchmark database)."""
    import django

    os.environ.update({k: v for k, v in _env(args).items() if k in ("DATABASE_URL", "GRIDGOV_VAR_DIR",
                                                                     "DJANGO_SETTINGS_MODULE", "GRIDGOV_DEBUG")})
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from gridgov.cases import demo as case_demo
    from gridgov.cases.models import Case, Category
    from gridgov.org.models import Grid

    started = time.monotonic()
    case_demo.load_config()
    grids = [(g.pk, g.path, g.min_lat, g.max_lat, g.min_lng, g.max_lng)
             for g in Grid.objects.filter(level=Grid.Level.SMALL).order_by("code")]
    categories = [(c.pk, case_demo.DESCRIPTIONS.get(c.code, [c.name]))
                  for c in Category.objects.filter(level=2).order_by("code")]
    rng = random.Random(SEED)
    now = timezone.now()
    first_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    written = 0
    with transaction.atomic():
        raw = connection.cursor().cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as case_copy:
            events = []
            for case_row, event_row in _case_rows(args.cases, first_id, grids, categories, now, rng):
                case_copy.write_row(case_row)
                events.append(event_row)
                written += 1
                if args.verbose and written % 200_000 == 0:
                    print(f"  {written:,} cases, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        with raw.copy(f"COPY cases_caseevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as event_copy:
            for row in events:
                event_copy.write_row(row)
        del events
        raw.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))")
    copied = time.monotonic() - started
    # COPY bypasses the actions, so the daily figures behind the statistics are computed once here.
    from gridgov.cases import rollup

    rollup_started = time.monotonic()
    day_rows = rollup.rebuild()
    rollup_s = time.monotonic() - rollup_started
    # VACUUM as well as ANALYZE: a bulk-loaded table has no visibility map until autovacuum reaches
    # it, and without one every count is a heap scan; a database in use is past that point.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) cases_case")
        cursor.execute("VACUUM (ANALYZE) cases_caseevent")
        cursor.execute("VACUUM (ANALYZE) cases_caseday")
    connection.close()
    return {"cases": written, "grids": len(grids), "categories": len(categories), "copy_s": copied,
            "day_rows": day_rows, "rollup_s": rollup_s,
            "total_s": time.monotonic() - started}


def facts(args) -> dict:
    """What the clients need: the grid worker's grid box, the leaf categories, the nodes of the readers."""
    import psycopg

    with psycopg.connect(args.database_url) as conn:
        grid = conn.execute(
            "SELECT g.code, g.min_lat, g.max_lat, g.min_lng, g.max_lng, g.geometry FROM org_user u "
            "JOIN org_grid g ON g.path = u.scope_path WHERE u.username = 'gridworker'").fetchone()
        village = conn.execute("SELECT r.code FROM org_user u JOIN org_region r ON r.path = u.scope_path "
                               "WHERE u.username = 'secretary'").fetchone()[0]
        town = conn.execute("SELECT r.code FROM org_user u JOIN org_region r ON r.path = u.scope_path "
                            "WHERE u.username = 'town_admin'").fetchone()[0]
        categories = [r[0] for r in conn.execute("SELECT code FROM cases_category WHERE level = 2 ORDER BY code")]
        cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    from shapely.geometry import Point, shape

    polygon = shape(grid[5])
    rng = random.Random(SEED)
    points = []
    while len(points) < 500:
        lat, lng = rng.uniform(grid[1], grid[2]), rng.uniform(grid[3], grid[4])
        if polygon.contains(Point(lng, lat)):
            points.append((round(lat, 6), round(lng, 6)))
    return {"grid": grid[0], "points": points, "village": village, "town": town, "categories": categories,
            "cases": cases}


# --- server and client --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, port: int) -> subprocess.Popen:
    log = open(Path(args.var_dir) / "serve.log", "wb")
    process = subprocess.Popen([PYTHON, "-m", "gridgov", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", str(args.workers)], env=_env(args), cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}); see {log.name}")
        try:
            status, _body, _ms = Client(port).request("GET", "/api/v1/openapi.json")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    sys.exit("the server did not answer within 90 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Client:
    """One HTTP connection to 127.0.0.1, reopened when the server closes it."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, data, headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                return response.status, payload, (time.perf_counter() - started) * 1000
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # a kept-alive connection the server dropped meanwhile: once more
                if attempt == 2:
                    raise


def token_for(port: int, username: str) -> str:
    status, body, _ms = Client(port).request("POST", "/api/v1/auth/token",
                                             {"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"no token for {username}: {status} {body[:200]!r}")
    return json.loads(body)["token"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def intake(port: int, token: str, info: dict, duration: float, threads: int) -> dict:
    stop_at = time.monotonic() + duration
    lock = threading.Lock()
    latencies, errors, statuses = [], [], {}

    def run(worker: int):
        rng = random.Random(SEED + worker)
        client = Client(port, token)
        mine, failed = [], []
        while time.monotonic() < stop_at:
            lat, lng = rng.choice(info["points"])
            body = {"category": rng.choice(info["categories"]), "description": "巷口垃圾桶满溢，请尽快清运",
                    "lat": lat, "lng": lng, "channel": "patrol"}
            try:
                status, payload, ms = client.request("POST", "/api/v1/cases", body)
            except OSError as exc:
                failed.append(repr(exc))
                continue
            if status == 201:
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
    for e in errors:
        statuses[e[:3]] = statuses.get(e[:3], 0) + 1
    return {"created": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed, "errors": len(errors),
            "error_kinds": statuses, "first_error": errors[0] if errors else "",
            "p50": pct(latencies, 50) if latencies else None, "p95": pct(latencies, 95) if latencies else None,
            "max": max(latencies) if latencies else None}


def timed_reads(port: int, token: str, path: str, requests: int, threads: int, cap: float) -> dict:
    """`requests` GETs of `path` from `threads` connections, after two untimed warm-up requests; fewer
    when they take more than `cap` seconds in all."""
    warm = Client(port, token)
    for _ in range(2):
        status, body, _ms = warm.request("GET", path)
    if status != 200:
        return {"error": f"{status} {body[:160]!r}"}
    payload = json.loads(body)
    times, failed, lock = [], {}, threading.Lock()
    per_thread = max(1, requests // threads)
    stop_at = time.monotonic() + cap

    def run():
        client = Client(port, token)
        mine, refused = [], {}
        for _ in range(per_thread):
            if time.monotonic() > stop_at:
                break
            status, _body, ms = client.request("GET", path)
            if status == 200:
                mine.append(ms)
            else:  # not timed (an error page is no read), but counted and reported: never dropped silently
                refused[status] = refused.get(status, 0) + 1
        with lock:
            times.extend(mine)
            for status, n in refused.items():
                failed[status] = failed.get(status, 0) + n

    pool = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(300)
    what = payload.get("count", payload.get("reported"))
    if not times:
        return {"error": f"no 200 answer; statuses {failed}", "failed": failed}
    return {"n": len(times), "p50": statistics.median(times), "p95": pct(times, 95), "max": max(times),
            "what": what, "failed": failed}


def database_and_var_dir(args, name: str, default_url: str = DEFAULT_URL) -> None:
    """args.database_url (on 127.0.0.1 only) and args.var_dir: a folder named after the benchmark and the
    database, kept between runs — the data key the load wrote there is the one --skip-load must start with,
    since gridgov refuses to start on personal data sealed under another key."""
    args.database_url = os.environ.get("DATABASE_URL") or default_url
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("the benchmark only runs against a database on 127.0.0.1")
    args.var_dir = os.path.join(tempfile.gettempdir(), f"{name}-" + urlsplit(args.database_url).path.strip("/"))
    if not args.skip_load:
        shutil.rmtree(args.var_dir, ignore_errors=True)
    os.makedirs(args.var_dir, exist_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases loaded before measuring")
    parser.add_argument("--duration", type=float, default=30, help="seconds of intake")
    parser.add_argument("--threads", type=int, default=16, help="client threads for intake")
    parser.add_argument("--read-threads", type=int, default=4, help="client threads for the reads")
    parser.add_argument("--requests", type=int, default=200, help="requests per read measured")
    parser.add_argument("--read-cap", type=float, default=60, help="seconds at most per read measured")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database as it is")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    database_and_var_dir(args, "bench_cases")

    if not args.skip_load:
        t0 = time.monotonic()
        recreate_database(args.database_url)
        _gridgov(args, "migrate", "-v", "0")
        _gridgov(args, "demo", "--cases", "0", "-v", "0")
        print(f"database, migrations and demo town: {time.monotonic() - t0:.0f} s", flush=True)
        # In a child process so that this one keeps no Django connection while the server runs.
        out = subprocess.run([PYTHON, __file__, "--_load", str(args.cases), args.database_url, args.var_dir,
                              "-v" if args.verbose else "-q"], cwd=ROOT, check=True, capture_output=False,
                             stdout=subprocess.PIPE, timeout=3600, text=True)
        loaded = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"loaded {loaded['cases']:,} cases over {loaded['grids']} small grids and {loaded['categories']} "
              f"subcategories: COPY {loaded['copy_s']:.0f} s, with ANALYZE {loaded['total_s']:.0f} s", flush=True)
    info = facts(args)
    print(f"{info['cases']:,} cases in the database; intake as gridworker in grid {info['grid']}", flush=True)

    port = free_port()
    server = start_server(args, port)
    try:
        tokens = {u: token_for(port, u) for u in ("gridworker", "secretary", "town_admin")}
        print(f"server: gunicorn, {args.workers} workers, port {port}", flush=True)
        result = intake(port, tokens["gridworker"], info, args.duration, args.threads)
        print(f"\nintake: {args.threads} threads for {result['seconds']:.1f} s")
        print(f"  {result['created']:,} cases created, {result['rate']:.0f} cases/s, {result['errors']} errors "
              f"{result['error_kinds'] or ''}")
        if result["first_error"]:
            print(f"  first error: {result['first_error']}")
        if result["p50"] is not None:
            print(f"  latency p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, max {result['max']:.0f} ms")

        today = datetime.date.today()
        month = (today - datetime.timedelta(days=30)).isoformat()
        year = (today - datetime.timedelta(days=365)).isoformat()
        reads = [
            ("secretary", "list, first page", "/api/v1/cases"),
            ("secretary", "list ?state=in_progress", "/api/v1/cases?state=in_progress"),
            ("secretary", "list ?overdue=true", "/api/v1/cases?overdue=true"),
            ("secretary", "list, page 20", "/api/v1/cases?page=20"),
            ("town_admin", "list, first page", "/api/v1/cases"),
            ("town_admin", "list ?state=reported", "/api/v1/cases?state=reported"),
            ("secretary", "stats village, month", "/api/v1/cases/stats?" + urlencode({"since": month})),
            ("secretary", "stats village, year", "/api/v1/cases/stats?" + urlencode({"since": year})),
            ("town_admin", "stats town, month", "/api/v1/cases/stats?" + urlencode({"since": month})),
            ("town_admin", "stats town, year", "/api/v1/cases/stats?" + urlencode({"since": year})),
        ]
        print(f"\nreads: {args.requests} requests each from {args.read_threads} threads "
              f"(count = cases in the list / reported in the window)")
        print(f"  {'who':<11} {'request':<26} {'count':>9} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
              f" {'not 200':>8}")
        failures = []
        for who, label, path in reads:
            r = timed_reads(port, tokens[who], path, args.requests, args.read_threads, args.read_cap)
            if "error" in r:
                print(f"  {who:<11} {label:<26} {r['error']}")
                failures.append(f"{who} {label}: {r['error']}")
                continue
            refused = sum(r["failed"].values())
            print(f"  {who:<11} {label:<26} {r['what']:>9,} {r['n']:>5} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                  f"{r['max']:>8.1f} {refused:>8}", flush=True)
            if refused:
                failures.append(f"{who} {label}: {refused} answers other than 200 {r['failed']} (not in the timings)")
        if failures:
            # Timings of the answers that succeeded are no figure for the read when others failed.
            sys.exit("reads that did not all answer 200:\n  " + "\n  ".join(failures))
    finally:
        stop_server(server)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_load":
        cases, url, var_dir, verbosity = sys.argv[2:6]
        sys.path.insert(0, str(ROOT / "src"))
        ns = argparse.Namespace(cases=int(cases), database_url=url, var_dir=var_dir, verbose=verbosity == "-v")
        print(json.dumps(load(ns)), flush=True)
    else:
        main()
