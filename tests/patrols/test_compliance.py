"""Compliance computed by hand across ISO-week and half-month boundaries. 2026 has 53 ISO weeks (it
began on a Thursday): 2026-W53 is Mon 2026-12-28 .. Sun 2027-01-03, 2027-W01 begins Mon 2027-01-04."""

import datetime

import pytest
import time_machine

from gridgov.patrols import metrics, periods, queries
from gridgov.patrols.models import PatrolRule
from gridgov.stars import metrics as star_metrics

from .conftest import local

D = datetime.date


def test_2026_has_53_iso_weeks():
    assert D(2026, 12, 28).isocalendar()[:2] == (2026, 53)
    assert D(2027, 1, 3).isocalendar()[:2] == (2026, 53)
    assert D(2027, 1, 4).isocalendar()[:2] == (2027, 1)
    assert periods.parse_week("2026-W53") == D(2026, 12, 28)
    with pytest.raises(ValueError):
        periods.parse_week("2027-W53")


@pytest.mark.parametrize("day, expected", [
    (D(2026, 12, 15), (D(2026, 12, 1), D(2026, 12, 15))),
    (D(2026, 12, 16), (D(2026, 12, 16), D(2026, 12, 31))),
    (D(2027, 1, 1), (D(2027, 1, 1), D(2027, 1, 15))),
    (D(2027, 2, 16), (D(2027, 2, 16), D(2027, 2, 28))),
    (D(2028, 2, 29), (D(2028, 2, 16), D(2028, 2, 29))),
    (D(2026, 4, 30), (D(2026, 4, 16), D(2026, 4, 30))),
    (D(2026, 5, 1), (D(2026, 5, 1), D(2026, 5, 15))),
])
def test_half_months(day, expected):
    assert periods.half_month(day) == expected


def test_weeks_of_a_period_are_those_whose_thursday_it_holds():
    q4 = periods.weeks_between(D(2026, 10, 1), D(2026, 12, 31))
    assert q4[0] == D(2026, 9, 28) and q4[-1] == D(2026, 12, 28) and len(q4) == 14
    q1 = periods.weeks_between(D(2027, 1, 1), D(2027, 3, 31))
    # 2027-03-29 is a Monday whose Thursday is April 1st: it belongs to the second quarter.
    assert q1[0] == D(2027, 1, 4) and q1[-1] == D(2027, 3, 22) and len(q1) == 12
    assert periods.weeks_between(D(2027, 4, 1), D(2027, 6, 30))[0] == D(2027, 3, 29)
    assert not set(q4) & set(q1)


@pytest.fixture
def year_end(personas, make_patrol):
    """A1: Dec 28, Dec 31 (through A1 and A2), Jan 3 (entered by hand), Jan 4; A2: Dec 27 and the Dec 31 one."""
    t = personas.town
    make_patrol(D(2026, 12, 28), t.a1)
    make_patrol(D(2026, 12, 31), t.a1, t.a2)
    make_patrol(D(2027, 1, 3), t.a1, by_hand=True)
    make_patrol(D(2027, 1, 4), t.a1)
    make_patrol(D(2026, 12, 27), t.a2)
    return t


def test_board_across_the_year_end(year_end):
    t = year_end
    mondays = [D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4)]
    result = queries.board(t.village_a.path, mondays)
    rows = {r["code"]: r for r in result["rows"]}
    assert [(w["patrols"], w["status"]) for w in rows[t.a1.code]["weeks"]] == [(0, "none"), (3, "met"), (1, "short")]
    assert [(w["patrols"], w["status"]) for w in rows[t.a2.code]["weeks"]] == [(1, "short"), (1, "short"), (0, "none")]
    assert result["halves"] == [(D(2026, 12, 16), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 1, 15))]
    assert [(h["patrols"], h["covered"]) for h in rows[t.a1.code]["halves"]] == [(2, True), (2, True)]
    assert [(h["patrols"], h["covered"]) for h in rows[t.a2.code]["halves"]] == [(2, True), (0, False)]
    assert result["totals"] == {"met": [0, 1, 0], "short": [1, 1, 1], "none": [1, 0, 1], "covered": [2, 1]}
    # The patrol through two grids is one patrol of the village, and counted for each grid above.
    assert queries.patrol_count(t.village_a.path, D(2026, 12, 28), D(2027, 1, 3)) == 3
    assert queries.patrol_count(t.a2.path, D(2026, 12, 28), D(2027, 1, 3)) == 1
    assert queries.patrol_count(t.village_b.path, D(2026, 12, 1), D(2027, 1, 31)) == 0


