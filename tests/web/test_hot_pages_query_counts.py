"""The hot pages cost a fixed number of queries, however many rows they show.

Each page is counted on the small town, then again after grid A1 gains a dozen households of
three people with posts: the count must not move (no query per row). The maxima below are the
measured figures: 5 of them are the request's own (session, user, and the session save that
renews the idle timeout: savepoint, update, release).
"""

import pytest

from gridgov.org import actions
from gridgov.org.models import Household, Person, Post

HOME_MAX = {"town_admin": 13, "secretary_a": 13, "department": 11, "worker_a1": 9, "party_a1": 10,
            "resident_a1": 10}


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
    ("/grids/{a1}/", 12), ("/grids/{village_a}/", 13), ("/grids/{a1}/?q=黄", 12),
    ("/households/", 8), ("/households/?grid={a1}", 9), ("/people/", 8), ("/people/?grid={a1}", 9),
    ("/tree/", 9),
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
    with django_assert_max_num_queries(8):
        response = client.get(f"/households/{household.pk}/")
    assert len(response.context["members"]) == 3


def test_person_page(personas, login, django_assert_max_num_queries):
    client = login(personas.worker_a1)
    with django_assert_max_num_queries(8):
        client.get(f"/people/{personas.town.zhang.pk}/")
