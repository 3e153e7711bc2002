"""GET /api/v1/grids/locate?lat=&lng=: the small grid's code, null outside (or outside the caller's scope)."""

import pytest


def test_inside_gives_the_small_grid(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids/locate", {"lat": 22.715, "lng": 112.315})
    assert response.json() == {"code": "445321104202002", "name": "都斛第二网格"}


def test_outside_every_grid_is_200_with_null(personas, api_client):
    response = api_client("town_admin").get("/api/v1/grids/locate", {"lat": 23.5, "lng": 113.5})
    assert response.status_code == 200
    assert response.json() == {"code": None, "name": None}


def test_a_grid_outside_the_callers_scope_is_not_revealed(personas, api_client):
    point = {"lat": 22.715, "lng": 112.315}  # in b2
    assert api_client("worker_a1").get("/api/v1/grids/locate", point).json() == {"code": None, "name": None}
    assert api_client("resident_a1").get("/api/v1/grids/locate", {"lat": 22.705, "lng": 112.305}).json()["code"] == (
        "445321104201001")


@pytest.mark.parametrize("query, field", [
    ({"lng": 112.3}, "lat"), ({"lat": 22.7}, "lng"), ({"lat": "north", "lng": 112.3}, "lat"),
    ({"lat": 91, "lng": 112.3}, "lat"), ({"lat": 22.7, "lng": -181}, "lng"),
])
def test_bad_coordinates_answer_422_naming_the_field(personas, api_client, query, field):
    response = api_client("town_admin").get("/api/v1/grids/locate", query)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_missing_lat_message_is_chinese_by_default_and_english_on_request(personas, api_client):
    client = api_client("town_admin")
    chinese = client.get("/api/v1/grids/locate?lng=112.3").json()["errors"][0]["message"]
    english = client.get("/api/v1/grids/locate?lng=112.3", HTTP_ACCEPT_LANGUAGE="en").json()["errors"][0]["message"]
    assert chinese == "这个字段是必填项。"
    assert english == "This field is required."


def test_openapi_documents_the_null_answer(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/grids/locate"]["get"]
    assert "null" in operation["description"]
