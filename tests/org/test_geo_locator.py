"""The bucket index answers exactly as the STRtree lookup it replaced: on shared edges and vertices,
one float step off them, inside holes, where grids overlap (the smallest code) and outside every grid."""

import math
import random

import pytest
import shapely
from shapely import STRtree
from shapely.affinity import rotate
from shapely.geometry import Point, box, mapping, shape

from gridgov.org import demo, geo
from gridgov.org.geo import Locator


def reference(rows):
    """The lookup of gridgov.org.geo before the bucket index: STRtree, predicate intersects, smallest code."""
    rows = sorted(rows, key=lambda row: row[0])
    codes = [code for code, _g in rows]
    tree = STRtree([shape(g) for _c, g in rows])

    def locate(lat, lng):
        hits = tree.query(Point(lng, lat), predicate="intersects")
        return min(codes[i] for i in hits) if len(hits) else None

    return locate


def probes(rows, rng, n_random=2000):
    """(lat, lng): every vertex, edge midpoints and random edge points, each vertex one float step off
    in eight directions, random points over the extent and beyond it."""
    geoms = [shape(g) for _c, g in rows]
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    out = [(rng.uniform(y0 - 0.01, y1 + 0.01), rng.uniform(x0 - 0.01, x1 + 0.01)) for _i in range(n_random)]
    for geom in geoms:
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in [polygon.exterior, *polygon.interiors]:
                coords = list(ring.coords)
                for (ax, ay), (bx, by) in zip(coords, coords[1:]):
                    t = rng.random()
                    out += [(ay, ax), ((ay + by) / 2, (ax + bx) / 2), (ay + t * (by - ay), ax + t * (bx - ax))]
                    out += [(math.nextafter(ay, ay + dy) if dy else ay, math.nextafter(ax, ax + dx) if dx else ax)
                            for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dx or dy]
    return out + [(0.0, 0.0), (y0 - 1, x0 - 1), (y1 + 1, x1 + 1)]


def assert_same(rows, points):
    want, new = reference(rows), Locator(rows)
    different = [(lat, lng, want(lat, lng), new.locate(lat, lng)) for lat, lng in points]
    different = [d for d in different if d[2] != d[3]]
    assert different == [], f"{len(different)} of {len(points)} points differ, e.g. {different[:5]}"
    # The probes must reach grids and the outside, or agreeing would prove little.
    answers = {want(lat, lng) for lat, lng in points}
    assert None in answers and len(answers) > 2
    return answers


def demo_town_rows():
    plan = demo.Generator(demo.DEFAULT_SEED).plan_town()
    return [(g.code, g.geometry) for t in plan.towns for v in t.villages for g in v.small]


def test_the_demo_towns_grids_give_the_references_answers():
    rows = demo_town_rows()
    assert len(rows) == 147
    assert len(assert_same(rows, probes(rows, random.Random(1)))) > 140


@pytest.mark.parametrize("degrees", [7, 45, 90])
def test_the_town_turned_so_no_grid_is_a_box_gives_the_references_answers(degrees):
    # Turned, every grid is a general quadrangle and goes through GEOS instead of the box comparisons;
    # at 90° the corners land on other floats and the boxes come back.
    rows = [(code, mapping(rotate(shape(g), degrees, origin=(112.33, 22.73)))) for code, g in demo_town_rows()]
    assert len(assert_same(rows, probes(rows, random.Random(degrees)))) > 140


def shapes_of_every_kind():
    l_shape = {"type": "Polygon", "coordinates": [[[1.005, 0], [1.01, 0], [1.01, 0.01], [1.0, 0.01], [1.0, 0.005],
                                                   [1.005, 0.005], [1.005, 0]]]}
    with_hole = box(1.02, 0, 1.05, 0.03).difference(box(1.03, 0.01, 1.04, 0.02))
    islands = {"type": "MultiPolygon", "coordinates": [
        mapping(box(1.06, 0, 1.07, 0.01))["coordinates"], mapping(box(1.08, 0, 1.09, 0.01))["coordinates"]]}
    # A rectangle drawn with a fifth vertex in the middle of an edge: not taken for a box, still exact.
    five = {"type": "Polygon", "coordinates": [[[1.0, 0.02], [1.005, 0.02], [1.01, 0.02], [1.01, 0.03], [1.0, 0.03],
                                                [1.0, 0.02]]]}
    triangle = {"type": "Polygon", "coordinates": [[[1.01, 0.01], [1.02, 0.01], [1.01, 0.02], [1.01, 0.01]]]}
    return [
        ("A01", l_shape), ("A02", mapping(with_hole)), ("A03", islands), ("A04", five), ("A05", triangle),
        # Overlaps: B01 inside the hole of A02 and over the edge of A02; A06 under B02 where they overlap.
        ("B01", mapping(box(1.035, 0.015, 1.045, 0.025))), ("B02", mapping(box(1.065, 0.005, 1.085, 0.015))),
        ("A06", mapping(box(1.07, 0.0, 1.08, 0.02))),
    ]


def test_holes_islands_triangles_and_overlaps_give_the_references_answers():
    rows = shapes_of_every_kind()
    assert_same(rows, probes(rows, random.Random(2)))
    locator = Locator(rows)
    assert locator.locate(0.012, 1.032) is None  # in A02's hole, outside B01
    assert locator.locate(0.018, 1.038) == "B01"  # in the hole, inside B01
    assert locator.locate(0.003, 1.003) is None  # the corner cut out of the L
    assert locator.locate(0.01, 1.075) == "A06"  # on A06 and B02: the smaller code


@pytest.mark.parametrize("big_code", ["A00", "Z99"])
def test_a_grid_far_larger_than_the_others_is_still_found_in_code_order(big_code, monkeypatch):
    # Spanning more than WIDE_CELLS cells, it is kept apart from the cells and checked on every lookup.
    small = [(f"G{i:03d}", mapping(box(i * 0.01, 0, (i + 1) * 0.01, 0.01))) for i in range(40)]
    rows = [*small, (big_code, mapping(box(0.105, -0.2, 0.5, 0.2)))]
    locator = Locator(rows)
    assert [e[5] for e in locator._wide] == [big_code]
    assert locator.locate(0.005, 0.205) == ("A00" if big_code == "A00" else "G020")
    assert locator.locate(0.1, 0.205) == big_code
    assert locator.locate(0.005, 0.055) == "G005"
    assert_same(rows, probes(rows, random.Random(3)))
    monkeypatch.setattr(geo, "WIDE_CELLS", 10_000)  # the same answers with it filed in its cells
    assert Locator(rows)._wide == ()
    assert_same(rows, probes(rows, random.Random(3)))


@pytest.mark.parametrize("lat, lng", [(math.nan, 112.3), (22.7, math.nan), (math.inf, 112.3), (22.7, -math.inf)])
def test_a_point_that_is_not_a_number_is_in_no_grid(lat, lng):
    rows = demo_town_rows()
    assert Locator(rows).locate(lat, lng) is None
    assert reference(rows)(lat, lng) is None


def test_no_grids_no_answer():
    assert Locator([]).locate(22.7, 112.3) is None


def test_a_bow_tie_through_a_boxs_corners_is_not_taken_for_the_box():
    bow_tie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    assert not geo._is_box(bow_tie)
    assert geo._is_box(box(0, 0, 1, 1)) and geo._is_box(shapely.Polygon([(0, 0), (0, 1), (1, 1), (1, 0)]))
    assert not geo._is_box(shape(shapes_of_every_kind()[3][1]))
