"""A party member on a 360 px phone: opens my households, logs a visit in a few taps and turns the problem
it raised into a case. No page scrolls sideways. Screenshots go to var/screenshots/links-*.png."""

import datetime

import pytest
from django.conf import settings

from gridgov.links import actions
from gridgov.links.models import Contact
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
    page.screenshot(path=str(SCREENSHOTS / f"links-{name}.png"), full_page=True)


@pytest.fixture
def linked_households(transactional_db, personas):
    from gridgov.cases.models import Category

    parent = Category.objects.create(code="01", name="市政设施", level=1)
    Category.objects.create(code="0101", name="路灯损坏", level=2, parent=parent)
    t = personas.town
    actions.do_link(None, t.wang, t.house_a1, since=datetime.date(2026, 1, 1))
    actions.do_link(None, t.wang, t.house_a2, since=datetime.date(2026, 1, 1))
    return personas


@closing_connections
def test_member_logs_a_visit_and_turns_it_into_a_case(live_server, linked_households, browser):
    t = linked_households.town
    context, page = phone(browser, live_server.url, "party_a1")
    page.goto(f"{live_server.url}/links/")
    assert "碧塘村一巷1号" in page.inner_text(".links-mine")
    shot(page, "mine")
    page.click(f"a[href='/links/households/{t.house_a1.pk}/contact/']")
    page.check("input[name=topics][value=livelihood]")
    page.fill("textarea[name=note]", "巷口路灯坏了一个月")
    shot(page, "contact-form")
    page.click(".contact-form button[type=submit]")
    page.wait_for_selector("select[name=category]")
    contact = Contact.objects.get()
    assert contact.way == "visit" and contact.topics == ["livelihood"]
    shot(page, "contact")
    page.click("form[action$='/case/'] button[type=submit]")
    page.wait_for_selector("#contact-case")
    contact.refresh_from_db()
    assert contact.case is not None and contact.case.channel == "contact" and contact.case.reporter_id == t.zhang.pk
    assert contact.case.number in page.inner_text("#contact-case")
    shot(page, "case")
    context.close()
