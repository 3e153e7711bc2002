"""The template is the import format itself: the five sheets with their headers, then 说明."""

from openpyxl import load_workbook

from gridgov.core.models import AuditEntry
from gridgov.org import excel
from gridgov.org.exports import export_workbook
from gridgov.org.imports import import_workbook


def test_template_has_the_sheets_and_headers_of_the_format(db, tmp_path):
    export_workbook("template", tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["行政区划", "网格", "党组织", "户", "人员", "说明"]
    assert [c.value for c in wb["人员"][1]] == ["姓名", "性别", "出生日期", "身份证号", "手机号", "户编号", "与户主关系",
                                              "所属网格编码", "政治面貌", "所属党组织编码", "身份"]
    assert [c.value for c in wb["网格"][1]] == ["网格编码", "网格名称", "上级网格编码", "边界GeoJSON"]
    for sheet in excel.SHEETS:
        assert [c.value for c in wb[sheet.name][1]] == sheet.headers
        assert wb[sheet.name].max_row == 1
    # Drop-down lists offer the enumerated values.
    formulas = [dv.formula1 for dv in wb["人员"].data_validations.dataValidation]
    assert '"男,女"' in formulas and any("户主" in f for f in formulas)


def test_template_explains_every_column(db, tmp_path):
    export_workbook("template", tmp_path / "t.xlsx")
    explained = {(row[0], row[1]) for row in load_workbook(tmp_path / "t.xlsx")["说明"].iter_rows(values_only=True)}
    for sheet in excel.SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.header) in explained


def test_empty_template_imports_as_nothing(town, tmp_path):
    export_workbook("template", tmp_path / "t.xlsx")
    summary = import_workbook(tmp_path / "t.xlsx")
    assert all(sum(counts.values()) == 0 for counts in summary.values())
    assert AuditEntry.objects.filter(action="org.import").count() == 1
