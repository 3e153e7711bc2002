"""The case page shows where the problem is (issue 11): the reporter's pin and the grid's outline with its
name, to the handler and to the reporter, on a 360 px phone with no tile server (the outline alone); the
page's GCJ-02 conversion (web/mapbase.js) gives the published reference points like gridgov.web.gcj02."""

import pytest

from gridgov.cases import actions
from tests.cases.test_browser_case_loop import (  # noqa: F401
    categories,
    closing_connections,
    no_sideways_scroll,
    phone,
)
from tests.web.test_field_gcj02 import REFERENCE

from .conftest import POINT_A1

pytestmark = pytest.mark.browser


@closing_connections
def test_handler_and_reporter_see_the_pin_and_the_grid(live_server, categories, browser):  # noqa: F811
    personas = categories
    case = actions.do_report(personas.resident_a1, "0101", "井盖松动", lat=POINT_A1[0], lng=POINT_A1[1])
    for username in ("worker_a1", "resident_a1"):
        context, page = phone(browser, live_server.url, username)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        page.wait_for_selector("#case-map[data-ready='1']")
        assert page.locator("#case-map .leaflet-marker-icon").count() == 1
        assert page.locator("#case-map path.leaflet-interactive").count() == 1  # the grid's outline
        assert "碧塘第一网格" in page.inner_text("#case-map")
        assert page.locator("#case-map .leaflet-tile").count() == 0  # no tile server configured
        # the pin is inside the outline on screen
        pin = page.locator("#case-map .leaflet-marker-icon").bounding_box()
        outline = page.locator("#case-map path.leaflet-interactive").bounding_box()
        tip = (pin["x"] + pin["width"] / 2, pin["y"] + pin["height"])
        assert outline["x"] <= tip[0] <= outline["x"] + outline["width"]
        assert outline["y"] <= tip[1] <= outline["y"] + outline["height"] + 1
        no_sideways_scroll(page)
        if username == "worker_a1":
            for w_lat, w_lng, g_lat, g_lng in REFERENCE:
                lat, lng = page.evaluate(f"() => GridgovMap.wgsToGcj({w_lat}, {w_lng})")
                assert abs(lat - g_lat) < 1e-9 and abs(lng - g_lng) < 1e-9
                back = page.evaluate(f"() => GridgovMap.gcjToWgs({g_lat}, {g_lng})")
                assert abs(back[0] - w_lat) < 1e-8 and abs(back[1] - w_lng) < 1e-8
        context.close()


@closing_connections
def test_gcj02_tiles_show_shifted_and_store_wgs84(live_server, categories, browser, settings):  # noqa: F811
    """With a GCJ-02 tile server configured the maps load its tiles with the attribution; the phone's
    WGS-84 position is stored as it is (not shifted), and the pin is drawn where GCJ-02 tiles have it."""
    personas = categories
    settings.MAP_TILES = live_server.url + "/static/web/icons/icon-192.png?z={z}&x={x}&y={y}"
    settings.MAP_ATTRIBUTION = "© 测试底图"
    settings.MAP_CRS = "gcj02"
    context, page = phone(browser, live_server.url, "resident_a1")
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": POINT_A1[0], "longitude": POINT_A1[1], "accuracy": 8})
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#report-map[data-ready='1']")
    page.wait_for_selector("#report-map img.leaflet-tile")
    assert "测试底图" in page.inner_text("#report-map .leaflet-control-attribution")
    page.click("#use-position")
    page.wait_for_function("() => document.getElementById('pin-text').textContent.indexOf('±8') !== -1")
    assert abs(float(page.input_value("#id_lat")) - POINT_A1[0]) < 1e-6
    assert abs(float(page.input_value("#id_lng")) - POINT_A1[1]) < 1e-6
    # dragging is how a person corrects the pin: what is stored is WGS-84 again (shifted back)
    shown = page.evaluate("() => { var m = document.querySelector('#report-map .leaflet-marker-icon');"
                          " var r = m.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height]; }")
    page.mouse.move(shown[0], shown[1] - 5)
    page.mouse.down()
    page.mouse.move(shown[0] + 1, shown[1] - 5, steps=2)
    page.mouse.move(shown[0], shown[1] - 5, steps=2)
    page.mouse.up()
    from gridgov.web.gcj02 import wgs84_to_gcj02

    _, g_lng = wgs84_to_gcj02(*POINT_A1)
    assert abs(g_lng - POINT_A1[1]) > 0.004  # GCJ-02 is hundreds of metres off here, so the check below means something
    lat, lng = float(page.input_value("#id_lat")), float(page.input_value("#id_lng"))
    assert abs(lat - POINT_A1[0]) < 0.0002 and abs(lng - POINT_A1[1]) < 0.0002  # within a few metres, not 500 m
    context.close()
    assert personas
