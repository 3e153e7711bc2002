"""The product's default scheme (gridgov.stars.defaults): 100 points in five stars of 20, every metric
source it names exists, and the practices' records carry it — no star can be earned on hand scores alone."""

from decimal import Decimal as D

import pytest

from gridgov.stars import defaults, metrics

SPEC = defaults.scheme_spec()


def test_five_stars_of_twenty_points_make_a_hundred():
    assert [star["code"] for star in SPEC] == ["branch", "industry", "ecology", "safety", "civility"]
    assert {star["code"]: sum(i["max_points"] for i in star["indicators"]) for star in SPEC} == {
        star["code"]: 20 for star in SPEC}


def test_every_metric_names_a_registered_source():
    named = [i["config"]["source"] for star in SPEC for i in star["indicators"] if i["method"] == "metric"]
    assert named and all(metrics.source(code) is not None for code in named), set(named) - set(metrics.SOURCES)


@pytest.mark.parametrize("source", [
    "links.coverage", "links.contact_rate", "patrols.compliance", "meetings.compliance", "meetings.attendance",
    "tasks.on_time", "tasks.inspection", "disputes.mediated", "disputes.zero_reports", "disputes.followups",
    "services.on_time", "services.satisfaction", "volunteers.participation", "honours.per_hundred",
    "affairs.matters", "affairs.disclosures", "affairs.questions"])
def test_the_recorded_practices_are_scored_from_their_records(source):
    assert any(i["config"].get("source") == source for star in SPEC for i in star["indicators"])


def test_village_affairs_score_the_branch_and_rule_of_law():
    """四议两公开 is how the branch leads the village's major matters (支部过硬星); 三务公开 on time and questions
    answered are village affairs run in the open under the law (平安法治星)."""
    sources = {star["code"]: {i["config"].get("source"): i["max_points"] for i in star["indicators"]} for star in SPEC}
    assert sources["branch"]["affairs.matters"] == 2
    assert (sources["safety"]["affairs.disclosures"], sources["safety"]["affairs.questions"]) == (2, 1)


@pytest.mark.parametrize("star", SPEC, ids=[star["code"] for star in SPEC])
def test_no_star_is_earned_on_hand_scores_alone(star):
    """Manual indicators at their maximum and dynamic ones at their base, every metric at nothing."""
    by_hand = sum(D(i["max_points"]) if i["method"] == "manual" else D(i["config"].get("base", 0))
                  for i in star["indicators"] if i["method"] != "metric")
    assert by_hand < star["threshold"]
