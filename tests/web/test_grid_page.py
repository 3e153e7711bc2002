from gridgov.org import actions
from gridgov.org.models import Post


def test_small_grid_page_lists_its_households_staff_and_boundary(personas, login):
    town = personas.town
    actions.do_add_post(None, town.wang, Post.Kind.GRID_LEADER, grid=town.a1)
    actions.do_add_post(None, town.zhang, Post.Kind.GRID_WORKER_PART, grid=town.a1)
    response = login(personas.worker_a1).get(f"/grids/{town.a1.code}/")
    page = response.content.decode()
    assert [h.address for h in response.context["page"]] == ["碧塘村一巷1号", "碧塘村一巷2号"]
    assert [(p.kind, p.person.name) for p in response.context["staff"]] == [
        (Post.Kind.GRID_LEADER, "王志强"), (Post.Kind.GRID_WORKER_PART, "张建国")]
    assert response.context["people"] == {"total": 3, "party": 1}
    assert response.context["map_data"]["features"][0]["properties"]["code"] == town.a1.code
    assert 'id="grid-map-data"' in page and "/static/vendor/leaflet/leaflet.js" in page


def test_village_grid_page_lists_its_small_grids_with_household_counts(personas, login):
    town = personas.town
    response = login(personas.secretary_a).get(f"/grids/{town.grid_a.code}/")
    assert [(g.name, g.household_count) for g in response.context["children"]] == [
        ("碧塘第一网格", 2), ("碧塘第二网格", 1)]
    assert response.context["page"].paginator.count == 3


def test_household_search_by_head_name_address_or_number(personas, login):
    town = personas.town
    client = login(personas.worker_a1)
    url = f"/grids/{town.a1.code}/"
    assert [h.number for h in client.get(url, {"q": "王"}).context["page"]] == [town.house_a1b.number]
    assert [h.number for h in client.get(url, {"q": "一巷1"}).context["page"]] == [town.house_a1.number]
    assert [h.number for h in client.get(url, {"q": "H445321104201001002"}).context["page"]] == [
        town.house_a1b.number]
    assert client.get(url, {"q": "陈"}).context["page"].paginator.count == 0


def test_live_search_answers_only_the_list_fragment(personas, login):
    town = personas.town
    response = login(personas.worker_a1).get(
        f"/grids/{town.a1.code}/", {"q": "张"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="household-results")
    page = response.content.decode()
    assert "<html" not in page and "topbar" not in page
    assert "碧塘村一巷1号" in page and "碧塘村一巷2号" not in page
    assert "HX-Request" in response["Vary"]


def test_household_list_is_paginated_keeping_the_search(personas, login, grow_grid_a1):
    town = personas.town
    grow_grid_a1(25)
    client = login(personas.worker_a1)
    first = client.get(f"/grids/{town.a1.code}/", {"q": "碧塘村三巷"})
    assert first.context["page"].paginator.count == 25 and len(first.context["page"]) == 20
    assert "?q=%E7%A2%A7%E5%A1%98%E6%9D%91%E4%B8%89%E5%B7%B7&amp;page=2" in first.content.decode()
    second = client.get(f"/grids/{town.a1.code}/", {"q": "碧塘村三巷", "page": 2})
    assert len(second.context["page"]) == 5
