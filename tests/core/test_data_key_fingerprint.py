"""Issue 17, finding 5: the database keeps its data key's fingerprint; with another GRIDGOV_DATA_KEY the
start check (serve, worker, demo, migrate) refuses with a message naming GRIDGOV_DATA_KEY, and nothing is
written under the other key."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from gridgov.core import crypto
from gridgov.core.models import DataKeyCheck
from gridgov.org.models import Person

OTHER = "another installation's key"


def key_errors():
    """The start check's findings, as registered by the app (not imported here)."""
    return [e for e in run_checks() if e.id == "gridgov.E001"]


def test_another_key_is_refused_at_start_and_writes_nothing(town, settings, tmp_path):
    assert DataKeyCheck.objects.get().fingerprint == crypto.fingerprint()  # recorded by migrate
    assert key_errors() == []
    settings.DATA_KEY, settings.DATA_KEY_ORIGIN = OTHER, "env"
    (error,) = key_errors()
    assert error.id == "gridgov.E001" and "GRIDGOV_DATA_KEY" in error.msg and "密钥" in error.msg
    with pytest.raises(SystemCheckError, match="gridgov.E001"):
        call_command("worker", "--once", skip_checks=False)
    person = Person.objects.get(pk=town.zhang.pk)
    with pytest.raises(crypto.DataKeyMismatch):
        person.phone = "13900000000"
    assert Person.objects.get(pk=town.zhang.pk).phone_enc == person.phone_enc  # still under the first key
    # A var/data.key made just now, where the database's key was lost, is removed, never left as "the key".
    settings.DATA_KEY_ORIGIN, settings.VAR_DIR = "created", tmp_path
    (tmp_path / "data.key").write_text(OTHER)
    assert "var/data.key" in key_errors()[0].hint
    assert not (tmp_path / "data.key").exists()


def test_a_database_without_fingerprint_keeps_the_key_that_reads_its_data(town, settings):
    original = settings.DATA_KEY
    DataKeyCheck.objects.all().delete()  # a database from before the check
    settings.DATA_KEY = OTHER
    assert crypto.key_problem(record=True) == crypto.KEY_MISMATCH  # cannot read the stored ID numbers
    assert not DataKeyCheck.objects.exists()
    settings.DATA_KEY = original
    assert crypto.key_problem(record=True) is None
    assert DataKeyCheck.objects.get().fingerprint == crypto.fingerprint(original) != crypto.fingerprint(OTHER)


def test_an_empty_database_takes_the_key_of_its_first_encryption(db, settings):
    DataKeyCheck.objects.all().delete()
    settings.DATA_KEY = "a fresh installation's key"
    crypto.encrypt("13800000011")
    assert DataKeyCheck.objects.get().fingerprint == crypto.fingerprint()
