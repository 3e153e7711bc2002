"""The shop in Chromium on a 360x740 phone screen: the resident sees the points on the home page, redeems a
bottle of oil and gets a pickup code; the village secretary (the shop's clerk) enters the code and the
order is picked up. No page scrolls sideways. Screenshots go to var/screenshots/points-*.png."""

import pytest
from django.conf import settings

from gridgov.points import actions, ledger
from gridgov.points.models import Entry, Order
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"points-{name}.png"), full_page=True)


@pytest.fixture
def stocked(transactional_db, personas):
    shop = actions.do_create_shop(personas.secretary_a, personas.town.village_a, "碧塘村党群积分兑换小超市")
    oil = actions.do_save_product(personas.secretary_a, shop, "花生油 1L", 30, 5)
    actions.do_save_product(personas.secretary_a, shop, "洗衣皂", 5, 100)
    account = ledger.account_for(person=personas.town.zhang)
    ledger.post(account, Entry.Kind.AWARD, 45, "志愿服务", "browser:start")
    return personas, shop, oil


@closing_connections
def test_resident_redeems_and_the_clerk_confirms_pickup(live_server, stocked, browser):
    personas, shop, oil = stocked
    context, page = phone(browser, live_server.url, "resident_a1")
    page.wait_for_selector("#points-mine")  # the home box arrives after the page
    assert page.inner_text("#points-mine") == "45"
    page.goto(f"{live_server.url}/points/shop/")
    shot(page, "shop")
    page.locator(f"[data-product='{oil.pk}'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/points/orders/")
    code = page.inner_text(".pickup-code").strip()
    order = Order.objects.get()
    assert code == order.code and order.state == "placed"
    shot(page, "order-code")
    context.close()

    context, page = phone(browser, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/points/pickup/")
    page.fill("input[name=code]", code)
    shot(page, "pickup")
    page.click("#pickup-form button[type=submit]")
    page.wait_for_selector("#picked")
    assert "花生油" in page.inner_text("#picked")
    shot(page, "picked-up")
    for name in ("claims", "ranking", "products", "rules", "award"):  # the secretary's other pages fit a phone
        page.goto(f"{live_server.url}/points/{name}/")
        shot(page, f"secretary-{name}")
    context.close()

    # The village screen: the board link opens without login; names are masked.
    from gridgov.points.models import Board

    board = Board.objects.create(region=personas.town.village_a, token=Board.new_token(),
                                 path=personas.town.village_a.path)
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = screen.new_page()
    page.goto(f"{live_server.url}/points/board/{board.token}/")
    assert "张*国" in page.inner_text("body") and "张建国" not in page.inner_text("body")
    page.screenshot(path=str(SCREENSHOTS / "points-board.png"))
    screen.close()
    order.refresh_from_db()
    assert order.state == "picked_up" and order.closed_by == personas.secretary_a
    assert ledger.check() == []
