"""Light pages on a weak network (issue 11): the bytes a 360 px phone with an empty cache moves to open the
report page, a grid worker's inbox and the statistics, held to the budgets 150 KB, 100 KB and 400 KB.

The server is the production arrangement: collectstatic (hashed names + gzip) into a fresh STATIC_ROOT,
whitenoise in front (no test static handler), so the test measures what a phone receives from
`gridgov serve`. Bytes are counted by Chromium itself (CDP Network.loadingFinished encodedDataLength:
headers and compressed bodies). Service workers are blocked here: this is the first visit's page load,
not the worker's own background caching after it."""

import contextlib

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread

from gridgov.cases import actions
from gridgov.cases.models import Unit
from tests.cases.test_browser_case_loop import closing_connections

pytestmark = pytest.mark.browser

BUDGETS = {"report": 150_000, "inbox": 100_000, "stats": 400_000, "affairs_board": 100_000}


class _PlainServer(LiveServerThread):
    """Django's live server thread with the app alone: whitenoise answers /static/ as in production."""


@contextlib.contextmanager
def production_server(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    overrides = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in overrides.values():
        conn.inc_thread_sharing()
    thread = _PlainServer("localhost", static_handler=lambda app: app, connections_override=overrides)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for conn in overrides.values():
            conn.dec_thread_sharing()


@pytest.fixture
def production(settings, tmp_path, transactional_db):
    with production_server(settings, tmp_path) as url:
        yield url


@pytest.fixture
def town_with_cases(transactional_db, personas):
    town = personas.town
    committee = actions.do_create_unit(None, "U-A", "碧塘村委会", Unit.Kind.VILLAGE, town.village_a,
                                       members=[personas.secretary_a])
    env = actions.do_create_category(None, "01", "环境卫生")
    actions.do_create_category(None, "0101", "垃圾清运", parent=env, default_unit=committee)
    roads = actions.do_create_category(None, "02", "道路交通")
    actions.do_create_category(None, "0201", "路面破损", parent=roads)
    for n in range(12):
        case = actions.do_report(personas.resident_a1, "0101" if n % 2 else "0201", f"第{n}宗：巷口垃圾堆了三天",
                                 grid=town.a1 if n % 3 != 1 else town.a2)
        if n % 4 == 0 and case.grid_id == town.a1.pk:
            actions.do_accept(personas.worker_a1, case)
    return personas


def _affairs_board(personas):
    """Village A's public board with a month's finance table, a village affairs item and an answered question."""
    from gridgov.affairs import actions as affairs

    village = personas.town.village_a
    affairs.do_publish(personas.secretary_a, village, "finance", "上月财务收支", period=_last_month(),
                       table=[{"item": f"第{n}项收支", "income": str(100 * n), "expense": str(30 * n)}
                              for n in range(1, 16)])
    item = affairs.do_publish(personas.secretary_a, village, "village", "村道硬化工程公示", body="硬化村道800米" * 20)
    question = affairs.do_ask(personas.resident_a1, item, "什么时候开工？")
    affairs.do_answer(personas.secretary_a, question, "下月初开工。")
    return affairs.do_rotate_board(personas.secretary_a, village)


def _last_month() -> str:
    from gridgov.affairs import queries, schedule

    return schedule.previous(schedule.label("month", queries.today()))


def session_cookie(user, base):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}


def transferred(browser, base, user, path, ready):
    """Bytes Chromium received for one page load with an empty cache, and the responses' URLs."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN",
                                  is_mobile=True, has_touch=True, service_workers="block")
    context.add_cookies([session_cookie(user, base)])
    page = context.new_page()
    page.set_default_timeout(15000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    response = page.goto(base + path)
    assert response.status == 200 and page.url == base + path, (response.status, page.url, page.content()[:2000])
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), {urls[r]["url"]: (s, {k.lower(): v for k, v in urls[r]["headers"].items()})
                                 for r, s in sizes.items() if r in urls}


@closing_connections
def test_field_pages_stay_within_their_budgets(production, town_with_cases, browser):
    personas = town_with_cases
    base = production
    board = _affairs_board(personas)
    pages = {
        "report": (personas.resident_a1, "/cases/report/", "#report-form"),
        "inbox": (personas.worker_a1, "/cases/inbox/", "ul.cases"),
        "stats": (personas.town_admin, "/cases/stats/", "#figures[data-charts='2']"),
        # The village's 三务公开 board by its secret link, as a resident of the village reads it (with the ask forms).
        "affairs_board": (personas.resident_a1, f"/affairs/b/{board.token}/", "#section-finance"),
    }
    measured, details = {}, {}
    for name, (user, path, ready) in pages.items():
        total, responses = transferred(browser, base, user, path, ready)
        measured[name], details[name] = total, responses
        statics = {url: headers for url, (size, headers) in responses.items() if "/static/" in url}
        assert statics, name
        for url, headers in statics.items():
            # hashed names, compressed where it pays, cached for a year
            assert "immutable" in headers.get("cache-control", ""), (url, headers)
            if url.endswith((".js", ".css")):
                assert headers.get("content-encoding") == "gzip", (url, headers)
    print("field page bytes:", measured, {n: sorted((u.rsplit("/", 1)[-1], s) for u, (s, h) in r.items())
                                            for n, r in details.items()})
    for name, budget in BUDGETS.items():
        assert measured[name] <= budget, (name, measured[name], budget)
    # ECharts only where a chart is drawn
    assert measured["report"] < 150_000 and measured["inbox"] < measured["stats"]
