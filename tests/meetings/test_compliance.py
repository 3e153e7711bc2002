"""Compliance worked out by hand for 2026Q1 (a late entry, a missing party lecture, a member who moved
away, members away for work), the periods across year ends, the star metrics and the points award."""

import datetime

import pytest

from gridgov.meetings import actions, metrics, periods, queries
from gridgov.meetings.actions import MeetingError
from gridgov.org.models import Person
from gridgov.points import actions as points_actions
from gridgov.points.public import person_balance
from gridgov.stars import metrics as star_metrics

D = datetime.date


@pytest.fixture
def q1(party, at):
    """Village A in 2026Q1, each meeting entered on its day unless said otherwise.
    Branch A (rules: committee and theme day monthly, general meeting and party lecture quarterly = 8):
      committee 1-10, 2-10 on time, 3-05 entered 3-20 (late, with reason); theme day 1-15, 2-15, 3-15;
      general meeting 2-20; no party lecture. Each with 王志强 and 周永红 present.
    Group A1 (group meeting monthly = 3): 1-08 王 赵 present, 孙 sick; 赵 moves to village B's branch on
      2-01; 2-08 王 present, 孙 away for work; 3-08 王 present, 孙 personal leave.
    Village B's branch holds nothing."""
    sec = party.personas.secretary_a
    pair = [party.wang.pk, party.zhou.pk]

    def rec(org, kind, day, attendees, absent=(), entered=None, **kw):
        at(*(entered or day).timetuple()[:3])
        return actions.do_record(sec, org, kind, day, f"{kind} {day}", attendees=attendees, absent=absent, **kw)

    for day in (D(2026, 1, 10), D(2026, 2, 10)):
        rec(party.branch_a, "committee", day, pair)
    late = rec(party.branch_a, "committee", D(2026, 3, 5), pair, entered=D(2026, 3, 20), late_reason="书记外出学习")
    for day in (D(2026, 1, 15), D(2026, 2, 15), D(2026, 3, 15)):
        rec(party.branch_a, "theme_day", day, pair)
    rec(party.branch_a, "general", D(2026, 2, 20), pair)
    rec(party.group_a1, "group", D(2026, 1, 8), [party.wang.pk, party.zhao.pk],
        [{"person": party.sun.pk, "reason": "sick"}])
    Person.objects.filter(pk=party.zhao.pk).update(party_org=party.branch_b)  # moved away
    rec(party.group_a1, "group", D(2026, 2, 8), [party.wang.pk], [{"person": party.sun.pk, "reason": "外出务工"}])
    with pytest.raises(MeetingError) as exc:
        rec(party.group_a1, "group", D(2026, 3, 8), [party.wang.pk, party.zhao.pk])
    assert exc.value.field == "attendees"
    rec(party.group_a1, "group", D(2026, 3, 8), [party.wang.pk], [{"person": party.sun.pk, "reason": "事假"}])
    assert late.late and late.late_reason == "书记外出学习"
    return party


def by_org(rows):
    return {r["org"]: {k: r[k] for k in ("required", "held", "late", "missing", "pending", "attendance_rate")}
            for r in rows}


