"""The scoring methods, star thresholds, vetoes, the level mapping and the ranking rule, against figures
worked out by hand."""

from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gridgov.stars import defaults, scoring
from gridgov.stars.models import default_levels
from tests.stars.spec import machinery_spec

LINEAR = {"map": "linear", "floor": 0.6, "target": 0.95}
BRACKETS = {"map": "brackets", "brackets": [[100000, 6], [200000, 9], [500000, 12]]}


@pytest.mark.parametrize("value, points", [
    (None, "0.00"), (0.5, "0.00"), (0.6, "0.00"), (0.7, "1.71"),  # 6 * 0.1 / 0.35 = 1.714...
    (0.775, "3.00"), (0.95, "6.00"), (1.0, "6.00"),
])
def test_linear_from_floor_to_target(value, points):
    assert scoring.points_from_value(LINEAR, 6, value) == D(points)


@pytest.mark.parametrize("income, points", [
    (0, "0.00"), (99999, "0.00"), (100000, "6.00"), (199999, "6.00"), (200000, "9.00"), (300000, "9.00"),
    (500000, "12.00"), (2_000_000, "12.00"),
])
def test_income_brackets_of_source_000(income, points):
    assert scoring.points_from_value(BRACKETS, 12, income) == D(points)


def test_brackets_never_exceed_max_points():
    assert scoring.points_from_value({"map": "brackets", "brackets": [[1, 50]]}, 8, 5) == D("8.00")


def test_source_score_times_max():
    assert scoring.points_from_value({"map": "score"}, 8, 3, source_score=0.25) == D("2.00")
    assert scoring.points_from_value({"map": "score"}, 8, 3, source_score=None) == D("0.00")


def test_dynamic_is_base_plus_entries_within_bounds():
    assert scoring.dynamic_points({"base": 5}, 7, []) == D("5.00")
    assert scoring.dynamic_points({"base": 5}, 7, [D("1.5"), D("-0.5")]) == D("6.00")
    assert scoring.dynamic_points({"base": 5}, 7, [D("3")]) == D("7.00")  # capped at max
    assert scoring.dynamic_points({"base": 5}, 7, [D("-9")]) == D("0.00")  # never below 0


@given(st.lists(st.decimals(min_value=-20, max_value=20, places=2), max_size=12),
       st.decimals(min_value=0, max_value=10, places=2))
def test_dynamic_points_always_within_zero_and_max(entries, base):
    points = scoring.dynamic_points({"base": str(base)}, 7, entries)
    assert D(0) <= points <= D(7)


def test_threshold_and_veto_decide_a_star():
    figures = scoring.star_figures([
        {"code": "a", "threshold": 16, "points": [7, 6, D("3.5")], "vetoed": False},  # 16.5: earned
        {"code": "b", "threshold": 16, "points": [7, 6, D("2.99")], "vetoed": False},  # 15.99: not
        {"code": "c", "threshold": 16, "points": [8, 8, 4], "vetoed": True},  # 20 but vetoed
    ])
    assert figures["stars"]["a"] == {"score": "16.50", "earned": True, "vetoed": False}
    assert figures["stars"]["b"]["earned"] is False
    assert figures["stars"]["c"] == {"score": "20.00", "earned": False, "vetoed": True}
    assert figures["total"] == "52.49"
    assert figures["stars_earned"] == 1


@pytest.mark.parametrize("total, label", [(100, "五星"), (90, "五星"), (89.99, "四星"), (80, "四星"), (79, "三星"),
                                          (70, "三星"), (69.5, "二星"), (60, "二星"), (59.99, "")])
def test_level_mapping_from_data(total, label):
    assert scoring.level_for(default_levels(), total, 5) == label


@pytest.mark.parametrize("total, stars, label", [
    (95, 5, "五星"), (95, 4, "四星"), (95, 3, "三星"), (95, 2, "二星"), (95, 1, ""), (100, 0, ""),
    (85, 5, "四星"), (85, 3, "三星"), (72, 5, "三星"), (72, 2, "二星"), (65, 2, "二星"), (59.99, 5, ""),
])
def test_a_default_level_needs_as_many_stars_as_its_name(total, stars, label):
    assert scoring.level_for(default_levels(), total, stars) == label


