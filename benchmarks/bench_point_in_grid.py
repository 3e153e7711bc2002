"""Point-in-grid benchmark: lookups per second of `gridgov.org.geo` on the synthetic county's small
grids, before (the STRtree lookup of earlier versions) and after (the bucket index), and a check that
both give the same answer for every point. Prints figures; never part of the test suite.

    python benchmarks/bench_point_in_grid.py                  # the county: 20 towns, ~3,250 small grids
    python benchmarks/bench_point_in_grid.py --points 50000 --rounds 3 --no-db

Steps:
  plan      the county's small grids from gridgov.org.demo's generator (seed 2022), no database
  check     the reference and the new locator answer the same for random points over the county (and
            a margin outside it), every vertex of every grid, the midpoint and a random point of every
            edge, each vertex moved one float step in eight directions, and points far outside; the
            same again with the county rotated by --rotate degrees (every grid then a general
            quadrilateral, tested by GEOS). Any difference is printed and the exit status is 1.
  in-process  best and median lookups/s over --rounds passes of the random points: the reference
            (shapely STRtree.query(Point, predicate="intersects"), the smallest code), the new
            Locator, and, for comparison, shapely's vectorised STRtree query of all points at once
  geo.locate  with --db (default): the grids written to a scratch SQLite database (the demo's writer),
            then gridgov.org.geo.locate(lat, lng) as callers use it, hot (its index built), timed the
            same way and checked against the reference
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree
from shapely.affinity import rotate
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


class Reference:
    """The lookup of gridgov.org.geo before the bucket index, line for line."""

    def __init__(self, rows):
        rows = sorted(rows, key=lambda row: row[0])
        self.codes = [code for code, _geometry in rows]
        self.tree = STRtree([shape(geometry) for _code, geometry in rows])

    def locate(self, lat, lng):
        hits = self.tree.query(Point(lng, lat), predicate="intersects")
        return min(self.codes[i] for i in hits) if len(hits) else None

    def locate_many(self, lats, lngs):
        """Every point at once through shapely's vectorised query (a batch API; no caller has batches)."""
        points = shapely.points(lngs, lats)
        pairs = self.tree.query(points, predicate="intersects")
        best = np.full(len(points), len(self.codes), dtype=np.int64)
        np.minimum.at(best, pairs[0], pairs[1])
        codes = self.codes + [None]
        return [codes[i] for i in best]


def rotated(rows, degrees: float) -> list[tuple[str, dict]]:
    """The same county turned about a fixed point: a shared vertex stays shared (same input, same output)."""
    return [(code, shapely.geometry.mapping(rotate(shape(g), degrees, origin=(112.3, 22.7)))) for code, g in rows]


def check_points(rows, rng: random.Random, n_random: int) -> list[tuple[float, float]]:
    """(lat, lng) points: random over the extent and a margin, vertices, edges, one float step off them."""
    geoms = [shape(g) for _c, g in rows]
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    mx, my = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    points = [(rng.uniform(y0 - my, y1 + my), rng.uniform(x0 - mx, x1 + mx)) for _i in range(n_random)]
    for geom in geoms:
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in [polygon.exterior, *polygon.interiors]:
                coords = list(ring.coords)
                for (ax, ay, *_a), (bx, by, *_b) in zip(coords, coords[1:]):
                    points.append((ay, ax))
                    points.append(((ay + by) / 2, (ax + bx) / 2))
                    t = rng.random()
                    points.append((ay + t * (by - ay), ax + t * (bx - ax)))
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            if dx or dy:
                                points.append((math.nextafter(ay, ay + dy) if dy else ay,
                                               math.nextafter(ax, ax + dx) if dx else ax))
    points += [(0.0, 0.0), (-90.0, -180.0), (90.0, 180.0), (y0 - 1, x0 - 1), (y1 + 1, x1 + 1)]
    return points


def compare(name, reference, locator, points) -> int:
    wrong = [(lat, lng, reference.locate(lat, lng), locator.locate(lat, lng)) for lat, lng in points]
    wrong = [w for w in wrong if w[2] != w[3]]
    inside = sum(1 for lat, lng in points if reference.locate(lat, lng) is not None)
    print(f"check {name}: {len(points):,} points ({inside:,} in a grid), {len(wrong)} different")
    for lat, lng, want, got in wrong[:10]:
        print(f"  ({lat!r}, {lng!r}): reference {want}, new {got}")
    return len(wrong)


