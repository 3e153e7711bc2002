"""A resident on a 360x740 phone in Chromium (zh-CN): opens an activity starting in half an hour, signs up
(registering with consent on the way), and checks in by typing the code the organiser's phone shows.
Screenshots go to var/screenshots/volunteers-*.png."""

import datetime

import pytest
from django.conf import settings

from gridgov.core import clock
from gridgov.volunteers import actions
from gridgov.volunteers.models import Signup, Volunteer
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
    page.screenshot(path=str(SCREENSHOTS / f"volunteers-{name}.png"), full_page=True)


@pytest.fixture
def activity(transactional_db, personas):
    t = personas.town
    team = actions.do_create_team(personas.secretary_a, "碧塘村党员先锋队", t.village_a, "vanguard", t.wang.pk)
    start = clock.now() + datetime.timedelta(minutes=30)
    return actions.do_create_activity(personas.party_a1, team, "清理河道", start, start + datetime.timedelta(hours=2),
                                      quota=10, points=2, points_per="hour", place="碧塘河")


@closing_connections
def test_a_resident_signs_up_and_checks_in_with_the_code(live_server, activity, personas, browser):
    code = activity.code  # what the organiser's code screen shows (test_pages reads it there)
    context, page = phone(browser, live_server.url, "resident_a1")
    page.goto(f"{live_server.url}/volunteers/")
    page.click("#upcoming >> text=清理河道")
    page.wait_for_url(f"{live_server.url}/volunteers/{activity.pk}/")
    shot(page, "activity")
    page.click("#sign-up")
    page.wait_for_selector("#consent-text")
    shot(page, "consent")
    page.check("#consent")
    page.click("#register-submit")
    page.wait_for_selector("#sign-up")
    page.click("#sign-up")
    page.wait_for_selector("#my-signup")
    assert "已报 1 / 共 10 名" in page.inner_text("#taken")
    page.fill("#code", code)
    page.click("#checkin-submit")
    page.wait_for_selector("#checked-in")
    shot(page, "checked-in")
    signup = Signup.objects.get(activity=activity, person=personas.town.zhang)
    assert signup.state == "signed" and signup.check_in is not None
    assert Volunteer.objects.get(person=personas.town.zhang).consent_version == actions.CONSENT_VERSION
    context.close()
