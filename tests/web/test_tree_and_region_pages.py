from gridgov.web import views


def test_tree_lists_the_grids_in_tree_order_with_household_counts(personas, login):
    town = personas.town
    grids = login(personas.town_admin).get("/tree/").context["grids"]
    assert [g.code for g in grids] == [town.town_grid.code, town.grid_a.code, town.a1.code, town.a2.code,
                                       town.grid_b.code, town.b1.code, town.b2.code]
    assert [g.household_count for g in grids if g.level == 3] == [2, 1, 1, 0]


def test_a_large_tree_stops_at_village_grids(personas, login, monkeypatch):
    monkeypatch.setattr(views, "TREE_FULL_LIMIT", 3)
    response = login(personas.town_admin).get("/tree/")
    assert response.context["cut"] is True
    assert {g.level for g in response.context["grids"]} == {1, 2}


def test_region_page_shows_its_grids_subdivisions_and_figures(personas, login):
    town = personas.town
    response = login(personas.town_admin).get(f"/regions/{town.town.code}/")
    assert [r.name for r in response.context["children"]] == ["碧塘村", "都斛村"]
    assert [g.code for g in response.context["grids"]] == [town.town_grid.code]
    assert response.context["households"]["total"] == 4
    response = login(personas.secretary_a).get(f"/regions/{town.village_a.code}/")
    assert [g.code for g in response.context["grids"]] == [town.grid_a.code, town.a1.code, town.a2.code]
    assert response.context["people"] == {"total": 4, "party": 1}
    assert response.context["ancestors"] == []


def test_grid_filter_becomes_a_code_box_when_there_are_too_many_grids(personas, login, monkeypatch):
    client = login(personas.town_admin)
    assert "<select" in client.get("/people/").content.decode()
    monkeypatch.setattr(views, "TREE_FULL_LIMIT", 3)
    page = client.get("/people/").content.decode()
    assert "<select" not in page and 'name="grid"' in page
