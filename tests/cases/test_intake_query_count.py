"""One report through POST /api/v1/cases costs a bounded number of queries once the process is warm
(grid index and working calendar loaded): intake is the hot path of the case loop. Measured with the
test client: 19 queries before routing once and trusting the fingerprints for a couple of seconds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock")

# 13 for the report itself, plus the one upsert of the day's figures (rollup.py) that keeps the
# statistics from scanning the cases.
MAX_QUERIES_PER_REPORT = 14


def post(client, **fields):
    body = {"category": "0101", "description": "路灯坏了", **fields}
    return client.post("/api/v1/cases", body, content_type="application/json")


def test_a_report_by_point_in_a_warm_process_stays_within_the_query_budget(api_client, hot_process):
    client = api_client("worker_a1")
    assert post(client, lat=POINT_A1[0], lng=POINT_A1[1]).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = post(client, lat=POINT_A1[0], lng=POINT_A1[1])
    assert response.status_code == 201
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) <= MAX_QUERIES_PER_REPORT, "\n".join(sqls)
    assert not [s for s in sqls if 'SUM("org_grid"' in s], "the grid index is trusted without its fingerprint"
    assert not [s for s in sqls if "cases_holiday" in s], "the deadline is counted without reading holidays"
