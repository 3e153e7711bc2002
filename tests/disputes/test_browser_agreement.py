"""A mediator records an agreement on a 360x740 phone (zh-CN): from the home page to their dispute, the
agreement's text and a photo of the signed paper taken with the phone. Screenshots go to
var/screenshots/disputes-*.png."""

import pytest
from django.conf import settings

from gridgov.disputes import actions
from gridgov.disputes.models import Dispute
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)

from .conftest import png_bytes

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.VAR_DIR / "screenshots"


def shot(page, name):
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"disputes-{name}.png"), full_page=True)


@closing_connections
def test_a_mediator_records_an_agreement_with_a_photo(live_server, transactional_db, personas, browser, tmp_path):
    p, town = personas, personas.town
    d = actions.do_register(p.secretary_a, town.village_a, "land", "两户因宅基地边界发生争执",
                            [{"person": town.zhang.pk}, {"name": "赵大海", "phone": "13912345678"}],
                            mediator=p.worker_a1)
    actions.do_mediate(p.worker_a1, d, "双方到场，各自陈述")
    photo = tmp_path / "agreement.png"
    photo.write_bytes(png_bytes())
    context, page = phone(browser, live_server.url, "worker_a1")
    page.click("#disputes-box a")
    page.wait_for_selector("#my-disputes")
    shot(page, "mine")
    page.click(f"#my-disputes a[href='/disputes/{d.pk}/']")
    page.wait_for_selector("#agree-form")
    assert "赵**" in page.inner_text("#parties") and "13912345678" not in page.content()
    page.fill("#agreement", "以界桩为准，双方互不侵占")
    page.set_input_files("#scan", str(photo))
    shot(page, "agreement-form")
    page.click("#record-agreement")
    page.wait_for_selector("#dispute-state >> text=调解成功")
    page.wait_for_selector("#scan-link")
    shot(page, "mediated")
    d.refresh_from_db()
    assert d.state == Dispute.State.MEDIATED and d.scan_type == "image/jpeg" and d.followups.count() == 2  # re-encoded, no EXIF
    response = page.request.get(f"{live_server.url}/disputes/{d.pk}/scan/")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    context.close()
