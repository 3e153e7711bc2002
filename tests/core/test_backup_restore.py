"""gridgov backup / restore: a round trip loses nothing (rows, figures, an ID number revealed after it,
uploaded files), and a restore that would do harm is refused before it changes anything: another data key,
the other database engine, a database holding data without --replace."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from gridgov.core import backup
from gridgov.core.models import AuditEntry
from gridgov.org.models import Person, Region

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and SQLite's backup read committed data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "cases" / "2026" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not much of a photo")
    return photo


def _without_audit(counts):
    return {table: n for table, n in counts.items() if table != AuditEntry._meta.db_table}


def test_a_round_trip_loses_nothing(personas, media, tmp_path):
    zhang = personas.town.zhang
    before = backup.row_counts()
    revealed = Person.objects.get(pk=zhang.pk).id_number
    archive = tmp_path / "gridgov.zip"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert str(archive) in out.getvalue()
    manifest = backup.read_manifest(archive)
    assert _without_audit(manifest["counts"]) == _without_audit(before)
    with zipfile.ZipFile(archive) as z:
        assert "media/cases/2026/photo.jpg" in z.namelist()

    # Life goes on, then goes wrong: a person deleted, a village renamed, the photo lost.
    Person.objects.filter(pk=personas.town.chen.pk).delete()
    Region.objects.filter(pk=personas.town.village_a.pk).update(name="改名村")
    media.unlink()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    assert "--replace" in str(refused.value)
    assert not Person.objects.filter(pk=personas.town.chen.pk).exists()  # refused: nothing changed

    call_command("restore", str(archive), "--replace", stdout=io.StringIO())
    assert _without_audit(backup.row_counts()) == _without_audit(before)
    assert Person.objects.filter(pk=personas.town.chen.pk).exists()
    assert Region.objects.get(pk=personas.town.village_a.pk).name == "碧塘村"
    assert Person.objects.get(pk=zhang.pk).id_number == revealed
    assert media.read_bytes().startswith(b"\xff\xd8")
    assert AuditEntry.objects.filter(action="system.backup").exists()  # it is inside the backup
    assert AuditEntry.objects.filter(action="system.restore").count() == 1


def test_a_backup_under_another_key_or_engine_is_refused(personas, media, tmp_path, settings):
    archive = tmp_path / "gridgov.zip"
    backup.backup(archive)
    original = settings.DATA_KEY
    settings.DATA_KEY = "another key entirely, 32 bytes or more of it"
    with pytest.raises(backup.BackupError) as wrong_key:
        backup.restore(archive, replace=True)
    assert "GRIDGOV_DATA_KEY" in str(wrong_key.value)

    # An archive of the other engine: the manifest says so.
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(other, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == backup.MANIFEST:
                manifest = json.loads(data)
                manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
                data = json.dumps(manifest)
            dst.writestr(item, data)
    settings.DATA_KEY = original
    with pytest.raises(backup.BackupError) as wrong_engine:
        backup.restore(other, replace=True)
    assert "Nothing was restored" in str(wrong_engine.value) or "未恢复" in str(wrong_engine.value)
    assert "GRIDGOV_DATA_KEY" not in str(wrong_engine.value)


def test_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK not really")
    with pytest.raises(backup.BackupError) as refused:
        backup.read_manifest(junk)
    assert "junk.zip" in str(refused.value)


def test_the_audit_log_names_backups_in_chinese(personas, media, tmp_path, login):
    from django.contrib.auth import get_user_model

    backup.backup(tmp_path / "gridgov.zip")
    admin = get_user_model().objects.create_superuser("root", password="Grid-Test-2026")
    page = login(admin).get("/audit/", {"action": "system.backup"}).content.decode()
    assert "备份系统" in page and "gridgov.zip" in page and ">system<" not in page
