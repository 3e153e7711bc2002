"""`gridgov export KIND FILE.xlsx`, as the system or --as a user, masked unless --full."""

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.models import AuditEntry
from tests.org.test_import_support import english, read_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def test_export_people_masked_by_default(town, tmp_path, capsys):
    call_command("export", "people", str(tmp_path / "p.xlsx"), "--no-progress")
    rows = read_workbook(tmp_path / "p.xlsx")["人员"][1:]
    assert len(rows) == 5 and all("**********" in r[3] for r in rows)
    assert "people: 5 rows" in capsys.readouterr().out


def test_export_full_as_the_system(town, tmp_path):
    call_command("export", "all", str(tmp_path / "all.xlsx"), "--full", "--no-progress")
    book = read_workbook(tmp_path / "all.xlsx")
    assert list(book) == ["行政区划", "网格", "党组织", "户", "人员"]
    assert town.zhang.id_number in {r[3] for r in book["人员"]}
    assert AuditEntry.objects.get(action="org.export").after["masked"] is False


def test_export_as_a_user_uses_their_scope_and_rights(personas, tmp_path):
    call_command("export", "households", str(tmp_path / "h.xlsx"), "--as", "worker_a1", "--no-progress")
    assert len(read_workbook(tmp_path / "h.xlsx")["户"]) == 1 + 2
    with pytest.raises(CommandError, match="may not see personal data in full"):
        call_command("export", "people", str(tmp_path / "p.xlsx"), "--as", "department", "--full")
    with pytest.raises(CommandError, match="You may not export this list"):
        call_command("export", "people", str(tmp_path / "p.xlsx"), "--as", "resident_a1")
    call_command("export", "people", str(tmp_path / "p.xlsx"), "--as", "secretary_a", "--full", "--no-progress")
    assert personas.town.chen.id_number in {r[3] for r in read_workbook(tmp_path / "p.xlsx")["人员"]}


def test_export_template(db, tmp_path, capsys):
    call_command("export", "template", str(tmp_path / "t.xlsx"))
    assert list(read_workbook(tmp_path / "t.xlsx"))[-1] == "说明"
    assert not AuditEntry.objects.exists()


def test_unknown_kind_is_rejected(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export", "pigeons", str(tmp_path / "x.xlsx"))
