"""The API shows each role the same rows restrict() gives it, and answers 404 for anything else,
exactly as for an object that does not exist."""

import pytest

from gridgov.core.scoping import VIEW, restrict
from gridgov.org.models import Grid, Household, Person, Region, User
from tests.conftest import PASSWORD

ROLES = ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]
LISTS = {"/api/v1/regions": (Region, "code"), "/api/v1/grids": (Grid, "code"),
         "/api/v1/households": (Household, "id"), "/api/v1/people": (Person, "id")}


@pytest.mark.parametrize("url", list(LISTS))
@pytest.mark.parametrize("role", ROLES)
def test_api_lists_are_the_rows_restrict_gives_the_role(personas, api_client, role, url):
    model, key = LISTS[url]
    body = api_client(role).get(url).json()
    expected = sorted(str(v) for v in restrict(getattr(personas, role), VIEW, model).values_list(key, flat=True))
    assert sorted(str(item[key]) for item in body["items"]) == expected
    assert body["count"] == len(expected)


def test_outsider_gets_404_for_everything_of_village_a(personas, api_client):
    t = personas.town
    client = api_client("outsider")
    for url in [f"/api/v1/grids/{t.a1.code}", f"/api/v1/grids/{t.grid_a.code}", f"/api/v1/households/{t.house_a1.pk}",
                f"/api/v1/people/{t.zhang.pk}"]:
        response = client.get(url)
        assert response.status_code == 404, url
    reveal = client.post(f"/api/v1/people/{t.zhang.pk}/reveal", {"field": "id_number"},
                         content_type="application/json")
    assert reveal.status_code == 404


def test_outsider_404_looks_exactly_like_a_missing_object(personas, api_client):
    t = personas.town
    client = api_client("outsider")
    hidden = client.get(f"/api/v1/people/{t.zhang.pk}")
    missing = client.get("/api/v1/people/999999")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    hidden = client.get(f"/api/v1/grids/{t.a1.code}")
    missing = client.get("/api/v1/grids/445321104299001")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_outsider_filters_by_a_grid_of_a_find_nothing(personas, api_client):
    t = personas.town
    client = api_client("outsider")
    for url in [f"/api/v1/people?grid={t.a1.code}", f"/api/v1/households?grid={t.grid_a.code}",
                f"/api/v1/grids?parent={t.grid_a.code}", f"/api/v1/people?q={t.zhang.id_number}"]:
        assert client.get(url).json() == {"items": [], "count": 0}, url


def test_outsider_cannot_locate_a_point_in_village_a(personas, api_client):
    assert api_client("outsider").get("/api/v1/grids/locate?lat=22.705&lng=112.305").json() == {
        "code": None, "name": None}
    assert api_client("secretary_a").get("/api/v1/grids/locate?lat=22.705&lng=112.305").json()["code"] == (
        personas.town.a1.code)


def test_department_sees_grids_but_gets_404_for_people_and_households(personas, api_client):
    t = personas.town
    client = api_client("department")
    assert client.get(f"/api/v1/grids/{t.a1.code}").status_code == 200
    assert client.get(f"/api/v1/people/{t.zhang.pk}").status_code == 404
    assert client.get(f"/api/v1/households/{t.house_a1.pk}").status_code == 404


def test_resident_sees_own_household_but_not_the_neighbours(personas, api_client):
    t = personas.town
    client = api_client("resident_a1")
    assert client.get(f"/api/v1/households/{t.house_a1.pk}").status_code == 200
    assert client.get(f"/api/v1/people/{t.zhang_wife.pk}").status_code == 200
    assert client.get(f"/api/v1/households/{t.house_a1b.pk}").status_code == 404
    assert client.get(f"/api/v1/people/{t.wang.pk}").status_code == 404
    assert client.get(f"/api/v1/grids/{t.a2.code}").status_code == 404


def test_superuser_sees_the_whole_county_through_the_api(personas, api_client):
    User.objects.create_superuser("root", password=PASSWORD)
    client = api_client("root")
    assert client.get("/api/v1/regions").json()["count"] == Region.objects.count()
    assert client.get(f"/api/v1/people/{personas.town.liu.pk}").status_code == 200


def test_a_deactivated_accounts_token_stops_working(personas, api_client):
    client = api_client("secretary_a")
    User.objects.filter(username="secretary_a").update(is_active=False)
    assert client.get("/api/v1/people").status_code == 401
