"""The catalogue's Excel sheet: export and import again gives the same items; a sheet with one bad row
writes nothing and names the row, column and problem; only the town keeps its catalogue."""

import io

from openpyxl import load_workbook

from gridgov.core.models import AuditEntry
from gridgov.services.models import ServiceItem


def _sheet(rows):
    from openpyxl import Workbook

    from gridgov.services.imports import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.title = "服务事项"
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "catalogue.xlsx"
    return out


def test_export_import_round_trip_and_all_or_nothing(personas, items, login):
    admin = login(personas.town_admin)
    exported = admin.get("/services/catalogue/export/")
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["MZ001"][:3] == ("MZ001", "最低生活保障申请", "民政")
    assert by_code["MZ001"][4].endswith("银行卡（原件×1，须到厅）")
    before = list(ServiceItem.objects.order_by("code").values())
    bad = _sheet([["MZ001", "最低生活保障申请（改）", "民政", "民政办", "户口簿", 5, "是", "镇", "是"],
                  ["NY001", "农机购置补贴", "农业", "农业农村办", "购机发票（原件×1，须到厅）", 20, "是", "部门", "是"],
                  ["NY002", "耕地地力保护补贴申报", "农业", "农业农村办", "银行卡", "十五", "是", "镇", "是"]])
    page = admin.post("/services/catalogue/import/", {"file": bad}, follow=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert "import-errors" in body and "十五" in body
    assert list(ServiceItem.objects.order_by("code").values()) == before
    assert not AuditEntry.objects.filter(action="service.import").exists()
    good = _sheet([["MZ001", "最低生活保障申请", "民政", "民政办", "户口簿；银行卡（原件×1，须到厅）", 30, "是", "镇", "是"],
                   ["NY001", "农机购置补贴", "农业", "农业农村办", "购机发票（原件×1，须到厅）；农机照片", 20, "否", "部门",
                    "是"],
                   ["ZM001", "居住证明", "证明", "村委会", "-1+1 相关证明", 1, "否", "村", "否"]])
    admin.post("/services/catalogue/import/", {"file": good})
    assert ServiceItem.objects.count() == 3
    mz = ServiceItem.objects.get(code="MZ001")
    assert mz.limit_days == 30 and mz.materials[1] == {"name": "银行卡", "original": True, "count": 1,
                                                       "photo_ok": False}
    assert not ServiceItem.objects.get(code="ZM001").is_active
    assert AuditEntry.objects.filter(action="service.import").count() == 3
    # The formula-looking material goes out as text.
    again = load_workbook(io.BytesIO(admin.get("/services/catalogue/export/").content))
    cell = next(row for row in again.active.iter_rows() if row[0].value == "ZM001")[4]
    assert cell.value == "-1+1 相关证明（复印件×1，可拍照）" and cell.data_type == "s" and cell.quotePrefix
    for user in (personas.secretary_a, personas.resident_a1, personas.outsider):
        assert login(user).get("/services/catalogue/").status_code == 404
        assert login(user).post("/services/catalogue/import/", {"file": _sheet([])}).status_code == 404