def _default_scheme_stars(points: dict[str, list], vetoed: set[str]) -> list[dict]:
    return [{"code": star["code"], "threshold": star["threshold"], "points": points[star["code"]],
             "vetoed": star["code"] in vetoed} for star in machinery_spec()]


def test_95_points_with_three_stars_is_three_star_under_the_default_scheme():
    # Every indicator at its maximum except one point off 平安法治星 and four off 文明幸福星 (16 of 20, still
    # its threshold); 平安法治星 and 文明幸福星 are vetoed: 20 + 20 + 20 + 19 + 16 = 95 points, three stars.
    points = {star["code"]: [i["max_points"] for i in star["indicators"]] for star in machinery_spec()}
    points["safety"][0] -= 1  # 矛盾纠纷化解率 7 of 8
    points["civility"][1] -= 4  # 积分制参与率 2 of 6
    figures = scoring.star_figures(_default_scheme_stars(points, {"safety", "civility"}))
    assert (figures["total"], figures["stars_earned"]) == ("95.00", 3)
    assert scoring.level_for(default_levels(), figures["total"], figures["stars_earned"]) == "三星"


# How many stars each default level's name claims (a new default level must be added here too).
CLAIMED = {"五星": 5, "四星": 4, "三星": 3, "二星": 2, "": 0}


def _star_points(star: dict):
    # Full marks are drawn often, so totals of 90 and more (where a wrong 五星 would show) come up.
    return st.tuples(*[st.one_of(st.just(D(i["max_points"])),
                                 st.decimals(min_value=0, max_value=i["max_points"], places=2))
                       for i in star["indicators"]])


@given(st.tuples(*[_star_points(star) for star in machinery_spec()]),
       st.sets(st.sampled_from([star["code"] for star in machinery_spec()])))
@example(points=tuple(tuple(D(i["max_points"]) for i in star["indicators"]) for star in machinery_spec()),
         vetoed={"safety"})  # 100 points and four stars: 四星, never 五星
def test_a_default_level_never_claims_more_stars_than_earned(points, vetoed):
    spec = machinery_spec()
    figures = scoring.star_figures(_default_scheme_stars(
        {star["code"]: list(p) for star, p in zip(spec, points, strict=True)}, vetoed))
    level = scoring.level_for(default_levels(), figures["total"], figures["stars_earned"])
    assert CLAIMED[level] <= figures["stars_earned"]
    # And the level is the best the figures allow: one more star would not be claimed with these stars.
    assert level == next((e["label"] for e in defaults.LEVELS if D(figures["total"]) >= e["min_total"]
                          and figures["stars_earned"] >= e["min_stars"]), "")


def test_level_may_also_require_stars():
    levels = [{"min_total": 90, "min_stars": 5, "label": "五星支部"}, {"min_total": 0, "label": "其他"}]
    assert scoring.level_for(levels, 95, 4) == "其他"
    assert scoring.level_for(levels, 95, 5) == "五星支部"


def test_ties_are_broken_by_stars_then_village_code():
    items = [
        {"village_code": "445321104203", "total": "85.00", "stars_earned": 3},
        {"village_code": "445321104202", "total": "85.00", "stars_earned": 3},
        {"village_code": "445321104201", "total": "85.00", "stars_earned": 2},
        {"village_code": "445321104209", "total": "91.00", "stars_earned": 1},
    ]
    ranked = [i["village_code"] for i in sorted(items, key=scoring.rank_key)]
    assert ranked == ["445321104209", "445321104202", "445321104203", "445321104201"]


def test_periods():
    assert scoring.period_bounds("2026Q3") == (scoring.datetime.date(2026, 7, 1), scoring.datetime.date(2026, 9, 30))
    assert scoring.period_bounds("2026q4")[1] == scoring.datetime.date(2026, 12, 31)
    assert scoring.previous_period("2026Q1") == "2025Q4"
    assert scoring.period_of(scoring.datetime.date(2026, 11, 21)) == "2026Q4"
    with pytest.raises(scoring.PeriodError):
        scoring.parse_period("2026-3")
