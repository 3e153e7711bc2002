"""A report made without signal on a 360 px phone (issue 11): kept on the phone, listed as 待发送, sent when
the connection returns, exactly one case — also when the first send's answer is lost and the page is
reloaded mid-send — with its photo shrunk on the phone to a long side of 1600 px (JPEG) and the place
typed in words."""

import io
import random
import time

import pytest
from django.db import OperationalError
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from gridgov.cases.models import Case, CasePhoto
from tests.cases.test_browser_case_loop import categories, closing_connections, phone  # noqa: F401

pytestmark = pytest.mark.browser


def camera_photo() -> bytes:
    """A 3000x2000 'camera' JPEG with noise, so it is large like a real photo (about 2 MB)."""
    rng = random.Random(11)
    image = Image.frombytes("RGB", (300, 200), bytes(rng.randrange(256) for _ in range(300 * 200 * 3)))
    image = image.resize((3000, 2000), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def wait_until(page, predicate, seconds=15):
    """Polls the database while Playwright keeps handling the page's events (time.sleep would stall them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:  # SQLite's shared in-memory test database: the server is writing that table
            pass
        page.wait_for_timeout(200)
    return predicate()


@closing_connections
def test_a_report_made_offline_is_kept_then_sent_once(live_server, categories, browser):  # noqa: F811
    personas = categories
    base = live_server.url
    context, page = phone(browser, base, "resident_a1")
    # The service worker is installed on the first page; the next page it serves, and keeps (the report page).
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{base}/cases/report/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => window.GridgovField !== undefined")

    context.set_offline(True)
    page.reload()  # the report page opens without signal, from the phone
    page.wait_for_selector("#report-form")
    page.select_option("#id_main", "01")
    page.select_option("#id_category", "0101")
    page.fill("#id_description", "村口路灯不亮，晚上看不见路")
    page.select_option("#id_grid", personas.town.a1.code)
    page.fill("#id_place", "村口小卖部旁")
    photo = camera_photo()
    assert len(photo) > 1_000_000
    page.set_input_files("#id_photos", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-saved:not([hidden])")
    page.wait_for_selector("#outbox:not([hidden]) li.outbox-item.waiting")
    assert "待发送" in page.inner_text("#outbox")
    assert "村口路灯不亮" in page.inner_text("#outbox") and "村口小卖部旁" in page.inner_text("#outbox")
    assert Case.objects.count() == 0

    # The signal returns, but the first answer is lost on the way back (the server did make the case).
    bodies = []

    def lose_answer(route):
        if route.request.method == "POST":
            bodies.append(len(route.request.post_data_buffer or b""))
            route.fetch()
            try:
                route.abort()
            except PlaywrightError:  # the page gave up on the request itself meanwhile: lost all the same
                pass
        else:
            route.continue_()

    page.route("**/cases/report/", lose_answer)
    context.set_offline(False)
    assert wait_until(page, lambda: Case.objects.count() == 1)
    assert bodies and bodies[0] < len(photo) / 2  # the photo went shrunk
    page.unroute("**/cases/report/")
    # The page is reloaded mid-send: on the next open the waiting report goes again; the server answers
    # with the case it made the first time.
    page.reload()
    page.wait_for_selector("#outbox[hidden]", state="attached")
    page.wait_for_function("() => document.querySelector('#outbox').dataset.count === '0'")
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.description == "村口路灯不亮，晚上看不见路" and case.reporter == personas.town.zhang
    assert case.place == "村口小卖部旁"  # carried by the report kept on the phone
    photo_row = CasePhoto.objects.get(case=case)
    assert (photo_row.width, photo_row.height) == (1600, 1067)
    context.close()
