"""Each kind of bad row is reported with its sheet, the row number Excel shows, the column header,
the value (personal identifiers masked) and a reason."""

import pytest

from gridgov.core.personal import id_check_char, mask_id_number
from gridgov.org.imports import MAX_ERRORS, ImportFailed, import_workbook
from tests.org.test_import_support import english, person_id, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def _wrong_check_digit(value: str) -> str:
    return value[:17] + ("0" if value[17] != "0" else "1")


def _impossible_birth() -> str:
    body = "445321" + "19801317" + "032"
    return body + id_check_char(body)


CASES = {
    "unknown grid code": ("people", 3, {"所属网格编码": "445321104203009"},
                          ("人员", 5, "所属网格编码", "445321104203009", "Unknown grid code.")),
    "malformed ID number": ("people", 1, {"身份证号": "44532119800517"},
                            ("人员", 3, "身份证号", "4453******0517", "ID number must be 17 digits followed by a digit or X")),
    "wrong check digit": ("people", 1, {"身份证号": _wrong_check_digit(person_id(32))},
                          ("人员", 3, "身份证号", mask_id_number(_wrong_check_digit(person_id(32))),
                           "ID number check digit is wrong")),
    "impossible birth date in the ID": ("people", 1, {"身份证号": _impossible_birth()},
                                        ("人员", 3, "身份证号", mask_id_number(_impossible_birth()),
                                         "ID number contains an impossible birth date")),
    "ID number stored as a number": ("people", 1, {"身份证号": float(person_id(32)[:17] + "0")},
                                     ("人员", 3, "身份证号", None,
                                      "The ID number was stored as a number and lost digits; format the column as text.")),
    "ID duplicated within the file": ("people", 1, {"身份证号": person_id(31)},
                                      ("人员", 3, "身份证号", mask_id_number(person_id(31)),
                                       "Duplicated in this file: also in row 2.")),
    "birth date contradicting the ID": ("people", 0, {"出生日期": "1980-05-18"},
                                        ("人员", 2, "出生日期", "1980-05-18", "The birth date contradicts the ID number.")),
    "gender contradicting the ID": ("people", 0, {"性别": "女"},
                                    ("人员", 2, "性别", "女", "The gender contradicts the ID number.")),
    "bad date": ("people", 1, {"出生日期": "1980-02-30"},
                 ("人员", 3, "出生日期", "1980-02-30", "Not a date; write it as YYYY-MM-DD.")),
    "bad phone": ("people", 1, {"手机号": "12345"},
                  ("人员", 3, "手机号", "*****", "Phone must be an 11-digit mobile number or a landline with area code")),
    "unknown household": ("people", 1, {"户编号": "H445321104203009009"},
                          ("人员", 3, "户编号", "H445321104203009009", "Unknown household number.")),
    "missing required cell": ("people", 1, {"姓名": None}, ("人员", 3, "姓名", "", "This cell is required.")),
    "unknown enum value": ("people", 1, {"与户主关系": "表哥"},
                           ("人员", 3, "与户主关系", "表哥", "Unknown value; use one of: 户主、配偶、子女、父母、孙子女、其他")),
    "unknown post": ("people", 2, {"身份": "专职网格员、村长"},
                     ("人员", 4, "身份", "村长", "Unknown value; use one of: 网格长、专职网格员、兼职网格员、义务网格员、"
                                              "党员责任人、党员中心户、党组织书记、党小组长")),
    "post in an unknown grid": ("people", 2, {"身份": "网格长@445321104203008"},
                                ("人员", 4, "身份", "445321104203008", "Unknown grid code.")),
    "unknown party organisation": ("people", 0, {"所属党组织编码": "P-NONE"},
                                   ("人员", 2, "所属党组织编码", "P-NONE", "Unknown party organisation code.")),
    "party organisation of a non-member": ("people", 1, {"所属党组织编码": "DZB-203"},
                                           ("人员", 3, "所属党组织编码", "DZB-203",
                                            "Only a party member belongs to a party organisation.")),
    "second head of a household": ("people", 1, {"与户主关系": "户主"},
                                   ("人员", 3, "与户主关系", "户主",
                                    "Household H445321104203001001 already has its head in row 2.")),
    "grid that is not the household's": ("people", 1, {"所属网格编码": "445321104203002"},
                                         ("人员", 3, "所属网格编码", "445321104203002",
                                          "This is not the grid of household H445321104203001001 (445321104203001).")),
    "small grid under another village's grid": (
        "grids", 2, {"上级网格编码": "445321104201000"},
        ("网格", 4, "上级网格编码", "445321104201000",
         "The parent of a small grid must be the village grid of the same village (445321104203000).")),
    "grid code whose region does not exist": (
        "grids", 2, {"网格编码": "445321104299001", "上级网格编码": "445321104299000"},
        ("网格", 4, "网格编码", "445321104299001", "No region 445321104299 for this grid.")),
    "malformed grid code": ("grids", 2, {"网格编码": "4453211042030"},
                            ("网格", 4, "网格编码", "4453211042030", "A grid code has 15 digits: 4453211042030")),
    "boundary that is not a polygon": ("grids", 1, {"边界GeoJSON": '{"type": "Point", "coordinates": [112.4, 22.8]}'},
                                       ("网格", 3, "边界GeoJSON", '{"type": "Point", "coordinates": [112.4, 22.8]}',
                                        "A grid boundary must be a GeoJSON Polygon or MultiPolygon")),
    "household in a village grid": ("households", 1, {"所属网格编码": "445321104203000"},
                                    ("户", 3, "所属网格编码", "445321104203000", "Households belong to small grids")),
    "unknown yes/no": ("households", 0, {"党员中心户": "有"},
                       ("户", 2, "党员中心户", "有", "Unknown value; use one of: 是、否")),
    "region parent that the code does not name": (
        "regions", 0, {"上级代码": "445321105000"},
        ("行政区划", 2, "上级代码", "445321105000", "The parent must be the region the code starts with: 445321104000.")),
    "region type against the code's level": ("regions", 0, {"类型": "镇"},
                                             ("行政区划", 2, "类型", "镇", "This type does not match the level read from the code.")),
    "grid party group without its grid": ("party_orgs", 1, {"所属网格编码": None},
                                          ("党组织", 3, "所属网格编码", "", "A grid party group needs its grid")),
    "party organisation in an unknown region": ("party_orgs", 0, {"所属区划代码": "445321104299"},
                                                ("党组织", 2, "所属区划代码", "445321104299", "Unknown region code.")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_cell_is_reported_where_it_is(town, tmp_path, case):
    kind, index, changes, expected = CASES[case]
    sheets = village_sheets()
    sheets[kind][index].update(changes)
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "bad.xlsx", **sheets))
    reported = [(e.sheet, e.row, e.column, e.value if expected[3] is not None else None, e.reason)
                for e in failed.value.errors]
    assert expected in reported


