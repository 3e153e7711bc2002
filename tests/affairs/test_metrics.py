"""The star metric sources of village affairs, from records made through the actions to an assessment of the
product's default scheme: matters through 四议两公开 and their decisions published in time, scheduled
disclosures on time, questions answered by their due day; what is not yet due is pending; a village with
nothing due has no figure; the figures are frozen with their records at submission."""

import datetime
from datetime import date as D
from decimal import Decimal

import pytest

from gridgov.affairs import actions, metrics
from gridgov.affairs.models import Question
from gridgov.stars import actions as star_actions
from gridgov.stars import defaults
from gridgov.stars import metrics as star_metrics
from tests.stars.conftest import manual_scores

pytestmark = pytest.mark.django_db

Q1 = (D(2026, 1, 1), D(2026, 3, 31))
PASS = {"expected": 5, "present": 5, "votes_for": 5}
DECIDE = {"assembly": "representatives", "expected": 30, "present": 24, "votes_for": 20, "votes_against": 3,
          "abstain": 1}


def take(secretary, village, title, days, publish_on=None, reject_at=None):
    """A matter opened and taken through the deliberations on `days` (propose, discuss, review, decide; fewer
    days stop earlier), rejected at `reject_at`, and its decision published on `publish_on`."""
    matter = actions.do_open_matter(secretary, village, title, "project", "80000")
    for step, day in zip(["propose", "discuss", "review", "decide"], days, strict=False):
        if step == reject_at:
            actions.do_record_step(secretary, matter, step, day, expected=9, present=8, votes_for=2,
                                   votes_against=6, outcome="rejected")
            return matter
        actions.do_record_step(secretary, matter, step, day, **(DECIDE if step == "decide" else PASS))
    if publish_on is not None:
        actions.do_record_step(secretary, matter, "publish_decision", publish_on, body=f"决议：{title}")
    return matter


@pytest.fixture
def q1(personas, at):  # noqa: F811
    """Village A's first quarter of 2026, recorded as it happened (the clock moves with it); village B
    recorded nothing."""
    p, town = personas, personas.town
    a = town.village_a
    at(2026, 4, 2)
    take(p.secretary_a, a, "上季度修桥", [D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 20), D(2025, 12, 5)],
         publish_on=D(2025, 12, 8))  # decided before the quarter: not counted
    take(p.secretary_a, a, "修村道", [D(2026, 1, 5), D(2026, 1, 8), D(2026, 1, 12), D(2026, 1, 20)],
         publish_on=D(2026, 1, 25))  # proper
    take(p.secretary_a, a, "建文化室", [D(2026, 1, 6), D(2026, 1, 9), D(2026, 1, 15), D(2026, 2, 3)],
         publish_on=D(2026, 2, 10))  # proper: published on the 7th day
    take(p.secretary_a, a, "路灯", [D(2026, 2, 2), D(2026, 2, 3), D(2026, 2, 4), D(2026, 2, 5)],
         publish_on=D(2026, 2, 6))  # proper
    take(p.secretary_a, a, "鱼塘发包", [D(2026, 1, 7), D(2026, 1, 9), D(2026, 1, 11), D(2026, 2, 10)],
         publish_on=D(2026, 2, 20))  # published on the 10th day: late
    take(p.secretary_a, a, "集体收益分配", [D(2026, 2, 1), D(2026, 2, 9), D(2026, 2, 16), D(2026, 3, 5)])  # unpublished
    take(p.secretary_a, a, "水渠改造", [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 30)])  # pending
    take(p.secretary_a, a, "卖山林", [D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 16)], reject_at="review")
    take(p.secretary_a, a, "建停车场", [D(2026, 1, 5)])  # stuck since 5 January
    # 三务公开: owed with due days in Q1 (10 days after their period): finances of 2025-12, 2026-01, 2026-02, and
    # village affairs of 2025Q4.
    finance = [{"item": "保洁费", "expense": "800"}, {"item": "土地租金", "income": "12000"}]
    published = {}
    for when, kind, period in [((2026, 1, 8), "finance", "2025-12"), ((2026, 1, 10), "village", "2025Q4"),
                               ((2026, 2, 15), "finance", "2026-01"), ((2026, 3, 3), "finance", "2026-02")]:
        at(*when)
        published[period] = actions.do_publish(
            p.secretary_a, a, kind, f"{period}公开", body="" if kind == "finance" else "村务公开事项",
            period=period, table=finance if kind == "finance" else None)
    # Questions, due 7 days after they are asked.
    item = published["2025-12"]
    for asked, answered in [((2026, 1, 5), (2026, 1, 10)), ((2026, 2, 1), (2026, 2, 12)),
                            ((2026, 2, 15), (2026, 2, 16)), ((2026, 3, 1), None), ((2026, 3, 20), (2026, 3, 21)),
                            ((2026, 3, 28), None)]:  # due 4 April: after the quarter
        at(*asked)
        question = actions.do_ask(p.resident_a1, item, "这笔钱怎么用的？")
        if answered:
            at(*answered)
            actions.do_answer(p.secretary_a, question, "用于村道保洁")
    at(2026, 4, 2)
    return town


