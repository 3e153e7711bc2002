"""A town's or a village's list reads its page as a merge of each grid's newest cases on PostgreSQL
(CaseQuerySet._ids_newest_per_grid); SQLite reads the node's cases in one ordered query. Either way the
pages are the ones a single ordered query over the node gives, and a filter reaching past the user's
subtree neither widens the list nor counts someone else's cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import queries
from gridgov.cases.models import Case

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def spread(personas, report, clock):
    """Cases in three small grids (a case is always in a small grid), some at one instant, A1 the busiest, so
    a deep page needs more of one grid than the first page does."""
    p = personas
    for n in range(9):
        report(description=f"碧塘一{n}")
        if n % 3 == 0:
            report(actor=p.town_admin, point=POINT_B1, description=f"都斛一{n}")
            report(point=None, grid=p.town.a2, description=f"碧塘二{n}")
        if n % 2:
            clock.shift(datetime.timedelta(minutes=7))  # the others share their instant with the next
    return p


def _paged_ids(client, page_size, query=""):
    ids, page, count = [], 1, None
    while True:
        body = client.get(f"/api/v1/cases?page={page}&page_size={page_size}{query}").json()
        count = body["count"]
        if not body["items"]:
            return ids, count
        ids += [item["id"] for item in body["items"]]
        page += 1


def _newest_first(path):
    return list(Case.objects.filter(path__startswith=path).order_by("-created_at", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("page_size", [1, 2, 5, 50])
def test_a_towns_pages_are_the_newest_cases_of_the_town_in_order(spread, api_client, page_size):
    expected = _newest_first(spread.town.town.path)
    assert len(expected) == 15
    ids, count = _paged_ids(api_client("town_admin"), page_size)
    assert ids == expected and count == 15


@pytest.mark.parametrize("page_size", [1, 4, 50])
def test_a_villages_pages_leave_the_other_village_out(spread, api_client, page_size):
    expected = _newest_first(spread.town.village_a.path)
    assert len(expected) == 12
    ids, count = _paged_ids(api_client("secretary_a"), page_size)
    assert ids == expected and count == 12


def test_a_small_grid_asked_by_the_town(spread, api_client):
    ids, count = _paged_ids(api_client("town_admin"), 3, f"&grid={spread.town.a2.code}")
    assert ids == _newest_first(spread.town.a2.path) and count == 3


def test_the_merge_is_what_postgresql_runs_for_a_town(spread, api_client):
    client = api_client("town_admin")
    client.get("/api/v1/cases?page=1&page_size=2")  # the session settles outside the capture
    with CaptureQueriesContext(connection) as queries_run:
        body = client.get("/api/v1/cases?page=3&page_size=2").json()
    assert [item["id"] for item in body["items"]] == _newest_first(spread.town.town.path)[4:6]
    merged = [q["sql"] for q in queries_run.captured_queries if "LATERAL" in q["sql"]]
    assert len(merged) == (1 if connection.vendor == "postgresql" else 0)


def test_a_region_wider_than_the_users_subtree_keeps_to_the_subtree(spread):
    cases = queries.case_list(spread.secretary_a, region_path=spread.town.town.path)
    assert cases.count() == 12  # the village's figure, not the town's
    assert list(cases[0:50].values_list("pk", flat=True)) == _newest_first(spread.town.village_a.path)


def test_a_region_beside_the_users_subtree_gives_nothing_and_counts_nothing(spread):
    with CaptureQueriesContext(connection) as queries_run:
        cases = queries.case_list(spread.secretary_a, region_path=spread.town.village_b.path)
        assert cases.count() == 0
        assert list(cases[0:50]) == []
    assert not [q for q in queries_run.captured_queries if "cases_" in q["sql"]]


def test_a_user_without_a_subtree_reads_as_before(spread, api_client):
    # A resident sees their own reports: not a subtree, so no merge, whatever the database.
    with CaptureQueriesContext(connection) as queries_run:
        ids, _ = _paged_ids(api_client("resident_a1"), 4)
    assert ids == list(Case.objects.filter(reporter_user=spread.resident_a1)
                       .order_by("-created_at", "-id").values_list("pk", flat=True))
    assert not [q for q in queries_run.captured_queries if "LATERAL" in q["sql"]]

