"""Duplicate suggestions cost one query whatever the number of candidates, and what the report answer
and the case page show of each suggestion (number, state, category, time) needs no further query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases.routing import find_duplicates
from tests.cases.conftest import POINT_A1

LAT, LNG = POINT_A1
METRE_LAT = 1 / 111_320


def test_suggestions_load_in_one_query_with_what_they_show(report):
    for metres in range(5):
        report(point=(LAT + metres * METRE_LAT, LNG))
    case = report(point=(LAT, LNG))
    with CaptureQueriesContext(connection) as queries:
        shown = [(c.pk, c.number, c.get_state_display(), c.category.name, c.created_at, m)
                 for c, m in find_duplicates(case)]
    assert len(shown) == 5
    assert len(queries.captured_queries) == 1
    assert "geometry" not in queries.captured_queries[0]["sql"]
