"""The hot pages cost a fixed number of queries, however many rows they show.

Each page is counted on the small town, then again after grid A1 gains a dozen households of
three people with posts: the count must not move (no query per row). The maxima below are the
measured figures: 6 of them are the request's own (session, user, the session save that
renews the idle timeout: savepoint, update, release, and the unread count of the notifications menu).
"""

import pytest

from gridgov.org import actions
from gridgov.org.models import Household, Person, Post

# Each home page adds one aggregate query for its case box (cases.context.case_summary).
# A role that may not handle disputes asks once whether it mediates one (its home then shows them).
HOME_MAX = {"town_admin": 15, "secretary_a": 15, "department": 13, "worker_a1": 12, "party_a1": 13,
            "resident_a1": 13}


def _grow(town, grow_grid_a1, start=100, n=12):
    grow_grid_a1(n, start=start)
    for person in Person.objects.filter(grid=town.a1, relation="head", posts=None)[:4]:
        actions.do_add_post(None, person, Post.Kind.GRID_WORKER_PART, grid=town.a1)


@pytest.mark.parametrize("persona", sorted(HOME_MAX))
def test_home_of_each_role(personas, login, grow_grid_a1, queries_for, django_assert_max_num_queries, persona):
    client = login(getattr(personas, persona))
    before = queries_for(client, "/")
    _grow(personas.town, grow_grid_a1)
    assert queries_for(client, "/") == before
    with django_assert_max_num_queries(HOME_MAX[persona]):
        client.get("/")


@pytest.mark.parametrize(("page", "most"), [
    ("/grids/{a1}/", 13), ("/grids/{village_a}/", 14), ("/grids/{a1}/?q=黄", 13),
    ("/households/", 9), ("/households/?grid={a1}", 10), ("/people/", 9), ("/people/?grid={a1}", 10),
    ("/tree/", 10),
])
def test_lists(personas, login, grow_grid_a1, queries_for, django_assert_max_num_queries, page, most):
    town = personas.town
    url = page.format(a1=town.a1.code, village_a=town.grid_a.code)
    client = login(personas.worker_a1 if "village" not in page else personas.secretary_a)
    # One row of each kind first, so an empty result (which skips its page query) is not compared.
    _grow(town, grow_grid_a1, start=100, n=1)
    before = queries_for(client, url)
    _grow(town, grow_grid_a1, start=101, n=12)
    assert queries_for(client, url) == before
    with django_assert_max_num_queries(most):
        response = client.get(url)
    rows = response.context["page"] if "page" in response.context else response.context["grids"]
    assert len(rows) >= (1 if "tree" in page else 13)


def test_household_page(personas, login, grow_grid_a1, django_assert_max_num_queries):
    _grow(personas.town, grow_grid_a1)
    household = Household.objects.get(number="H445321104201001100")
    assert Post.objects.filter(person__household=household).exists()
    client = login(personas.worker_a1)
    with django_assert_max_num_queries(9):
        response = client.get(f"/households/{household.pk}/")
    assert len(response.context["members"]) == 3


def test_person_page(personas, login, django_assert_max_num_queries):
    town = personas.town
    client = login(personas.worker_a1)
    with django_assert_max_num_queries(9):
        response = client.get(f"/people/{town.zhang.pk}/")
    # What the page is for, within that ceiling: the person, masked, with their household and grid.
    assert response.status_code == 200
    page = response.content.decode()
    assert "张建国" in page and town.zhang.id_number_masked in page and town.zhang.id_number not in page
    assert f"/households/{town.house_a1.pk}/" in page and town.a1.name in page