def test_a_loop_of_party_organisations_is_refused(town, tmp_path):
    sheets = village_sheets()
    sheets["party_orgs"][0]["上级组织编码"] = "DXZ-203-1"
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "loop.xlsx", **sheets))
    assert ("党组织", 2, "上级组织编码", "The parent organisations form a loop.") in [
        (e.sheet, e.row, e.column, e.reason) for e in failed.value.errors]


def test_a_missing_column_is_reported_on_the_header_row(town, tmp_path):
    path = tmp_path / "nocol.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(["姓名", "户编号"])
    ws.append(["赵一", "H445321104201001001"])
    wb.save(path)
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    assert [(e.sheet, e.row, e.column, e.reason) for e in failed.value.errors] == [
        ("人员", 1, "身份证号", "The column 身份证号 is missing.")]


def test_a_file_that_is_not_a_workbook_is_refused(town, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("姓名,身份证号\n")
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    assert [(e.row, e.reason) for e in failed.value.errors] == [(0, "The file is not an .xlsx workbook.")]


def test_errors_are_capped_but_counted(town, tmp_path):
    people = [{"姓名": f"人{i}", "身份证号": person_id(100 + i), "所属网格编码": "445321104201001", "手机号": "12"}
              for i in range(MAX_ERRORS + 50)]
    with pytest.raises(ImportFailed) as failed:
        import_workbook(write_workbook(tmp_path / "many.xlsx", people=people))
    assert failed.value.count == MAX_ERRORS + 50
    assert len(failed.value.errors) == MAX_ERRORS
    assert failed.value.errors[-1].row == MAX_ERRORS + 1
    assert str(MAX_ERRORS + 50) in str(failed.value)
