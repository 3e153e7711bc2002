"""GET /api/v1/households and /api/v1/people: grid=CODE and q= filters."""

import pytest


def names(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    return [i.get("number") or i.get("name") for i in items]


def test_household_items(personas, api_client):
    t = personas.town
    item = api_client("worker_a1").get("/api/v1/households").json()["items"][0]
    assert item == {"id": t.house_a1.pk, "number": "H445321104201001001", "address": "碧塘村一巷1号",
                    "grid": "445321104201001", "head": "张建国", "is_party_central": False}
    assert api_client("worker_a1").get(f"/api/v1/households/{t.house_a1.pk}").json() == item


def test_person_items(personas, api_client):
    t = personas.town
    item = api_client("worker_a1").get(f"/api/v1/people/{t.zhang_wife.pk}").json()
    assert item == {"id": t.zhang_wife.pk, "name": "李秀英", "gender": "F", "birth_date": "1982-01-13",
                    "id_number": "4453**********0129", "phone": "138****0012", "grid": "445321104201001",
                    "household": t.house_a1.pk, "relation": "spouse", "is_party_member": False}


@pytest.mark.parametrize("grid, expected", [
    ("445321104201001", ["H445321104201001001", "H445321104201001002"]),
    ("445321104201002", ["H445321104201002001"]),
    ("445321104201000", ["H445321104201001001", "H445321104201001002", "H445321104201002001"]),
    ("445321104000000", ["H445321104201001001", "H445321104201001002", "H445321104201002001",
                         "H445321104202001001"]),
])
def test_households_under_a_grid(personas, api_client, grid, expected):
    assert names(api_client("town_admin"), "/api/v1/households", grid=grid) == expected


def test_people_under_a_grid(personas, api_client):
    assert names(api_client("town_admin"), "/api/v1/people", grid="445321104201002") == ["陈丽华"]
    assert names(api_client("town_admin"), "/api/v1/people", grid="445321104202000") == ["刘德明"]


def test_unknown_grid_finds_nothing(personas, api_client):
    for url in ("/api/v1/people", "/api/v1/households"):
        assert names(api_client("town_admin"), url, grid="445321104201099") == []


@pytest.mark.parametrize("url", ["/api/v1/people", "/api/v1/households"])
def test_malformed_grid_code_answers_422(personas, api_client, url):
    response = api_client("town_admin").get(url, {"grid": "a1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "grid" and "15 digits" in error["message"]


@pytest.mark.parametrize("q, expected", [
    ("H445321104201002", ["H445321104201002001"]),  # number prefix
    ("二巷", ["H445321104201002001"]),  # part of the address
    ("陈", ["H445321104201002001"]),  # head's name
    ("无此户", []),
])
def test_households_search(personas, api_client, q, expected):
    assert names(api_client("town_admin"), "/api/v1/households", q=q) == expected


def test_filters_combine(personas, api_client):
    client = api_client("town_admin")
    assert names(client, "/api/v1/people", grid="445321104201001", q="王") == ["王志强"]
    assert names(client, "/api/v1/people", grid="445321104201002", q="王") == []
