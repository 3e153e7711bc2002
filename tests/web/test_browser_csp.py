"""Issue 17, finding 1: names reach the maps as text, and the Content-Security-Policy holds on the main pages.

A town admin can import a grid named `<img src=x onerror=alert(1)>`. Leaflet sets a string given to
bindTooltip/bindPopup as innerHTML; the maps pass text nodes instead, so the name shows as the text it
is and no element is made from it. The policy (django-csp, settings.CONTENT_SECURITY_POLICY) refuses
inline script and style; a pass over a handful of pages in Chromium finds no violation reported."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.org import actions
from gridgov.org.models import Region
from gridgov.stars import actions as star_actions
from tests.cases.test_browser_case_loop import categories, closing_connections  # noqa: F401
from tests.conftest import PASSWORD, square
from tests.stars.spec import machinery_spec

pytestmark = pytest.mark.browser

NASTY = "<img src=x onerror=alert(1)>"

# Recorded before any page script runs: every CSP violation the page reports.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
    window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def nasty_town(transactional_db, personas, categories):  # noqa: F811
    town = personas.town
    case = case_actions.do_report(personas.town_admin, "0101", "垃圾未清运", grid=town.a1)
    case_actions.do_accept(personas.town_admin, case)  # the statistics charts have a bar to hover
    town.nasty = actions.do_create_grid(None, "445321104201003", NASTY, parent=town.grid_a,
                                        geometry=square(112.32, 22.70))
    # A village of the same name on the five-star map (villages of the quarter, outlined by their grids).
    scheme = star_actions.do_create_scheme(None, town.town, 2026, "东成镇2026年五星支部创建方案", machinery_spec())
    star_actions.do_open_quarter(None, scheme, "2026Q1")
    Region.objects.filter(pk=town.village_a.pk).update(name=NASTY)
    return personas


def _session(browser, base_url, username):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15000)
    events = {"dialogs": [], "console": []}
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: events["console"].append(m.text))
    if username is None:
        return context, page, events
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")
    return context, page, events


def _refused(page, events) -> list[str]:
    return page.evaluate("window.__violations") + [m for m in events["console"] if "Content Security Policy" in m]


@closing_connections
def test_a_grid_named_like_html_is_shown_as_text_on_every_map(live_server, nasty_town, browser):
    town = nasty_town.town
    context, page, events = _session(browser, live_server.url, "town_admin")
    for path in ["/map/", f"/grids/{town.grid_a.code}/", "/cases/report/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_selector(".leaflet-tooltip", state="attached")
        tooltips = page.locator(".leaflet-tooltip")
        assert NASTY in tooltips.all_text_contents(), path
        # Without the text nodes the name becomes an <img> element (whose onerror only the CSP stops).
        assert page.locator(".leaflet-container img:not(.leaflet-marker-icon)").count() == 0, path
        assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0, path
    # The five-star map shows a village's tooltip on hover, and its popup on a click.
    page.goto(f"{live_server.url}/stars/map/?period=2026Q1")
    page.wait_for_selector("#star-map .leaflet-interactive")
    texts = []
    for shape in page.locator("#star-map path.leaflet-interactive").all():
        shape.hover(force=True)
        texts += page.locator(".leaflet-tooltip").all_text_contents()
    assert any(text.startswith(NASTY) for text in texts), texts
    assert page.locator("#star-map img:not(.leaflet-marker-icon)").count() == 0
    assert events["dialogs"] == []
    context.close()


@closing_connections
def test_main_pages_report_no_policy_violation(live_server, nasty_town, browser):
    town = nasty_town.town
    context, page, events = _session(browser, live_server.url, "town_admin")
    pages = {"/": "#menu", "/map/": "#grid-map[data-loaded]", f"/grids/{town.a1.code}/": ".leaflet-interactive",
             "/cases/stats/": "#figures[data-charts]", "/cases/report/": "#report-map[data-ready]"}
    for path, ready in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_selector(ready, state="attached")
        if path == "/cases/stats/":  # ECharts draws a tooltip on hover (as HTML with style="", by default)
            page.locator("#chart-ranking").hover()
            page.locator("#chart-levels").hover()
            page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        assert _refused(page, events) == [], path
    # htmx (live search) swaps a list in without a violation: no inline indicator style, no eval.
    page.goto(f"{live_server.url}/grids/{town.a1.code}/")
    page.fill("#households input[type=search]", "王")
    page.wait_for_function("() => !document.querySelector('#household-results').innerText.includes('一巷1号')")
    assert _refused(page, events) == []
    context.close()

    # Signed out (no session written on every request for Swagger UI's files): the login page and the API docs.
    context, page, events = _session(browser, live_server.url, None)
    for path, ready in {"/login/": "input[name=username]", "/api/v1/docs": ".swagger-ui .info"}.items():
        response = page.goto(f"{live_server.url}{path}")
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        assert _refused(page, events) == [], path
    context.close()
