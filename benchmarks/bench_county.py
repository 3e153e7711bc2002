"""County-scale benchmark: build the synthetic county, export it to .xlsx, import that workbook into an
empty database, then time scoped lists at that size. Prints figures; never part of the test suite.

    python benchmarks/bench_county.py                        # ~1M people on scratch SQLite files
    python benchmarks/bench_county.py --people-per-grid 33   # ~100k people, a few minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_county.py

Each phase runs in its own process, because Django reads its database settings once per process:
  build   gridgov.org.demo.build("county") into the source database
  export  the source database to one full (unmasked) workbook, as `gridgov export all --full` does
  import  that workbook into an empty target database, as `gridgov import` does (one transaction)
  lists   in the target: a village secretary's and a grid worker's first page of /api/v1/people,
          /api/v1/households and the /households/ page, through Django's test client (real middleware,
          session login), with query counts and milliseconds
On SQLite the source and target are two files in the work directory (GRIDGOV_VAR_DIR). With
DATABASE_URL the source is that database and the target the same name + "_import"; both are
dropped and created again, so never point it at a database you need.
"""

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class QueryCounter:
    """Counts the statements a phase sends, without keeping them (DEBUG stays off)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def phase_build(args) -> dict:
    _setup()
    from gridgov.org import demo

    started = time.monotonic()
    summary = demo.build("county", seed=args.seed, progress=True, towns=args.towns,
                         villages_per_town=args.villages_per_town, grids_per_village=args.grids_per_village,
                         people_per_grid=args.people_per_grid)
    return {"seconds": round(time.monotonic() - started, 1), "people": summary["people"],
            "households": summary["households"], "posts": summary["posts"],
            "grids": sum(summary["grids"].values()), "regions": sum(summary["regions"].values()),
            "party_orgs": sum(summary["party_orgs"].values()), "peak_rss_mb": round(_peak_rss_mb())}


def phase_export(args) -> dict:
    _setup()
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # its thread would keep the import from checking in two processes

    from gridgov.org.exports import export_workbook

    bar = tqdm(unit=" rows", desc="export", mininterval=5)
    seen = {}

    def progress(kind, count):
        seen[kind] = count
        bar.update(sum(seen.values()) - bar.n)

    started = time.monotonic()
    counts = export_workbook("all", args.workbook, full=True, progress=progress)
    bar.close()
    return {"seconds": round(time.monotonic() - started, 1), "rows": counts,
            "megabytes": round(Path(args.workbook).stat().st_size / 2**20, 1), "peak_rss_mb": round(_peak_rss_mb())}


def phase_import(args) -> dict:
    _setup()
    from django.db import connection
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # its thread would keep the import from checking in two processes

    from gridgov.core.context import acting_as
    from gridgov.org.imports import import_workbook

    bar = tqdm(unit=" rows", desc="import", mininterval=5)
    marks = {}

    def progress(phase, done, total):
        bar.total = total
        bar.set_description(f"import ({phase})", refresh=False)
        bar.update(done - bar.n)
        if phase == "write" and "check_done" not in marks:
            marks["check_done"] = time.monotonic()
            marks["check_cpu"] = time.process_time()

    counter = QueryCounter()
    started, started_cpu = time.monotonic(), time.process_time()
    with connection.execute_wrapper(counter), acting_as(None):
        summary = import_workbook(args.workbook, progress=progress)
    finished, finished_cpu = time.monotonic(), time.process_time()
    bar.close()
    check = marks.get("check_done", finished) - started
    return {"seconds": round(finished - started, 1), "read_and_check_seconds": round(check, 1),
            "write_seconds": round(finished - started - check, 1), "queries": counter.count,
            # This process's CPU time: on SQLite the database's work too. On a machine shared with other
            # work it is the steadier figure; wall time is what a user waits.
            "cpu_seconds": round(finished_cpu - started_cpu, 1),
            "check_cpu_seconds": round(marks.get("check_cpu", finished_cpu) - started_cpu, 1),
            "summary": summary, "peak_rss_mb": round(_peak_rss_mb())}


def phase_lists(args) -> dict:
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gridgov.org.actions import do_create_user
    from gridgov.org.models import Grid, Household, Person, Region, User

    village = (Region.objects.filter(level=Region.Level.VILLAGE, kind=Region.Kind.VILLAGE,
                                     code__startswith="445321104").order_by("code").first()
               or Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").first())
    grid = Grid.objects.filter(region=village, level=Grid.Level.SMALL).order_by("code").first()
    users = {}
    for username, role, code in (("bench_secretary", "village_secretary", village.code),
                                 ("bench_worker", "grid_worker", grid.code)):
        users[username] = User.objects.filter(username=username).first() or do_create_user(None, username, role, code)
    out = {"village": village.code, "grid": grid.code,
           "village_people": Person.objects.filter(path__startswith=village.path).count(),
           "village_households": Household.objects.filter(path__startswith=village.path).count(),
           "grid_people": Person.objects.filter(path__startswith=grid.path).count(),
           "total_people": Person.objects.count(), "pages": {}}
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        for url in ("/api/v1/people", "/api/v1/households", "/households/", "/people/"):
            timings, queries = [], None
            for _run in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured.captured_queries)
            out["pages"][f"{username} {url}"] = {
                "queries": queries, "first_ms": round(timings[0], 1),
                "median_ms": round(statistics.median(timings[1:] or timings), 1)}
    return out


PHASES = {"build": phase_build, "export": phase_export, "import": phase_import, "lists": phase_lists}


def _pg_recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run_phase(phase: str, args, env: dict) -> dict:
    out = Path(args.workdir) / f"{phase}.json"
    command = [sys.executable, __file__, "--phase", phase, "--result", str(out), *args.passthrough]
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    result = json.loads(out.read_text())
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def _env(base: dict, var_dir: Path, database_url: str | None) -> dict:
    env = dict(base)
    var_dir.mkdir(parents=True, exist_ok=True)
    env["GRIDGOV_VAR_DIR"] = str(var_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people-per-grid", type=int, default=330, help="330 gives about 1M people")
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--villages-per-town", type=int, default=15)
    parser.add_argument("--grids-per-village", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--repeat", type=int, default=7, help="requests per page in the list phase")
    parser.add_argument("--workdir", help="keep databases and the workbook here (default: a temporary directory)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the source database in --workdir")
    parser.add_argument("--import-only", action="store_true",
                        help="reuse the workbook in --workdir: only the import (and the lists after it)")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        args.workbook = str(Path(args.result).parent / "county.xlsx")
        result = PHASES[args.phase](args)
        Path(args.result).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gridgov-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.workdir = str(workdir)
    args.passthrough = [f"--people-per-grid={args.people_per_grid}", f"--towns={args.towns}",
                        f"--villages-per-town={args.villages_per_town}",
                        f"--grids-per-village={args.grids_per_village}", f"--seed={args.seed}",
                        f"--repeat={args.repeat}"]
    base = dict(os.environ)
    # One key for every phase; the bench databases hold only synthetic people.
    keys = workdir / "keys.json"
    if not keys.exists():
        keys.write_text(json.dumps({"GRIDGOV_SECRET_KEY": secrets.token_urlsafe(40),
                                    "GRIDGOV_DATA_KEY": secrets.token_urlsafe(40)}))
    base.update(json.loads(keys.read_text()))
    base.setdefault("GRIDGOV_LOG_LEVEL", "WARNING")
    source_url = base.get("DATABASE_URL") or None
    target_url = f"{source_url}_import" if source_url else None

    results = {"database": "postgresql" if source_url else "sqlite", "workdir": str(workdir)}
    source_env = _env(base, workdir / "source", source_url)
    target_env = _env(base, workdir / "target", target_url)
    if not (args.skip_build or args.import_only):
        if source_url:
            _pg_recreate(source_url)
        else:
            (workdir / "source" / "gridgov.sqlite3").unlink(missing_ok=True)
        results["build"] = _run_phase("build", args, source_env)
    if not args.import_only:
        results["export"] = _run_phase("export", args, source_env)
    if target_url:
        _pg_recreate(target_url)
    else:
        for suffix in ("", "-wal", "-shm"):
            (workdir / "target" / f"gridgov.sqlite3{suffix}").unlink(missing_ok=True)
    results["import"] = _run_phase("import", args, target_env)
    results["lists"] = _run_phase("lists", args, target_env)
    (workdir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    report(results)


def report(results: dict) -> None:
    print()
    print(f"== gridgov county benchmark on {results['database']} ({results['workdir']}) ==")
    if "build" in results:
        b = results["build"]
        print(f"build   {b['people']:>9,} people {b['households']:,} households {b['grids']:,} grids "
              f"{b['posts']:,} posts: {b['seconds']} s (peak {b['peak_rss_mb']} MB)")
    e = results.get("export") or {"rows": {}, "megabytes": "-", "seconds": "-", "peak_rss_mb": "-"}
    print(f"export  {sum(e['rows'].values()):>9,} rows, {e['megabytes']} MB .xlsx: {e['seconds']} s "
          f"(peak {e['peak_rss_mb']} MB)")
    i = results["import"]
    people = i["summary"]["people"]["created"]
    print(f"import  {people:>9,} people into an empty database: {i['seconds']} s "
          f"(read and check {i['read_and_check_seconds']} s, write {i['write_seconds']} s), "
          f"{i['queries']:,} queries, peak {i['peak_rss_mb']} MB")
    if "cpu_seconds" in i:
        print(f"          CPU of the importing process {i['cpu_seconds']} s (read and check "
              f"{i['check_cpu_seconds']} s)")
    for kind, counts in i["summary"].items():
        print(f"          {kind:<11} created {counts['created']:>9,}")
    lists = results["lists"]
    print(f"lists   village {lists['village']} ({lists['village_people']:,} people, {lists['village_households']:,} "
          f"households), grid {lists['grid']} ({lists['grid_people']:,} people), of {lists['total_people']:,}")
    for name, page in lists["pages"].items():
        print(f"          {name:<40} {page['queries']:>3} queries  first {page['first_ms']:>8} ms  "
              f"median {page['median_ms']:>8} ms")


if __name__ == "__main__":
    main()
