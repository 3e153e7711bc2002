"""我要反映 in three screens on a 360 px phone (issue 11): home → the report page (category tiles, position
from the phone with its accuracy, a camera photo) → the confirmation. The test counts the pages the
resident sees. Then the worker accepts it and the resident sees the unread badge in the phone's header."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CasePhoto, Notification
from tests.cases.test_browser_case_loop import (  # noqa: F401
    categories,
    closing_connections,
    jpeg_bytes,
    phone,
    shot,
)

from .conftest import POINT_A1

pytestmark = pytest.mark.browser


@closing_connections
def test_report_to_confirmation_in_three_screens(live_server, categories, browser):  # noqa: F811
    personas = categories
    base = live_server.url
    context, page = phone(browser, base, "resident_a1")
    context.grant_permissions(["geolocation"], origin=base)
    context.set_geolocation({"latitude": POINT_A1[0], "longitude": POINT_A1[1], "accuracy": 12})
    screens = [page.url]  # 1: home
    page.on("framenavigated", lambda frame: screens.append(frame.url) if frame == page.main_frame else None)
    page.click("#report-big")  # a large button on the home page, not in the menu
    page.wait_for_selector("#category-tiles:not([hidden]) .tiles-main .tile")
    page.wait_for_selector("#report-map[data-ready='1']")
    shot(page, "field-1-tiles")
    page.click(".tiles-main .tile >> text=环境卫生")
    assert page.locator(".tiles-sub .tile").all_inner_texts() == ["垃圾清运"]
    page.click(".tiles-sub .tile >> text=垃圾清运")
    assert "环境卫生 / 垃圾清运" in page.inner_text(".tiles-chosen")
    page.fill("#id_description", "巷口垃圾堆了三天")
    page.click("#use-position")
    page.wait_for_function("() => document.getElementById('pin-text').textContent.indexOf('±12') !== -1")
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    page.set_input_files("#id_photos", files=[{"name": "rubbish.jpg", "mimeType": "image/jpeg",
                                               "buffer": jpeg_bytes((120, 90, 40))}])
    shot(page, "field-2-filled")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/cases/*/?new=1")
    page.wait_for_selector(".message.success")
    shot(page, "field-3-confirmation")
    assert len(screens) == 3, screens  # home, report, confirmation
    case = Case.objects.get()
    assert case.category.code == "0101" and case.grid == personas.town.a1
    assert abs(case.lat - POINT_A1[0]) < 1e-5 and abs(case.lng - POINT_A1[1]) < 1e-5
    assert CasePhoto.objects.filter(case=case).count() == 1

    actions.do_accept(personas.worker_a1, case)
    assert Notification.objects.filter(user=personas.resident_a1, read_at__isnull=True).exists()
    page.goto(f"{base}/")
    badge = page.locator("header #header-notifications .badge")
    assert badge.is_visible() and int(badge.inner_text()) >= 1
    shot(page, "field-4-badge")
    context.close()