def test_the_sources_are_registered():
    for code, func in (("affairs.matters", metrics.matters), ("affairs.disclosures", metrics.disclosures),
                       ("affairs.questions", metrics.questions)):
        assert star_metrics.source(code).func is func


def test_matters_decided_in_the_quarter(q1):
    figure = metrics.matters(q1.village_a, *Q1)
    r = figure["records"]
    # Six passed their decision in Q1: three proper, one published late, one unpublished, one still pending.
    assert (r["decided"], r["proper"], r["published_late"], r["unpublished"], r["pending"]) == (6, 3, 1, 1, 1)
    assert figure["value"] == 0.6 and figure["score"] == 0.6
    assert r["rejected"] == 1 and r["flagged_unpublished"] == 1 and r["flags_on"] == "2026-03-31"
    # Stuck on 31 March as queries.flags has it (the overview's flag): no step for 30 days while still
    # deliberating — the proposal of 5 January; decisions published and being carried out are not stuck.
    assert r["stuck"] == 1 and len(r["stuck_ids"]) == 1
    assert r["link"] == "/affairs/?village=445321104201"
    assert metrics.matters(q1.village_b, *Q1)["value"] is None


def test_matters_read_on_a_day_inside_the_quarter(q1, at):  # noqa: F811
    # Read on 12 March: the decision of 5 March may still be published (7 days), the one of 30 March is to come,
    # and the matter stuck since 5 January has waited 66 days.
    at(2026, 3, 12)
    r = metrics.matters(q1.village_a, *Q1)["records"]
    assert (r["decided"], r["pending"], r["unpublished"], r["flags_on"]) == (5, 1, 0, "2026-03-12")
    at(2026, 3, 13)
    assert metrics.matters(q1.village_a, *Q1)["records"]["unpublished"] == 1
    # On 4 February the proposal of 5 January has waited 30 days, not more: nothing is stuck (last year's
    # decision is being carried out); two decisions so far, the one of 3 February still to be published.
    at(2026, 2, 4)
    r = metrics.matters(q1.village_a, *Q1)["records"]
    assert (r["stuck"], r["decided"], r["proper"], r["pending"]) == (0, 2, 1, 1)
    at(2026, 2, 5)
    assert metrics.matters(q1.village_a, *Q1)["records"]["stuck"] == 1


def test_disclosures_due_in_the_quarter(q1):
    figure = metrics.disclosures(q1.village_a, *Q1)
    r = figure["records"]
    assert (r["due"], r["on_time"], r["late"], r["missing"]) == (4, 3, 1, 0)
    assert figure["value"] == 0.75 and r["late_periods"] == ["finance:2026-01"]
    b = metrics.disclosures(q1.village_b, *Q1)
    assert b["value"] == 0.0 and b["records"]["missing"] == 4
    assert sorted(b["records"]["missing_periods"]) == ["finance:2025-12", "finance:2026-01", "finance:2026-02",
                                                       "village:2025Q4"]


def test_disclosures_not_yet_due_are_not_counted(q1, at):  # noqa: F811
    at(2026, 3, 10)  # February's finances are due today: counted from tomorrow (they were on time)
    r = metrics.disclosures(q1.village_a, *Q1)["records"]
    assert (r["due"], r["on_time"], r["late"]) == (3, 2, 1)
    at(2026, 3, 11)
    assert metrics.disclosures(q1.village_a, *Q1)["records"]["due"] == 4
    assert metrics.disclosures(q1.village_b, *Q1)["records"]["missing"] == 4
    # The second quarter has nothing due before 10 April.
    at(2026, 4, 2)
    assert metrics.disclosures(q1.village_a, D(2026, 4, 1), D(2026, 6, 30))["value"] is None


def test_questions_due_in_the_quarter(personas, q1, at):  # noqa: F811
    figure = metrics.questions(q1.village_a, *Q1)
    r = figure["records"]
    assert (r["due"], r["on_time"], r["late"], r["overdue"], r["pending"]) == (5, 3, 1, 1, 0)
    assert figure["value"] == 0.6
    assert metrics.questions(q1.village_b, *Q1)["value"] is None
    # The second quarter: the question of 28 March (due 4 April) is overdue; a new one is pending until its due
    # day has passed, then overdue too.
    q2 = (D(2026, 4, 1), D(2026, 6, 30))
    question = actions.do_ask(personas.resident_a1, Question.objects.first().disclosure, "公开栏什么时候更新？")
    assert question.due_on == D(2026, 4, 9)
    for day, expected in [((2026, 4, 9), (0, 0, 1, 1, 0.0)), ((2026, 4, 10), (0, 0, 2, 0, 0.0))]:
        at(*day)
        figure = metrics.questions(q1.village_a, *q2)
        r = figure["records"]
        assert (r["on_time"], r["late"], r["overdue"], r["pending"], figure["value"]) == expected


