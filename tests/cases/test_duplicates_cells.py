"""Duplicate suggestions read the cells around a point (index case_open_category_cell, issue 18) and
answer exactly what the latitude-band query answered: every open case of the category inside the box of
GRIDGOV_CASE_DUPLICATE_METERS around the point and within that distance, reported within
GRIDGOV_CASE_DUPLICATE_DAYS of the time asked about. Checked here against a brute-force pass over every
case of the table, for many points (random ones, points on cell edges, either side of a cell boundary,
on the box's own edges), several distances (one wide enough to ask for a range of cells) and dates.

The box is kept as it was: its half-height is metres / 111,320 degrees, a hair (0.11%) shorter than the
haversine's metres north and south, so "within the distance" means within the box and the distance, as
before this change."""

import datetime
import math
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import routing
from gridgov.cases.models import CASE_CELL, OPEN_STATES, Case, State
from tests.cases.conftest import MONDAY_10, POINT_A1

pytestmark = pytest.mark.usefixtures("clock")

METRES = [30, 100, 250, 1000, 5000]
CELL = 1 / CASE_CELL.per_degree  # degrees
STATES = [s for s, _label in State.choices if s != State.MERGED]  # a merged case needs its target
DAY = datetime.timedelta(days=1)
# Centres of the scatter: the test town, a point in the southern and western hemispheres (negative cell
# numbers, where flooring and truncating differ), one far north (the box four times as wide), and one
# exactly on a cell corner.
CENTRES = [POINT_A1, (-33.4501, -70.6601), (59.93, 30.31), (22.7, 112.3)]


def _near(rng, centre, metres):
    lat, lng = centre
    dlat = rng.gauss(0, metres) / 111_320
    dlng = rng.gauss(0, metres) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def _edges(rng, centre):
    """Points on cell boundaries of the centre's neighbourhood: the boundary's own float k/n and the
    floats just below and above it (either side of where the database's floor(x·n) changes)."""
    lat, lng = centre
    k, j = math.floor(lat / CELL) + rng.randint(-3, 3), math.floor(lng / CELL) + rng.randint(-3, 3)
    b_lat, b_lng = k / CASE_CELL.per_degree, j / CASE_CELL.per_degree
    out = []
    for x in (b_lat, math.nextafter(b_lat, -math.inf), math.nextafter(b_lat, math.inf)):
        for y in (b_lng, math.nextafter(b_lng, -math.inf), math.nextafter(b_lng, math.inf)):
            out.append((x, y))
    out.append((b_lat + rng.uniform(-1, 1) * 1e-9, b_lng + rng.uniform(-1, 1) * 1e-9))
    return out


@pytest.fixture
def scattered(personas, cfg):
    """About 3,000 cases of two categories in every state (many open), some without a point, over 40
    days, scattered at several scales around each centre, on cell edges and on the box edges of some
    query points; returns the query points."""
    rng = random.Random(18)
    grid = personas.town.a1
    points = []
    for centre in CENTRES:
        for scale in (10, 40, 150, 600, 3000):
            points += [_near(rng, centre, scale) for _ in range(90)]
        for _ in range(12):
            points += _edges(rng, centre)
    queries = [_near(rng, c, s) for c in CENTRES for s in (20, 200, 2000) for _ in range(4)]
    queries += [p for c in CENTRES for p in _edges(rng, c)[::3]]
    # Cases exactly on (and a float beyond) the box edges of a few query points, for every distance.
    for lat, lng in queries[::9]:
        for metres in METRES:
            lat_lo, lat_hi, lng_lo, lng_hi = routing._box(lat, lng, metres)
            for edge in ((lat_lo, lng), (lat_hi, lng), (lat, lng_lo), (lat, lng_hi)):
                points.append(edge)
            points.append((math.nextafter(lat_hi, math.inf), lng))
            points.append((lat, math.nextafter(lng_lo, -math.inf)))
    open_states = list(OPEN_STATES)
    rows = []
    for i, (lat, lng) in enumerate(points):
        no_point = rng.random() < 0.02
        rows.append(Case(category=cfg.garbage if rng.random() < 0.8 else cfg.neighbours,
                         description=f"第{i}宗", grid=grid, path=grid.path,
                         lat=None if no_point else lat, lng=None if no_point else lng,
                         state=rng.choice(open_states) if rng.random() < 0.75 else rng.choice(STATES),
                         created_at=MONDAY_10 + rng.uniform(-20, 20) * DAY))
    Case.objects.bulk_create(rows, batch_size=500)
    return queries


