"""restrict(user, "view", ...) for every role and every kind of object on the fixture town.

Each expectation is a set of names, so a failure shows exactly what leaked or went missing.
"""

import pytest

from gridgov.core.scoping import VIEW, can, permits, restrict
from gridgov.org import actions
from gridgov.org.models import Grid, Household, PartyOrg, Person, Post, Region, User

ALL_REGIONS_OF_TOWN = {"东成镇", "碧塘村", "都斛村"}
ALL_GRIDS = {"东成镇网格", "碧塘村网格", "都斛村网格", "碧塘第一网格", "碧塘第二网格", "都斛第一网格", "都斛第二网格"}
ALL_HOUSEHOLDS = {"H445321104201001001", "H445321104201001002", "H445321104201002001", "H445321104202001001"}
ALL_PEOPLE = {"张建国", "李秀英", "王志强", "陈丽华", "刘德明"}
ALL_PARTY_ORGS = {"东成镇党委", "碧塘村党支部", "都斛村党支部", "碧塘第一网格党小组"}
ALL_POSTS = {"town:secretary", "a:secretary", "a1:grid_worker_full", "a1:central_household", "b:secretary"}

EXPECTED = {
    "town_admin": {"region": ALL_REGIONS_OF_TOWN, "grid": ALL_GRIDS, "household": ALL_HOUSEHOLDS,
                   "person": ALL_PEOPLE, "party_org": ALL_PARTY_ORGS, "post": ALL_POSTS},
    "secretary_a": {"region": {"碧塘村"}, "grid": {"碧塘村网格", "碧塘第一网格", "碧塘第二网格"},
                    "household": {"H445321104201001001", "H445321104201001002", "H445321104201002001"},
                    "person": {"张建国", "李秀英", "王志强", "陈丽华"},
                    "party_org": {"碧塘村党支部", "碧塘第一网格党小组"},
                    "post": {"a:secretary", "a1:grid_worker_full", "a1:central_household"}},
    "worker_a1": {"region": set(), "grid": {"碧塘第一网格"},
                  "household": {"H445321104201001001", "H445321104201001002"},
                  "person": {"张建国", "李秀英", "王志强"}, "party_org": {"碧塘第一网格党小组"},
                  "post": {"a1:grid_worker_full", "a1:central_household"}},
    # Personal accounts reach their own person, their household and their grid; nothing else.
    "party_a1": {"region": set(), "grid": {"碧塘第一网格"}, "household": {"H445321104201001002"},
                 "person": {"王志强"}, "party_org": set(), "post": set()},
    "resident_a1": {"region": set(), "grid": {"碧塘第一网格"}, "household": {"H445321104201001001"},
                    "person": {"张建国", "李秀英"}, "party_org": set(), "post": set()},
    "department": {"region": ALL_REGIONS_OF_TOWN, "grid": ALL_GRIDS, "household": set(), "person": set(),
                   "party_org": ALL_PARTY_ORGS, "post": set()},
    "outsider": {"region": {"都斛村"}, "grid": {"都斛村网格", "都斛第一网格", "都斛第二网格"},
                 "household": {"H445321104202001001"}, "person": {"刘德明"}, "party_org": {"都斛村党支部"},
                 "post": {"b:secretary"}},
}
MODELS = {"region": Region, "grid": Grid, "household": Household, "person": Person, "party_org": PartyOrg,
          "post": Post}


def label(obj) -> str:
    if isinstance(obj, Household):
        return obj.number
    if isinstance(obj, Post):
        node = {"445321104000000": "town", "445321104201000": "a", "445321104202000": "b",
                "445321104201001": "a1"}[obj.grid.code]
        return f"{node}:{obj.kind}"
    return obj.name


@pytest.fixture
def party_and_posts(personas):
    t = personas.town
    committee = actions.do_create_party_org(None, "DC", "东成镇党委", "committee", region=t.town)
    branch_a = actions.do_create_party_org(None, "DC-BT", "碧塘村党支部", "branch", region=t.village_a, parent=committee)
    actions.do_create_party_org(None, "DC-DH", "都斛村党支部", "branch", region=t.village_b, parent=committee)
    actions.do_create_party_org(None, "DC-BT-1", "碧塘第一网格党小组", "group", region=t.village_a, parent=branch_a,
                                grid=t.a1)
    actions.do_add_post(None, t.chen, "secretary", grid=t.town_grid)
    actions.do_add_post(None, t.chen, "secretary", grid=t.grid_a)
    actions.do_add_post(None, t.zhang_wife, "grid_worker_full", grid=t.a1)
    actions.do_add_post(None, t.wang, "central_household", grid=t.a1)
    actions.do_add_post(None, t.liu, "secretary", grid=t.grid_b)
    return personas


def visible(user, kind) -> set[str]:
    return {label(obj) for obj in restrict(user, VIEW, MODELS[kind])}


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_part_of_each_kind(party_and_posts, role, kind):
    assert visible(getattr(party_and_posts, role), kind) == EXPECTED[role][kind]


@pytest.mark.parametrize("kind", list(MODELS))
def test_superuser_sees_everything(party_and_posts, kind):
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    assert restrict(root, VIEW, MODELS[kind]).count() == MODELS[kind].objects.count() > 0


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_an_inactive_account_sees_nothing(party_and_posts, role, kind):
    user = getattr(party_and_posts, role)
    user.is_active = False
    assert visible(user, kind) == set()


def test_an_account_without_a_scope_sees_nothing(party_and_posts):
    stray = User.objects.create(username="stray", role="town_admin")
    assert all(visible(stray, kind) == set() for kind in MODELS)


def test_permits_and_can_agree_with_restrict(party_and_posts):
    p = party_and_posts
    assert permits(p.secretary_a, VIEW, p.town.zhang)
    assert not permits(p.outsider, VIEW, p.town.zhang)
    assert not permits(p.department, VIEW, p.town.zhang)
    assert can(p.department, VIEW, "grid") and not can(p.department, VIEW, "person")
    assert can(p.resident_a1, VIEW, "person") and not can(p.resident_a1, "view_personal", "person")


def test_a_scoped_query_adds_to_a_filtered_queryset_rather_than_replacing_it(party_and_posts):
    p = party_and_posts
    only_heads = Person.objects.filter(relation="head")
    assert {x.name for x in restrict(p.secretary_a, VIEW, only_heads)} == {"张建国", "王志强", "陈丽华"}


def test_models_that_are_not_scoped_are_refused_loudly(personas):
    from gridgov.org.models import ApiToken

    with pytest.raises(TypeError, match="not a scoped model"):
        restrict(personas.town_admin, VIEW, ApiToken)


def test_audit_rows_are_scoped_by_the_objects_path(party_and_posts):
    from gridgov.core.models import AuditEntry

    p = party_and_posts
    visible_to_secretary = restrict(p.secretary_a, VIEW, AuditEntry)
    visible_to_admin = restrict(p.town_admin, VIEW, AuditEntry)
    assert not visible_to_secretary.exists()  # only town administrators browse the log
    assert visible_to_admin.filter(object_id=str(p.town.liu.pk), action="person.create").exists()
    assert not visible_to_admin.filter(object_type="org.region", object_id=str(p.town.county.pk)).exists()
