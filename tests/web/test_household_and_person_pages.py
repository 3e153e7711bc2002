from gridgov.org import actions
from gridgov.org.models import Post


def test_household_page_shows_members_masked_with_relation_party_and_posts(personas, login):
    town = personas.town
    actions.do_add_post(None, town.zhang, Post.Kind.GRID_LEADER, grid=town.a1)
    response = login(personas.worker_a1).get(f"/households/{town.house_a1.pk}/")
    page = response.content.decode()
    assert [m.name for m in response.context["members"]] == ["张建国", "李秀英"]
    for person in (town.zhang, town.zhang_wife):
        assert person.id_number_masked in page and person.id_number not in page
        assert person.phone_masked in page and person.phone not in page
    assert [p.kind for p in response.context["members"][0].visible_posts] == [Post.Kind.GRID_LEADER]


def test_household_list_searches_and_filters_by_grid(personas, login):
    town = personas.town
    client = login(personas.secretary_a)
    assert client.get("/households/", {"grid": town.a2.code}).context["page"].paginator.count == 1
    assert [h.number for h in client.get("/households/", {"q": "李"}).context["page"]] == []
    assert [h.number for h in client.get("/households/", {"q": "张"}).context["page"]] == [town.house_a1.number]
    assert [h.number for h in client.get("/households/", {"q": "二巷"}).context["page"]] == [town.house_a2.number]


def test_people_search_by_name_prefix_or_exact_id_number_or_phone(personas, login):
    town = personas.town
    client = login(personas.secretary_a)
    assert [p.name for p in client.get("/people/", {"q": "张"}).context["page"]] == ["张建国"]
    assert [p.name for p in client.get("/people/", {"q": town.chen.id_number}).context["page"]] == ["陈丽华"]
    assert [p.name for p in client.get("/people/", {"q": town.zhang_wife.phone}).context["page"]] == ["李秀英"]
    # A fragment of an ID number finds nothing: only whole identifiers are matched, through their hash.
    assert client.get("/people/", {"q": town.chen.id_number[:10]}).context["page"].paginator.count == 0


def test_people_list_shows_phones_masked(personas, login):
    town = personas.town
    page = login(personas.secretary_a).get("/people/").content.decode()
    assert town.zhang.phone_masked in page and town.zhang.phone not in page
    assert town.zhang.id_number not in page


def test_people_live_search_answers_the_fragment(personas, login):
    response = login(personas.secretary_a).get("/people/", {"q": "陈"}, HTTP_HX_REQUEST="true",
                                               HTTP_HX_TARGET="person-results")
    page = response.content.decode()
    assert "<html" not in page and "陈丽华" in page and "张建国" not in page


def test_person_page_masks_and_offers_full_view_only_to_allowed_roles(personas, login):
    town = personas.town
    page = login(personas.worker_a1).get(f"/people/{town.zhang.pk}/").content.decode()
    assert town.zhang.id_number_masked in page and town.zhang.id_number not in page
    assert f"/people/{town.zhang.pk}/reveal/id_number/" in page
    page = login(personas.resident_a1).get(f"/people/{town.zhang.pk}/").content.decode()
    assert town.zhang.id_number_masked in page and "/reveal/" not in page


def test_birth_dates_follow_chinese_conventions(personas, login):
    town = personas.town
    page = login(personas.worker_a1).get(f"/people/{town.zhang.pk}/").content.decode()
    birth = town.zhang.birth_date
    assert f"{birth.year}年{birth.month}月{birth.day}日" in page


def test_household_list_counts_each_households_members_and_its_total_without_them(personas, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    town = personas.town
    actions.do_create_household(None, "H445321104201002009", town.a2, "碧塘村二巷9号")  # nobody lives here yet
    client = login(personas.secretary_a)
    client.get("/households/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/households/").context["page"]
    assert {h.number: h.member_count for h in page} == {
        town.house_a1.number: 2, town.house_a1b.number: 1, town.house_a2.number: 1, "H445321104201002009": 0}
    assert page.paginator.count == 4
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "org_household" in q["sql"])
    assert "org_person" not in count, count  # the total is the households', not a grouping of their members
