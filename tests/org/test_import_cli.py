"""`gridgov import`: runs as the system or as --as USERNAME, lists every problem and writes nothing
when a row is wrong, --check only checks."""

import pytest
from django.core.management import CommandError, call_command

from gridgov.core import audit
from gridgov.core.models import AuditEntry
from gridgov.org.models import Person
from tests.org.test_import_support import english, table_counts, village_sheets, write_workbook  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


def test_import_command_imports_as_the_system(town, tmp_path, capsys):
    call_command("import", write_workbook(tmp_path / "v.xlsx", **village_sheets()), "--no-progress")
    out = capsys.readouterr().out
    assert "people: 4 created, 0 updated, 0 unchanged" in out
    assert Person.objects.filter(path__startswith="445321.104.203.").count() == 4
    assert AuditEntry.objects.get(action="org.import").actor_name == "system"


def test_import_command_lists_errors_and_fails(town, tmp_path, capsys):
    sheets = village_sheets()
    sheets["people"][1]["手机号"] = "123"
    sheets["households"][0]["所属网格编码"] = "445321104203099"
    before = table_counts()
    with pytest.raises(CommandError, match="problems in the workbook; nothing was imported"):
        call_command("import", write_workbook(tmp_path / "bad.xlsx", **sheets), "--no-progress")
    err = capsys.readouterr().err
    assert "户\t2\t所属网格编码\t445321104203099\tUnknown grid code." in err
    assert "人员\t3\t手机号\t***\tPhone must be an 11-digit mobile number" in err
    assert table_counts() == before


def test_import_command_as_a_user_is_scoped(personas, tmp_path):
    path = write_workbook(tmp_path / "v.xlsx", **village_sheets())
    with pytest.raises(CommandError, match="You may not import"):
        call_command("import", path, "--as", "secretary_a", "--no-progress")
    with pytest.raises(CommandError, match="No active account"):
        call_command("import", path, "--as", "nobody", "--no-progress")
    call_command("import", path, "--as", "town_admin", "--no-progress")
    written = AuditEntry.objects.filter(action="person.create", actor=personas.town_admin)
    assert sum(len(audit.covered_ids(e)) for e in written) == 4


def test_import_check_writes_nothing(town, tmp_path, capsys):
    before = table_counts()
    call_command("import", write_workbook(tmp_path / "v.xlsx", **village_sheets()), "--check", "--no-progress")
    assert "The workbook is valid; nothing was written." in capsys.readouterr().out
    assert table_counts() == before


def test_import_command_draws_a_progress_bar(town, tmp_path, capsys):
    call_command("import", write_workbook(tmp_path / "v.xlsx", **village_sheets()))
    err = capsys.readouterr().err
    assert "writing" in err and "100%" in err


@pytest.mark.parametrize("name", ["import", "export"])
def test_help_is_printed(db, name):
    from django.core.management import load_command_class

    text = load_command_class("gridgov.org", name).create_parser("gridgov", name).format_help()
    assert "--as USERNAME" in text and ".xlsx" in text
