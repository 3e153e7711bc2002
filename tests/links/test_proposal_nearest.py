"""The proposal gives a household without a member in its own small grid to the nearest member: nearest
on the map (the centres of the small grids), not next in the grid list, whose codes follow the order
the grids were drawn in, not where they lie."""

import datetime

from gridgov.links import actions
from gridgov.org import actions as org
from tests.conftest import make_id_number, square


def _member(name, grid, seq):
    house = org.do_create_household(None, f"H{grid.code}{seq:03d}", grid, f"{grid.name}{seq}号")
    return org.do_create_person(None, name=name, grid=grid, household=house, relation="head", is_party_member=True,
                                id_number=make_id_number("445321", datetime.date(1960, 1, seq), seq),
                                phone=f"139{seq:08d}")


def test_the_nearest_grid_on_the_map_wins_over_the_next_in_the_list(town):
    t = town
    # B1 at 112.30 and B2 at 112.31 hold the members; B3, drawn last (code 003), lies far to the west at
    # 112.20: B1 is 10 km from it, B2 11 km, but B2 is the next in the list.
    b3 = org.do_create_grid(None, "445321104202003", "都斛第三网格", parent=t.grid_b, geometry=square(112.20, 22.71))
    west_house = org.do_create_household(None, "H445321104202003001", b3, "都斛村三巷1号")
    in_b1 = _member("黄志成", t.b1, 21)
    _member("梁秀梅", t.b2, 22)
    pairs = {h.pk: m.pk for m, h in actions.proposal(t.village_b)}
    assert pairs[west_house.pk] == in_b1.pk
    assert pairs[t.house_b1.pk] == in_b1.pk  # its own small grid first, as before


def test_without_boundaries_the_grid_order_decides(town):
    t = town
    b3 = org.do_create_grid(None, "445321104202003", "都斛第三网格", parent=t.grid_b)  # no boundary drawn
    west_house = org.do_create_household(None, "H445321104202003001", b3, "都斛村三巷1号")
    _member("黄志成", t.b1, 21)
    in_b2 = _member("梁秀梅", t.b2, 22)
    assert {h.pk: m.pk for m, h in actions.proposal(t.village_b)}[west_house.pk] == in_b2.pk
