"""GET /api/v1/cases/categories: the active tree in code order with handling levels and time limits, as
every list answers: {"items", "count"} by pages."""

import pytest

from gridgov.cases import actions

pytestmark = pytest.mark.usefixtures("cfg")


def test_the_tree_with_levels_and_limits(api_client):
    body = api_client("resident_a1").get("/api/v1/cases/categories").json()
    assert set(body) == {"items", "count"} and body["count"] == 4
    items = body["items"]
    assert [(c["code"], c["parent"], c["level"]) for c in items] == [
        ("01", None, 1), ("0101", "01", 2), ("04", None, 1), ("0401", "04", 2)]
    garbage = items[1]
    assert garbage["name"] == "垃圾清运" and garbage["handling_level"] == "grid" and garbage["default_unit"] == "U-A"
    assert {k: v for k, v in garbage["limits"].items() if k != "unit_name"} == {
        "unit": "h", "accept": 2, "dispatch": 2, "handle": 8, "verify": 4}
    neighbours = items[3]
    assert neighbours["handling_level"] == "village" and neighbours["limits"]["unit"] == "d"
    assert neighbours["limits"]["handle"] == 3


def test_inactive_categories_are_left_out(api_client, cfg):
    actions.do_update_category(None, cfg.neighbours, is_active=False)
    codes = [c["code"] for c in api_client("worker_a1").get("/api/v1/cases/categories").json()["items"]]
    assert "0401" not in codes and "0101" in codes


def test_the_unit_name_follows_the_language(api_client):
    client = api_client("worker_a1")
    english = client.get("/api/v1/cases/categories", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert english[1]["limits"]["unit_name"] == "working hours"


def test_pages_follow_the_code_order(api_client):
    client = api_client("worker_a1")
    first = client.get("/api/v1/cases/categories", {"page_size": 3}).json()
    second = client.get("/api/v1/cases/categories", {"page_size": 3, "page": 2}).json()
    assert (first["count"], second["count"]) == (4, 4)
    assert [c["code"] for c in first["items"] + second["items"]] == ["01", "0101", "04", "0401"]
    assert client.get("/api/v1/cases/categories", {"page": 3}).json() == {"items": [], "count": 4}


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/cases/categories").status_code == 401
