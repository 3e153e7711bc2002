"""The case loop in Chromium on a 360x740 phone screen, every step through the pages: a resident reports
a problem with a photo and a map pin, the grid worker accepts it and publishes it to the order pool, a
party member takes it and resolves it with a photo, the grid worker verifies it, the resident rates it.

Screenshots go to var/screenshots/cases-*.png for a person to look at."""

import functools
import io

import pytest
from django.conf import settings
from django.db import connections
from PIL import Image

from gridgov.cases import actions
from gridgov.cases.models import Case, CasePhoto, Unit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def closing_connections(test):
    """The ORM calls of a test body made while Playwright runs open a connection of their own (the
    sync API runs the test in another context); it is closed in that same context at the end, so
    PostgreSQL can drop the test database."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        finally:
            connections.close_all()

    return run


@pytest.fixture
def categories(transactional_db, personas):
    town = personas.town
    committee = actions.do_create_unit(None, "U-A", "碧塘村委会", Unit.Kind.VILLAGE, town.village_a,
                                       members=[personas.secretary_a])
    env = actions.do_create_category(None, "01", "环境卫生")
    actions.do_create_category(None, "0101", "垃圾清运", parent=env, default_unit=committee)
    roads = actions.do_create_category(None, "02", "道路交通")
    actions.do_create_category(None, "0201", "路面破损", parent=roads)
    return personas


def jpeg_bytes(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def phone(browser, base_url, username):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")
    return context, page


def no_sideways_scroll(page):
    # A click that follows a link returns once the navigation starts; read straight away, the new document
    # may not have its root element yet (scrollingElement is null), so wait until it has been parsed.
    page.wait_for_function("document.readyState !== 'loading' && document.scrollingElement !== null")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def shot(page, name):
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"cases-{name}.png"), full_page=True)


@closing_connections
def test_the_case_loop_on_a_phone(live_server, categories, browser):
    personas = categories
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The resident reports: main category, subcategory, text, a photo, a pin on the map of their grid.
    context, page = phone(browser, base, "resident_a1")
    page.click("#menu-toggle")
    page.locator("#menu a[href='/cases/report/']").click()
    page.wait_for_selector("#report-map[data-ready='1']")
    page.select_option("#id_main", "01")
    assert page.locator("#id_category optgroup[label='道路交通']").get_attribute("disabled") is not None
    page.select_option("#id_category", "0101")
    page.fill("#id_description", "巷口垃圾堆了三天，气味很大")
    page.set_input_files("#id_photos", files=[{"name": "rubbish.jpg", "mimeType": "image/jpeg",
                                               "buffer": jpeg_bytes((120, 90, 40))}])
    page.locator("#report-map").scroll_into_view_if_needed()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#report-map .leaflet-marker-icon")
    assert page.input_value("#id_lat") != ""
    shot(page, "1-report")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/cases/*/?new=1")
    case = Case.objects.get()
    assert case.grid == personas.town.a1 and case.lat is not None and case.reporter == personas.town.zhang
    assert page.locator(".photos img").count() == 1
    # The page has navigated once its HTML arrived; the photo is a second request that may still be loading.
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 64
    shot(page, "2-reported")

    # The grid worker finds it in the inbox, accepts it and publishes it to the order pool.
    worker_context, worker = phone(browser, base, "worker_a1")
    worker.goto(f"{base}/cases/inbox/")
    shot(worker, "3-inbox")
    worker.locator(f"ul.cases a[href='/cases/{case.pk}/']").click()
    worker.click("button[value=accept]")
    worker.wait_for_selector("button[value=publish]")
    shot(worker, "4-accepted")
    worker.click("button[value=publish]")
    worker.wait_for_selector(".message.success")
    case.refresh_from_db()
    assert case.state == "dispatched" and case.in_pool

    # The party member takes it from the pool and resolves it with a photo.
    party_context, party = phone(browser, base, "party_a1")
    party.click("#menu-toggle")
    party.locator("#menu a[href='/cases/pool/']").click()
    assert case.number in party.locator("ul.cases").inner_text()
    shot(party, "5-pool")
    party.locator(".pool-row button[type=submit]").first.click()
    party.wait_for_selector("#resolve-result")
    party.fill("#resolve-result", "已联系保洁员清运，巷口已清理干净")
    party.set_input_files("#resolve-photos", files=[{"name": "clean.jpg", "mimeType": "image/jpeg",
                                                     "buffer": jpeg_bytes((40, 160, 60))}])
    shot(party, "6-handling")
    party.click("button[value=resolve]")
    party.wait_for_selector(".message.success")
    case.refresh_from_db()
    assert case.state == "resolved" and case.assignee == personas.party_a1
    assert CasePhoto.objects.filter(case=case).count() == 2

    # The grid worker verifies on the spot.
    worker.goto(f"{base}/cases/inbox/?tab=verify")
    worker.locator(f"ul.cases a[href='/cases/{case.pk}/']").click()
    worker.fill("#verify-note", "现场核查，已清理")
    shot(worker, "7-verify")
    worker.click("button[name=passed][value=true]")
    worker.wait_for_selector(".message.success")
    case.refresh_from_db()
    assert case.state == "closed"

    # The resident sees the whole timeline in 我的诉求 and rates the result.
    page.goto(f"{base}/cases/mine/")
    page.locator("ul.mine details summary").first.click()
    assert "已联系保洁员清运" in page.locator("ul.mine .timeline").inner_text()
    shot(page, "8-mine")
    page.click("button[name=rating][value=satisfied]")
    page.wait_for_selector(".message.success")
    case.refresh_from_db()
    assert case.rating == "satisfied" and not case.rating_auto
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.locator(".timeline .event").count() >= 7
    shot(page, "9-closed")
    for ctx in (context, worker_context, party_context):
        ctx.close()


@closing_connections
def test_statistics_with_charts_on_a_phone(live_server, categories, browser):
    personas = categories
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for n, grid in enumerate([personas.town.a1, personas.town.a2, personas.town.b1]):
        case = actions.do_report(personas.town_admin, "0101", f"第{n}宗", grid=grid)
        actions.do_accept(personas.town_admin, case)
        if n < 2:
            actions.do_dispatch(personas.town_admin, case, "town_admin")
            actions.do_claim(personas.town_admin, case)
            actions.do_resolve(personas.town_admin, case, result="done")
            actions.do_verify(personas.town_admin, case)
    context, page = phone(browser, live_server.url, "town_admin")
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/cases/stats/")
    page.wait_for_selector("#figures[data-charts='2']")
    assert page.locator("#chart-levels svg").count() == 1 and page.locator("#chart-ranking svg").count() == 1
    assert page.locator("#figure-completion_rate .stat-value").inner_text() == "66.7%"
    assert "碧塘村" in page.locator("#chart-ranking").inner_text()
    shot(page, "stats")
    page.goto(f"{live_server.url}/cases/supervision/")
    assert page.locator("ul.cases > li").count() == 1
    page.locator("ul.cases details summary").click()
    shot(page, "supervision")
    page.fill("ul.cases textarea[name=note]", "请本周内办结")
    page.locator("ul.cases details button[type=submit]").click()
    page.wait_for_selector(".message.success")
    page.goto(f"{live_server.url}/cases/dispatch/?category=01")
    assert page.locator("ul.cases > li").count() == 1
    shot(page, "dispatch")
    assert external == []
    context.close()