def _brute_force(everything, category_id, lat, lng, metres, days, around, exclude_pk=None):
    """The old query's answer computed in Python over every case: open, same category, in the window,
    inside the box, within the distance; nearest first, then by id."""
    lat_lo, lat_hi, lng_lo, lng_hi = routing._box(lat, lng, metres)
    since, until = around - days * DAY, around + days * DAY
    found = []
    for pk, cat, state, c_lat, c_lng, created in everything:
        if (cat != category_id or state not in OPEN_STATES or c_lat is None or pk == exclude_pk
                or not since <= created <= until or not (lat_lo <= c_lat <= lat_hi and lng_lo <= c_lng <= lng_hi)):
            continue
        d = routing.distance_m(lat, lng, c_lat, c_lng)
        if d <= metres:
            found.append((round(d, 1), pk))
    return sorted(found)


def _everything():
    return list(Case.objects.values_list("pk", "category_id", "state", "lat", "lng", "created_at"))


# Besides METRES: none at all (only the same point), below zero (nothing, as the inverted box gave), and
# a distance of a country (a range of cell numbers past any real row).
@pytest.mark.parametrize("metres", [*METRES, 0, -5, 2_000_000])
def test_suggestions_equal_the_brute_force_answer(scattered, cfg, settings, metres):
    settings.GRIDGOV_CASE_DUPLICATE_METERS = metres
    everything = _everything()
    found_any = 0
    for days, around in ((7, MONDAY_10), (7, MONDAY_10 - 12 * DAY), (3, MONDAY_10 + 15.5 * DAY)):
        settings.GRIDGOV_CASE_DUPLICATE_DAYS = days
        for category in (cfg.garbage, cfg.neighbours):
            for lat, lng in scattered:
                got = [(d, row[0]) for row, d in routing._nearby_rows(category.pk, lat, lng, around=around)]
                expected = _brute_force(everything, category.pk, lat, lng, metres, days, around)
                assert got == expected, (metres, days, around, category.code, lat, lng)
                found_any += bool(got)
    # The comparison means something only if many points have suggestions.
    assert found_any > len(scattered) // 4 or metres <= 0


def test_a_cases_own_suggestions_equal_the_brute_force_answer(scattered, settings):
    """find_duplicates: around the case's own time, without the case itself."""
    everything = _everything()
    cases = list(Case.objects.filter(lat__isnull=False).order_by("pk").select_related("category")[::29])
    for metres in (30, 250):
        settings.GRIDGOV_CASE_DUPLICATE_METERS = metres
        for case in cases:
            got = [(d, c.pk) for c, d in routing.find_duplicates(case, limit=None)]
            assert got == _brute_force(everything, case.category_id, case.lat, case.lng, metres, 7, case.created_at,
                                       exclude_pk=case.pk), (metres, case.pk)


def test_the_cells_asked_for_cover_the_box_and_no_more():
    for metres in (30, 100, 250, 1000):
        for lat, lng in [POINT_A1, (0.0, 0.0), (-33.45, -70.66), (53.5, 125.0), (0.001, -0.001)]:
            box = routing._box(lat, lng, metres)
            cells = set(CASE_CELL.cells_of_box(*box))
            corners = {CASE_CELL.key(a, b) for a in box[:2] for b in box[2:]}
            assert corners <= cells
            rows = {math.floor(a * CASE_CELL.per_degree) for a in box[:2]}
            columns = {math.floor(b * CASE_CELL.per_degree) for b in box[2:]}
            assert len(cells) == (max(rows) - min(rows) + 1) * (max(columns) - min(columns) + 1)
    # The default distance in the test town: at most 2 × 2 cells.
    assert len(CASE_CELL.cells_of_box(*routing._box(*POINT_A1, 100))) <= 4


