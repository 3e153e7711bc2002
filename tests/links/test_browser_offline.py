"""A party member on a 360 px phone logs a visit where there is no signal (issue 11): the contact form opens
from the phone, the contact (with its photo) is kept and listed as 待发送, and when the signal returns it is
sent once — exactly one contact, with what was typed."""

import pytest

from gridgov.links.models import Contact
from tests.cases.test_browser_case_loop import (
    closing_connections,
    jpeg_bytes,
    no_sideways_scroll,
    phone,
)
from tests.cases.test_field_offline import wait_until
from tests.links.test_browser_contact import linked_households  # noqa: F401

pytestmark = pytest.mark.browser

@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


KEPT = "() => caches.open('gridgov-pages').then(c => c.match(location.pathname)).then(Boolean)"


@closing_connections
def test_a_contact_made_offline_is_kept_then_sent_once(live_server, linked_households, browser):  # noqa: F811
    t = linked_households.town
    base = live_server.url
    context, page = phone(browser, base, "party_a1")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{base}/links/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto(f"{base}/links/households/{t.house_a1.pk}/contact/")  # opened once with signal: kept
    page.wait_for_function(KEPT)

    context.set_offline(True)
    page.reload()  # the form opens without signal, from the phone
    page.wait_for_selector("#contact-form")
    page.check("input[name=topics][value=livelihood]")
    page.fill("textarea[name=note]", "巷口路灯坏了一个月")
    page.set_input_files("input[name=photo]", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg",
                                                      "buffer": jpeg_bytes("orange")}])
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contact-saved:not([hidden])")
    page.wait_for_selector("#outbox:not([hidden]) li.outbox-item.waiting")
    waiting = page.inner_text("#outbox")
    assert "待发送" in waiting and "联户走访" in waiting and "巷口路灯坏了一个月" in waiting
    no_sideways_scroll(page)
    assert not Contact.objects.exists()

    context.set_offline(False)  # the signal returns: sent by itself
    assert wait_until(page, lambda: Contact.objects.count() == 1)
    page.wait_for_function("() => document.querySelector('#outbox').dataset.count === '0'")
    page.goto(f"{base}/links/")  # opening the app again sends nothing twice
    page.wait_for_function("() => window.GridgovField !== undefined")
    page.wait_for_timeout(500)
    contact = Contact.objects.get()
    assert contact.household_id == t.house_a1.pk and contact.topics == ["livelihood"]
    assert contact.note == "巷口路灯坏了一个月" and contact.photo and contact.client_id is not None
    context.close()
