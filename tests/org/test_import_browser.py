"""Chromium (Debian's, through Playwright): a town administrator uploads a workbook, the page follows
the job through its status URL (org/import.js) and shows the table of problems, then the result.

Screenshots go to var/screenshots/ for a person to look at."""

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from gridgov.core import jobs
from tests.org.test_import_support import village_sheets, write_workbook

pytestmark = pytest.mark.browser
SCREENSHOTS = settings.VAR_DIR / "screenshots"


@pytest.fixture
def page(live_server, transactional_db, personas, settings, tmp_path, browser):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.force_login(personas.town_admin)
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    yield context.new_page()
    context.close()


def _run_worker() -> int:
    """The worker's part, in a thread of its own as `gridgov worker` is a process of its own; its
    database connection is closed when it is done (Playwright's context would otherwise keep one)."""
    done = []

    def work():
        try:
            done.append(jobs.run_pending())
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    return done[0] if done else 0


def _upload(page, live_server, path):
    page.goto(f"{live_server.url}/data/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector("#import-progress")


def test_upload_follows_the_job_to_the_problems_and_then_the_result(page, live_server, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sheets = village_sheets()
    sheets["people"][1]["手机号"] = "12345"
    _upload(page, live_server, write_workbook(tmp_path / "bad.xlsx", **sheets))
    assert _run_worker() == 1
    page.wait_for_selector("#import-errors", timeout=15000)
    cells = page.locator("#import-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["人员", "3", "手机号"]
    assert "Phone must be" in cells[4]
    page.screenshot(path=str(SCREENSHOTS / "import-errors.png"), full_page=True)

    _upload(page, live_server, write_workbook(tmp_path / "good.xlsx", **village_sheets()))
    assert _run_worker() == 1
    page.wait_for_selector("text=The workbook was imported.", timeout=15000)
    assert "人员" in page.locator("table").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "import-done.png"), full_page=True)
