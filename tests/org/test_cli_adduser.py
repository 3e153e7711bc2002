import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.models import AuditEntry
from gridgov.org.models import Person, User


def run_adduser(*args, stdin: str = ""):
    out = io.StringIO()
    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("adduser", *args, stdout=out)
    finally:
        sys.stdin = sys_stdin
    return out.getvalue()


def test_staff_account_scoped_to_region(town):
    run_adduser("sec", "--role", "village_secretary", "--scope", town.village_a.code, "--password-stdin",
                stdin="Secretary-2026\n")
    user = User.objects.get(username="sec")
    assert user.role == "village_secretary"
    assert user.scope_region == town.village_a and user.scope_path == town.village_a.path
    assert user.check_password("Secretary-2026")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_grid_worker_scoped_to_grid(town):
    run_adduser("gw", "--role", "grid_worker", "--scope", town.a1.code, "--password-stdin", stdin="Worker-2026x\n")
    user = User.objects.get(username="gw")
    assert user.scope_grid == town.a1 and user.scope_path == town.a1.path


def test_resident_gets_a_person_created_in_the_node(town):
    before = Person.objects.count()
    run_adduser("res", "--role", "resident", "--scope", town.a2.code, "--name", "赵小明", "--password-stdin",
                stdin="Resident-2026\n")
    user = User.objects.get(username="res")
    assert Person.objects.count() == before + 1
    assert user.person.name == "赵小明" and user.person.grid == town.a2
    assert user.scope_path == user.person.path


def test_party_member_created_under_a_village_lands_in_a_small_grid(town):
    run_adduser("pm", "--role", "party_member", "--scope", town.village_b.code, "--password-stdin",
                stdin="Member-2026x\n")
    person = User.objects.get(username="pm").person
    assert person.is_party_member and person.grid.level == 3 and person.grid.region == town.village_b


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--role", "grid_worker", "--scope", "999999999999"], "Worker-2026x\n", "999999999999"),
        (["--role", "grid_worker", "--scope", "445321104201001"], "short\n", "8"),
        (["--role", "grid_worker", "--scope", "445321104201001"], "alllowercase\n", "three"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(town, args, stdin, message, settings):
    settings.LANGUAGE_CODE = "en"
    users = User.objects.count()
    with pytest.raises(CommandError) as failure:
        run_adduser("bad", *args, "--password-stdin", stdin=stdin)
    assert message in str(failure.value)
    assert User.objects.count() == users


def test_unknown_role_is_refused_by_the_parser(town):
    with pytest.raises(CommandError):
        call_command("adduser", "x", "--role", "mayor", "--scope", town.town.code)


def test_console_script_has_help_on_every_command():
    for command in ["serve", "demo", "import", "export", "adduser", "worker", "migrate", "createsuperuser"]:
        result = subprocess.run([sys.executable, "-m", "gridgov", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0, (command, result.stderr)
        assert "usage:" in result.stdout
