"""Every page with every persona: objects outside the user's scope answer 404, like missing ones."""

import pytest

PERSONAS = ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]

# object -> personas that may open its page (everyone else gets 404)
VISIBLE = {
    "grid a1": {"town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department"},
    "grid a2": {"town_admin", "secretary_a", "department"},
    "village grid A": {"town_admin", "secretary_a", "department"},
    "town grid": {"town_admin", "department"},
    "village A": {"town_admin", "secretary_a", "department"},
    "town": {"town_admin", "department"},
    "household of 张建国": {"town_admin", "secretary_a", "worker_a1", "resident_a1"},
    "household of 王志强": {"town_admin", "secretary_a", "worker_a1", "party_a1"},
    "张建国": {"town_admin", "secretary_a", "worker_a1", "resident_a1"},
    "李秀英": {"town_admin", "secretary_a", "worker_a1", "resident_a1"},
    "王志强": {"town_admin", "secretary_a", "worker_a1", "party_a1"},
    "陈丽华": {"town_admin", "secretary_a"},
}


def _url(town, name):
    return {
        "grid a1": f"/grids/{town.a1.code}/", "grid a2": f"/grids/{town.a2.code}/",
        "village grid A": f"/grids/{town.grid_a.code}/", "town grid": f"/grids/{town.town_grid.code}/",
        "village A": f"/regions/{town.village_a.code}/", "town": f"/regions/{town.town.code}/",
        "household of 张建国": f"/households/{town.house_a1.pk}/",
        "household of 王志强": f"/households/{town.house_a1b.pk}/",
        "张建国": f"/people/{town.zhang.pk}/", "李秀英": f"/people/{town.zhang_wife.pk}/",
        "王志强": f"/people/{town.wang.pk}/", "陈丽华": f"/people/{town.chen.pk}/",
    }[name]


@pytest.mark.parametrize("persona", PERSONAS)
def test_object_pages_open_only_in_scope(personas, login, persona):
    client = login(getattr(personas, persona))
    for name, allowed in VISIBLE.items():
        expected = 200 if persona in allowed else 404
        assert client.get(_url(personas.town, name)).status_code == expected, name


def test_unknown_objects_answer_404_like_hidden_ones(personas, login):
    client = login(personas.town_admin)
    for url in ["/grids/445321104209001/", "/regions/445321104209/", "/households/999999/", "/people/999999/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(("persona", "households", "people"), [
    ("town_admin", 4, 5), ("secretary_a", 3, 4), ("worker_a1", 2, 3), ("party_a1", 1, 1),
    ("resident_a1", 1, 2), ("outsider", 1, 1),
])
def test_lists_hold_only_rows_in_scope(personas, login, persona, households, people):
    client = login(getattr(personas, persona))
    assert client.get("/households/").context["page"].paginator.count == households
    assert client.get("/people/").context["page"].paginator.count == people


def test_outsider_lists_show_nothing_of_village_a(personas, login):
    client = login(personas.outsider)
    for url in ["/households/", "/people/", "/tree/", "/", f"/households/?grid={personas.town.a1.code}",
                "/people/?q=张"]:
        page = client.get(url).content.decode()
        assert "碧塘" not in page and "张建国" not in page, url


def test_filtering_by_a_grid_out_of_scope_gives_nothing(personas, login):
    client = login(personas.outsider)
    assert client.get(f"/people/?grid={personas.town.a1.code}").context["page"].paginator.count == 0


def test_department_has_no_household_or_people_lists(personas, login):
    client = login(personas.department)
    assert client.get("/households/").status_code == 403
    assert client.get("/people/").status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_log_is_for_town_admins_only(personas, login, persona):
    expected = 200 if persona == "town_admin" else 403
    assert login(getattr(personas, persona)).get("/audit/").status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_tree_and_map_open_for_every_role(personas, login, persona):
    client = login(getattr(personas, persona))
    assert client.get("/tree/").status_code == 200
    assert client.get("/map/").status_code == 200


def test_tree_lists_only_grids_in_scope(personas, login):
    grids = login(personas.worker_a1).get("/tree/").context["grids"]
    assert [g.code for g in grids] == [personas.town.a1.code]
    grids = login(personas.outsider).get("/tree/").context["grids"]
    assert {g.region.code for g in grids} == {personas.town.village_b.code}
