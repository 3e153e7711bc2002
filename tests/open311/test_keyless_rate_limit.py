"""Reads without api_key are limited per client address (GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT per
window), on a database row every web process shares; over the limit is 429 with Retry-After and the
Open311 errors body (issue 17, finding 9: 200 keyless requests used to fill every worker)."""

import datetime

import pytest

from gridgov.core import jobs
from gridgov.open311 import actions
from gridgov.open311.models import AddressWindow

from .conftest import codes, descriptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def limit(settings):
    settings.GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT = 3
    settings.GRIDGOV_OPEN311_RATE_WINDOW_SECONDS = 60


def get(o311, resource="requests", fmt="json", address="203.0.113.7", **params):
    response = o311.client.get(f"/open311/v2/{resource}.{fmt}", params, REMOTE_ADDR=address)
    return response


def test_over_the_limit_is_429_per_address_until_the_window_ends(o311, key, clock, limit):
    for resource in ("requests", "services", "discovery"):
        assert get(o311, resource).status_code == 200
    response = get(o311, fmt="xml")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "<errors><error><code>429</code>" in response.content.decode()
    body = get(o311).json()
    assert codes(body) == ["429"] and "without api_key" in descriptions(body)[0]
    assert get(o311, address="198.51.100.9").status_code == 200  # another address counts apart
    assert get(o311, api_key=key[1]).status_code == 200  # a key counts against the key, not the address
    clock.shift(60)
    assert get(o311).status_code == 200


def test_an_ipv6_client_counts_as_its_64(o311, cfg, clock, limit):
    for host in range(3):
        assert get(o311, address=f"2001:db8:1:2::{host + 1}").status_code == 200
    assert get(o311, address="2001:db8:1:2:ffff::9").status_code == 429
    assert get(o311, address="2001:db8:1:3::1").status_code == 200


def test_behind_a_proxy_the_header_it_sets_names_the_client(o311, cfg, clock, limit, settings):
    settings.GRIDGOV_OPEN311_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    for _ in range(3):
        assert o311.client.get("/open311/v2/services.json", HTTP_X_REAL_IP="203.0.113.7").status_code == 200
    assert o311.client.get("/open311/v2/services.json", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    assert o311.client.get("/open311/v2/services.json", HTTP_X_REAL_IP="203.0.113.8").status_code == 200
    assert set(AddressWindow.objects.values_list("address", flat=True)) == {"203.0.113.7", "203.0.113.8"}


def test_the_counter_is_one_row_for_every_process_and_forgotten_later(db, limit):
    now = datetime.datetime(2026, 3, 2, 2, 0, 30, tzinfo=datetime.UTC)
    assert [actions.count_address("203.0.113.7", now) for _ in range(4)] == [None, None, None, 30]
    assert AddressWindow.objects.get().count == 4
    jobs.discover()
    assert jobs.PERIODIC["open311.rate_windows"](now + datetime.timedelta(hours=2)) == 1
    assert not AddressWindow.objects.exists()


def test_zero_switches_it_off(o311, cfg, clock, settings):
    settings.GRIDGOV_OPEN311_KEYLESS_RATE_LIMIT = 0
    for _ in range(5):
        assert get(o311, "services").status_code == 200
    assert not AddressWindow.objects.exists()