def test_the_quarter_by_hand(q1, at, api_client):
    p = q1
    at(2026, 4, 2)
    rows = api_client("town_admin").get("/api/v1/party/compliance", {"period": "2026Q1"}).json()
    assert rows["period"] == "2026Q1" and rows["count"] == 3
    assert by_org(rows["items"]) == {
        p.branch_a.code: {"required": 8, "held": 6, "late": 1, "missing": 1, "pending": 0, "attendance_rate": 1.0},
        # present 王赵 + 王 + 王 = 4; expected 3 + 1 (孙 away for work not counted) + 2 = 6
        p.group_a1.code: {"required": 3, "held": 3, "late": 0, "missing": 0, "pending": 0,
                          "attendance_rate": round(4 / 6, 4)},
        p.branch_b.code: {"required": 8, "held": 0, "late": 0, "missing": 8, "pending": 0, "attendance_rate": None},
    }
    # Which slot is which on the board.
    detail = {(s["slot"], s["kind_id"]): s["state"] for s in queries.compliance(
        p.branch_a.path, D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 2), slots_detail=True)[0]["slots"]}
    kinds = {k.code: k.pk for k in actions.kinds_for(p.town.town)}
    assert detail[("2026-03", kinds["committee"])] == "late"
    assert detail[("2026Q1", kinds["lecture"])] == "missing"
    assert detail[("2026Q1", kinds["general"])] == "held"
    # The town counts members away for work: 孙's February absence now counts against the group.
    actions.do_set_settings(p.personas.town_admin, p.town.town, 7, True)
    group = by_org(queries.compliance(p.group_a1.path, D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 2)))
    assert group[p.group_a1.code]["attendance_rate"] == round(4 / 7, 4)
    # Per member: 孙 missed all three (absent three times running); 赵's January stays his.
    members = {m["name"]: m for m in queries.member_rates(p.group_a1, D(2026, 1, 1), D(2026, 3, 31))}
    assert members["孙桂兰"]["absent_three"] and members["孙桂兰"]["rate"] == 0.0
    assert (members["赵国华"]["present"], members["赵国华"]["absent_three"]) == (1, False)
    assert members["王志强"]["rate"] == 1.0


