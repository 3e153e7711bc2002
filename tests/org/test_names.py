"""An account reads as a name and a post wherever a person reads it (org.names)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.org import actions, names
from gridgov.org.models import User
from tests.conftest import PASSWORD


def test_a_grid_worker_reads_as_their_person_with_post_and_grid(personas):
    worker = personas.worker_a1
    assert worker.label == "worker_a1 · 网格员 · 碧塘第一网格"  # no person, no name: the username is all there is
    User.objects.filter(pk=worker.pk).update(person=personas.town.chen)
    worker.refresh_from_db()
    assert worker.display_name == "陈丽华"
    assert worker.label == "陈丽华 · 网格员 · 碧塘第一网格"


def test_the_person_comes_before_the_accounts_own_name(personas):
    User.objects.filter(pk=personas.party_a1.pk).update(first_name="王老师")
    assert User.objects.get(pk=personas.party_a1.pk).display_name == "王志强"


def test_an_office_account_reads_as_its_name_without_repeating_the_place(personas):
    User.objects.filter(pk=personas.department.pk).update(first_name="东成镇综治中心")
    secretary = User.objects.get(pk=personas.secretary_a.pk)
    secretary.first_name = "碧塘村书记"
    assert User.objects.get(pk=personas.department.pk).label == "东成镇综治中心 · 职能部门"
    assert secretary.label == "碧塘村书记 · 村（社区）书记"


def test_a_town_role_scoped_to_the_county_reads_as_the_county(personas):
    county = actions.do_create_user(None, "county_admin", "town_admin", personas.town.county.code, password=PASSWORD)
    assert names.post_label(county) == "县级管理员"
    assert county.label == "county_admin · 县级管理员 · 新兴县"
    assert names.post_label(personas.town_admin) == "镇管理员"


def test_a_superuser_reads_as_such_and_the_system_by_its_name(personas):
    User.objects.filter(pk=personas.town_admin.pk).update(is_superuser=True, first_name="系统管理员")
    assert User.objects.get(pk=personas.town_admin.pk).label == "系统管理员 · 超级管理员"
    assert names.label(None) == "系统（自动）"
    assert names.actor_label("system") == "系统（自动）"
    assert names.actor_label("") == "系统（自动）"
    assert names.actor_label("Open311 · 12345热线") == "Open311 · 12345热线"
    assert names.actor_label("worker_a1", personas.worker_a1) == personas.worker_a1.label


def test_labels_of_a_list_cost_one_query(personas):
    with CaptureQueriesContext(connection) as queries:
        labels = [u.label for u in User.objects.select_related(*names.LABEL_RELATED).order_by("username")]
    assert len(queries) == 1
    assert "resident_a1 · 群众 · 碧塘第一网格" not in labels  # a resident reads as their person
    assert "张建国 · 群众 · 碧塘第一网格" in labels
