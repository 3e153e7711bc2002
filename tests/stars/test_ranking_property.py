"""The ranking is a total order fixed by the data alone: any order of the rows gives the same ranks."""

import random
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from gridgov.stars import scoring

rows = st.lists(st.tuples(st.sampled_from([D("80"), D("85.5"), D("90")]), st.integers(0, 5)), min_size=1,
                max_size=12)


@given(rows, st.randoms())
def test_ranks_do_not_depend_on_the_order_rows_come_in(values, rnd):
    items = [{"village_code": f"4453211042{i:02d}", "total": t, "stars_earned": s} for i, (t, s) in enumerate(values)]
    shuffled = items[:]
    rnd.shuffle(shuffled)
    assert sorted(items, key=scoring.rank_key) == sorted(shuffled, key=scoring.rank_key)
    ranked = sorted(items, key=scoring.rank_key)
    for better, worse in zip(ranked, ranked[1:]):
        assert (better["total"], better["stars_earned"]) >= (worse["total"], worse["stars_earned"])
        if (better["total"], better["stars_earned"]) == (worse["total"], worse["stars_earned"]):
            assert better["village_code"] < worse["village_code"]


def test_equal_rows_order_by_village_code():
    items = [{"village_code": c, "total": "70", "stars_earned": 2} for c in ("3", "1", "2")]
    random.shuffle(items)
    assert [i["village_code"] for i in sorted(items, key=scoring.rank_key)] == ["1", "2", "3"]
