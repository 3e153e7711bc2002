"""Fixtures of the Open311 adapter: the case fixtures of tests/cases (town, categories, frozen clock),
an API key of the test town, and helpers that call the endpoints and parse their XML or JSON."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from gridgov.open311 import actions
from tests.cases.conftest import MONDAY_10, POINT_A1, POINT_B1, cfg, clock, drive, local, report  # noqa: F401

BASE = "/open311/v2/"


@pytest.fixture(autouse=True)
def published(request):
    """The test town publishes its services outside the sensitive families, as an installation
    upgraded to public services does (migration open311 0003) and the demo town: here the garbage
    service, not the neighbours' disputes."""
    if "cfg" in request.fixturenames:
        request.getfixturevalue("cfg")
        actions.publish_defaults(request.getfixturevalue("personas").town.town)
        if "second_town" in request.fixturenames:
            actions.publish_defaults(request.getfixturevalue("second_town").town)


@pytest.fixture
def key(personas, cfg):  # noqa: F811 (the fixture imported above)
    """(ApiKey, secret) for a client of the test town, issued by its town admin."""
    return actions.do_issue_key(personas.town_admin, "县热线", personas.town.town)


@pytest.fixture
def o311():
    return Open311(Client())


class Open311:
    """Calls /open311/v2/ and parses the answer of either format into the JSON shape."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, resource: str, fmt: str = "json", **params):
        response = self.client.get(f"{BASE}{resource}.{fmt}", {k: v for k, v in params.items()})
        return response, parse(response, fmt)

    def post(self, fmt: str = "json", data=None, **params):
        response = self.client.post(f"{BASE}requests.{fmt}", data if data is not None else params)
        return response, parse(response, fmt)


LISTS = {"service_requests", "services", "errors"}


def _element(element):
    children = list(element)
    if not children:
        return element.text or ""
    if element.tag in LISTS | {"endpoints", "formats", "attributes", "values"}:
        return [_element(child) for child in children]
    return {child.tag: _element(child) for child in children}


def parse(response, fmt: str):
    """The body as JSON values; XML is turned into the same shape (text values as strings)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return _element(ET.fromstring(response.content))


def descriptions(body) -> list[str]:
    """The descriptions of an errors body (either format, parsed)."""
    return [str(e["description"]) for e in body]


def codes(body) -> list[str]:
    return [str(e["code"]) for e in body]


@pytest.fixture
def second_town(town):
    """Another town of the county with one village and one small grid (east of town A's grids)."""
    from types import SimpleNamespace

    from gridgov.org import actions as org_actions
    from tests.conftest import square

    t = SimpleNamespace()
    t.town = org_actions.do_create_region(None, "445321105000", "太平镇", parent=town.county)
    t.village = org_actions.do_create_region(None, "445321105201", "新村", parent=t.town)
    t.town_grid = org_actions.do_create_grid(None, "445321105000000", "太平镇网格")
    t.village_grid = org_actions.do_create_grid(None, "445321105201000", "新村网格", parent=t.town_grid)
    t.grid = org_actions.do_create_grid(None, "445321105201001", "新村第一网格", parent=t.village_grid,
                                        geometry=square(112.40, 22.70))
    t.admin = org_actions.do_create_user(None, "admin_taiping", "town_admin", t.town.code, password="Grid-Test-2026")
    return t


POINT_TOWN2 = (22.705, 112.405)
