"""Point-in-grid: a point falls in exactly one small grid, or in none; boundary edits are seen at once."""

import pytest

from gridgov.org import actions, geo
from gridgov.org.actions import OrgError
from tests.conftest import square

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")

# The fixture's small grids are 0.01° squares: a1 and a2 side by side at lat 22.70, b1 and b2 above them.


@pytest.mark.parametrize("name, lng, lat", [
    ("a1", 112.305, 22.705), ("a2", 112.315, 22.705), ("b1", 112.305, 22.715), ("b2", 112.315, 22.715),
    ("a1", 112.3001, 22.7001), ("b2", 112.3199, 22.7199),
])
def test_a_point_inside_a_square_is_in_that_grid(town, name, lng, lat):
    assert geo.locate(lat, lng) == getattr(town, name).code


@pytest.mark.parametrize("lng, lat", [(112.31, 22.705), (112.305, 22.71), (112.31, 22.71)])
def test_a_point_on_a_shared_border_gets_one_answer_the_smallest_code(town, lng, lat):
    # (112.31, 22.71) is the corner all four squares share.
    answers = {geo.locate(lat, lng) for _ in range(3)}
    assert answers == {town.a1.code}


def test_the_border_rule_picks_the_smaller_code_whichever_grid_was_created_first(town):
    actions.do_set_grid_geometry(None, town.a1, square(113.0, 23.0))
    actions.do_set_grid_geometry(None, town.b2, square(113.0, 23.0, size=0.02))
    actions.do_set_grid_geometry(None, town.a2, square(113.01, 23.0))
    # (113.01, 23.005): on the a1/a2 border and inside b2.
    assert geo.locate(23.005, 113.01) == town.a1.code


@pytest.mark.parametrize("lng, lat", [(112.0, 22.0), (112.35, 22.705), (112.305, 22.75), (0.0, 0.0)])
def test_a_point_outside_every_grid_is_in_none(town, lng, lat):
    assert geo.locate(lat, lng) is None


def test_village_and_town_grids_are_not_answers(town):
    actions.do_set_grid_geometry(None, town.grid_a, square(112.0, 22.0, size=1.0))
    assert geo.locate(22.5, 112.5) is None


def test_a_boundary_change_is_seen_by_the_next_lookup(town):
    assert geo.locate(22.705, 112.305) == town.a1.code
    actions.do_set_grid_geometry(None, town.a1, square(112.40, 22.80))
    assert geo.locate(22.705, 112.305) is None
    assert geo.locate(22.805, 112.405) == town.a1.code


def test_a_boundary_change_that_keeps_the_bounding_box_is_seen_after_commit(town, django_capture_on_commit_callbacks):
    assert geo.locate(22.7025, 112.3025) == town.a1.code
    # An L shape in the same bounding box: the lower-left quarter is cut away.
    l_shape = {"type": "Polygon", "coordinates": [[
        [112.305, 22.70], [112.31, 22.70], [112.31, 22.71], [112.30, 22.71], [112.30, 22.705], [112.305, 22.705],
        [112.305, 22.70]]]}
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_grid_geometry(None, town.a1, l_shape)
    assert geo.locate(22.7025, 112.3025) is None
    assert geo.locate(22.7075, 112.3075) == town.a1.code


def test_removing_a_boundary_removes_the_grid_from_the_index(town):
    actions.do_set_grid_geometry(None, town.a2, None)
    assert geo.locate(22.705, 112.315) is None
    assert town.a2.min_lng is None


def test_a_grid_created_with_a_boundary_is_found(town):
    grid = actions.do_create_grid(None, "445321104201003", "碧塘第三网格", parent=town.grid_a,
                                  geometry=square(112.32, 22.70))
    assert geo.locate(22.705, 112.325) == grid.code


def test_multipolygon_boundaries_work(town):
    two_islands = {"type": "MultiPolygon", "coordinates": [square(112.5, 22.5)["coordinates"],
                                                            square(112.6, 22.5)["coordinates"]]}
    actions.do_set_grid_geometry(None, town.a1, two_islands)
    assert geo.locate(22.505, 112.605) == town.a1.code
    assert geo.locate(22.505, 112.555) is None


@pytest.mark.parametrize("geometry, says", [
    ({"type": "Point", "coordinates": [112.3, 22.7]}, "Polygon"),
    ({"type": "Polygon", "coordinates": "nonsense"}, "malformed"),
    ({"type": "Polygon", "coordinates": [[[112.30, 22.70], [112.31, 22.71], [112.31, 22.70], [112.30, 22.71],
                                          [112.30, 22.70]]]}, "crosses itself"),
    (square(22.70, 112.30), "longitude and latitude"),
])
def test_bad_boundaries_are_refused_with_a_message(town, geometry, says):
    with pytest.raises(OrgError, match=says):
        actions.do_set_grid_geometry(None, town.a1, geometry)
    town.a1.refresh_from_db()
    assert town.a1.geometry == square(112.30, 22.70)
