"""Personas built once per test on a small real town: two villages A and B with two small grids each.

town_admin (town), secretary_a (village A), worker_a1 (small grid A1), party_a1 and resident_a1 (people
of A1), department (town), and outsider: the secretary of village B, who must see nothing of A.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from gridgov.core.personal import id_check_char
from gridgov.org import actions

PASSWORD = "Grid-Test-2026"


def make_id_number(region6: str, birth: datetime.date, seq: int) -> str:
    body = f"{region6}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


@pytest.fixture
def town(db):
    """The org tree: county > town > villages A and B, each with a village grid and two small grids."""
    t = SimpleNamespace()
    t.county = actions.do_create_region(None, "445321000000", "新兴县")
    t.town = actions.do_create_region(None, "445321104000", "东成镇", parent=t.county)
    t.village_a = actions.do_create_region(None, "445321104201", "碧塘村", parent=t.town)
    t.village_b = actions.do_create_region(None, "445321104202", "都斛村", parent=t.town)
    t.town_grid = actions.do_create_grid(None, "445321104000000", "东成镇网格")
    t.grid_a = actions.do_create_grid(None, "445321104201000", "碧塘村网格", parent=t.town_grid)
    t.grid_b = actions.do_create_grid(None, "445321104202000", "都斛村网格", parent=t.town_grid)
    t.a1 = actions.do_create_grid(None, "445321104201001", "碧塘第一网格", parent=t.grid_a, geometry=square(112.30, 22.70))
    t.a2 = actions.do_create_grid(None, "445321104201002", "碧塘第二网格", parent=t.grid_a, geometry=square(112.31, 22.70))
    t.b1 = actions.do_create_grid(None, "445321104202001", "都斛第一网格", parent=t.grid_b, geometry=square(112.30, 22.71))
    t.b2 = actions.do_create_grid(None, "445321104202002", "都斛第二网格", parent=t.grid_b, geometry=square(112.31, 22.71))
    t.house_a1 = actions.do_create_household(None, "H445321104201001001", t.a1, "碧塘村一巷1号")
    t.house_a1b = actions.do_create_household(None, "H445321104201001002", t.a1, "碧塘村一巷2号")
    t.house_a2 = actions.do_create_household(None, "H445321104201002001", t.a2, "碧塘村二巷1号")
    t.house_b1 = actions.do_create_household(None, "H445321104202001001", t.b1, "都斛村一巷1号")
    mk = lambda name, grid, house, seq, rel="head", **kw: actions.do_create_person(  # noqa: E731
        None, name=name, grid=grid, household=house, relation=rel,
        id_number=make_id_number("445321", datetime.date(1970 + seq, 1 + seq % 12, 1 + seq), seq),
        phone=f"138{seq:08d}", **kw)
    t.zhang = mk("张建国", t.a1, t.house_a1, 11)
    t.zhang_wife = mk("李秀英", t.a1, t.house_a1, 12, "spouse")
    t.wang = mk("王志强", t.a1, t.house_a1b, 13, is_party_member=True)
    t.chen = mk("陈丽华", t.a2, t.house_a2, 14)
    t.liu = mk("刘德明", t.b1, t.house_b1, 15)
    return t


@pytest.fixture
def personas(town):
    p = SimpleNamespace(town=town)
    add = lambda username, role, code, **kw: actions.do_create_user(  # noqa: E731
        None, username, role, code, password=PASSWORD, **kw)
    p.town_admin = add("town_admin", "town_admin", town.town.code)
    p.secretary_a = add("secretary_a", "village_secretary", town.village_a.code)
    p.worker_a1 = add("worker_a1", "grid_worker", town.a1.code)
    p.party_a1 = add("party_a1", "party_member", town.a1.code, person=town.wang)
    p.resident_a1 = add("resident_a1", "resident", town.a1.code, person=town.zhang)
    p.department = add("department", "department", town.town.code)
    p.outsider = add("outsider", "village_secretary", town.village_b.code)
    return p


@pytest.fixture
def login():
    """A logged-in Django test client for a user."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client():
    """A client that obtains a bearer token through the real token endpoint."""

    def _for(username: str, password: str = PASSWORD) -> Client:
        client = Client()
        response = client.post("/api/v1/auth/token", {"username": username, "password": password},
                               content_type="application/json")
        assert response.status_code == 200, response.content
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {response.json()['token']}"
        return client

    return _for


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose (~0.4 s a hash), which made every personas fixture cost seconds;
    the tests check what is accepted and refused, not the cost of hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def audit_flush_permit():
    """The audit table refuses DELETE (core migration 0006); on SQLite a transactional test's flush is
    DELETE FROM each table, so here the flush alone carries a purge permit, like `gridgov audit_purge`.
    (PostgreSQL's flush is TRUNCATE, which the row triggers do not see.)"""
    from django.db.backends.sqlite3.base import DatabaseOperations

    plain = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        sql = plain(self, style, tables, **kwargs)
        if not sql:
            return sql
        return (["INSERT INTO core_audit_purge_permit (before) VALUES ('9999-12-31 00:00:00');"] + sql
                + ["DELETE FROM core_audit_purge_permit;"])

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = plain


