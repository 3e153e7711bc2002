"""List endpoints cost the same number of queries whatever the page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.org import actions


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/v1/people?grid=445321104201001", "/api/v1/households?grid=445321104201001",
                                 "/api/v1/grids", "/api/v1/regions"])
def test_a_full_page_costs_no_more_queries_than_a_small_one(personas, api_client, url):
    client = api_client("secretary_a")
    client.get("/api/v1/me")  # the token's first use stamps it: keep that write out of the counts
    small = queries_for(client, url)
    t = personas.town
    for n in range(40):
        house = actions.do_create_household(None, f"HX{n:03d}", t.a1, f"新巷{n}号")
        actions.do_create_person(None, name=f"新人{n}", grid=t.a1, household=house, relation="head",
                                 phone=f"139{n:08d}")
        actions.do_create_grid(None, f"445321104201{n + 10:03d}", f"新网格{n}", parent=t.grid_a)
        actions.do_create_region(None, f"445321104201{n + 10:02d}", f"小组{n}", parent=t.village_a)
    assert queries_for(client, url) == small <= 6