def rate(fn, points, rounds: int) -> tuple[float, float]:
    """(best, median) lookups per second over `rounds` passes through the points."""
    rates = []
    for _r in range(rounds):
        started = time.perf_counter()
        for lat, lng in points:
            fn(lat, lng)
        rates.append(len(points) / (time.perf_counter() - started))
    return max(rates), statistics.median(rates)


def batch_rate(reference, points, rounds: int) -> tuple[float, float]:
    lats = np.array([p[0] for p in points])
    lngs = np.array([p[1] for p in points])
    rates = []
    for _r in range(rounds):
        started = time.perf_counter()
        reference.locate_many(lats, lngs)
        rates.append(len(points) / (time.perf_counter() - started))
    return max(rates), statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--villages-per-town", type=int, default=15)
    parser.add_argument("--grids-per-village", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--points", type=int, default=200_000, help="random points checked and timed")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes; best and median are printed")
    parser.add_argument("--rotate", type=float, default=7.0, help="degrees for the rotated county's check")
    parser.add_argument("--no-db", dest="db", action="store_false", help="skip geo.locate on a database")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    if args.db:
        os.environ.pop("DATABASE_URL", None)
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-point-in-grid-")
    django.setup()
    from gridgov.org import demo
    from gridgov.org.geo import Locator

    plan = demo.Generator(args.seed).plan_county(towns=args.towns, villages_per_town=args.villages_per_town,
                                                 grids_per_village=args.grids_per_village, people_per_grid=1)
    rows = [(g.code, g.geometry) for t in plan.towns for v in t.villages for g in v.small]
    print(f"county: {len(rows):,} small grids (seed {args.seed}); {os.cpu_count()} cores, load "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    rng = random.Random(args.seed)
    reference, locator = Reference(rows), Locator(rows)
    points = check_points(rows, rng, args.points)
    different = compare("county", reference, locator, points)
    turned = rotated(rows, args.rotate)
    different += compare(f"county rotated {args.rotate:g}°", Reference(turned), Locator(turned),
                         check_points(turned, rng, args.points // 4))

    timed = points[:args.points]
    print(f"\nin-process lookups/s over {len(timed):,} random points, {args.rounds} rounds (best / median):")
    for name, fn in [("before: STRtree query per point", reference.locate), ("after: Locator", locator.locate)]:
        best, median = rate(fn, timed, args.rounds)
        print(f"  {name:<44} {best:>12,.0f} / {median:,.0f}")
    best, median = batch_rate(reference, timed, args.rounds)
    print(f"  {'(batch: STRtree query of all points at once)':<44} {best:>12,.0f} / {median:,.0f}")
    t_ref, t_new = Reference(turned), Locator(turned)
    for name, fn in [("rotated county, before", t_ref.locate), ("rotated county, after", t_new.locate)]:
        best, median = rate(fn, timed, args.rounds)
        print(f"  {name:<44} {best:>12,.0f} / {median:,.0f}")

    if args.db:
        from django.core.management import call_command
        from django.db import transaction

        from gridgov.core.context import acting_as
        from gridgov.org import geo

        call_command("migrate", verbosity=0)
        writer = demo.Writer()
        with acting_as(None), transaction.atomic():
            county = writer.county(plan)
            for town in plan.towns:
                writer.tree(county, town)
        geo.invalidate()
        started = time.perf_counter()
        geo.locate(*timed[0])
        print(f"\ngeo.locate on SQLite ({len(rows):,} grids): index built in {time.perf_counter() - started:.2f} s")
        wrong = sum(1 for lat, lng in points if geo.locate(lat, lng) != reference.locate(lat, lng))
        print(f"  check: {len(points):,} points, {wrong} different from the reference")
        different += wrong
        best, median = rate(geo.locate, timed, args.rounds)
        print(f"  geo.locate(lat, lng), hot: {best:,.0f} / {median:,.0f} lookups/s (best / median)")
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
