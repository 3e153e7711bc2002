"""The town's catalogue to and from an Excel sheet: all or nothing, row errors like the registry import
(gridgov.org.imports: RowError, ImportFailed). Rows add items or change them by code; items not in the
sheet stay as they are (a column 启用 = 否 retires one).

Sheet 服务事项 (else the first sheet), header row then one row an item:
    事项编码 | 事项名称 | 类别 | 部门 | 所需材料 | 时限（工作日） | 可代办 | 办结层级 | 启用
所需材料: materials separated by "；", each "名称（原件×1，须到厅）" or "名称（复印件×2，可拍照）" or just
"名称" (a copy, one, a photo enough).
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gridgov.core import audit, xlsx
from gridgov.org.imports import ImportFailed, RowError, _text

from .actions import ServiceError, item_fields
from .models import Group, HandledAt, ServiceItem

SHEET = "服务事项"
HEADERS = ("事项编码", "事项名称", "类别", "部门", "所需材料", "时限（工作日）", "可代办", "办结层级", "启用")
GROUP_NAMES = {"social": "社保", "medical": "医保", "civil": "民政", "family": "计生", "certificate": "证明",
               "farming": "农业", "disability": "残联", "veterans": "退役军人", "housing": "住建国土", "other": "其他"}
WHERE_NAMES = {"village": "村", "town": "镇", "department": "部门"}
YES, NO = "是", "否"
MATERIAL = re.compile(r"^(?P<name>[^（(]+?)\s*[（(](?P<kind>原件|复印件)\s*[×xX*]\s*(?P<count>\d+)\s*[，,]\s*"
                      r"(?P<photo>可拍照|须到厅)\s*[）)]$")


def material_text(m: dict) -> str:
    return f"{m['name']}（{'原件' if m.get('original') else '复印件'}×{m.get('count', 1)}，" \
           f"{'可拍照' if m.get('photo_ok', True) else '须到厅'}）"


def parse_materials(text: str) -> list[dict]:
    out = []
    for part in re.split(r"[；;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        m = MATERIAL.match(part)
        if m:
            out.append({"name": m["name"].strip(), "original": m["kind"] == "原件", "count": int(m["count"]),
                        "photo_ok": m["photo"] == "可拍照"})
        elif re.search(r"[（()）×]", part):
            raise ValueError(part)
        else:
            out.append({"name": part, "original": False, "count": 1, "photo_ok": True})
    return out


def export_workbook(items) -> Workbook:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(list(HEADERS))
    for i in items:
        xlsx.append(ws, [i.code, i.name, GROUP_NAMES.get(i.group, i.group), i.department,
                         "；".join(material_text(m) for m in i.materials or []), i.limit_days,
                         YES if i.agent_allowed else NO, WHERE_NAMES.get(i.handled_at, i.handled_at),
                         YES if i.is_active else NO])
    return wb


def _choice(value: str, names: dict, values) -> str | None:
    value = value.strip()
    if value in values:
        return value
    return next((code for code, name in names.items() if name == value), None)


def import_catalogue(actor, town, fileobj) -> int:
    """Check every row, then write them all in one transaction; ImportFailed (nothing written) on any error."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl cannot read is no workbook
        raise ImportFailed([RowError(SHEET, 0, "", "", _("This is not an Excel workbook (.xlsx)."))], 1) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = [_text(v) for v in (rows[0] if rows else ())]
    if header[:len(HEADERS)] != list(HEADERS):
        raise ImportFailed([RowError(ws.title, 1, "", " ".join(header),
                                     _("The header row must be: %(headers)s") % {"headers": "、".join(HEADERS)})], 1)
    errors: list[RowError] = []
    parsed, codes = [], set()
    for index, values in enumerate(rows[1:], start=2):
        values = [_text(v) for v in list(values) + [None] * len(HEADERS)][:len(HEADERS)]
        if not any(values):
            continue
        code, name, group, department, materials, limit, agent, where, active = values

        def bad(column, value, reason, index=index):
            errors.append(RowError(ws.title, index, HEADERS[column], value, reason))

        g = _choice(group, GROUP_NAMES, Group.values)
        if g is None:
            bad(2, group, _("Unknown group."))
        w = _choice(where, WHERE_NAMES, HandledAt.values)
        if w is None:
            bad(7, where, _("Write 村, 镇 or 部门."))
        try:
            days = int(float(limit))
        except ValueError:
            days = None
            bad(5, limit, _("Not a number of working days."))
        try:
            mats = parse_materials(materials)
        except ValueError as exc:
            mats = None
            bad(4, str(exc), _("Write a material as 名称（原件×1，须到厅） or 名称（复印件×1，可拍照）."))
        flags = []
        for column, value in ((6, agent), (8, active)):
            if value not in (YES, NO, ""):
                bad(column, value, _("Write 是 or 否."))
            flags.append(value != NO)
        if code in codes:
            bad(0, code, _("This code appears twice in the sheet."))
        codes.add(code)
        if g and w and days is not None and mats is not None:
            try:
                fields = item_fields(code, name, g, department, mats, days, flags[0], w)
            except ServiceError as exc:
                bad(HEADERS.index({"code": "事项编码", "name": "事项名称", "materials": "所需材料",
                                   "limit_days": "时限（工作日）"}.get(exc.field, "事项编码")), "", exc.message)
            else:
                parsed.append((fields, flags[1]))
    if not parsed and not errors:
        errors.append(RowError(ws.title, 2, "", "", _("The sheet has no rows.")))
    if errors:
        raise ImportFailed(errors, len(errors))
    with transaction.atomic():
        known = {i.code: i for i in ServiceItem.objects.select_for_update().filter(town=town)}
        entries = []
        for fields, active in parsed:
            item = known.get(fields["code"])
            before = audit.snapshot(item) if item else None
            item = item or ServiceItem(town=town, path=town.path)
            for k, v in fields.items():
                setattr(item, k, v)
            item.is_active = active
            item.save()
            entries.append((item, before, audit.snapshot(item)))
        audit.record_many("service.import", entries, actor=actor)
    return len(parsed)
