"""A branch secretary records a 主题党日 with attendance in Chromium on a 360x740 phone: chooses the
grid party group, ticks who came, gives 孙桂兰's absence as 外出务工, saves. Screenshots go to
var/screenshots/meetings-*.png."""

import pytest
from django.conf import settings

from gridgov.meetings.models import Attendance, Meeting
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
    page.screenshot(path=str(SCREENSHOTS / f"meetings-{name}.png"), full_page=True)


@pytest.fixture
def members(transactional_db, party):
    return party


@closing_connections
def test_a_secretary_records_a_theme_day_with_attendance(live_server, members, browser):
    party = members
    context, page = phone(browser, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/meetings/")
    # Until the form's script has loaded, choosing the organisation reloads nothing (seen on a busy CI box).
    with page.expect_navigation(wait_until="load"):
        page.click("#record-meeting")
    page.select_option("#meeting-org", party.group_a1.code)
    page.wait_for_selector(f"#present-{party.sun.pk}")
    page.select_option("#meeting-kind", "theme_day")
    page.fill("#meeting-topic", "主题党日：学习党章")
    page.fill("#meeting-place", "碧塘村党群服务中心")
    page.uncheck(f"#present-{party.sun.pk}")
    page.select_option(f"#reason-{party.sun.pk}", "migrant")
    shot(page, "record")
    page.click("#save-meeting")
    page.wait_for_selector("#present-list")
    assert "主题党日" in page.inner_text("h1")
    assert "外出务工" in page.inner_text("#absent-list")
    shot(page, "detail")
    meeting = Meeting.objects.get()
    assert (meeting.kind.code, meeting.org_id, meeting.late) == ("theme_day", party.group_a1.pk, False)
    assert dict(Attendance.objects.values_list("person_id", "present")) == {
        party.wang.pk: True, party.zhao.pk: True, party.sun.pk: False}
    context.close()
