"""The statistics page: the figures of the scope and period against hand-counted values, rankings,
the charts' data, scope refusals."""

import json
import re

import pytest

from gridgov.cases import actions

from .conftest import POINT_B1

pytestmark = pytest.mark.usefixtures("english")


def figure(html: str, key: str) -> str:
    match = re.search(rf'id="figure-{key}"[^>]*><span class="stat-value">([^<]*)</span>', html)
    assert match, key
    return match.group(1)


@pytest.fixture
def loop(personas, report, drive):
    """In village A: two closed (one rated satisfied, one dissatisfied), one accepted, one rejected;
    in village B: one closed."""
    closed_1 = drive(report(), "closed")
    actions.do_rate(personas.resident_a1, closed_1, "satisfied")
    closed_2 = drive(report(), "closed")
    actions.do_rate(personas.resident_a1, closed_2, "dissatisfied")
    drive(report(), "accepted")
    drive(report(), "rejected")
    in_b = report(actor=personas.outsider, point=POINT_B1)
    actions.do_accept(personas.town_admin, in_b)
    actions.do_dispatch(personas.town_admin, in_b, "town_admin")
    actions.do_claim(personas.town_admin, in_b)
    actions.do_resolve(personas.town_admin, in_b, result="done")
    actions.do_verify(personas.town_admin, in_b)
    return personas


def test_village_figures_by_hand(loop, login):
    html = login(loop.secretary_a).get("/cases/stats/?since=2026-03-01&until=2026-03-31").content.decode()
    assert figure(html, "reported") == "4"
    assert figure(html, "accepted") == "3"  # the rejected one is not counted
    assert figure(html, "closed") == "2"
    assert figure(html, "completion_rate") == "66.7%"
    assert figure(html, "on_time_rate") == "100.0%"
    assert figure(html, "satisfaction_rate") == "50.0%"
    assert figure(html, "rework_rate") == "0.0%"
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html,
                                 re.S).group(1))
    assert {item["value"] for item in chart["levels"]} == {2, 0}
    assert "碧塘第一网格" in html and "都斛" not in html


def test_town_sees_both_villages_and_can_narrow_to_one(loop, login):
    client = login(loop.town_admin)
    html = client.get("/cases/stats/?since=2026-03-01&until=2026-03-31").content.decode()
    assert figure(html, "reported") == "5" and figure(html, "closed") == "3"
    assert "碧塘村" in html and "都斛村" in html
    narrowed = client.get(f"/cases/stats/?scope={loop.town.village_b.code}&since=2026-03-01&until=2026-03-31")
    assert figure(narrowed.content.decode(), "reported") == "1"


def test_a_period_without_cases_shows_dashes_for_rates(loop, login):
    html = login(loop.secretary_a).get("/cases/stats/?since=2025-01-01&until=2025-01-31").content.decode()
    assert figure(html, "accepted") == "0" and figure(html, "completion_rate") == "—"


def test_outsider_cannot_look_at_village_a(loop, login):
    client = login(loop.outsider)
    assert client.get(f"/cases/stats/?scope={loop.town.village_a.code}").status_code == 404
    html = client.get("/cases/stats/?since=2026-03-01&until=2026-03-31").content.decode()
    assert figure(html, "reported") == "1" and "碧塘" not in html


def test_statistics_are_for_staff(loop, login):
    assert login(loop.resident_a1).get("/cases/stats/").status_code == 403
    assert login(loop.party_a1).get("/cases/stats/").status_code == 403
