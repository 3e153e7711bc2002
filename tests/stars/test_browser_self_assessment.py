"""In Chromium: the village secretary self-assesses on a 360 px phone (points and evidence of each manual
indicator, a nominated star) and submits; the town administrator reviews on a desktop screen, changing one
indicator with its reason. Screenshots go to var/screenshots/stars-*.png."""

from types import SimpleNamespace

import pytest

from gridgov.stars import actions
from gridgov.stars.models import Assessment, Indicator
from tests.cases.test_browser_case_loop import SCREENSHOTS, closing_connections, no_sideways_scroll, phone
from tests.conftest import PASSWORD
from tests.stars.spec import machinery_spec

pytestmark = pytest.mark.browser


@pytest.fixture
def stars_quarter(transactional_db, personas):
    scheme = actions.do_create_scheme(None, personas.town.town, 2026, "东成镇2026年五星支部创建方案",
                                      machinery_spec())
    opened = actions.do_open_quarter(None, scheme, "2026Q1")
    return SimpleNamespace(personas=personas, scheme=scheme, a=opened[0])


@closing_connections
def test_secretary_submits_and_town_reviews(live_server, stars_quarter, browser):
    base, a = live_server.url, stars_quarter.a
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = phone(browser, base, "secretary_a")
    page.click("#menu-toggle")
    page.locator("#menu a[href='/stars/']").click()
    page.locator("#own-assessment a").first.click()
    page.wait_for_selector("#self-assess-form")
    manual = Indicator.objects.filter(star__scheme=stars_quarter.scheme, method="manual").order_by("pk")
    for indicator in manual:
        page.fill(f"#points_{indicator.pk}", str(int(indicator.max_points) - 1))
        page.fill(f"#evidence_{indicator.pk}", "会议记录和照片已归档")
    page.check("input[name=stars][value=branch]")
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "stars-1-self-assess.png"), full_page=True)
    page.click("#submit-button")
    page.wait_for_selector("#state")
    assert a.__class__.objects.get(pk=a.pk).state == "submitted"
    no_sideways_scroll(page)
    context.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    town = desktop.new_page()
    town.set_default_timeout(15000)
    town.goto(f"{base}/login/")
    town.fill("input[name=username]", "town_admin")
    town.fill("input[name=password]", PASSWORD)
    town.click("button[type=submit].primary")
    town.wait_for_url(f"{base}/")
    town.goto(f"{base}/stars/?period=2026Q1")
    town.locator("#ranking a", has_text="碧塘村").click()
    town.wait_for_selector("#review-form")
    team = Indicator.objects.get(star__scheme=stars_quarter.scheme, code="branch.team")
    town.fill(f"#points_{team.pk}", "3")
    town.fill(f"#reason_{team.pk}", "班子分工不明确，扣2分")
    town.click("#review-button")
    town.wait_for_selector(".message")
    town.screenshot(path=str(SCREENSHOTS / "stars-2-reviewed.png"), full_page=True)
    reviewed = Assessment.objects.get(pk=a.pk)
    assert reviewed.state == "reviewed"
    assert reviewed.scores.get(indicator=team).points == 3
    assert reviewed.scores.get(indicator=team).adjust_reason == "班子分工不明确，扣2分"
    desktop.close()
