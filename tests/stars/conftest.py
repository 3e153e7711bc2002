"""Fixtures of the five-star scheme: the demo's Chinese scheme for 东成镇 in 2026, a small scheme whose
figures are easy to work out by hand, a county account over the town, and a way to drive an assessment
to any step through the real actions. The case fixtures (frozen clock on Monday 2 March 2026, categories,
report, drive) come from tests/cases/conftest.py, so the quarter of the case tests is 2026Q1."""

from types import SimpleNamespace

import pytest

from gridgov.org import actions as org_actions
from gridgov.stars import actions
from gridgov.stars.models import Assessment
from tests.cases.conftest import cfg, clock, drive, report  # noqa: F401
from tests.conftest import PASSWORD
from tests.stars.spec import machinery_spec

PERIOD = "2026Q1"


@pytest.fixture
def county_admin(personas):
    return org_actions.do_create_user(None, "county_admin", "town_admin", personas.town.county.code, password=PASSWORD)


@pytest.fixture
def scheme(personas):
    return actions.do_create_scheme(None, personas.town.town, 2026, "东成镇2026年五星支部创建方案",
                                    machinery_spec())


@pytest.fixture
def quarter(scheme):
    """Draft assessments of 2026Q1 for villages A and B."""
    opened = actions.do_open_quarter(None, scheme, PERIOD)
    return SimpleNamespace(a=opened[0], b=opened[1], scheme=scheme)


def manual_scores(assessment: Assessment, points: float | None = None) -> dict:
    """Every manual indicator at `points` (default: its maximum), with evidence."""
    out = {}
    for score in assessment.scores.select_related("indicator"):
        if score.indicator.method == "manual":
            out[score.indicator_id] = (points if points is not None else score.indicator.max_points, "会议记录、照片")
    return out


@pytest.fixture
def advance(personas, county_admin):
    """advance(assessment, state) -> the assessment taken through the real actions to `state`."""
    from django.utils import timezone

    p = personas
    order = ["submitted", "reviewed", "confirmed", "published", "named"]

    def _advance(a: Assessment, state: str) -> Assessment:
        for step in order[: order.index(state) + 1]:
            a.refresh_from_db()
            if a.state != "draft" and order.index(a.state) >= order.index(step):
                continue
            if step == "submitted":
                actions.do_self_assess(p.secretary_a if a.path.startswith(p.town.village_a.path) else p.outsider,
                                       a, manual_scores(a))
                actions.do_submit(p.secretary_a if a.path.startswith(p.town.village_a.path) else p.outsider, a, [])
            elif step == "reviewed":
                actions.do_review(p.town_admin, a, [])
            elif step == "confirmed":
                actions.do_confirm(county_admin, a)
            elif step == "published":
                actions.do_publish(p.town_admin, a)
            elif step == "named":
                a.refresh_from_db()
                actions.do_name(p.town_admin, a, now=a.publicity_until + timezone.timedelta(seconds=1))
        a.refresh_from_db()
        assert a.state == state
        return a

    return _advance
