"""Fixtures for the web pages: more rows for the query-count tests, and a query counter."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.org import actions
from tests.conftest import make_id_number


@pytest.fixture
def grow_grid_a1(town):
    """Adds `n` households of three people (one a party member) to small grid A1."""

    def _grow(n: int, start: int = 100):
        for i in range(start, start + n):
            house = actions.do_create_household(None, f"H445321104201001{i:03d}", town.a1, f"碧塘村三巷{i}号")
            for j, relation in enumerate(["head", "spouse", "child"]):
                seq = i * 3 + j
                actions.do_create_person(
                    None, name=f"黄{i}{j}", grid=town.a1, household=house, relation=relation,
                    id_number=make_id_number("445321", datetime.date(1960 + seq % 40, 1 + seq % 12, 1 + seq % 28),
                                             seq % 1000),
                    phone=f"139{seq:08d}", is_party_member=j == 0)

    return _grow


@pytest.fixture
def queries_for():
    """The number of queries a GET costs: used to show a page's cost does not grow with its rows."""

    def _count(client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)

    return _count


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each persona's password is hashed when the fixture builds it; the production hasher's
    # deliberate slowness would dominate these tests without testing anything about the pages.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
