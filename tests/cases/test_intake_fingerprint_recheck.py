"""The grid index and the working calendar check their fingerprints at most once per RECHECK_SECONDS,
yet a change made in this process is seen by the very next lookup."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import actions, calendar
from gridgov.org import actions as org_actions
from gridgov.org import geo
from tests.conftest import square

from .conftest import POINT_A1, local


def grid_queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries if "org_grid" in q["sql"]]


def holiday_queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries if "cases_holiday" in q["sql"]]


def test_a_second_lookup_within_the_interval_reads_no_grid(town, hot_process):
    assert grid_queries(lambda: geo.locate(*POINT_A1))
    assert grid_queries(lambda: geo.locate(*POINT_A1)) == []


def test_after_the_interval_the_fingerprint_is_checked_again(town, hot_process, monkeypatch):
    geo.locate(*POINT_A1)
    monkeypatch.setattr(geo, "RECHECK_SECONDS", 0)
    checked = grid_queries(lambda: geo.locate(*POINT_A1))
    assert len(checked) == 1 and "SUM" in checked[0]


def test_a_boundary_change_made_here_is_seen_at_once(town, hot_process, django_capture_on_commit_callbacks):
    assert geo.locate(22.705, 112.325) is None
    with django_capture_on_commit_callbacks(execute=True):
        org_actions.do_set_grid_geometry(None, town.a2, square(112.32, 22.70))
    assert geo.locate(22.705, 112.325) == town.a2.code


def test_a_second_calendar_within_the_interval_reads_no_holiday(db, hot_process):
    assert holiday_queries(calendar.current)
    assert holiday_queries(calendar.current) == []


def test_a_holiday_set_here_is_seen_at_once(db, hot_process, django_capture_on_commit_callbacks):
    monday = local(2026, 3, 2, 10, 0)
    assert calendar.add_working_time(monday, 1, "d") == local(2026, 3, 3, 17, 30)
    with django_capture_on_commit_callbacks(execute=True):  # the change commits: the process drops its copy
        actions.do_set_holiday(None, datetime.date(2026, 3, 3), False, "本地假日")
    assert calendar.add_working_time(monday, 1, "d") == local(2026, 3, 4, 17, 30)


def test_a_change_of_working_hours_is_seen_at_once(db, hot_process, settings):
    calendar.current()
    settings.GRIDGOV_WORKDAY = "09:00-17:00"
    assert calendar.add_working_time(local(2026, 3, 2, 16, 0), 2, "h") == local(2026, 3, 3, 10, 0)
