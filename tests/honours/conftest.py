"""Fixtures of honours: the town's 2026 星级文明户 campaign (three criteria, 100 points, stars from 60 to
95) and a way to take an entry of house A1 (head 张建国) through the real actions to any state.
The clock stands at Monday 2 March 2026, 10:00 in Shanghai (tests.cases.conftest)."""

import pytest

from gridgov.honours import actions
from gridgov.honours.models import Entry
from tests.cases.conftest import MONDAY_10, clock, local  # noqa: F401

CRITERIA = [{"name": "爱国守法", "max": 40}, {"name": "孝老爱亲", "max": 30}, {"name": "环境卫生", "max": 30}]
THRESHOLDS = [60, 70, 80, 90, 95]
SCORES = {"爱国守法": 38, "孝老爱亲": 27, "环境卫生": 20}  # 85: three stars (60, 70, 80 reached)


@pytest.fixture
def campaign(personas, clock):  # noqa: F811
    return actions.do_create_campaign(personas.town_admin, 2026, "starred", CRITERIA, THRESHOLDS, publicity_days=7)


@pytest.fixture
def drive(personas, campaign):
    """drive(state, household=house A1) -> an entry nominated by worker_a1 and taken to `state` today."""
    p = personas
    order = ["submitted", "inspected", "approved", "published"]

    def _drive(state: str, household=None) -> Entry:
        entry = actions.do_enter(p.worker_a1, campaign, household=household or p.town.house_a1)
        steps = {
            "inspected": lambda: actions.do_inspect(p.worker_a1, entry, SCORES, "院落整洁"),
            "approved": lambda: actions.do_review(p.secretary_a, entry, True),
            "published": lambda: actions.do_publish(p.town_admin, entry),
        }
        if state == "rejected":
            steps["inspected"]()
            actions.do_review(p.secretary_a, entry, False, "得分不足")
        else:
            for name in order[1:order.index(state) + 1]:
                steps[name]()
        entry.refresh_from_db()
        return entry

    return _drive
