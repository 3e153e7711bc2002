"""The five-star metric sources end to end: the stars app scores an indicator of each source over a quarter
(2026Q4, which ends on the year's last day) from the December records of test_summary_and_pages."""

from decimal import Decimal

import time_machine

from gridgov.stars import actions as star_actions
from gridgov.stars import metrics as star_metrics
from gridgov.stars.models import Indicator

from .conftest import local
from .test_summary_and_pages import december  # noqa: F401


def _score(code, village, period="2026Q4"):
    indicator = Indicator(config={"source": code, "map": "linear"}, max_points=Decimal(10))
    return star_actions.score_metric(indicator, village, period)


def test_the_three_sources_through_the_stars_scoring(personas, december):  # noqa: F811
    town = personas.town
    assert {"disputes.mediated", "disputes.zero_reports", "disputes.followups"} <= set(star_metrics.SOURCES)
    with time_machine.travel(local(2027, 1, 20, 10, 0), tick=False):
        mediated = _score("disputes.mediated", town.village_a)
        # a mediated, b referred in Q4 (c open): 1 of 2
        assert mediated["value"] == Decimal("0.5000") and mediated["points"] == Decimal("5.00")
        assert (mediated["records"]["concluded"], mediated["records"]["mediated"]) == (2, 1)
        assert mediated["records"]["link"] == f"/disputes/summary/?scope={town.village_a.code}&month=2026-12"
        # Q4 holds W40-W53 (14 weeks); on time: W49, W50 and W53 -> 3/14
        zero = _score("disputes.zero_reports", town.village_a)
        assert (zero["records"]["weeks"], zero["records"]["on_time"], zero["records"]["filed"]) == (14, 3, 4)
        assert zero["value"] == Decimal(str(round(3 / 14, 4)))
        visits = _score("disputes.followups", town.village_a)
        assert (visits["records"]["due"], visits["records"]["done"], visits["value"]) == (1, 1, Decimal("1.0000"))
        # village B: d was withdrawn in January: nothing concluded in Q4 is no figure, and no points
        nothing = _score("disputes.mediated", town.village_b)
        assert nothing["value"] is None and nothing["points"] == Decimal(0)
        assert _score("disputes.zero_reports", town.village_b)["value"] == Decimal(0)
        january = _score("disputes.followups", town.village_a, "2027Q1")  # b's visit was due 20 Jan: not yet
        assert january["records"]["due"] == 0 and january["value"] is None
    with time_machine.travel(local(2027, 1, 25, 10, 0), tick=False):
        assert _score("disputes.followups", town.village_a, "2027Q1")["records"] == {
            **_score("disputes.followups", town.village_a, "2027Q1")["records"], "due": 1, "done": 0}
    with time_machine.travel(local(2026, 12, 21, 10, 0), tick=False):  # Monday: W40-W51 judged, W52 under way
        assert _score("disputes.zero_reports", town.village_a)["records"]["weeks"] == 12
