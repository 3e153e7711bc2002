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



@pytest.mark.parametrize("evening", [
    (2026, 3, 2), (2026, 12, 31), (2027, 2, 28), (2028, 2, 29), (2026, 9, 30), (2027, 1, 31),
])
def test_the_kept_count_of_past_days_carries_over_midnight(personas, report, monkeypatch, clock, api_client,
                                                           evening):
    """With the interval of a running server, the sum of the days before today is kept per process: a
    case reported today counts at once, and after midnight yesterday's cases are among the days gone
    by, counted once — on any date, year ends and leap days included."""
    import datetime

    from gridgov.cases import queries

    from .conftest import local

    monkeypatch.setattr(queries, "PAST_RECHECK_SECONDS", 600)
    queries._past_reported.clear()
    clock.move_to(local(*evening, 9, 0) - datetime.timedelta(days=3))
    report()
    clock.move_to(local(*evening, 23, 58))
    client = api_client("secretary_a")
    assert client.get("/api/v1/cases").json()["count"] == 1  # the past: kept from here on
    report()
    assert client.get("/api/v1/cases").json()["count"] == 2  # today's rows are read each time
    clock.move_to(local(*evening, 23, 59, 59))
    report()
    clock.move_to(local(*evening, 23, 59, 59) + datetime.timedelta(seconds=2))  # the next day
    assert client.get("/api/v1/cases").json()["count"] == 3
    report()
    assert client.get("/api/v1/cases").json()["count"] == 4 == Case.objects.count()
