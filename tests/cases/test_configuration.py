"""Categories, units and the calendar are configured through audited actions by town administrators."""

import datetime

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Category, Unit
from gridgov.cases.workflow import CaseError
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("code, parent_code, message", [
    ("1", None, "2 digits"),
    ("0105", None, "2 digits"),
    ("0201", "01", "main category's code"),
    ("010", "01", "main category's code"),
    ("01", None, "already exists"),
])
def test_category_codes(personas, cfg, code, parent_code, message):
    parent = Category.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(CaseError, match=message):
        actions.do_create_category(personas.town_admin, code, "名称", parent=parent)


def test_subcategories_sit_under_main_categories_and_limits_are_positive(personas, cfg):
    with pytest.raises(CaseError, match="under a main category"):
        actions.do_create_category(personas.town_admin, "010101", "三级", parent=cfg.garbage)
    with pytest.raises(CaseError, match="at least 1"):
        actions.do_create_category(personas.town_admin, "0104", "零时限", parent=cfg.env, handle_limit=0)
    with pytest.raises(CaseError, match="cannot be changed"):
        actions.do_update_category(personas.town_admin, cfg.garbage, code="9999")


def test_only_town_administrators_configure(personas, cfg):
    for user in (personas.secretary_a, personas.worker_a1, personas.department, personas.resident_a1):
        with pytest.raises(CaseError) as refused:
            actions.do_create_category(user, "09", "其他")
        assert refused.value.status == 403
        with pytest.raises(CaseError):
            actions.do_set_holiday(user, datetime.date(2026, 3, 3), False, "假")
    created = actions.do_create_category(personas.town_admin, "09", "其他")
    assert AuditEntry.objects.filter(action="case_category.create", object_id=str(created.pk),
                                     actor=personas.town_admin).exists()


def test_category_changes_are_audited(personas, cfg):
    actions.do_update_category(personas.town_admin, cfg.garbage, handle_limit=12)
    entry = AuditEntry.objects.get(action="case_category.update")
    assert (entry.before, entry.after) == ({"handle_limit": 8}, {"handle_limit": 12})


def test_units_belong_to_the_right_kind_of_region(personas, cfg):
    town = personas.town
    with pytest.raises(CaseError, match="village committee"):
        actions.do_create_unit(None, "U-X", "村委会", Unit.Kind.VILLAGE, town.town)
    with pytest.raises(CaseError, match="village committee"):
        actions.do_create_unit(None, "U-X", "派出所", Unit.Kind.DEPARTMENT, town.village_a)
    with pytest.raises(CaseError, match="code of its own"):
        actions.do_create_unit(None, "U-A", "重复", Unit.Kind.VILLAGE, town.village_a)
    assert cfg.zongzhi.level == "department" and cfg.town_office.level == "town"
    assert cfg.village_a_committee.level == "village"


def test_unit_members_work_where_the_unit_does(personas, cfg):
    with pytest.raises(CaseError, match="do not work where"):
        actions.do_set_unit_members(None, cfg.village_a_committee, [personas.outsider])
    actions.do_set_unit_members(None, cfg.village_a_committee, [personas.secretary_a, personas.worker_a1])
    assert set(cfg.village_a_committee.members.values_list("username", flat=True)) == {"secretary_a", "worker_a1"}
    assert AuditEntry.objects.filter(action="case_unit.members").count() == 1
