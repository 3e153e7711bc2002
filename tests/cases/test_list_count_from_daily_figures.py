"""An unfiltered case list takes its count from the daily figures; it is the true count for every
role and node, and any filter counts the cases themselves."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases.models import Case

from .conftest import POINT_B1


@pytest.fixture
def cases(personas, report, drive):
    drive(report(), "closed")
    drive(report(), "merged")  # two cases: the merged one and the one it went into
    drive(report(), "rejected")
    report(actor=personas.outsider, point=POINT_B1)
    return Case.objects.all()


@pytest.mark.parametrize("username, query, expected", [
    ("town_admin", "", 5), ("secretary_a", "", 4), ("worker_a1", "", 4), ("outsider", "", 1),
    ("town_admin", "?region=445321104202", 1), ("town_admin", "?grid=445321104201001", 4),
    ("town_admin", "?state=closed", 1), ("resident_a1", "", 4), ("department", "", 5),
])
def test_the_count_is_the_number_of_cases_listed(api_client, cases, username, query, expected):
    body = api_client(username).get(f"/api/v1/cases{query}").json()
    assert body["count"] == expected == len(body["items"])


def test_an_unfiltered_list_does_not_count_the_cases(api_client, cases):
    client = api_client("town_admin")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/cases").json()["count"] == 5
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("COUNT(" in s and "cases_case" in s and "caseday" not in s for s in sql)
    assert any("cases_caseday" in s for s in sql)
