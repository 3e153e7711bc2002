"""The workbook reader (python-calamine): row numbers are Excel's whatever the gaps and empty leading
columns, empty cells and whole numbers read as before, and only .xlsx workbooks are taken."""

import zipfile

import pytest
from openpyxl import Workbook

from gridgov.org import excel
from gridgov.org.imports import ImportFailed, import_workbook
from gridgov.org.models import Person
from tests.org.test_import_support import english, person_id, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")
SHEET = {s.kind: s for s in excel.SHEETS}


def write_shifted(path, sheets, blank_rows_before: dict[int, int], blank_columns: int = 1) -> str:
    """The village workbook with `blank_columns` empty columns on the left of every sheet and, in the
    people sheet, blank_rows_before[i] empty rows before person i."""
    wb = Workbook()
    wb.remove(wb.active)
    for kind, rows in sheets.items():
        ws = wb.create_sheet(SHEET[kind].name)
        ws.append([None] * blank_columns + SHEET[kind].headers)
        for i, row in enumerate(rows):
            if kind == "people":
                for _blank in range(blank_rows_before.get(i, 0)):
                    ws.append([])
            ws.append([None] * blank_columns + [row.get(h) for h in SHEET[kind].headers])
    wb.save(path)
    return str(path)


def test_rows_are_numbered_as_excel_shows_them_after_blank_rows_and_columns(town, tmp_path):
    sheets = village_sheets()
    sheets["people"][2]["手机号"] = "12345"
    sheets["people"][3]["出生日期"] = "1980-05-18"  # not the date in the ID number
    # Header row 1; person 0 on row 3 (one blank row before), 1 on 4, 2 on 7 (two blank), 3 on 8.
    path = write_shifted(tmp_path / "gaps.xlsx", sheets, {0: 1, 2: 2})
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    assert [(e.sheet, e.row, e.column) for e in failed.value.errors] == [("人员", 7, "手机号"), ("人员", 8, "出生日期")]


def test_a_workbook_with_blank_rows_and_a_blank_first_column_imports_whole(town, tmp_path):
    summary = import_workbook(write_shifted(tmp_path / "gaps.xlsx", village_sheets(), {0: 1, 2: 3}, blank_columns=2))
    assert summary["people"]["created"] == 4
    assert Person.objects.filter(name__in=["赵一", "钱二", "孙三", "李四"]).count() == 4


def test_a_header_below_an_empty_first_row_is_not_found(town, tmp_path):
    # As before the reader changed: row 1 is the header, even when it is empty.
    path = tmp_path / "low.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([])
    ws.append(SHEET["people"].headers)
    ws.append(["赵一", "男", "1980-05-17", person_id(31)])
    wb.save(path)
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    assert {(e.row, e.column) for e in failed.value.errors} == {
        (1, c.header) for c in SHEET["people"].columns if c.required}


@pytest.mark.parametrize("value, reason", [
    (445321198005171, "ID number must be 17 digits followed by a digit or X"),
    (float(person_id(32)), "The ID number was stored as a number and lost digits; format the column as text."),
    (12.5, "The ID number was stored as a number and lost digits; format the column as text."),
])
def test_an_id_number_typed_as_a_number(town, tmp_path, value, reason):
    # A whole number of up to 15 digits is exact in Excel and is checked as digits; an 18-digit one is not.
    sheets = village_sheets()
    sheets["people"][1]["身份证号"] = value
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "num.xlsx", **sheets))
    assert ("人员", 3, "身份证号", reason) in [(e.sheet, e.row, e.column, e.reason) for e in failed.value.errors]


def test_a_zip_that_is_not_an_xlsx_workbook_is_refused(town, tmp_path):
    path = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(path, "w") as archive:  # the start of an OpenDocument spreadsheet
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    assert [(e.row, e.reason) for e in failed.value.errors] == [(0, "The file is not an .xlsx workbook.")]
