"""Lists answer {"items": [...], "count": N}, 50 a page, and take ?page= from 1."""

import pytest

from gridgov.org import actions


@pytest.fixture
def many_households(personas):
    for n in range(3, 61):  # the fixture has two in a1 already: 60 in all
        actions.do_create_household(None, f"H445321104201001{n:03d}", personas.town.a1, f"碧塘村一巷{n}号")
    return personas


def page(client, n=None, **query):
    if n is not None:
        query["page"] = n
    response = client.get("/api/v1/households", {"grid": "445321104201001", **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_pages_split_the_list_without_overlap_or_gap(many_households, api_client):
    client = api_client("worker_a1")
    first, second = page(client, 1), page(client, 2)
    assert set(first) == {"items", "count"}
    assert (first["count"], second["count"]) == (60, 60)
    assert (len(first["items"]), len(second["items"])) == (50, 10)
    numbers = [h["number"] for h in first["items"] + second["items"]]
    assert len(set(numbers)) == 60
    assert numbers == sorted(numbers)
    assert page(client) == first


def test_a_page_past_the_end_is_empty_with_the_true_count(many_households, api_client):
    assert page(api_client("worker_a1"), 3) == {"items": [], "count": 60}


@pytest.mark.parametrize("bad", [0, -1, "two"])
def test_a_bad_page_answers_422_naming_page(many_households, api_client, bad):
    response = api_client("worker_a1").get("/api/v1/households", {"page": bad})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["page"]


def test_page_size_can_be_lowered(many_households, api_client):
    body = page(api_client("worker_a1"), 2, page_size=25)
    assert (len(body["items"]), body["count"]) == (25, 60)


@pytest.mark.parametrize("url", ["/api/v1/regions", "/api/v1/grids", "/api/v1/people"])
def test_every_list_has_the_same_shape(personas, api_client, url):
    body = api_client("town_admin").get(url, {"page": 1}).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == len(body["items"]) > 0
