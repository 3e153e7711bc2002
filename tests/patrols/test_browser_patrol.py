"""A grid worker's patrol in Chromium on a 360x740 phone: start, read the position (granted by the
browser; the page shows it with its accuracy), check in in A1, walk to A2 and check in again, finish.
Screenshots go to var/screenshots/patrols-*.png."""

import pytest
from django.conf import settings

from gridgov.patrols.models import Patrol
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

from .conftest import POINT_A1, POINT_A2

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"patrols-{name}.png"), full_page=True)


@pytest.fixture
def on_duty(transactional_db, worker):
    return worker


@closing_connections
def test_a_grid_worker_runs_a_patrol_with_two_checkins(live_server, on_duty, personas, browser):
    context, page = phone(browser, live_server.url, "worker_a1")
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": POINT_A1[0], "longitude": POINT_A1[1], "accuracy": 12})
    page.goto(f"{live_server.url}/patrols/")
    shot(page, "start")
    page.click("#start-patrol")
    page.wait_for_selector("#read-position")
    for point, grid in ((POINT_A1, "碧塘第一网格"), (POINT_A2, "碧塘第二网格")):
        context.set_geolocation({"latitude": point[0], "longitude": point[1], "accuracy": 12})
        page.click("#read-position")
        page.wait_for_selector("#checkin-submit:not([disabled])")
        assert "±12" in page.inner_text("#position")
        shot(page, f"position-{grid}")
        page.click("#checkin-submit")
        page.wait_for_selector(f"#checkins >> text={grid}")
    shot(page, "two-checkins")
    page.click("#finish-patrol")
    page.wait_for_selector("#patrol-state >> text=已结束")
    shot(page, "finished")
    patrol = Patrol.objects.get()
    assert patrol.state == "finished"
    assert sorted(v.grid.code for v in patrol.visits.select_related("grid")) == [personas.town.a1.code,
                                                                                  personas.town.a2.code]
    context.close()
