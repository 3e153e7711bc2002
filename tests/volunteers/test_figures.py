"""Figures by node and period across period ends (local dates: an activity at 23:30 on 31 December belongs
to that year), the stats API, and the five-star metric end to end through a scheme's assessment."""

import datetime

import pytest

from gridgov.stars import actions as star_actions
from gridgov.stars import metrics as star_metrics
from gridgov.stars.models import Score
from gridgov.volunteers import actions, queries
from gridgov.volunteers.metrics import participation
from tests.cases.conftest import local
from tests.stars.conftest import quarter, scheme  # noqa: F401

D = datetime.date


def _served(vol, user_for, start, minutes, *people):
    """An activity of village A's team at `start`, each of `people` (persons) checked in for `minutes`."""
    vol.clock.move_to(start - datetime.timedelta(days=1))
    a = actions.do_create_activity(vol.p.secretary_a, vol.team, f"活动{start:%m%d%H%M}", start,
                                   start + datetime.timedelta(minutes=max(minutes, 30)), quota=10, audience="town")
    vol.clock.move_to(start + datetime.timedelta(minutes=max(minutes, 30)))
    for person in people:
        actions.do_attendance(vol.p.town_admin, a, person.pk, check_in=start,
                              check_out=start + datetime.timedelta(minutes=minutes))
    return a


@pytest.fixture
def history(vol):
    """Activities of village A's team: 刘德明 (who lives in village B) 1 h 30 on 30 Sep 2026 20:00 (Q3);
    张建国 2 h from 31 Dec 2026 23:00 local (it ends in 2027 but started in 2026); 陈丽华 1 h on 1 Jan 2027
    09:00. The vol fixture's activity (3 March 2026) is never served."""
    t = vol.t
    _served(vol, None, local(2026, 9, 30, 20, 0), 90, t.liu)
    _served(vol, None, local(2026, 12, 31, 23, 0), 120, t.zhang)
    _served(vol, None, local(2027, 1, 1, 9, 0), 60, t.chen)
    return vol


@pytest.mark.parametrize("path_key,since,until,expected", [
    ("village_a", D(2026, 12, 31), D(2026, 12, 31), (1, 1, 2.0)),  # the year's last day
    ("village_a", D(2027, 1, 1), D(2027, 1, 1), (1, 1, 1.0)),  # the first day: the 23:00 one is not in it
    ("village_a", D(2026, 10, 1), D(2026, 12, 31), (1, 1, 2.0)),  # Q4
    ("village_a", D(2026, 7, 1), D(2026, 9, 30), (0, 1, 1.5)),  # Q3: 刘德明 lives in B
    ("village_b", D(2026, 7, 1), D(2026, 9, 30), (1, 0, 0.0)),  # ... so he is B's, the activity and hours A's
    ("town", D(2026, 1, 1), D(2027, 12, 31), (3, 4, 4.5)),
    ("town", D(2026, 12, 28), D(2027, 1, 3), (2, 2, 3.0)),  # ISO week 2026-W53
])
def test_figures_by_node_and_period(history, path_key, since, until, expected):
    f = queries.figures(getattr(history.t, path_key).path, since, until)
    assert (f["active_volunteers"], f["activities"], f["hours"]) == expected


def test_registered_and_teams_count_up_to_the_period_end(history):
    t = history.t
    f = queries.figures(t.town.path, D(2026, 1, 1), D(2026, 3, 1))
    assert (f["teams"], f["volunteers"]) == (0, 0)  # the team and 张建国 registered on 2 March
    f = queries.figures(t.town.path, D(2026, 1, 1), D(2026, 3, 2))
    assert (f["teams"], f["volunteers"]) == (1, 2)  # 王志强 (the leader) and 张建国
    assert queries.figures(t.town.path, D(2027, 1, 1), D(2027, 1, 1))["volunteers"] == 4  # and the walk-ins 陈丽华 and 刘德明


def test_stats_api(history, api_client):
    t = history.t
    history.clock.move_to(local(2027, 1, 5, 10, 0))
    r = api_client("secretary_a").get("/api/v1/volunteers/stats", {"since": "2026-10-01", "until": "2026-12-31"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["teams"], body["activities"], body["hours"], body["active_volunteers"]) == (1, 1, 2.0, 1)
    r = api_client("town_admin").get("/api/v1/volunteers/stats", {"scope": t.village_b.code, "since": "2026-07-01",
                                                                   "until": "2026-09-30"})
    assert r.json()["active_volunteers"] == 1 and r.json()["scope"] == t.village_b.code
    assert api_client("town_admin").get("/api/v1/volunteers/stats", {"since": "2027-01-02", "until": "2027-01-01"}
                                        ).status_code == 422
    assert api_client("town_admin").get("/api/v1/volunteers/stats", {"scope": "12"}).status_code == 422
    assert api_client("outsider").get("/api/v1/volunteers/stats", {"scope": t.village_a.code}).status_code == 404
    assert api_client("resident_a1").get("/api/v1/volunteers/stats").status_code == 404
    # default period: 1 January of today's year to today
    assert api_client("town_admin").get("/api/v1/volunteers/stats").json()["since"] == "2027-01-01"


def test_the_metric(history):
    t = history.t
    source = star_metrics.source("volunteers.participation")
    assert source is not None and source.func is participation
    q4 = source.func(t.village_a, D(2026, 10, 1), D(2026, 12, 31))
    assert q4["value"] == round(1 / 4, 4)  # 张建国 of A's 4 people (张建国, 李秀英, 王志强, 陈丽华)
    assert q4["records"]["residents"] == 4 and q4["records"]["active"] == 1
    assert q4["records"]["link"].startswith("/volunteers/stats/?scope=" + t.village_a.code)
    year = source.func(t.village_a, D(2026, 1, 1), D(2027, 12, 31))
    assert year["value"] == 0.5  # 张建国 and 陈丽华
    assert source.func(t.village_b, D(2026, 10, 1), D(2026, 12, 31))["value"] == 0.0


def test_the_metric_in_a_star_assessment(vol, quarter):  # noqa: F811
    """Q1 2026 of the test scheme: 张建国 serves on 3 March; the indicator (5 points at 25 % of residents)
    scores village A 1/4 of residents -> full marks, village B none."""
    t = vol.t
    _served(vol, None, local(2026, 3, 3, 9, 0), 60, t.zhang)
    vol.clock.move_to(local(2026, 3, 5, 9, 0))
    star = quarter.scheme.stars.get(code="civility")
    indicator = star_actions.do_add_indicator(vol.p.town_admin, star, "志愿服务参与率", 5, "metric",
                                              {"source": "volunteers.participation", "map": "linear", "floor": 0,
                                               "target": 0.25})
    a = Score.objects.get(assessment=quarter.a, indicator=indicator)
    b = Score.objects.get(assessment=quarter.b, indicator=indicator)
    assert float(a.value) == 0.25 and float(a.points) == 5.0 and a.records["active"] == 1
    assert float(b.value) == 0.0 and float(b.points) == 0.0