def test_week_compliance_across_the_year_end(year_end):
    t = year_end
    w53 = {i["grid"]: i for i in queries.week_compliance(t.village_a.path, periods.parse_week("2026-W53"))}
    assert (w53[t.a1.code]["patrols"], w53[t.a1.code]["meets_weekly"], w53[t.a1.code]["covered_half_month"]) == \
        (3, True, True)
    assert (w53[t.a2.code]["patrols"], w53[t.a2.code]["meets_weekly"], w53[t.a2.code]["covered_half_month"]) == \
        (1, False, True)
    w01 = {i["grid"]: i for i in queries.week_compliance(t.village_a.path, periods.parse_week("2027-W01"))}
    assert (w01[t.a1.code]["patrols"], w01[t.a1.code]["covered_half_month"]) == (1, True)
    assert (w01[t.a2.code]["patrols"], w01[t.a2.code]["covered_half_month"]) == (0, False)


def test_the_15th_does_not_cover_the_second_half(personas, make_patrol):
    """2027-W07 runs Mon Feb 15 .. Sun Feb 21; its Thursday (Feb 18) puts it in Feb 16-28."""
    t = personas.town
    make_patrol(D(2027, 2, 15), t.a1)
    make_patrol(D(2027, 2, 28), t.a2)  # the month's last day, in the next week
    items = {i["grid"]: i for i in queries.week_compliance(t.village_a.path, D(2027, 2, 15))}
    assert (items[t.a1.code]["patrols"], items[t.a1.code]["covered_half_month"]) == (1, False)
    assert (items[t.a2.code]["patrols"], items[t.a2.code]["covered_half_month"]) == (0, True)


def test_the_town_rule_changes_what_meets(personas, make_patrol):
    t = personas.town
    make_patrol(D(2027, 1, 4), t.a1)
    make_patrol(D(2027, 1, 5), t.a1)
    assert not queries.week_compliance(t.a1.path, D(2027, 1, 4))[0]["meets_weekly"]
    PatrolRule.objects.create(town=t.town, path=t.town.path, weekly_count=2, half_month_count=3)
    item = queries.week_compliance(t.a1.path, D(2027, 1, 4))[0]
    assert item["meets_weekly"] and not item["covered_half_month"]


def test_the_star_metric(year_end):
    t = year_end
    source = star_metrics.source("patrols.compliance")
    assert source is not None and source.func is metrics.compliance
    with time_machine.travel(local(2027, 1, 20, 10, 0), tick=False):
        figure = source.func(t.village_a, D(2026, 12, 21), D(2027, 1, 10))
    # W52, W53, W01 x A1, A2 = 6 pairs; only A1 in W53 met.
    assert figure["value"] == round(1 / 6, 4) and figure["score"] == figure["value"]
    records = figure["records"]
    assert (records["pairs"], records["met"], records["short"], records["none"]) == (6, 1, 3, 2)
    assert records["link"].startswith("/patrols/board/?scope=" + t.village_a.code)
    with time_machine.travel(local(2027, 1, 8, 10, 0), tick=False):  # W01 is under way: not judged yet
        assert source.func(t.village_a, D(2026, 12, 21), D(2027, 1, 10))["records"]["pairs"] == 4
    with time_machine.travel(local(2027, 1, 20, 10, 0), tick=False):
        assert source.func(t.village_b, D(2026, 12, 21), D(2027, 1, 10))["value"] == 0.0


@pytest.mark.parametrize("day", [D(2026, 12, 28), D(2027, 1, 1), D(2027, 1, 4), D(2026, 2, 28), D(2028, 2, 29),
                                 D(2026, 8, 31), D(2026, 3, 16)])
def test_every_day_falls_in_one_week_and_one_half_month(day):
    monday = periods.week_start(day)
    assert monday <= day <= monday + datetime.timedelta(days=6) and monday.weekday() == 0
    start, end = periods.half_month(day)
    assert start <= day <= end and start.day in (1, 16)
    assert (end + datetime.timedelta(days=1)).day in (1, 16)
