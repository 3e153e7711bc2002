"""GET /api/v1/grids (level and parent filters), /grids/{code} with its geometry."""

import pytest

from tests.conftest import square


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_items_carry_code_name_level_parent(personas, api_client):
    items = api_client("secretary_a").get("/api/v1/grids").json()["items"]
    assert items[0] == {"code": "445321104201000", "name": "碧塘村网格", "level": 2, "parent": "445321104000000",
                        "region": "445321104201"}
    assert [i["code"] for i in items] == ["445321104201000", "445321104201001", "445321104201002"]


@pytest.mark.parametrize("level, expected", [
    (1, ["445321104000000"]),
    (2, ["445321104201000", "445321104202000"]),
    (3, ["445321104201001", "445321104201002", "445321104202001", "445321104202002"]),
])
def test_level_filter(personas, api_client, level, expected):
    assert codes(api_client("town_admin").get("/api/v1/grids", {"level": level})) == expected


def test_parent_filter_gives_the_grids_directly_under(personas, api_client):
    client = api_client("town_admin")
    assert codes(client.get("/api/v1/grids", {"parent": "445321104201000"})) == ["445321104201001", "445321104201002"]
    assert codes(client.get("/api/v1/grids", {"parent": "445321104000000", "level": 2})) == [
        "445321104201000", "445321104202000"]
    assert codes(client.get("/api/v1/grids", {"parent": "445321104201000", "level": 2})) == []


@pytest.mark.parametrize("query, field", [({"level": 4}, "level"), ({"level": 0}, "level"), ({"level": "x"}, "level"),
                                          ({"parent": "12345"}, "parent")])
def test_bad_filters_answer_422_naming_the_field(personas, api_client, query, field):
    response = api_client("town_admin").get("/api/v1/grids", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["message"]


def test_level_4_message(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids?level=4", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"][0]["message"] == "Ensure this value is less than or equal to 3."


def test_detail_adds_geometry_and_counts(personas, api_client):
    body = api_client("secretary_a").get("/api/v1/grids/445321104201001").json()
    assert body == {"code": "445321104201001", "name": "碧塘第一网格", "level": 3, "parent": "445321104201000",
                    "region": "445321104201", "geometry": square(112.30, 22.70), "households": 2, "people": 3}


def test_detail_of_a_grid_without_boundary_has_null_geometry(personas, api_client):
    body = api_client("secretary_a").get("/api/v1/grids/445321104201000").json()
    assert body["geometry"] is None
    assert (body["households"], body["people"]) == (3, 4)


def test_detail_counts_only_what_the_caller_may_see(personas, api_client):
    body = api_client("resident_a1").get("/api/v1/grids/445321104201001").json()
    assert (body["households"], body["people"]) == (1, 2)


def test_unknown_code_is_404(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids/445321104201099")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_locate_is_not_taken_for_a_grid_code(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids/locate?lat=22.705&lng=112.305")
    assert response.status_code == 200
    assert response.json()["code"] == "445321104201001"


def test_regions_list(personas, api_client):
    items = api_client("town_admin").get("/api/v1/regions").json()["items"]
    assert items[0] == {"code": "445321104000", "name": "东成镇", "level": 2, "kind": "town", "parent": "445321000000"}
    assert [i["code"] for i in items] == ["445321104000", "445321104201", "445321104202"]
