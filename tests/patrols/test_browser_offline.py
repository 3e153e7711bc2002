"""A patrol walked where there is no signal (issue 11): the patrol page opens from the phone, a check-in is
kept and listed as 待发送, and when the signal returns it is sent once, with the time it was made on the
phone rather than the time it arrived; the patrol ended there is finished at the time of the tap, after it."""

import datetime

import pytest

from gridgov.core import clock
from gridgov.patrols import actions
from gridgov.patrols.models import CheckIn, Patrol
from tests.cases.test_browser_case_loop import (
    closing_connections,
    no_sideways_scroll,
    phone,
)
from tests.cases.test_field_offline import wait_until
from tests.links.test_browser_offline import KEPT

from .conftest import POINT_A1

pytestmark = pytest.mark.browser


@pytest.fixture
def on_duty(transactional_db, worker):
    return worker


@closing_connections
def test_a_check_in_made_offline_keeps_its_time_and_is_sent_once(live_server, on_duty, browser):
    patrol = actions.do_start(on_duty)
    base = live_server.url
    context, page = phone(browser, base, "worker_a1")
    context.grant_permissions(["geolocation"], origin=base)
    context.set_geolocation({"latitude": POINT_A1[0], "longitude": POINT_A1[1], "accuracy": 12})
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{base}/patrols/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.click("#patrol-under-way")
    page.wait_for_url(f"**/patrols/{patrol.pk}/")
    page.wait_for_function(KEPT)

    context.set_offline(True)
    page.reload()  # the patrol page opens without signal, from the phone
    page.click("#read-position")
    page.wait_for_selector("#checkin-submit:not([disabled])")
    page.click("#checkin-submit")
    made = clock.now()
    page.wait_for_selector("#patrol-saved:not([hidden])")
    page.wait_for_selector("#outbox:not([hidden]) li.outbox-item.waiting")
    assert "待发送" in page.inner_text("#outbox") and "巡查签到" in page.inner_text("#outbox")
    no_sideways_scroll(page)
    page.wait_for_timeout(1000)  # walked on a while without signal, then ended the patrol there
    page.click("#finish-patrol")
    ended = clock.now()
    page.wait_for_selector("#outbox li.outbox-item.waiting >> nth=1")
    assert page.locator("#finish-form").is_hidden() and "结束巡查" in page.inner_text("#outbox")
    page.wait_for_timeout(1000)
    assert not CheckIn.objects.exists()

    context.set_offline(False)
    assert wait_until(page, lambda: Patrol.objects.get(pk=patrol.pk).state == Patrol.State.FINISHED)
    assert CheckIn.objects.count() == 1
    page.wait_for_function("() => document.querySelector('#outbox').dataset.count === '0'")
    page.reload()
    page.wait_for_function("() => window.GridgovField !== undefined")
    page.wait_for_timeout(500)
    checkin = CheckIn.objects.get()
    assert checkin.patrol_id == patrol.pk and checkin.counted and checkin.client_id is not None
    assert abs(checkin.time - made) < datetime.timedelta(seconds=1.5)  # made then, not 2 s later when it arrived
    finished = Patrol.objects.get(pk=patrol.pk).finished_at
    assert abs(finished - ended) < datetime.timedelta(seconds=1.5) and finished >= checkin.time
    context.close()
