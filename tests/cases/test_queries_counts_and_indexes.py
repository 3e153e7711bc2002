"""The case list and detail cost a fixed number of queries whatever they hold, and the list's filters
are answered from the case table's indexes, not a full scan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import actions, queries

pytestmark = pytest.mark.usefixtures("clock")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kept_seconds", [-1, 600])  # the count of days gone by read each time, or kept
@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/cases?state=reported&category=0101",
                                 "/api/v1/cases?grid=445321104201001&overdue=true"])
def test_a_full_page_of_cases_costs_no_more_than_one_case(api_client, report, monkeypatch, url, kept_seconds):
    monkeypatch.setattr(queries, "PAST_RECHECK_SECONDS", kept_seconds)
    queries._past_reported.clear()
    report()
    client = api_client("secretary_a")
    client.get("/api/v1/me")  # the token's first use stamps it: keep that write out of the counts
    one = queries_for(client, url)
    for n in range(30):
        report(description=f"第{n}宗")
    assert queries_for(client, url) == one <= 4


def test_the_detail_costs_the_same_with_a_long_timeline_and_photos(api_client, personas, report, drive, settings,
                                                                    tmp_path):
    from .action_calls import png_bytes

    settings.MEDIA_ROOT = tmp_path
    client = api_client("worker_a1")
    client.get("/api/v1/me")
    short = drive(report(), "in_progress")
    long = drive(report(description="另一宗"), "in_progress")
    for n in range(15):
        actions.do_comment(personas.party_a1, long, text=f"进展{n}")
        actions.do_add_photo(personas.party_a1, long, png_bytes())
    few = queries_for(client, f"/api/v1/cases/{short.pk}")
    assert queries_for(client, f"/api/v1/cases/{long.pk}") == few <= 8


def _plan(qs_or_sql) -> str:
    """The database's plan for a queryset or for SQL as it was executed."""
    sql, params = (qs_or_sql, None) if isinstance(qs_or_sql, str) else qs_or_sql.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned anyway; ask what is possible
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    return plan


@pytest.fixture
def root(db):
    from gridgov.org.models import User

    # A superuser's list has no scope condition, so each filter alone must find its index.
    return User.objects.create_superuser("root", password="x")


@pytest.mark.parametrize("filters", [
    {"state": "reported"},
    {"overdue": True},
    {"category": "01"},
    {"grid_path": "445321.104.201."},
    {"region_path": "445321.104."},
    {"mine": True},
])
def test_each_list_filter_is_answered_from_an_index(personas, report, root, filters):
    report()
    root.person = personas.town.zhang  # "mine" looks for the caller's person
    plan = _plan(queries.case_list(root, **filters))
    assert "cases_case" in plan or "Scan" in plan
    full_scan = ("Seq Scan on cases_case" in plan) if connection.vendor == "postgresql" else (
        "SCAN cases_case" in plan)
    assert not full_scan, plan


def test_duplicate_suggestions_read_the_index_of_open_cases(report, cfg):
    """The candidates of a report's duplicates come from a partial index holding only open cases (a
    tenth of a running installation's cases), not from every case of the category."""
    from gridgov.cases import routing

    case = report()
    captured = CaptureQueriesContext(connection)
    with captured:
        routing.find_duplicates(case)
    sql = next(q["sql"] for q in captured.captured_queries if "cases_case" in q["sql"] and "lat" in q["sql"])
    plan = _plan(sql)
    if connection.vendor == "sqlite":
        assert "case_open_category_cell" in plan, plan
    else:
        # PostgreSQL weighs its indexes by the table's statistics, and a test's few rows prove nothing
        # about a million (there, benchmarks/bench_cases.py: 2.3 ms -> 0.4 ms); it must not scan them all.
        assert "Seq Scan on cases_case" not in plan, plan



def test_a_villages_overdue_cases_come_from_an_index(personas, report):
    """With a few test rows either database may prefer (state, deadline) or the partial (path, deadline)
    index of running cases; at 1M cases PostgreSQL takes the latter (a village's count 38 -> 1 ms,
    benchmarks/README.md). Neither may scan the table."""
    report()
    plan = _plan(queries.case_list(personas.secretary_a, overdue=True).order_by())
    full_scan = ("Seq Scan on cases_case" in plan) if connection.vendor == "postgresql" else ("SCAN cases_case" in plan)
    assert not full_scan, plan


def test_the_overdue_page_needs_nothing_from_the_table_but_the_index():
    """A node's overdue page (its running cases past their deadline, newest first) can be sorted from the
    partial index of running cases alone: at 50M cases a town's 9,215 overdue cases were each read from
    the table for their date (benchmarks/bench_province.py --explain prints the plan there; a test's few
    rows make any plan as good as another). The state is the index's condition, which PostgreSQL needs
    not read again; SQLite does read it from the table."""
    with connection.cursor() as cursor:
        index = connection.introspection.get_constraints(cursor, "cases_case")["case_running_overdue_page"]
    assert index["columns"] == ["path", "deadline", "created_at", "id"]
