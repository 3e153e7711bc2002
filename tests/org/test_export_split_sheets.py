"""Lists longer than an Excel sheet continue on 人员2, 人员3, ...; each sheet states its size, and the
import reads continuation sheets and never trusts a stated size."""

from openpyxl import Workbook, load_workbook

from gridgov.org import excel
from gridgov.org.exports import export_workbook
from gridgov.org.imports import import_workbook
from gridgov.org.models import Person
from tests.org.test_import_support import person_id, read_workbook


def test_long_lists_continue_on_numbered_sheets_and_reimport(town, tmp_path):
    counts = export_workbook("people", tmp_path / "p.xlsx", full=True, max_rows=2)
    book = read_workbook(tmp_path / "p.xlsx")
    assert counts == {"people": 5}
    assert list(book) == ["人员", "人员2", "人员3"]
    assert [len(rows) - 1 for rows in book.values()] == [2, 2, 1]
    assert all(rows[0] == excel.PEOPLE.headers for rows in book.values())
    wb = load_workbook(tmp_path / "p.xlsx", read_only=True)
    assert [ws.max_row for ws in wb.worksheets] == [3, 3, 2]

    summary = import_workbook(tmp_path / "p.xlsx")
    assert summary["people"] == {"created": 0, "updated": 0, "unchanged": 5}


def test_import_reads_past_a_stated_size_that_is_too_small(town, tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人员")
    ws.calculate_dimension = lambda: "A1:K2"
    ws.append(excel.PEOPLE.headers)
    for seq in range(71, 74):
        ws.append(["新人", None, None, person_id(seq), None, None, None, town.a1.code])
    wb.save(tmp_path / "short.xlsx")

    summary = import_workbook(tmp_path / "short.xlsx")

    assert summary["people"]["created"] == 3
    assert Person.objects.filter(name="新人").count() == 3
