"""The case ledger (台账): Chinese headers, one row per case the exporter may export, reporters' phones
masked, the window by reporting day, and an audit row per export; through write_ledger and through
`gridgov export cases`."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gridgov.cases import actions, ledger
from gridgov.cases.models import Case
from gridgov.core.models import AuditEntry
from tests.cases.conftest import POINT_B1, local

HEADERS = ["案件编号", "上报时间", "类别", "网格", "村(社区)", "地点", "来源渠道", "状态", "处置层级", "处置人/单位", "期限",
           "是否超期", "结案时间", "按期结案", "返工次数", "升级次数", "满意度", "问题描述", "联系电话"]


def read(target):
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["案件台账", "说明"]
    rows = [list(r) for r in book["案件台账"].iter_rows(values_only=True)]
    info = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    return rows[0], {r[0]: dict(zip(HEADERS, r)) for r in rows[1:]}, info


@pytest.fixture
def cases(personas, report, drive, clock):
    p = personas
    closed = drive(report(description="巷口垃圾", place="碧塘村3组12号门前"), "closed")
    actions.do_rate(p.resident_a1, closed, "basic")
    clock.move_to(local(2026, 3, 3, 9, 0))
    hotline = report(actor=p.town_admin, reporter_phone="13912345678", channel="hotline", description="来电反映")
    late = drive(report(description="处置超期"), "in_progress")  # handling due Wednesday 10:00
    elsewhere = report(point=POINT_B1, description="都斛村的问题")
    clock.move_to(local(2026, 3, 4, 10, 30))
    return {"closed": closed, "hotline": hotline, "late": late, "elsewhere": elsewhere}


def test_the_secretary_gets_the_village_cases_in_chinese(personas, cases):
    out = io.BytesIO()
    assert ledger.write_ledger(personas.secretary_a, Case.objects.all(), out) == 3
    header, rows, info = read(io.BytesIO(out.getvalue()))
    assert header == HEADERS
    assert set(rows) == {cases["closed"].number, cases["hotline"].number, cases["late"].number}
    closed = rows[cases["closed"].number]
    assert closed["上报时间"] == datetime.datetime(2026, 3, 2, 10, 0)
    assert (closed["类别"], closed["网格"], closed["村(社区)"]) == ("环境卫生/垃圾清运", "碧塘第一网格", "碧塘村")
    assert (closed["地点"], rows[cases["hotline"].number]["地点"]) == ("碧塘村3组12号门前", None)  # None: an empty cell
    assert (closed["状态"], closed["处置层级"], closed["处置人/单位"]) == ("已结案", "网格", "王志强")
    assert (closed["期限"], closed["是否超期"], closed["按期结案"], closed["满意度"]) == (None, "否", "是", "基本满意")
    assert closed["结案时间"] == datetime.datetime(2026, 3, 2, 10, 0)
    assert (closed["返工次数"], closed["升级次数"], closed["问题描述"]) == (0, 0, "巷口垃圾")
    hotline = rows[cases["hotline"].number]
    assert (hotline["来源渠道"], hotline["状态"], hotline["联系电话"]) == ("热线电话", "已上报", "139****5678")
    assert hotline["是否超期"] == "是"  # assessment was due Tuesday 11:00
    late = rows[cases["late"].number]
    assert (late["状态"], late["是否超期"], late["期限"]) == ("处置中", "是", datetime.datetime(2026, 3, 4, 10, 0))
    assert info["导出人"] == "secretary_a" and info["案件数"] == 3
    assert b"13912345678" not in out.getvalue()
    entry = AuditEntry.objects.get(action="case.ledger_export")
    assert (entry.actor, entry.after["rows"], entry.path) == (personas.secretary_a, 3, personas.secretary_a.scope_path)


def test_each_role_gets_its_own_part(personas, cases):
    def numbers(user):
        out = io.BytesIO()
        ledger.write_ledger(user, ledger.ledger_queryset(user), out)
        return set(read(io.BytesIO(out.getvalue()))[1])

    assert numbers(personas.worker_a1) == {cases[k].number for k in ("closed", "hotline", "late")}
    assert numbers(personas.outsider) == {cases["elsewhere"].number}
    assert numbers(personas.town_admin) == {c.number for c in cases.values()}
    assert numbers(None) == {c.number for c in cases.values()}
    for user in (personas.resident_a1, personas.party_a1):
        with pytest.raises(PermissionDenied):
            ledger.write_ledger(user, Case.objects.all(), io.BytesIO())
        with pytest.raises(PermissionDenied):
            ledger.ledger_queryset(user)
    assert AuditEntry.objects.filter(action="case.ledger_export").count() == 4


def test_the_window_counts_local_reporting_days(personas, cases):
    monday = ledger.ledger_queryset(personas.town_admin, until=datetime.date(2026, 3, 2))
    tuesday = ledger.ledger_queryset(personas.town_admin, since=datetime.date(2026, 3, 3),
                                     until=datetime.date(2026, 3, 3))
    assert set(monday) == {cases["closed"]}
    assert set(tuesday) == {cases["hotline"], cases["late"], cases["elsewhere"]}
    assert not ledger.ledger_queryset(personas.town_admin, since=datetime.date(2026, 3, 4)).exists()


def test_gridgov_export_cases(personas, cases, tmp_path, english):
    target = tmp_path / "台账.xlsx"
    out = io.StringIO()
    call_command("export", "cases", str(target), "--as", "secretary_a", "--since", "2026-03-03", "--until",
                 "2026-03-03", stdout=out)
    assert "cases: 2 rows" in out.getvalue()
    _header, rows, info = read(target)
    assert set(rows) == {cases["hotline"].number, cases["late"].number}
    assert info["范围"] == "2026-03-03 ~ 2026-03-03"
    assert AuditEntry.objects.get(action="case.ledger_export").after == {"rows": 2, "note": "2026-03-03 ~ 2026-03-03"}
    with pytest.raises(CommandError, match="may not export the case ledger"):
        call_command("export", "cases", str(target), "--as", "resident_a1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="always masks phones"):
        call_command("export", "cases", str(target), "--full", stdout=io.StringIO())
    with pytest.raises(CommandError, match="case ledger only"):
        call_command("export", "people", str(tmp_path / "p.xlsx"), "--since", "2026-03-03", stdout=io.StringIO())


def test_a_download_view_can_stream_it_into_its_response(personas, cases):
    from django.http import HttpResponse

    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert ledger.write_ledger(personas.town_admin, ledger.ledger_queryset(personas.town_admin), response) == 4
    assert len(read(io.BytesIO(response.content))[1]) == 4
