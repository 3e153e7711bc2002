"""Building the tree through the actions: paths follow the codes, a small grid always lies inside one
village, and anything else is refused with a message."""

import pytest

from gridgov.org import actions
from gridgov.org.actions import OrgError
from gridgov.org.models import Grid, Region

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")


def test_fixture_tree_has_levels_and_paths_from_its_codes(town):
    assert [(r.level, r.kind, r.path) for r in (town.county, town.town, town.village_a)] == [
        (1, "county", "445321."), (2, "town", "445321.104."), (3, "village", "445321.104.201.")]
    assert (town.town_grid.level, town.town_grid.region, town.town_grid.path) == (1, town.town, "445321.104.")
    assert (town.grid_a.level, town.grid_a.region, town.grid_a.path) == (2, town.village_a, "445321.104.201.")
    assert (town.a1.level, town.a1.region, town.a1.parent, town.a1.path) == (
        3, town.village_a, town.grid_a, "445321.104.201.g001.")
    assert town.house_a1.path == town.zhang.path == town.a1.path


def test_villager_group_and_community(town):
    community = actions.do_create_region(None, "445321104203", "东成社区", kind="community", parent=town.town)
    group = actions.do_create_region(None, "44532110420101", "第一村民小组", parent=town.village_a)
    assert (community.level, community.kind) == (3, "community")
    assert (group.level, group.kind, group.path) == (4, "group", "445321.104.201.01.")


def test_small_grid_under_another_villages_grid_is_refused(town):
    with pytest.raises(OrgError, match="inside its village"):
        actions.do_create_grid(None, "445321104201003", "碧塘第三网格", parent=town.grid_b)
    assert not Grid.objects.filter(code="445321104201003").exists()


def test_small_grid_needs_a_village_grid_as_parent(town):
    with pytest.raises(OrgError, match="one level up"):
        actions.do_create_grid(None, "445321104201003", "碧塘第三网格", parent=town.a1)
    with pytest.raises(OrgError, match="one level up"):
        actions.do_create_grid(None, "445321104201003", "碧塘第三网格")


def test_village_grid_must_sit_under_its_own_towns_grid(town):
    other_town = actions.do_create_region(None, "445321105000", "天堂镇", parent=town.county)
    other_grid = actions.do_create_grid(None, "445321105000000", "天堂镇网格")
    actions.do_create_region(None, "445321104203", "新村", parent=town.town)
    with pytest.raises(OrgError, match="its own town"):
        actions.do_create_grid(None, "445321104203000", "新村网格", parent=other_grid)
    assert other_town.path == "445321.105."


def test_town_grid_has_no_parent_and_lies_on_a_town(town):
    with pytest.raises(OrgError, match="no parent"):
        actions.do_create_grid(None, "445321104000000", "again", parent=town.grid_a)
    with pytest.raises(OrgError, match="not a county"):
        actions.do_create_grid(None, "445321000000000", "县网格")


def test_grid_without_its_region_is_refused(town):
    with pytest.raises(OrgError, match="No region 445321104299"):
        actions.do_create_grid(None, "445321104299001", "无村网格", parent=town.grid_a)


@pytest.mark.parametrize("code", ["44532110420", "abc", "445321104201x01", "445321104000001"])
def test_wrong_grid_codes_are_refused_as_org_errors_with_a_message(town, code):
    with pytest.raises(OrgError) as refused:
        actions.do_create_grid(None, code, "bad", parent=town.grid_a)
    assert code in str(refused.value) or "digits" in str(refused.value)


def test_duplicate_codes_are_refused_with_a_message_not_a_database_error(town):
    with pytest.raises(OrgError, match="already exists"):
        actions.do_create_grid(None, town.a1.code, "again", parent=town.grid_a)
    with pytest.raises(OrgError, match="already exists"):
        actions.do_create_region(None, town.village_a.code, "again", parent=town.town)
    with pytest.raises(OrgError, match="already exists"):
        actions.do_create_household(None, town.house_a1.number, town.a1, "elsewhere")


def test_region_parent_must_match_the_code(town):
    with pytest.raises(OrgError, match="cannot sit under"):
        actions.do_create_region(None, "445321104203", "错村", parent=town.county)
    other_town = actions.do_create_region(None, "445321105000", "天堂镇", parent=town.county)
    with pytest.raises(OrgError, match="cannot sit under"):
        actions.do_create_region(None, "445321104203", "错村", parent=other_town)
    with pytest.raises(OrgError, match="needs a parent"):
        actions.do_create_region(None, "445321104203", "错村")
    with pytest.raises(OrgError, match="has no parent"):
        actions.do_create_region(None, "445322000000", "另一县", parent=town.county)
    assert not Region.objects.filter(code="445321104203").exists()


def test_region_kind_must_fit_the_level(town):
    with pytest.raises(OrgError, match="kind"):
        actions.do_create_region(None, "445321104203", "错村", kind="town", parent=town.town)


def test_households_belong_to_small_grids(town):
    with pytest.raises(OrgError, match="small grids"):
        actions.do_create_household(None, "H1", town.grid_a, "somewhere")
