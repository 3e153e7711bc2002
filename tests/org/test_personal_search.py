"""Exact search by ID number or phone through the keyed hash (the API's q=), within the caller's scope."""

import pytest


def names(client, q):
    response = client.get("/api/v1/people", {"q": q})
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize("q", ["445321198112120113", " 445321198112120113 ", "４４５３２１１９８１１２１２０１１３"])
def test_exact_id_number_finds_the_person(personas, api_client, q):
    assert names(api_client("secretary_a"), q) == ["张建国"]


def test_lower_case_x_matches_the_stored_upper_case(personas, api_client):
    from gridgov.org import actions
    from gridgov.org.models import Person

    actions.do_create_person(None, name="赵敏", grid=personas.town.a1, id_number="11010519491231002X")
    assert names(api_client("secretary_a"), "11010519491231002x") == ["赵敏"]
    assert Person.objects.get(name="赵敏").id_number == "11010519491231002X"


@pytest.mark.parametrize("q", ["13800000013", "138 0000 0013", "+86 138-0000-0013"])
def test_exact_phone_finds_the_person(personas, api_client, q):
    assert names(api_client("secretary_a"), q) == ["王志强"]


@pytest.mark.parametrize("q", ["4453211981", "0113", "1380000001"])
def test_partial_numbers_find_nobody(personas, api_client, q):
    # Only exact values can be matched through a hash; there is no substring search on personal data.
    assert names(api_client("secretary_a"), q) == []


def test_name_prefix(personas, api_client):
    assert names(api_client("secretary_a"), "张") == ["张建国"]


def test_search_stays_in_scope(personas, api_client):
    assert names(api_client("outsider"), "445321198112120113") == []
    assert names(api_client("worker_a1"), "13800000014") == []  # 陈丽华 lives in a2
    assert names(api_client("secretary_a"), "13800000014") == ["陈丽华"]


def test_q_longer_than_50_characters_is_invalid_input(personas, api_client):
    response = api_client("secretary_a").get("/api/v1/people", {"q": "1" * 51})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
