"""Helpers shared by the import and export tests (no tests here): workbooks built cell by cell, and
read back as plain lists."""

import datetime

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from gridgov.org import excel
from tests.conftest import make_id_number

SHEET = {s.kind: s for s in excel.SHEETS}


def write_workbook(path, **sheets) -> str:
    """sheets: kind -> rows, each row a dict header -> value (missing headers stay empty) or a list."""
    wb = Workbook()
    wb.remove(wb.active)
    for kind, rows in sheets.items():
        sheet = SHEET[kind]
        ws = wb.create_sheet(sheet.name)
        ws.append(sheet.headers)
        for row in rows:
            ws.append([row.get(h) for h in sheet.headers] if isinstance(row, dict) else list(row))
    wb.save(path)
    return str(path)


def read_workbook(path) -> dict[str, list[list]]:
    """Sheet name -> rows (header first), cells as text with empty cells as ''."""
    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets}
    finally:
        wb.close()


def person_id(seq: int, birth=datetime.date(1980, 5, 17), region="445321") -> str:
    return make_id_number(region, birth, seq)


def new_village_workbook(path, **overrides) -> str:
    sheets = village_sheets()
    sheets.update(overrides)
    return write_workbook(path, **sheets)


def village_sheets() -> dict[str, list[dict]]:
    """A valid workbook adding village 445321104203 (新村) to the conftest town: its village grid, two
    small grids, a branch and a grid party group, two households and four people (one of them holding
    a post in another grid). Rows are dicts so a test can spoil one cell."""
    return {
        "regions": [{"区划代码": "445321104203", "名称": "新村", "类型": "村", "上级代码": "445321104000"}],
        "grids": [
            {"网格编码": "445321104203000", "网格名称": "新村网格", "上级网格编码": "445321104000000"},
            {"网格编码": "445321104203001", "网格名称": "新村第一网格", "上级网格编码": "445321104203000",
             "边界GeoJSON": '{"type":"Polygon","coordinates":[[[112.4,22.8],[112.41,22.8],[112.41,22.81],'
                            '[112.4,22.81],[112.4,22.8]]]}'},
            {"网格编码": "445321104203002", "网格名称": "新村第二网格", "上级网格编码": "445321104203000"},
        ],
        "party_orgs": [
            {"组织编码": "DZB-203", "名称": "新村党支部", "类型": "党支部", "所属区划代码": "445321104203"},
            {"组织编码": "DXZ-203-1", "名称": "新村第一网格党小组", "类型": "网格党小组", "上级组织编码": "DZB-203",
             "所属区划代码": "445321104203", "所属网格编码": "445321104203001"},
        ],
        "households": [
            {"户编号": "H445321104203001001", "所属网格编码": "445321104203001", "地址": "新村一巷1号", "党员中心户": "否"},
            {"户编号": "H445321104203002001", "所属网格编码": "445321104203002", "地址": "新村二巷1号"},
        ],
        "people": [
            {"姓名": "赵一", "性别": "男", "出生日期": "1980-05-17", "身份证号": person_id(31), "手机号": "13900000031",
             "户编号": "H445321104203001001", "与户主关系": "户主", "政治面貌": "中共党员",
             "所属党组织编码": "DXZ-203-1", "身份": "网格长、党员中心户"},
            {"姓名": "钱二", "身份证号": person_id(32), "户编号": "H445321104203001001", "与户主关系": "配偶"},
            {"姓名": "孙三", "出生日期": datetime.datetime(1980, 5, 17), "身份证号": person_id(33),
             "手机号": 13900000033, "户编号": "H445321104203002001", "与户主关系": "户主",
             "所属网格编码": "445321104203002", "身份": "专职网格员"},
            {"姓名": "李四", "身份证号": person_id(34), "所属网格编码": "445321104203000",
             "身份": "网格长、兼职网格员@445321104203001"},
        ],
    }


@pytest.fixture(autouse=False)
def english():
    """Reasons are compared with their English msgids: Chinese comes later from the translation pass."""
    with translation.override("en"):
        yield


def table_counts() -> dict[str, int]:
    from gridgov.core.models import AuditEntry
    from gridgov.org.models import Grid, Household, PartyOrg, Person, Post, Region

    return {m.__name__: m.objects.count() for m in (Region, Grid, PartyOrg, Household, Person, Post, AuditEntry)}
