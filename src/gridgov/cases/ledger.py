"""The case ledger (案件台账): the cases a user may export, one row each, in an .xlsx workbook.

The ledger is a document towns keep and pass on, so its sheet names, headers and enumerated values are
fixed Chinese text, part of the format (like the registry workbook of org.excel), not translated text.
Reporters' phones are always masked. Rows are streamed (openpyxl write-only mode, database rows in
chunks), and every export writes one audit row.

For pages and the command:
- ledger_queryset(user, since=None, until=None, scope_path=None): the cases reported in the window
  (local dates, both ends included) that `user` may export (None: the system, everything);
- write_ledger(user, cases_qs, file): writes the workbook to a path or a binary file, returns rows.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gridgov.core import audit, crypto, personal, xlsx
from gridgov.core.scoping import EXPORT, can, restrict

from .models import OPEN_STATES, Case

SHEET = "案件台账"
INFO_SHEET = "说明"
CHUNK = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# (header, column width)
COLUMNS = [
    ("案件编号", 18), ("上报时间", 17), ("类别", 18), ("网格", 18), ("村(社区)", 12), ("地点", 24), ("来源渠道", 12),
    ("状态", 12), ("处置层级", 10), ("处置人/单位", 18), ("期限", 17), ("是否超期", 9), ("结案时间", 17),
    ("按期结案", 9), ("返工次数", 9), ("升级次数", 9), ("满意度", 12), ("问题描述", 50), ("联系电话", 14),
]
HEADERS = [header for header, _width in COLUMNS]

STATES = {"reported": "已上报", "accepted": "已受理", "dispatched": "已派遣", "in_progress": "处置中",
          "suspended": "已挂起", "resolved": "已办结待核查", "closed": "已结案", "rejected": "不予受理",
          "merged": "已合并"}
LEVELS = {"grid": "网格", "village": "村(社区)", "town": "镇", "department": "部门"}
CHANNELS = {"resident": "群众上报", "patrol": "网格巡查", "proxy": "代为上报", "hotline": "热线电话",
            "open311": "Open311", "api": "接口"}
RATINGS = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}
YES, NO = "是", "否"


def ledger_queryset(user, since: datetime.date | None = None, until: datetime.date | None = None,
                    scope_path: str | None = None):
    """Cases reported between `since` and `until` (local dates, inclusive) that `user` may export,
    optionally only those under the node `scope_path`. Raises PermissionDenied for a role with no
    ledger at all."""
    if user is not None and not can(user, EXPORT, Case.scope_kind):
        raise PermissionDenied(_("You may not export the case ledger."))
    qs = Case.objects.all() if user is None else restrict(user, EXPORT, Case)
    tz = timezone.get_current_timezone()
    if since is not None:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(since, datetime.time.min, tz))
    if until is not None:
        qs = qs.filter(created_at__lt=datetime.datetime.combine(until + datetime.timedelta(days=1),
                                                                 datetime.time.min, tz))
    if scope_path:
        qs = qs.filter(path__startswith=scope_path)
    return qs


def _local(value: datetime.datetime | None):
    # Excel has no time zones: local wall time, as staff read it.
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _handler(case: Case) -> str:
    if case.assignee_id:
        user = case.assignee
        name = user.get_full_name() or (user.person.name if user.person_id else "") or user.username
        return f"{name}({case.unit.name})" if case.unit_id else name
    return case.unit.name if case.unit_id else ""


def _is_overdue(case: Case, now: datetime.datetime) -> str:
    running_late = case.state in OPEN_STATES and case.deadline is not None and (
        case.overdue or (case.state != "suspended" and now > case.deadline))
    return YES if running_late or case.late_steps else NO


def _rating(case: Case) -> str:
    if not case.rating:
        return ""
    return RATINGS.get(case.rating, case.rating) + ("(默认)" if case.rating_auto else "")


def ledger_row(case: Case, now: datetime.datetime) -> list:
    category = case.category
    category_name = f"{category.parent.name}/{category.name}" if category.parent_id else category.name
    phone = crypto.decrypt(case.reporter_phone_enc) if case.reporter_phone_enc else ""
    return [
        case.number or str(case.pk), _local(case.created_at), category_name, case.grid.name, case.grid.region.name,
        case.place, CHANNELS.get(case.channel, case.channel), STATES.get(case.state, case.state),
        LEVELS.get(case.level, case.level), _handler(case),
        _local(case.deadline) if case.state in OPEN_STATES else None, _is_overdue(case, now),
        _local(case.closed_at), "" if case.closed_on_time is None else (YES if case.closed_on_time else NO),
        case.rework_count, case.escalation_count, _rating(case), case.description, personal.mask_phone(phone),
    ]


class _LedgerSubject:
    """What a ledger export's audit row is about: placed at the exporter's scope node."""

    pk = None

    def __init__(self, user):
        self.path = getattr(user, "scope_path", "") or ""

    def __str__(self):
        return "case.ledger"


def _cell(ws, value, bold: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    if bold:
        cell.font = Font(bold=True)
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    return cell


def write_ledger(user, cases_qs, file, now: datetime.datetime | None = None, note: str = "") -> int:
    """Write the ledger of `cases_qs` (narrowed to what `user` may export; None: the system) to `file`,
    a path or a binary file object. Returns the number of cases written; the export is audited."""
    if user is not None:
        if not can(user, EXPORT, Case.scope_kind):
            raise PermissionDenied(_("You may not export the case ledger."))
        cases_qs = restrict(user, EXPORT, cases_qs)
    now = now or timezone.now()
    cases = (cases_qs.select_related("category__parent", "grid__region", "assignee__person", "unit")
             .order_by("created_at", "pk"))
    total = cases.count()
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET)
    ref = f"A1:{get_column_letter(len(COLUMNS))}{total + 1}"
    ws.calculate_dimension = lambda: ref  # readers learn the size without scanning the sheet
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    xlsx.append(ws, [_cell(ws, header, bold=True) for header in HEADERS])
    count = 0
    for case in cases.iterator(chunk_size=CHUNK):
        xlsx.append(ws, [_cell(ws, value) if isinstance(value, datetime.datetime) else value
                         for value in ledger_row(case, now)])
        count += 1
        if count >= total:  # rows added while writing wait for the next export
            break
    info = workbook.create_sheet(INFO_SHEET)
    exporter = getattr(user, "username", "") or "system"
    for label, value in [("导出时间", _local(now)), ("导出人", exporter), ("案件数", count),
                         ("说明", "反映人电话已脱敏；是否超期：当前环节已过期限或曾有环节超期。"),
                         ("范围", note)]:
        xlsx.append(info, [_cell(info, label, bold=True), _cell(info, value)])
    workbook.save(file)
    audit.record("case.ledger_export", _LedgerSubject(user), None, {"rows": count, "note": note}, actor=user)
    return count
