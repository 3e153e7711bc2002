"""One bad row among good ones and nothing at all is written: no object, no audit row."""

import pytest

from gridgov.org.imports import ImportFailed, import_workbook
from tests.org.test_import_support import english, table_counts, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def test_one_bad_row_writes_nothing(town, tmp_path):
    sheets = village_sheets()
    # The last person of the last sheet is the only bad row: everything before it was valid.
    sheets["people"][-1]["所属网格编码"] = "445321104203077"
    before = table_counts()

    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "bad.xlsx", **sheets))

    assert [(e.sheet, e.row, e.column, e.reason) for e in failed.value.errors] == [
        ("人员", 5, "所属网格编码", "Unknown grid code.")]
    assert table_counts() == before


def test_bad_update_of_a_registered_person_changes_nothing(town, tmp_path):
    zhang = town.zhang
    rows = [{"姓名": "张建国（改）", "身份证号": zhang.id_number, "户编号": zhang.household.number, "与户主关系": "户主"},
            {"姓名": "无名", "身份证号": "123", "所属网格编码": town.a1.code}]
    before = table_counts()

    with pytest.raises(ImportFailed):
        import_workbook(write_workbook(tmp_path / "bad.xlsx", people=rows))

    zhang.refresh_from_db()
    assert zhang.name == "张建国"
    assert table_counts() == before
