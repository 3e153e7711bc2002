"""The five-star sources end to end: a scheme whose indicators read "tasks.on_time" and
"tasks.inspection", a village's quarter worked out by hand, the figures frozen at submission; the
inspection's ranking by hand; and the period boundaries across a year end."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine

from gridgov.stars import actions as star_actions
from gridgov.stars import metrics as star_metrics
from gridgov.tasks import actions, metrics, queries
from gridgov.tasks.actions import TaskError

from .conftest import assignment_of, local

SPEC = [{"code": "branch", "name": "支部过硬星", "threshold": 10, "indicators": [
    {"code": "tasks", "name": "任务按期完成率", "max_points": 10, "method": "metric",
     "config": {"source": "tasks.on_time", "map": "linear", "floor": 0, "target": 1.0}},
    {"code": "inspection", "name": "季度督查得分", "max_points": 10, "method": "metric",
     "config": {"source": "tasks.inspection", "map": "linear", "floor": 0, "target": 1.0}},
]}]


def _done(user, a, at, admin=None):
    with time_machine.travel(at, tick=False):
        actions.do_act(user, a, "sign")
        actions.do_act(user, a, "complete")
        if admin is not None:
            actions.do_act(admin, a, "accept")


def _inspection(personas, year, quarter, a_points, b_points):
    insp = actions.do_create_inspection(personas.town_admin, year, quarter, f"{year}年第{quarter}季度督查",
                                        [("组织建设", 60), ("环境整治", 40)])
    first, second = insp.items.all()
    t = personas.town
    actions.do_score(personas.town_admin, insp, t.village_a, {first.pk: (a_points[0], "会议记录齐全"),
                                                              second.pk: (a_points[1], "")})
    if b_points:
        actions.do_score(personas.town_admin, insp, t.village_b, {first.pk: (b_points[0], ""),
                                                                  second.pk: (b_points[1], "")})
    return insp


def test_the_sources_feed_a_village_assessment(personas, issue, clock):
    t, sec, admin = personas.town, personas.secretary_a, personas.town_admin
    clock.move_to(local(2026, 2, 2, 10, 0))
    first = issue(deadline=datetime.date(2026, 2, 4))
    second = issue(deadline=datetime.date(2026, 2, 6))
    issue(deadline=datetime.date(2026, 3, 4))  # never done: overdue
    _done(sec, assignment_of(first, t.village_a), local(2026, 2, 3, 11, 0), admin)  # on time
    _done(sec, assignment_of(second, t.village_a), local(2026, 2, 9, 11, 0), admin)  # late
    _inspection(personas, 2026, 1, (50, 30), (60, 40))
    clock.move_to(local(2026, 3, 20, 10, 0))
    assert star_metrics.source("tasks.on_time").func is metrics.on_time
    scheme = star_actions.do_create_scheme(None, t.town, 2026, "测试方案", SPEC)
    a = star_actions.do_open_quarter(None, scheme, "2026Q1")[0]
    star_actions.do_submit(sec, a, ["branch"])
    scores = {s.indicator.code: s for s in a.scores.select_related("indicator")}
    assert scores["tasks"].value == D("0.3333") and scores["tasks"].points == D("3.33")
    assert scores["tasks"].records["due"] == 3 and scores["tasks"].records["late"] == 1
    assert scores["tasks"].records["overdue"] == 1
    assert scores["inspection"].value == D("0.8") and scores["inspection"].points == D("8.00")
    assert scores["inspection"].records["inspections"][0]["quarter"] == "2026Q1"


def test_the_ranking_by_hand(personas, clock):
    insp = _inspection(personas, 2026, 1, (50, 30), (60, 40))
    ranking = queries.ranking(insp)
    assert [(r["rank"], r["name"], r["points"], r["share"]) for r in ranking] == [
        (1, "都斛村", 100.0, 1.0), (2, "碧塘村", 80.0, 0.8)]
    first, second = insp.items.all()
    actions.do_score(personas.town_admin, insp, personas.town.village_a, {first.pk: (60, "补齐"), second.pk: (40, "")})
    assert [r["rank"] for r in queries.ranking(insp)] == [1, 1]  # equal points share the rank
    with pytest.raises(TaskError) as refused:
        actions.do_score(personas.town_admin, insp, personas.town.village_a, {first.pk: (61, "")})
    assert refused.value.field == f"scores.{first.pk}"
    with pytest.raises(TaskError) as refused:
        actions.do_create_inspection(personas.town_admin, 2026, 1, "重复", [("x", 10)])
    assert refused.value.status == 409
    with pytest.raises(TaskError):
        actions.do_create_inspection(personas.town_admin, 2026, 2, "未开始", [("x", 10)])  # Q2 begins 1 April
    with pytest.raises(TaskError) as refused:
        actions.do_score(personas.outsider, insp, personas.town.village_b, {first.pk: (1, "")})
    assert refused.value.status == 404


def test_periods_across_the_year_end(personas, issue, clock):
    """A task due on 31 December counts in 2026Q4, one due on 4 January in 2027Q1; the inspection of
    2026Q4 in the fourth quarter and in the year, never in 2027Q1."""
    t, sec = personas.town, personas.secretary_a
    clock.move_to(local(2026, 12, 28, 10, 0))
    dec = issue(deadline=datetime.date(2026, 12, 31))
    jan = issue(deadline=datetime.date(2027, 1, 4))
    _done(sec, assignment_of(dec, t.village_a), local(2026, 12, 30, 10, 0), personas.town_admin)
    _inspection(personas, 2026, 4, (30, 30), None)
    with time_machine.travel(local(2027, 1, 10, 10, 0), tick=False):
        q4 = metrics.on_time(t.village_a, datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
        q1 = metrics.on_time(t.village_a, datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
        year = metrics.inspection(t.village_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        next_q = metrics.inspection(t.village_a, datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
        b = metrics.inspection(t.village_b, datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert (q4["value"], q4["records"]["due"]) == (1.0, 1)
    assert (q1["value"], q1["records"]["due"], q1["records"]["overdue"]) == (0.0, 1, 1)
    assert year["value"] == 0.6 and next_q["value"] is None and b["value"] is None  # B was not scored
    assert assignment_of(jan, t.village_a).due_at == local(2027, 1, 4, 17, 30)
    # Before the January deadline nothing of 2027Q1 is judged yet.
    with time_machine.travel(local(2027, 1, 4, 12, 0), tick=False):
        assert metrics.on_time(t.village_a, datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))["value"] is None
