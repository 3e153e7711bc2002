"""Indicators computed from gridgov's records: case rates and disputes in the village, collective income
by brackets; figures stored with the records they came from, and the same records give the same figures."""

from decimal import Decimal as D

import pytest

from gridgov.stars import actions, metrics
from gridgov.stars.models import Indicator

from .conftest import PERIOD
from tests.cases.conftest import POINT_B1

SPEC = [{"code": "s", "name": "测试星", "threshold": 10, "indicators": [
    {"code": "completion", "name": "办结率", "max_points": 8, "method": "metric",
     "config": {"source": "cases.completion_rate", "map": "linear", "floor": 0.2, "target": 1.0}},
    {"code": "disputes", "name": "纠纷化解", "max_points": 4, "method": "metric",
     "config": {"source": "cases.disputes_resolved", "map": "linear", "floor": 0, "target": 1}},
    {"code": "on_time", "name": "按期率", "max_points": 5, "method": "metric",
     "config": {"source": "cases.on_time_rate", "map": "brackets", "brackets": [[0.5, 2], [0.9, 5]]}},
    {"code": "income", "name": "集体经济", "max_points": 12, "method": "metric",
     "config": {"source": "stars.collective_income", "map": "brackets",
                "brackets": [[100000, 6], [200000, 9], [500000, 12]]}},
]}]


@pytest.fixture
def village_cases(personas, cfg, report, drive):
    """Village A in 2026Q1: four accepted cases, two closed (one of each family); one case in village B."""
    drive(report(), "closed")
    drive(report(), "accepted")
    drive(report(category=cfg.neighbours, description="两户因排水问题发生争吵"), "closed")
    drive(report(category=cfg.neighbours, description="邻居养狗扰民"), "accepted")
    report(point=POINT_B1)


@pytest.fixture
def small(personas):
    from gridgov.stars.actions import do_create_scheme, do_open_quarter

    scheme = do_create_scheme(None, personas.town.town, 2026, "测试方案", SPEC)
    return do_open_quarter(None, scheme, PERIOD)[0]


def test_case_figures_of_the_village_become_points(personas, village_cases, small, clock):
    a = small
    actions.do_set_income(personas.secretary_a, personas.town.village_a, 2026, 150000, "2026年村集体收入审计报告")
    actions.do_submit(personas.secretary_a, a, ["s"])
    scores = {s.indicator.code: s for s in a.scores.select_related("indicator")}
    assert scores["completion"].value == D("0.5")  # 2 closed / 4 accepted
    assert scores["completion"].points == D("3.00")  # 8 * (0.5 - 0.2) / 0.8
    assert scores["disputes"].value == D("0.5") and scores["disputes"].points == D("2.00")
    assert scores["on_time"].value == D("1") and scores["on_time"].points == D("5.00")
    assert scores["income"].value == D("150000") and scores["income"].points == D("6.00")
    a.refresh_from_db()
    assert a.total == D("16.00") and a.stars_earned == 1
    # The records each figure came from are stored with it.
    assert scores["completion"].records["accepted"] == 4 and scores["completion"].records["closed"] == 2
    assert len(scores["completion"].records["case_ids"]) == 4
    assert scores["disputes"].records["accepted"] == 2
    assert scores["income"].records["evidence"] == "2026年村集体收入审计报告"


def test_the_same_records_give_the_same_figures(personas, village_cases, small, clock, report):
    a = actions.do_submit(personas.secretary_a, small, [])
    stored = {s.indicator_id: (s.value, s.points, s.records) for s in a.scores.all()}
    for indicator in Indicator.objects.filter(star__scheme=a.scheme):
        again = actions.score_metric(indicator, a.village, a.period)
        assert (again["value"], again["points"], again["records"]) == stored[indicator.pk]
    figures, total = a.figures, a.total
    actions.recompute(a)
    a.refresh_from_db()
    assert (a.figures, a.total) == (figures, total)
    # A new case after submission changes a fresh computation, never the submitted figures.
    report()
    actions.recompute(a)
    a.refresh_from_db()
    assert a.scores.get(indicator__code="completion").value == D("0.5")


def test_no_records_give_no_points(personas, small, clock):
    actions.do_submit(personas.secretary_a, small, [])
    scores = {s.indicator.code: s for s in small.scores.select_related("indicator")}
    assert scores["completion"].value is None and scores["completion"].points == D("0")
    # No dispute case accepted in the quarter: no figure (the page says "no records"), not 100 %.
    assert scores["disputes"].value is None and scores["disputes"].points == D("0")
    assert (scores["disputes"].records["accepted"], scores["disputes"].records["categories"]) == (0, ["04"])
    assert scores["income"].records == {"kind": "income", "year": 2026, "missing": True, "source": "stars.collective_income",
                                        "value": None, "score": None}


def test_income_needs_evidence_and_a_whole_amount(personas):
    with pytest.raises(actions.StarError) as refused:
        actions.do_set_income(personas.secretary_a, personas.town.village_a, 2026, 100000, "")
    assert refused.value.field == "evidence"
    with pytest.raises(actions.StarError):
        actions.do_set_income(personas.secretary_a, personas.town.village_a, 2026, "12.5", "账本")
    with pytest.raises(actions.StarError) as refused:
        actions.do_set_income(personas.outsider, personas.town.village_a, 2026, 100000, "账本")
    assert refused.value.status == 404


