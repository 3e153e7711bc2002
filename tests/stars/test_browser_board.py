"""In Chromium on a 360 px phone: the town administrator opens the five-star board of a town whose villages
have long names. Every village name stays on one line, the page itself never scrolls sideways, the last
column is reached by scrolling the table alone (the name column stays put), and the legend explains the
star icons and the levels of the town's scheme. Screenshots go to var/screenshots/stars-board-*.png."""

import pytest

from gridgov.org import actions as org_actions
from gridgov.stars import actions
from gridgov.stars.models import VetoItem
from tests.cases.test_browser_case_loop import SCREENSHOTS, closing_connections, no_sideways_scroll, phone
from tests.stars.spec import machinery_spec

from .conftest import manual_scores

pytestmark = pytest.mark.browser

# Village committees often go by their full names; the longest here is wider than half a phone.
LONG_NAMES = ["上坑口村民委员会", "大冲口新围村民委员会", "石门坎经济联合社"]


@pytest.fixture
def board(transactional_db, personas):
    town = personas.town.town
    for n, name in enumerate(LONG_NAMES):
        org_actions.do_create_region(None, f"44532110431{n}", name, parent=town)
    scheme = actions.do_create_scheme(None, town, 2026, "东成镇2026年五星支部创建方案", machinery_spec())
    opened = actions.do_open_quarter(None, scheme, "2026Q1")
    a = next(x for x in opened if x.village_id == personas.town.village_a.pk)
    actions.do_self_assess(personas.secretary_a, a, manual_scores(a))
    # One vetoed star, so the board shows earned, missing and vetoed stars side by side.
    item = VetoItem.objects.get(star__scheme=scheme, code="branch.discipline")
    actions.do_flag_veto(personas.town_admin, a, item, "班子成员受到党纪处分")
    return opened


def _rects(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, """els => els.map(el => {
        const r = el.getBoundingClientRect();
        return {text: el.textContent.trim(), lines: el.getClientRects().length, left: r.left, right: r.right,
                top: r.top, height: r.height, lineHeight: parseFloat(getComputedStyle(el).lineHeight)};
    })""")


@closing_connections
def test_the_board_on_a_phone(live_server, board, browser):
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = phone(browser, base, "town_admin")
    page.goto(f"{base}/stars/?period=2026Q1")
    page.wait_for_selector("#ranking")
    no_sideways_scroll(page)

    names = _rects(page, "#ranking tbody td.village a")
    assert sorted(n["text"] for n in names) == sorted(["碧塘村", "都斛村", *LONG_NAMES])
    for name in names:
        # One box, one line high: the name did not wrap.
        assert name["lines"] == 1 and name["height"] <= name["lineHeight"] * 1.2, name
    page.screenshot(path=str(SCREENSHOTS / "stars-board-1-phone.png"), full_page=True)

    wrap = page.locator("#ranking").locator("xpath=..")
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # The names and the per-star columns are wider than a phone: the table scrolls, not the page.
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    last = page.locator("#ranking thead th").last
    # Scrolled inside the table's container, the last column comes fully into view; the page stays put.
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    end = last.bounding_box()
    assert box["x"] - 1 <= end["x"] and end["x"] + end["width"] <= box["x"] + box["width"] + 1, (end, box)
    assert page.evaluate("window.scrollX") == 0
    no_sideways_scroll(page)
    # The village names stayed at the left edge while the table scrolled, clear of the other columns.
    after = _rects(page, "#ranking tbody td.village")
    assert all(box["x"] - 1 <= cell["left"] and cell["right"] <= end["x"] for cell in after), (after, end)
    page.screenshot(path=str(SCREENSHOTS / "stars-board-2-scrolled.png"), full_page=True)

    legend = page.locator("#board-legend")
    text = legend.inner_text()
    assert "五星：总分≥90 且获5星" in text and "二星：总分≥60 且获2星" in text, text
    for icon in ("earned", "missing", "vetoed"):
        assert legend.locator(f".legend-{icon} .star").count() == 1
    legend.scroll_into_view_if_needed()
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "stars-board-3-legend.png"), full_page=False)
    context.close()
