"""In Chromium on a 360 px phone: the town administrator creates next year's scheme from the five blank stars,
adds a manual and a metric indicator and a veto item and sets a level that needs five stars, with no sideways scroll.
Screenshots go to var/screenshots/stars-scheme-*.png."""

import pytest

from gridgov.stars.models import Indicator, Scheme, VetoItem
from tests.cases.test_browser_case_loop import SCREENSHOTS, closing_connections, no_sideways_scroll, phone

pytestmark = pytest.mark.browser


@closing_connections
def test_town_builds_a_scheme_on_a_phone(live_server, transactional_db, personas, browser):
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = phone(browser, base, "town_admin")
    page.goto(f"{base}/stars/")
    page.click("#new-scheme-link")
    page.fill("#new-year", "2027")
    page.fill("#new-name", "东成镇2027年五星支部创建方案")
    page.check("input[name=start][value=blank]")
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "stars-scheme-1-new.png"), full_page=True)
    page.click("#scheme-create")
    page.wait_for_selector("#add-branch", state="attached")
    scheme = Scheme.objects.get(town=personas.town.town, year=2027)

    page.locator("details.add-indicator summary").first.click()
    page.fill("#add-name-branch", "三会一课落实")
    page.fill("#add-max-branch", "20")
    page.select_option("#add-method-branch", "manual")
    no_sideways_scroll(page)
    page.locator("#add-branch button[type=submit]").click()
    page.wait_for_selector(".message")
    # A metric indicator: only the metric fields show once the method is chosen.
    page.locator("details.add-indicator summary").nth(1).click()
    assert page.locator("#add-industry .metric-fields").is_hidden()
    page.select_option("#add-method-industry", "metric")
    assert page.locator("#add-industry .metric-fields").is_visible()
    assert page.locator("#add-industry .dynamic-fields").is_hidden()
    page.fill("#add-name-industry", "村集体经济收入")
    page.fill("#add-max-industry", "12")
    page.select_option("#add-source-industry", "stars.collective_income")
    page.select_option("#add-map-industry", "brackets")
    page.fill("#add-brackets-industry", "100000:6, 200000:9, 500000:12")
    no_sideways_scroll(page)
    page.locator("#add-industry button[type=submit]").click()
    page.wait_for_selector(".message")
    page.fill("#veto-branch", "班子成员受到党纪处分")
    page.locator("form:has(#veto-branch) button[type=submit]").click()
    page.wait_for_selector(".message")
    page.fill("input[name=level_stars_0]", "5")
    page.fill("#threshold_branch", "16")
    page.click("#scheme-save")
    page.wait_for_selector(".message")
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "stars-scheme-2-filled.png"), full_page=True)
    context.close()

    branch = scheme.stars.get(code="branch")
    assert [(i.name, i.max_points, i.method) for i in Indicator.objects.filter(star=branch)] == [
        ("三会一课落实", 20, "manual")]
    income = Indicator.objects.get(star__scheme=scheme, star__code="industry")
    assert (income.method, income.config) == ("metric", {"source": "stars.collective_income", "map": "brackets",
                                                         "brackets": [[100000, 6], [200000, 9], [500000, 12]]})
    assert VetoItem.objects.filter(star=branch).get().name == "班子成员受到党纪处分"
    scheme.refresh_from_db()
    assert scheme.stars.get(code="branch").threshold == 16
    assert scheme.levels[0] == {"min_total": 90, "label": "五星", "min_stars": 5}
