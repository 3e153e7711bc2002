from gridgov.org import actions
from gridgov.org.models import Post


def test_town_admin_sees_the_town_figures(personas, login):
    context = login(personas.town_admin).get("/").context
    assert context["villages_total"] == 2
    assert context["grids"] == {"town": 1, "village": 2, "small": 4}
    assert context["households"] == {"total": 4, "central": 0}
    assert context["people"] == {"total": 5, "party": 1}
    assert [(v.name, v.small_grids, v.household_count, v.people_count) for v in context["villages"]] == [
        ("碧塘村网格", 2, 3, 4), ("都斛村网格", 2, 1, 1)]


def test_village_secretary_sees_only_the_village(personas, login):
    response = login(personas.secretary_a).get("/")
    context = response.context
    assert context["villages_total"] == 1
    assert context["grids"] == {"town": 0, "village": 1, "small": 2}
    assert context["people"] == {"total": 4, "party": 1}
    assert "都斛" not in response.content.decode()


def test_outsider_sees_only_their_own_village(personas, login):
    response = login(personas.outsider).get("/")
    assert response.context["people"] == {"total": 1, "party": 0}
    assert "碧塘" not in response.content.decode()


def test_department_sees_grids_but_no_household_figures(personas, login):
    response = login(personas.department).get("/")
    assert response.context["grids"]["small"] == 4
    assert response.context["may_view_households"] is False
    assert 'href="/households/"' not in response.content.decode()


def test_grid_worker_gets_a_big_button_to_their_grid(personas, login):
    town = personas.town
    response = login(personas.worker_a1).get("/")
    page = response.content.decode()
    assert f'href="/grids/{town.a1.code}/" id="my-grid"' in page
    assert [(g.name, g.household_count, g.people_count) for g in response.context["grids"]] == [("碧塘第一网格", 2, 3)]
    assert f"/households/?grid={town.a1.code}" in page


def test_resident_sees_themself_their_household_masked_and_their_grid_staff(personas, login):
    town = personas.town
    actions.do_add_post(None, town.wang, Post.Kind.GRID_LEADER, grid=town.a1)
    actions.do_add_post(None, town.chen, Post.Kind.GRID_LEADER, grid=town.a2)
    response = login(personas.resident_a1).get("/")
    page = response.content.decode()
    assert "张建国" in page and "李秀英" in page
    assert town.zhang_wife.id_number_masked in page and town.zhang_wife.id_number not in page
    assert town.zhang_wife.phone not in page
    assert [p.person.name for p in response.context["staff"]] == ["王志强"]
    assert "陈丽华" not in page


def test_party_member_sees_their_own_record(personas, login):
    response = login(personas.party_a1).get("/")
    assert response.context["person"] == personas.town.wang
    assert response.context["grid"] == personas.town.a1
    assert "张建国" not in response.content.decode()
