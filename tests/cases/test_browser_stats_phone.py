"""The statistics page on a 360 px phone in Chromium: no sideways scroll of the page, and every figure
of the rankings on screen (each row a card) rather than behind the edge of a scrolled table; on a
desktop the rankings stay a table. The page opens on the last 30 days, in Chinese, charts included.

Screenshots go to var/screenshots/cases-stats-phone*.png for a person to look at."""

import pytest

from gridgov.cases import actions

from .test_browser_case_loop import SCREENSHOTS, categories, closing_connections, phone  # noqa: F401

pytestmark = pytest.mark.browser


def overflowing(page) -> list[str]:
    """The ranking cells that reach past the right edge of the screen or spill out of their box, and
    tables wider than their box."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, found = [];
        document.querySelectorAll('table.ranking td').forEach(td => {
            const box = td.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 0.5) { found.push(td.textContent + ' @' + Math.round(box.right)); }
            if (box.width > 0 && td.scrollWidth > td.clientWidth + 1) { found.push(td.textContent + ' spills'); }
        });
        document.querySelectorAll('.table-wrap').forEach(w => {
            if (w.scrollWidth > w.clientWidth) { found.push('table-wrap ' + w.scrollWidth + '>' + w.clientWidth); }
        });
        return found;
    }""")


@closing_connections
def test_statistics_fit_a_phone(live_server, categories, browser):  # noqa: F811
    personas = categories
    town = personas.town
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for n, grid in enumerate([town.a1, town.a1, town.a2, town.b1, town.b2]):
        case = actions.do_report(personas.town_admin, "0101", f"第{n}宗", grid=grid)
        actions.do_accept(personas.town_admin, case)
        if n % 2 == 0:
            actions.do_dispatch(personas.town_admin, case, "town_admin")
            actions.do_claim(personas.town_admin, case)
            actions.do_resolve(personas.town_admin, case, result="已处理")
            actions.do_verify(personas.town_admin, case)
    context, page = phone(browser, live_server.url, "town_admin")
    page.goto(f"{live_server.url}/cases/stats/")
    page.wait_for_selector("#figures[data-charts='2']")
    assert page.locator("#period-30d[aria-current='page']").count() == 1
    assert page.locator("#figure-completion_rate .stat-value").inner_text() == "60.0%"
    assert page.locator("table.ranking").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert overflowing(page) == []
    # Each figure is read under its name on the card: the card of the first village names all five.
    first = page.locator("table.ranking").first.locator("tbody tr").first
    assert first.locator("td.name").inner_text() == "碧塘村"
    labels = first.locator("td.num").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"受理数"', '"结案数"', '"结案率"', '"按期结案率"', '"满意率"']
    page.screenshot(path=str(SCREENSHOTS / "cases-stats-phone.png"), full_page=True)
    page.locator("table.ranking").first.screenshot(path=str(SCREENSHOTS / "cases-stats-phone-ranking.png"))
    # A year so far on the phone: the same fit.
    page.locator("#period-year").click()
    page.wait_for_selector("#period-year[aria-current='page']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 and overflowing(page) == []
    context.close()

    # On a desktop the rankings are a table with its header row.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "town_admin")
    page.fill("input[name=password]", "Grid-Test-2026")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/stats/")
    assert page.locator("table.ranking thead").first.is_visible()
    assert overflowing(page) == []
    desk.close()
