"""Levels, parents and paths are read off the national-style codes; malformed codes are refused with a message."""

import pytest

from gridgov.org import codes

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("code, level, parent", [
    ("445321000000", 1, None),
    ("445321104000", 2, "445321000000"),
    ("445321104201", 3, "445321104000"),
    ("44532110420103", 4, "445321104201"),
])
def test_region_level_and_parent_come_from_the_code(code, level, parent):
    assert codes.region_level_of(code) == level
    assert codes.region_parent_code(code) == parent


def test_region_paths_append_one_segment_per_level():
    county = codes.region_path("445321000000", 1)
    town = codes.region_path("445321104000", 2, county)
    village = codes.region_path("445321104201", 3, town)
    group = codes.region_path("44532110420103", 4, village)
    assert (county, town, village, group) == ("445321.", "445321.104.", "445321.104.201.", "445321.104.201.03.")


@pytest.mark.parametrize("code, level", [
    ("445321104000000", 1),
    ("445321104201000", 2),
    ("445321104201003", 3),
])
def test_grid_level_comes_from_the_code(code, level):
    assert codes.grid_level_of(code) == level


def test_small_grid_path_adds_its_number_to_the_village_path_and_others_share_their_region_path():
    assert codes.grid_path("445321104201003", 3, "445321.104.201.") == "445321.104.201.g003."
    assert codes.grid_path("445321104201000", 2, "445321.104.201.") == "445321.104.201."
    assert codes.grid_path("445321104000000", 1, "445321.104.") == "445321.104."
    assert codes.small_grid_code("445321104201", 7) == "445321104201007"
    assert codes.village_grid_code("445321104201") == "445321104201000"


@pytest.mark.parametrize("bad", [
    "", "4453211042", "4453211042011", "44532110420a", "abcdefghijklmn", "445321104201\n",
    "４４５３２１１０４２０１",  # full-width digits look right on screen but are not a code
    "000000104201",  # no county
    "445321000201",  # a village under town 000
    "44532110400001",  # a villager group needs a village
    "44532110420100",  # villager groups are numbered from 01
])
def test_malformed_region_codes_are_refused_with_a_message(bad):
    with pytest.raises(codes.CodeError) as refused:
        codes.region_level_of(bad)
    assert str(refused.value)


@pytest.mark.parametrize("bad, says", [
    ("44532110420100", "15 digits"),
    ("4453211042010001", "15 digits"),
    ("44532110420100x", "15 digits"),
    ("445321104201001\n", "15 digits"),
    ("445321000000000", "not a county"),
    ("445321104000007", "lie in a village"),
])
def test_malformed_grid_codes_are_refused_with_a_message(bad, says):
    with pytest.raises(codes.CodeError, match=says):
        codes.grid_level_of(bad)