def _default_assessment(personas, town):
    scheme = star_actions.do_create_scheme(None, town.town, 2026, "默认方案", defaults.scheme_spec())
    assessment = next(a for a in star_actions.do_open_quarter(None, scheme, "2026Q1") if a.village_id == town.village_a.pk)
    star_actions.do_self_assess(personas.secretary_a, assessment, manual_scores(assessment))
    star_actions.do_submit(personas.secretary_a, assessment, [])
    return assessment


def test_the_default_scheme_scores_village_affairs_and_freezes_them(personas, q1, at):  # noqa: F811
    """Through a real assessment of the default scheme: the figures read at submission, points by the
    indicators' linear maps, stored with their records; records changed afterwards leave them as they were."""
    assessment = _default_assessment(personas, q1)
    scores = {s.indicator.code: s for s in assessment.scores.select_related("indicator")}
    matters, shown, answered = scores["branch.matters"], scores["safety.disclosures"], scores["safety.questions"]
    # linear from 0.5 (nothing) to 1.0 (2 points): (0.6 - 0.5) / 0.5 * 2
    assert (matters.value, matters.points) == (Decimal("0.6"), Decimal("0.40"))
    assert matters.records["source"] == "affairs.matters" and matters.records["unpublished"] == 1
    # linear from 0.6 to 1.0 (2 points): (0.75 - 0.6) / 0.4 * 2
    assert (shown.value, shown.points) == (Decimal("0.75"), Decimal("0.75"))
    assert shown.records["late_periods"] == ["finance:2026-01"]
    # linear from 0.5 to 1.0 (1 point): (0.6 - 0.5) / 0.5
    assert (answered.value, answered.points) == (Decimal("0.6"), Decimal("0.20"))
    # Later, the overdue question is answered and the pending decision of 30 March published in time: the
    # assessment keeps what was submitted, and the check against the records as they are now shows what moved.
    at(2026, 4, 5)
    open_one = Question.objects.filter(answered_at__isnull=True, due_on__lt=D(2026, 4, 1)).get()
    actions.do_answer(personas.secretary_a, open_one, "已答复")
    pending = next(m for m in actions.visible_matters(personas.secretary_a) if m.title == "水渠改造")
    actions.do_record_step(personas.secretary_a, pending, "publish_decision", D(2026, 4, 5), body="决议")
    star_actions.recompute(assessment)
    again = {s.indicator.code: s for s in assessment.scores.select_related("indicator")}
    assert (again["branch.matters"].value, again["branch.matters"].points) == (Decimal("0.6"), Decimal("0.40"))
    assert again["branch.matters"].records["pending"] == 1
    moved = {row["indicator"]: row for row in star_actions.verify(assessment)}
    # Four proper of six now; the question answered late counts as late instead of overdue (still 0.6).
    assert moved["branch.matters"]["value"] == Decimal("0.6667") and "safety.questions" not in moved


def test_a_village_with_nothing_due_has_no_figure_and_earns_nothing(personas, q1):
    scheme = star_actions.do_create_scheme(None, q1.town, 2026, "默认方案", defaults.scheme_spec())
    b = next(a for a in star_actions.do_open_quarter(None, scheme, "2026Q1") if a.village_id == q1.village_b.pk)
    scores = {s.indicator.code: s for s in b.scores.select_related("indicator")}
    assert scores["branch.matters"].value is None and scores["branch.matters"].points == 0
    assert scores["safety.questions"].value is None
    assert scores["safety.disclosures"].value == 0 and scores["safety.disclosures"].records["missing"] == 4


@pytest.mark.parametrize("day", [D(2026, 12, 31), D(2027, 1, 1), D(2028, 2, 29)])
def test_the_window_across_year_ends(personas, at, day):  # noqa: F811
    """A decision on New Year's Eve counts in the fourth quarter, one on New Year's Day in the first, one on a
    leap day in the first; the quarter before has none."""
    p, a = personas, personas.town.village_a
    at(day.year, day.month, day.day)
    take(p.secretary_a, a, "年终分红", [day - datetime.timedelta(days=3), day - datetime.timedelta(days=2),
                                      day - datetime.timedelta(days=1), day], publish_on=day)
    year, quarter = day.year, (day.month - 1) // 3 + 1
    first = D(year, 3 * quarter - 2, 1)
    last = (D(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - datetime.timedelta(days=1)
    assert metrics.matters(a, first, last)["value"] == 1.0
    assert metrics.matters(a, first - datetime.timedelta(days=92), first - datetime.timedelta(days=1))["value"] is None
