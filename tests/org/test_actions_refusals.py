"""Actions refuse inconsistent records with a message instead of writing them or failing in the database."""

import datetime

import pytest
from django.test import Client

from gridgov.core.personal import InvalidIdentifier
from gridgov.org import actions
from gridgov.org.actions import OrgError
from gridgov.org.models import Person, Post, User
from tests.conftest import PASSWORD, make_id_number

# Messages are compared with their English msgids.
pytestmark = pytest.mark.usefixtures("english")


def test_a_person_lives_in_the_grid_of_their_household(town):
    with pytest.raises(OrgError, match="household"):
        actions.do_create_person(None, name="错户", grid=town.a2, household=town.house_a1)


def test_duplicate_id_number_is_refused(town):
    with pytest.raises(OrgError, match="already registered"):
        actions.do_create_person(None, name="重复", grid=town.a1, id_number=town.zhang.id_number)


def test_bad_id_number_and_phone_are_refused(town):
    with pytest.raises(InvalidIdentifier):
        actions.do_create_person(None, name="坏号", grid=town.a1, id_number="445321198112120114")
    with pytest.raises(InvalidIdentifier):
        actions.do_create_person(None, name="坏号", grid=town.a1, phone="12345")
    assert not Person.objects.filter(name="坏号").exists()


def test_gender_and_birth_date_come_from_the_id_number(town):
    number = make_id_number("445321", datetime.date(1988, 3, 9), 124)  # even sequence: female
    person = actions.do_create_person(None, name="林芳", grid=town.a1, id_number=number)
    assert (person.gender, person.birth_date) == ("F", datetime.date(1988, 3, 9))


def test_the_head_of_household_is_set_on_the_household(town):
    town.house_a1.refresh_from_db()
    assert town.house_a1.head == town.zhang


def test_a_post_needs_a_node_and_a_known_kind(town):
    with pytest.raises(OrgError, match="grid, a region or a party"):
        actions.do_add_post(None, town.wang, "grid_leader")
    with pytest.raises(OrgError, match="Unknown post"):
        actions.do_add_post(None, town.wang, "emperor", grid=town.a1)
    assert not Post.objects.exists()


def test_party_org_rules(town):
    with pytest.raises(OrgError, match="needs its grid"):
        actions.do_create_party_org(None, "G1", "小组", "group", region=town.village_a)
    with pytest.raises(OrgError, match="does not lie in"):
        actions.do_create_party_org(None, "G1", "小组", "group", region=town.village_a, grid=town.b1)
    with pytest.raises(OrgError, match="Unknown kind"):
        actions.do_create_party_org(None, "G1", "小组", "club", region=town.village_a)
    branch = actions.do_create_party_org(None, "B-A", "碧塘村党支部", "branch", region=town.village_a)
    with pytest.raises(OrgError, match="one of its region's parents"):
        actions.do_create_party_org(None, "B-B", "都斛村党支部", "branch", region=town.village_b, parent=branch)
    with pytest.raises(OrgError, match="code of its own"):
        actions.do_create_party_org(None, "B-A", "again", "branch", region=town.village_a)
    group = actions.do_create_party_org(None, "G-A1", "碧塘第一网格党小组", "group", region=town.village_a,
                                        parent=branch, grid=town.a1)
    assert group.path == town.a1.path and branch.path == town.village_a.path


def test_user_rules(town):
    with pytest.raises(OrgError, match="Unknown role"):
        actions.do_create_user(None, "x", "mayor", town.town.code, password=PASSWORD)
    with pytest.raises(OrgError, match="No region or grid"):
        actions.do_create_user(None, "x", "town_admin", "445321104299", password=PASSWORD)
    actions.do_create_user(None, "x", "town_admin", town.town.code, password=PASSWORD)
    with pytest.raises(OrgError, match="taken"):
        actions.do_create_user(None, "x", "town_admin", town.town.code, password=PASSWORD)
    with pytest.raises(OrgError, match="does not belong"):
        actions.do_create_user(None, "y", "resident", town.b1.code, password=PASSWORD, person=town.zhang)


def test_a_resident_account_is_scoped_to_its_person(town):
    user = actions.do_create_user(None, "r", "resident", town.village_a.code, password=PASSWORD)
    assert user.person.grid == town.a1  # the first small grid of the village
    assert user.scope_path == user.person.path


def test_an_account_without_password_cannot_log_in(town):
    actions.do_create_user(None, "nopass", "town_admin", town.town.code)
    assert not User.objects.get(username="nopass").has_usable_password()
    response = Client().post("/api/v1/auth/token", {"username": "nopass", "password": ""},
                             content_type="application/json")
    assert response.status_code == 401
