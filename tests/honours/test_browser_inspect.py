"""A grid worker inspects a household in Chromium on a 360x740 phone: the waiting entry, the score sheet
(the total adds up as they type), a photo from the phone, saved. Screenshots go to
var/screenshots/honours-*.png."""

import io

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from gridgov.honours import actions
from gridgov.honours.models import Entry
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

from .conftest import CRITERIA, SCORES, THRESHOLDS

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"honours-{name}.png"), full_page=True)


@pytest.fixture
def submitted(transactional_db, personas):
    p = personas
    campaign = actions.do_create_campaign(p.town_admin, timezone.localdate().year, "starred", CRITERIA, THRESHOLDS)
    return actions.do_enter(p.resident_a1, campaign, household=p.town.house_a1)


@closing_connections
def test_a_grid_worker_inspects_a_household_with_a_photo(live_server, submitted, browser):
    context, page = phone(browser, live_server.url, "worker_a1")
    page.goto(f"{live_server.url}/honours/")
    shot(page, "waiting")
    page.click(f"#waiting a[href='/honours/entries/{submitted.pk}/']")
    page.wait_for_selector("#inspect-form")
    for i, value in enumerate(SCORES.values(), start=1):
        page.fill(f"#score-{i}", str(value))
    page.wait_for_function("() => document.getElementById('score-total').textContent === '85'")
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 160, 60)).save(photo, "JPEG")
    page.set_input_files("#inspect-photo", {"name": "yard.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()})
    page.fill("#inspect-notes", "院落整洁，门前无杂物")
    shot(page, "sheet")
    page.click("#inspect-submit")
    page.wait_for_selector("#entry-state >> text=已评查")
    page.wait_for_function("() => { const i = document.querySelector('#entry-photos img'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    shot(page, "inspected")
    entry = Entry.objects.get()
    assert (entry.state, entry.total, entry.stars, entry.photos.count()) == ("inspected", 85, 3, 1)
    context.close()