def test_mid_quarter_the_open_slots_are_pending(q1, at, api_client):
    p = q1
    at(2026, 2, 12)  # January over; February, March and the quarter not
    rows = by_org(queries.compliance(p.town.town.path, D(2026, 1, 1), D(2026, 3, 31), D(2026, 2, 12)))
    assert rows[p.branch_b.code] == {"required": 8, "held": 0, "late": 0, "missing": 2, "pending": 6,
                                     "attendance_rate": None}
    # A month period counts the monthly slots of the month and the quarterly ones the month closes.
    march = by_org(queries.compliance(p.town.town.path, D(2026, 3, 1), D(2026, 3, 31), D(2026, 4, 1)))
    assert march[p.branch_a.code]["required"] == 4 and march[p.branch_a.code]["missing"] == 1
    feb = api_client("secretary_a").get("/api/v1/party/compliance", {"period": "2026-02"}).json()
    assert {i["org"]: i["required"] for i in feb["items"]} == {p.branch_a.code: 2, p.group_a1.code: 1}
    # Scope and period refusals.
    assert api_client("outsider").get("/api/v1/party/compliance", {"scope": p.town.village_a.code}).status_code == 404
    assert api_client("party_a1").get("/api/v1/party/compliance").status_code == 404
    assert api_client("resident_a1").get("/api/v1/party/compliance").status_code == 404
    bad = api_client("town_admin").get("/api/v1/party/compliance", {"period": "2026Q5"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"


def test_the_star_metrics(q1, at):
    at(2026, 4, 2)
    village = q1.town.village_a
    source = star_metrics.source("meetings.compliance")
    assert source is not None and source.func is metrics.compliance
    figure = source.func(village, D(2026, 1, 1), D(2026, 3, 31))
    assert figure["value"] == round(9 / 11, 4) and figure["score"] == figure["value"]
    assert (figure["records"]["required"], figure["records"]["late"], figure["records"]["missing"]) == (11, 1, 1)
    assert figure["records"]["link"] == f"/meetings/board/?scope={village.code}&period=2026Q1"
    att = star_metrics.source("meetings.attendance").func(village, D(2026, 1, 1), D(2026, 3, 31))
    assert att["value"] == round(18 / 20, 4)  # branch 14 of 14, group 4 of 6
    assert star_metrics.source("meetings.compliance").func(q1.town.village_b, D(2026, 1, 1), D(2026, 3, 31))[
        "value"] == 0.0  # village B's branch held nothing of its eight


def test_the_default_scheme_scores_the_branch_from_the_meetings(q1, at):
    """Through a real assessment of the product's default scheme: the figures are read at submission and
    frozen with their records, the points by the indicators' linear maps."""
    from decimal import Decimal

    from gridgov.stars import actions as star_actions
    from gridgov.stars import defaults

    at(2026, 4, 2)
    scheme = star_actions.do_create_scheme(None, q1.town.town, 2026, "默认方案", defaults.scheme_spec())
    from tests.stars.conftest import manual_scores

    assessment = star_actions.do_open_quarter(None, scheme, "2026Q1")[0]
    star_actions.do_self_assess(q1.personas.secretary_a, assessment, manual_scores(assessment))
    star_actions.do_submit(q1.personas.secretary_a, assessment, [])
    scores = {s.indicator.code: s for s in assessment.scores.select_related("indicator")}
    meetings, attendance = scores["branch.meetings"], scores["branch.attendance"]
    assert meetings.value == Decimal(str(round(9 / 11, 4))) and meetings.records["missing"] == 1
    # linear from 0.6 (no points) to 1.0 (4 points): (0.8182 - 0.6) / 0.4 * 4
    assert meetings.points == Decimal("2.18")
    # attendance 0.9 is the target of its 2 points
    assert attendance.value == Decimal("0.9") and attendance.points == Decimal("2.00")

def test_points_are_awarded_once_per_meeting_and_member(party, at):
    at(2026, 3, 4)
    town = party.town
    points_actions.do_save_rule(party.personas.town_admin, town.town, code="MEETING", name="参加组织生活", points=2,
                                auto="meeting_attended")
    m = actions.do_record(party.personas.secretary_a, party.group_a1, "group", D(2026, 3, 3), "学习",
                          attendees=[party.wang.pk], absent=[{"person": party.sun.pk, "reason": "sick"}])
    assert (person_balance(party.wang), person_balance(party.sun)) == (2, 0)
    assert actions.award(m, [party.wang.pk], None) == {"exists": 1}
    assert person_balance(party.wang) == 2


@pytest.mark.parametrize("day, month, quarter", [
    (D(2026, 1, 1), ("2026-01", D(2026, 1, 31)), ("2026Q1", D(2026, 3, 31))),
    (D(2026, 12, 31), ("2026-12", D(2026, 12, 31)), ("2026Q4", D(2026, 12, 31))),
    (D(2027, 4, 1), ("2027-04", D(2027, 4, 30)), ("2027Q2", D(2027, 6, 30))),
    (D(2028, 2, 29), ("2028-02", D(2028, 2, 29)), ("2028Q1", D(2028, 3, 31))),
])
def test_periods_across_year_ends(day, month, quarter):
    assert (periods.month_label(day), periods.month_end(day)) == month
    assert (periods.quarter_label(day), periods.quarter_end(day)) == quarter
    assert periods.parse(quarter[0])[1] == quarter[1] and periods.parse(month[0])[1] == month[1]
    # Three months and one quarter end in each quarter; none is counted twice across the year end.
    q = periods.parse(quarter[0])
    assert len(periods.slots("month", *q)) == 3 and len(periods.slots("quarter", *q)) == 1
    across = periods.slots("month", D(2026, 11, 1), D(2027, 1, 31))
    assert [s[0].isoformat() for s in across] == ["2026-11-01", "2026-12-01", "2027-01-01"]
    assert periods.slots("quarter", D(2026, 11, 1), D(2027, 1, 31)) == [(D(2026, 10, 1), D(2026, 12, 31))]
    assert [periods.quarter_label(s) for s, _e in periods.recent_quarters(D(2027, 1, 1), 3)] == [
        "2026Q3", "2026Q4", "2027Q1"]
    for bad in ("2026Q0", "2026-13", "26Q1", ""):
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_a_meeting_on_new_years_eve_counts_in_q4(party, at):
    at(2027, 1, 3)
    actions.do_record(party.personas.secretary_a, party.group_a1, "group", D(2026, 12, 31), "年终总结",
                      attendees=[party.wang.pk])
    q4 = by_org(queries.compliance(party.group_a1.path, D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 3)))
    q1 = by_org(queries.compliance(party.group_a1.path, D(2027, 1, 1), D(2027, 3, 31), D(2027, 1, 3)))
    assert (q4[party.group_a1.code]["held"], q4[party.group_a1.code]["missing"]) == (1, 2)
    assert (q1[party.group_a1.code]["held"], q1[party.group_a1.code]["pending"]) == (0, 3)
