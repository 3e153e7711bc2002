"""Only town administrators (and superusers) import, and only rows inside their own part of the tree."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.core import audit
from gridgov.core.models import AuditEntry
from gridgov.org import actions
from gridgov.org.imports import ImportFailed, import_workbook
from gridgov.org.models import Region, User
from tests.conftest import make_id_number
from tests.org.test_import_support import english, person_id, table_counts, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")
OUTSIDE = "This row lies outside the part of the tree you may import."


@pytest.fixture
def other_town(town):
    """A second town of the county, outside the town administrator's scope."""
    t = actions.do_create_region(None, "445321105000", "六祖镇", parent=town.county)
    actions.do_create_region(None, "445321105201", "龙山村", parent=t)
    tg = actions.do_create_grid(None, "445321105000000", "六祖镇网格")
    vg = actions.do_create_grid(None, "445321105201000", "龙山村网格", parent=tg)
    g = actions.do_create_grid(None, "445321105201001", "龙山第一网格", parent=vg)
    house = actions.do_create_household(None, "H445321105201001001", g, "龙山一巷1号")
    import datetime

    person = actions.do_create_person(None, name="黄伟", grid=g, household=house, relation="head",
                                      id_number=make_id_number("445321", datetime.date(1975, 3, 3), 51))
    return {"town": t, "grid": g, "house": house, "person": person}


def test_town_admin_imports_inside_the_town(personas, tmp_path):
    summary = import_workbook(write_workbook(tmp_path / "v.xlsx", **village_sheets()), actor=personas.town_admin)
    assert summary["people"]["created"] == 4
    written = AuditEntry.objects.filter(action="person.create", actor=personas.town_admin)
    assert sum(len(audit.covered_ids(e)) for e in written) == 4
    assert AuditEntry.objects.get(action="org.import").path == personas.town_admin.scope_path


@pytest.mark.parametrize("role", ["secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"])
def test_other_roles_may_not_import(personas, tmp_path, role):
    before = table_counts()
    with pytest.raises(PermissionDenied):
        import_workbook(write_workbook(tmp_path / "v.xlsx", **village_sheets()), actor=getattr(personas, role))
    assert table_counts() == before


def test_new_rows_outside_the_town_are_errors(personas, tmp_path):
    sheets = {"regions": [{"区划代码": "445321106000", "名称": "稔村镇", "类型": "镇", "上级代码": "445321000000"}],
              "grids": [{"网格编码": "445321106000000", "网格名称": "稔村镇网格"}]}
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "out.xlsx", **sheets), actor=personas.town_admin)
    assert [(e.sheet, e.row, e.column, e.reason) for e in failed.value.errors] == [
        ("行政区划", 2, "区划代码", OUTSIDE), ("网格", 2, "网格编码", OUTSIDE)]
    assert not Region.objects.filter(code="445321106000").exists()


def test_registered_rows_of_another_town_are_errors(personas, other_town, tmp_path):
    house, person = other_town["house"], other_town["person"]
    sheets = {
        "households": [{"户编号": house.number, "所属网格编码": other_town["grid"].code, "地址": "改了"}],
        "people": [{"姓名": "黄伟", "身份证号": person.id_number, "所属网格编码": personas.town.a1.code}],
    }
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "out.xlsx", **sheets), actor=personas.town_admin)
    reported = [(e.sheet, e.row, e.column, e.reason) for e in failed.value.errors]
    assert ("户", 2, "户编号", OUTSIDE) in reported
    # Moving someone of another town into this one is refused too.
    assert ("人员", 2, "身份证号", OUTSIDE) in reported
    house.refresh_from_db()
    assert house.address == "龙山一巷1号"


def test_people_and_posts_in_grids_of_another_town_are_errors(personas, other_town, tmp_path):
    people = [{"姓名": "新人", "身份证号": person_id(61), "所属网格编码": other_town["grid"].code},
              {"姓名": "新人二", "身份证号": person_id(62), "所属网格编码": personas.town.a1.code,
               "身份": f"网格长@{other_town['grid'].code}"}]
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "out.xlsx", people=people), actor=personas.town_admin)
    assert [(e.row, e.column, e.reason) for e in failed.value.errors] == [
        (2, "所属网格编码", OUTSIDE), (3, "身份", OUTSIDE)]


def test_superuser_imports_anywhere(personas, other_town, tmp_path):
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    sheets = {"households": [{"户编号": other_town["house"].number, "所属网格编码": other_town["grid"].code,
                              "地址": "龙山一巷9号"}]}
    summary = import_workbook(write_workbook(tmp_path / "root.xlsx", **sheets), actor=root)
    assert summary["households"]["updated"] == 1