def test_other_modules_register_sources(personas):
    def meetings(village, since, until):
        return {"value": 3, "records": {"meetings": [1, 2, 3]}}

    metrics.register("test.meetings", "会议", meetings)
    try:
        assert metrics.source("test.meetings").func is meetings
        with pytest.raises(ValueError):
            metrics.register("test.meetings", "会议", lambda v, s, u: {})
    finally:
        metrics.SOURCES.pop("test.meetings")


def test_points_participation_becomes_points(personas, quarter, clock):
    """Village A has 4 registered people; one earned points in the quarter: 1/4 = 0.25, and the default
    scheme's 积分制参与率 (linear 0.1 -> 0.5, 6 points) gives 6 * 0.15 / 0.4 = 2.25."""
    from gridgov.points import actions as points_actions

    rule = points_actions.do_save_rule(personas.town_admin, personas.town.town, code="MEET", name="参加村民大会",
                                       points=5, award_roles=["town_admin"])
    points_actions.do_award(personas.town_admin, rule, "参加三月村民大会", person=personas.town.zhang)
    points_actions.do_award(personas.town_admin, rule, "参加三月村民大会", person=personas.town.liu)  # village B
    indicator = Indicator.objects.get(star__scheme=quarter.scheme, code="civility.points")
    result = actions.score_metric(indicator, personas.town.village_a, PERIOD)
    assert result["value"] == D("0.25") and result["points"] == D("2.25")
    assert result["records"]["participants"] == 1 and result["records"]["residents"] == 4


def test_verify_lists_figures_the_records_no_longer_give(personas, village_cases, small, clock, report, drive):
    import io

    from django.core.management import call_command

    a = actions.do_submit(personas.secretary_a, small, [])
    out = io.StringIO()
    call_command("stars_verify", PERIOD, stdout=out)
    assert actions.verify(a) == [] and "completion" not in out.getvalue()  # and no SystemExit
    drive(report(), "closed")  # a case accepted in the quarter after the village submitted
    differences = actions.verify(a)
    assert [d["indicator"] for d in differences] == ["completion"]
    assert (differences[0]["stored_value"], differences[0]["value"]) == (D("0.5"), D("0.6"))  # 3 of 5 now
    with pytest.raises(SystemExit):
        call_command("stars_verify", PERIOD, stdout=io.StringIO())


def test_a_rate_that_does_not_end_is_stored_as_it_was_scored(personas, small, clock, report, drive):
    """1 closed of 3 accepted = 0.3333...: stored as 0.3333, and the points (8 * 0.1333 / 0.8 = 1.33) are
    those of the stored value, so computing again from the records finds nothing different."""
    drive(report(), "closed")
    drive(report(), "accepted")
    drive(report(), "accepted")
    a = actions.do_submit(personas.secretary_a, small, [])
    score = a.scores.get(indicator__code="completion")
    assert (score.value, score.points) == (D("0.3333"), D("1.33"))
    assert actions.verify(a) == []


def test_the_scheme_names_the_categories_of_disputes(personas, cfg, report, drive, small, clock, login):
    # A town that files disputes under 05 rather than the demo's 04 (the setting, kept for schemes naming none).
    from gridgov.cases import actions as case_actions

    family = case_actions.do_create_category(None, "05", "调解事项")
    family_cases = case_actions.do_create_category(None, "0501", "家庭纠纷", parent=family)
    drive(report(category=family_cases, description="兄弟分家争吵"), "closed")
    drive(report(category=family_cases, description="婆媳矛盾"), "accepted")
    indicator = Indicator.objects.get(star__scheme=small.scheme, code="disputes")
    assert actions.score_metric(indicator, small.village, PERIOD)["value"] is None  # no 04 case in village A

    client = login(personas.town_admin)
    page = client.get("/stars/scheme/2026/").content.decode()
    choice = page[page.index(f'id="categories-{indicator.pk}"'):]
    choice = choice[:choice.index("</fieldset>")]
    assert 'value="05"' in choice and "调解事项" in choice and 'value="04" checked' in choice  # the town's 大类
    assert 'value="0501"' not in choice
    client.post("/stars/scheme/2026/", {"indicator": indicator.pk, "name": indicator.name, "max_points": "4",
                                        "floor": "0", "target": "1", "categories_shown": "1", "categories": ["05"]})
    indicator.refresh_from_db()
    assert indicator.config["categories"] == ["05"]
    result = actions.score_metric(indicator, small.village, PERIOD)
    assert (result["value"], result["points"], result["records"]["accepted"]) == (D("0.5"), D("2.00"), 2)
    assert "事件分类：调解事项" in client.get("/stars/scheme/2026/").content.decode()

    with pytest.raises(actions.StarError) as refused:  # a subcategory or an unknown code is not a family
        actions.do_update_indicator(personas.town_admin, indicator, config={"categories": ["0501", "99"]})
    assert refused.value.field == "categories" and "0501、99" in refused.value.message
    # None chosen: back to the setting's family.
    actions.do_update_indicator(personas.town_admin, indicator, config={"categories": []})
    indicator.refresh_from_db()
    assert "categories" not in indicator.config