def test_the_database_and_python_agree_on_every_cell(scattered):
    """The key the index holds is the key Python computes for the same point (cell edges included)."""
    with connection.cursor() as cursor:
        sql, params = (Case.objects.filter(lat__isnull=False).annotate(cell=CASE_CELL)
                       .values_list("lat", "lng", "cell").query.sql_with_params())
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    assert len(rows) > 2000
    for lat, lng, cell in rows:
        assert cell == CASE_CELL.key(lat, lng), (lat, lng)


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (COSTS OFF) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _suggestion_query(case) -> tuple[str, list]:
    with CaptureQueriesContext(connection) as captured:
        routing.find_duplicates(case)
    (query,) = [q for q in captured.captured_queries if "FLOOR" in q["sql"]]
    return query["sql"], None


@pytest.fixture
def a_province_of_cases(personas, cfg):
    """20,000 cases over a 60 km square and a year, nine in ten closed, then ANALYZE: enough for
    PostgreSQL's planner to weigh its indexes as it would in use (a few test rows prove nothing)."""
    rng = random.Random(2026)
    grid = personas.town.a1
    rows = []
    for i in range(20_000):
        lat, lng = POINT_A1[0] + rng.uniform(-0.3, 0.3), POINT_A1[1] + rng.uniform(-0.3, 0.3)
        rows.append(Case(category=cfg.garbage if i % 2 else cfg.neighbours, description="x", grid=grid,
                         path=grid.path, lat=lat, lng=lng,
                         state=rng.choice(list(OPEN_STATES)) if rng.random() < 0.1 else State.CLOSED,
                         created_at=MONDAY_10 - rng.uniform(0, 365) * DAY))
    Case.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case" if connection.vendor == "postgresql" else "ANALYZE")


@pytest.mark.parametrize("metres", [30, 100, 250])
def test_the_suggestions_query_reads_the_cells_from_the_cell_index(a_province_of_cases, report, settings, metres):
    """The query as executed is answered from case_open_category_cell with the cells as an index
    condition: on PostgreSQL by its plan over the table's statistics, on SQLite by the expression
    being recognised as the index's. (Wider boxes ask for a hundred cells and more; PostgreSQL may then
    rather read the category's open cases of the window, from this index or another, by its costs.)"""
    settings.GRIDGOV_CASE_DUPLICATE_METERS = metres
    case = report()
    sql, params = _suggestion_query(case)
    plan = _plan(sql, params)
    assert "case_open_category_cell" in plan, plan
    if connection.vendor == "postgresql":
        index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "floor((lat * '500'::double precision))" in index_cond, plan
    else:
        assert "<expr>=?" in plan, plan


@pytest.mark.parametrize("metres", [1000, 5000])
def test_wide_boxes_scan_no_table(a_province_of_cases, report, settings, metres):
    settings.GRIDGOV_CASE_DUPLICATE_METERS = metres
    plan = _plan(*_suggestion_query(report()))
    assert ("Seq Scan on cases_case" if connection.vendor == "postgresql" else "SCAN cases_case") not in plan, plan


def test_the_cell_numbers_are_bound_values_and_the_expression_literal(report):
    """The index is found for the SQL as the process sends it (parameters bound, not inlined)."""
    case = report()
    shape, values = routing._cell_values(routing._box(case.lat, case.lng, 100))
    sql, slots, _col, _conv = routing._compiled(connection, shape)
    assert "FLOOR(" in sql and "* 500)" in sql
    around = case.created_at
    values.update({"category": case.category_id, "lat_lo": 0.0, "lat_hi": 90.0, "lng_lo": 0.0, "lng_hi": 180.0,
                   "since": connection.ops.adapt_datetimefield_value(around - DAY),
                   "until": connection.ops.adapt_datetimefield_value(around + DAY), "exclude": -1})
    params = [values[name] for name in slots]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # one row: ask what is possible, not what is cheapest
            cursor.execute("EXPLAIN (COSTS OFF) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "case_open_category_cell" in plan, plan
