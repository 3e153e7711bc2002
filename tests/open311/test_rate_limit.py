"""Each key may make GRIDGOV_OPEN311_RATE_LIMIT requests per fixed window; the counter is a database
row, so every web process counts against the same limit."""

import datetime

import pytest

from gridgov.core import jobs
from gridgov.open311 import actions
from gridgov.open311.models import RateWindow

from .conftest import POINT_A1, descriptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def limit(settings):
    settings.GRIDGOV_OPEN311_RATE_LIMIT = 3
    settings.GRIDGOV_OPEN311_RATE_WINDOW_SECONDS = 60


def test_over_the_limit_is_429_until_the_window_ends(o311, key, clock, limit):
    for _ in range(2):
        assert o311.get("services", api_key=key[1])[0].status_code == 200
    assert o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 200
    response, body = o311.post("xml", api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 429
    assert response["Retry-After"] == "60"  # the clock stands at 10:00:00, the start of a window
    assert descriptions(body) == ["Too many requests with this api_key: try again in 60 seconds."]
    assert o311.get("requests", api_key=key[1])[0].status_code == 429
    # Without a key, reading counts against the client address (test_keyless_rate_limit), not the key.
    assert o311.get("requests")[0].status_code == 200
    clock.shift(60)
    assert o311.get("requests", api_key=key[1])[0].status_code == 200
    assert sorted(RateWindow.objects.values_list("count", flat=True)) == [1, 5]


def test_keys_are_counted_apart(o311, key, personas, clock, limit):
    _other, other_secret = actions.do_issue_key(personas.town_admin, "另一个客户端", personas.town.town)
    for _ in range(3):
        o311.get("services", api_key=key[1])
    assert o311.get("services", api_key=key[1])[0].status_code == 429
    assert o311.get("services", api_key=other_secret)[0].status_code == 200


def test_zero_switches_the_limit_off(o311, key, clock, settings):
    settings.GRIDGOV_OPEN311_RATE_LIMIT = 0
    for _ in range(5):
        assert o311.get("services", api_key=key[1])[0].status_code == 200
    assert not RateWindow.objects.exists()
    key[0].refresh_from_db()
    assert key[0].last_used_at is not None


def test_counter_is_shared_by_processes(key, clock, limit):
    """Two counts of the same window from 'different processes' are one row: nothing is kept in memory."""
    now = datetime.datetime(2026, 3, 2, 2, 0, 30, tzinfo=datetime.UTC)
    assert [actions.count_request(key[0], now) for _ in range(4)] == [None, None, None, 30]
    assert RateWindow.objects.get().count == 4


def test_the_worker_forgets_old_windows(key, clock, limit):
    now = datetime.datetime(2026, 3, 2, 2, 0, 0, tzinfo=datetime.UTC)
    actions.count_request(key[0], now - datetime.timedelta(hours=3))
    actions.count_request(key[0], now)
    jobs.discover()
    assert "open311.rate_windows" in jobs.PERIODIC
    assert jobs.PERIODIC["open311.rate_windows"](now) == 1
    assert RateWindow.objects.count() == 1
