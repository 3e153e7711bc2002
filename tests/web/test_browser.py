"""Chromium (Debian's, through Playwright) on a phone-sized screen: a grid worker logs in, opens
their grid and finds a household; and the map of grids on a desktop screen.

Screenshots go to var/screenshots/ for a person to look at (Chinese glyphs, layout)."""

import pytest
from django.conf import settings

from gridgov.org import actions
from gridgov.org.models import Post
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def town_with_staff(transactional_db, personas):
    town = personas.town
    actions.do_add_post(None, town.wang, Post.Kind.GRID_LEADER, grid=town.a1)
    actions.do_add_post(None, town.zhang_wife, Post.Kind.GRID_WORKER_FULL, grid=town.a1)
    return personas


def _log_in(page, base_url, username, screenshot=None):
    page.goto(f"{base_url}/")
    assert "/login/" in page.url
    if screenshot:
        page.screenshot(path=str(SCREENSHOTS / screenshot))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")


def _horizontal_overflow(page) -> int:
    page.wait_for_function("document.readyState !== 'loading' && document.scrollingElement !== null")
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_grid_worker_on_a_phone_opens_their_grid(live_server, town_with_staff, browser):
    town = town_with_staff.town
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)

    _log_in(page, live_server.url, "worker_a1", screenshot="login-360.png")
    my_grid = page.locator("#my-grid")
    assert my_grid.is_visible()
    assert my_grid.bounding_box()["height"] >= 48
    assert _horizontal_overflow(page) <= 360
    page.screenshot(path=str(SCREENSHOTS / "worker-home-360.png"), full_page=True)

    my_grid.click()
    page.wait_for_url(f"{live_server.url}/grids/{town.a1.code}/")
    results = page.locator("#household-results")
    assert "碧塘村一巷1号" in results.inner_text() and "碧塘村一巷2号" in results.inner_text()
    assert "王志强" in page.locator("ul.staff").inner_text()
    page.wait_for_selector(".leaflet-interactive")
    assert _horizontal_overflow(page) <= 360
    page.screenshot(path=str(SCREENSHOTS / "worker-grid-360.png"), full_page=True)

    # Live search: typing narrows the list without a page load (htmx swaps the list only).
    page.evaluate("window.__same_page = true")
    page.fill("#households input[type=search]", "王")
    page.wait_for_function("() => !document.querySelector('#household-results').innerText.includes('一巷1号')")
    assert "碧塘村一巷2号" in results.inner_text()
    assert page.evaluate("window.__same_page === true")
    assert "q=%E7%8E%8B" in page.url

    # The menu folds into a button on a phone.
    assert not page.locator("#menu").is_visible()
    page.click("#menu-toggle")
    assert page.locator("#menu").is_visible()
    assert _horizontal_overflow(page) <= 360
    page.screenshot(path=str(SCREENSHOTS / "worker-menu-360.png"))
    page.click("#menu-toggle")

    # A household, then a person, and the audited full view of a phone (htmx POST with CSRF token).
    results.get_by_text("碧塘村一巷2号").click()
    page.locator("ul.rows a", has_text="王志强").click()
    page.wait_for_url(f"{live_server.url}/people/{town.wang.pk}/")
    assert town.wang.phone not in page.content()
    page.locator("form[action$='/reveal/phone/'] button").click()
    page.wait_for_selector(".revealed")
    assert page.locator(".revealed").inner_text() == town.wang.phone
    assert _horizontal_overflow(page) <= 360
    page.screenshot(path=str(SCREENSHOTS / "worker-person-360.png"), full_page=True)
    context.close()


def test_map_of_grids_on_a_desktop(live_server, town_with_staff, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    external = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(live_server.url) else None)

    _log_in(page, live_server.url, "town_admin")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#grid-map[data-loaded='4']")
    assert page.locator("path.leaflet-interactive").count() == 4
    assert page.locator(".grid-label").count() == 4
    assert page.locator(".legend-item").all_inner_texts() == ["碧塘村", "都斛村"]
    page.screenshot(path=str(SCREENSHOTS / "map-desktop.png"))
    assert external == [], "the map must not load anything from outside (no tiles, no CDN)"

    page.locator("path.leaflet-interactive").first.click()
    page.wait_for_url(f"{live_server.url}/grids/**")
    page.screenshot(path=str(SCREENSHOTS / "grid-desktop.png"), full_page=True)

    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(SCREENSHOTS / "town-admin-home-desktop.png"), full_page=True)
    context.close()