@pytest.fixture(autouse=True)
def two_factor_off(settings):
    """Two factors are enforced in production (GRIDGOV_DEMO=0); tests log in with force_login and the
    token endpoint, so the rule is off here and tests/org/test_two_factor.py turns it on."""
    settings.TWO_FACTOR_REQUIRED = False
    settings.TWO_FACTOR_ROLES = []


@pytest.fixture
def english(settings):
    """For tests that compare messages with their English msgids; Chinese is the default language.
    Both the test's own code and the requests it makes (LocaleMiddleware falls back to
    LANGUAGE_CODE) speak English."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(autouse=True, scope="session")
def one_live_request_at_a_time_on_sqlite():
    """On SQLite the live server's request threads share the test's one in-memory connection, so two
    requests at once (a page and its service worker's precache, htmx fetches) interleaved their
    transactions: "cannot start a transaction within a transaction", a session lost mid-request, and a
    browser test failing now and then. Each request holds a lock while Django handles it; PostgreSQL, with
    a connection per thread, serves them side by side as in production."""
    import threading

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    plain, lock = WSGIHandler.__call__, threading.Lock()

    def one_at_a_time(self, environ, start_response):
        with lock:
            return plain(self, environ, start_response)

    WSGIHandler.__call__ = one_at_a_time
    yield
    WSGIHandler.__call__ = plain


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not work offline).

    Playwright's sync API runs an event loop in the test's thread, which makes Django refuse ORM
    calls there unless told that this synchronous use is safe."""
    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            _live_requests_finish()


def _live_requests_finish(limit: float = 10.0) -> None:
    """Wait for the live server's request threads still at work when the browser closed (a page's last
    fetches, a service worker's sync). This runs before the test's database flush: on SQLite the live server
    shares the test's one in-memory connection, and a request still running into the flush, or into the next
    test, broke both ("no such savepoint", a session deleted mid-request: the next test's page failed)."""
    import threading
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(
            "process_request_thread" in thread.name for thread in threading.enumerate()):
        time.sleep(0.05)


@pytest.fixture
def screenshots():
    """Where browser tests leave screenshots for a person to look at (Chinese glyphs, layout)."""
    from django.conf import settings

    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def caches_recheck_every_lookup(monkeypatch):
    """The grid index and the working calendar trust their copy for a couple of seconds between
    fingerprint checks. A test's rows are rolled back without the on-commit invalidation, so the next
    test would see them within that time: here every lookup checks the fingerprint, as in a process
    that has not looked for a while. Tests of the hot path set the real interval back."""
    from gridgov.cases import calendar, memo, queries
    from gridgov.org import geo

    monkeypatch.setattr(geo, "RECHECK_SECONDS", 0)
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0)
    monkeypatch.setattr(memo, "RECHECK_SECONDS", 0)  # the report's copies of categories and grids
    monkeypatch.setattr(queries, "PAST_RECHECK_SECONDS", -1)  # the lists' counts of days gone by
