"""Exports are scoped like every other read and mask ID numbers and phones unless a role that may see
them in full asks for it; every export is audited."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.core.models import AuditEntry
from gridgov.org.exports import export_workbook
from tests.org.test_import_support import read_workbook

MASKED_ID = re.compile(r"^4453\*{10}[0-9X]{4}$")
MASKED_PHONE = re.compile(r"^138\*{4}[0-9]{4}$")


def people_rows(path) -> list[list[str]]:
    return read_workbook(path)["人员"][1:]


def test_system_export_is_masked_by_default(town, tmp_path):
    export_workbook("people", tmp_path / "p.xlsx")
    rows = people_rows(tmp_path / "p.xlsx")
    assert len(rows) == 5
    assert all(MASKED_ID.match(r[3]) and MASKED_PHONE.match(r[4]) for r in rows)
    zhang = next(r for r in rows if r[0] == "张建国")
    assert zhang[3] == town.zhang.id_number[:4] + "*" * 10 + town.zhang.id_number[-4:]
    assert zhang[4] == "138****0011"


def test_village_secretary_exports_only_the_village_masked(personas, tmp_path):
    export_workbook("people", tmp_path / "p.xlsx", user=personas.secretary_a)
    rows = people_rows(tmp_path / "p.xlsx")
    assert sorted(r[0] for r in rows) == ["张建国", "李秀英", "王志强", "陈丽华"]
    assert all(MASKED_ID.match(r[3]) for r in rows)
    households = read_workbook(tmp_path / "p.xlsx")
    assert list(households) == ["人员"]


def test_village_secretary_may_ask_for_full_data_and_it_is_audited(personas, tmp_path):
    counts = export_workbook("people", tmp_path / "p.xlsx", user=personas.secretary_a, full=True)
    rows = people_rows(tmp_path / "p.xlsx")
    assert {r[3] for r in rows} == {p.id_number for p in (personas.town.zhang, personas.town.zhang_wife,
                                                          personas.town.wang, personas.town.chen)}
    entry = AuditEntry.objects.get(action="org.export")
    assert entry.actor == personas.secretary_a
    assert entry.after == {"kind": "people", "rows": counts, "masked": False}
    assert entry.path == personas.secretary_a.scope_path


def test_grid_worker_exports_only_the_grid(personas, tmp_path):
    export_workbook("all", tmp_path / "all.xlsx", user=personas.worker_a1)
    book = read_workbook(tmp_path / "all.xlsx")
    # A grid worker may not export regions or party organisations: those sheets are left out.
    assert list(book) == ["网格", "户", "人员"]
    assert [r[0] for r in book["网格"][1:]] == [personas.town.a1.code]
    assert sorted(r[0] for r in book["户"][1:]) == ["H445321104201001001", "H445321104201001002"]
    assert sorted(r[0] for r in book["人员"][1:]) == ["张建国", "李秀英", "王志强"]
    assert AuditEntry.objects.get(action="org.export").after["masked"] is True


def test_outsider_export_holds_nothing_of_village_a(personas, tmp_path):
    export_workbook("all", tmp_path / "all.xlsx", user=personas.outsider, full=True)
    text = repr(read_workbook(tmp_path / "all.xlsx"))
    for secret in ("碧塘", "445321104201", "张建国", personas.town.zhang.id_number):
        assert secret not in text
    assert "刘德明" in text


@pytest.mark.parametrize("role", ["resident_a1", "party_a1", "department"])
def test_roles_without_export_are_refused(personas, tmp_path, role):
    with pytest.raises(PermissionDenied):
        export_workbook("people", tmp_path / "p.xlsx", user=getattr(personas, role))
    assert not AuditEntry.objects.filter(action="org.export").exists()


def test_department_may_not_export_even_what_it_views(personas, tmp_path):
    with pytest.raises(PermissionDenied):
        export_workbook("grids", tmp_path / "g.xlsx", user=personas.department)
