"""`gridgov backup FILE` and `gridgov restore FILE`: the whole installation in one file and back.

A backup is a zip archive:

    manifest.json        format, gridgov version, database engine, time, the data key's fingerprint,
                         the applied migrations and the row count of every table
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup API (the site may
                         keep running while it is taken)
    database.pgdump      PostgreSQL: `pg_dump --format=custom` (one consistent snapshot)
    media/...            uploaded photos and files (MEDIA_ROOT)

Personal data stay encrypted inside the copy, so a backup is only as readable as the data key
(GRIDGOV_DATA_KEY) kept apart from it. Restore therefore refuses an archive made under another key:
restored data would be unreadable, and new writes would mix two keys. It also refuses an archive of the
other engine, and a database that holds data unless `replace=True`. After restoring, the row counts are
compared with the manifest's.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from . import audit, crypto

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why (Chinese and English)."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gridgov")
    except PackageNotFoundError:
        return ""


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _tables() -> list[str]:
    # Every table Django knows of (our apps, auth, sessions), in a stable order.
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _pg_env() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (the password through the
    environment, never the command line)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(_("%(tool)s is not installed: install the PostgreSQL client tools of the server's "
                            "version.") % {"tool": command[0]}) from None
    if done.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s") % {"tool": command[0], "error": done.stderr.strip()[-2000:]})


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(path: str | Path, actor=None) -> dict:
    """Write the archive to `path` (replaced only once complete); returns the manifest."""
    path = Path(path)
    # Recorded first, so the backup itself holds the row that says it was taken.
    audit.record("system.backup", "system", None, {"file": path.name}, actor=actor)
    manifest = {
        "format": FORMAT,
        "gridgov": _version(),
        "engine": _engine(),
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "key_fingerprint": crypto.fingerprint(),
        "migrations": _migrations(),
        "counts": row_counts(),
    }
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if manifest["engine"] == "sqlite":
            database = work / SQLITE_FILE
            connection.ensure_connection()
            target = sqlite3.connect(database)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            database = work / PG_FILE
            args, env = _pg_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database), *args], env)
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            archive.write(database, database.name)
            media = _media_root()
            if media.is_dir():
                for file in sorted(media.rglob("*")):
                    if file.is_file():
                        archive.write(file, MEDIA_DIR + file.relative_to(media).as_posix(),
                                      compress_type=zipfile.ZIP_STORED)  # photos are compressed already
        partial.replace(path)
    return manifest


def read_manifest(path: str | Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        raise BackupError(_("%(file)s is not a gridgov backup.") % {"file": Path(path).name}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup has format %(found)s; this version of gridgov reads format %(known)s.")
                          % {"found": manifest.get("format"), "known": FORMAT})
    return manifest


def _holds_data() -> bool:
    from gridgov.org.models import Region

    try:
        return Region.objects.exists()
    except Exception:  # noqa: BLE001  no tables yet: an empty database
        return False


def check_restorable(manifest: dict, replace: bool) -> None:
    if manifest["key_fingerprint"] != crypto.fingerprint():
        raise BackupError(_(
            "This backup was made under another data key: GRIDGOV_DATA_KEY must be the key of the backup, or its "
            "ID numbers and phones cannot be read. Nothing was restored."))
    if manifest["engine"] != _engine():
        raise BackupError(_("This backup is of a %(found)s database; this installation runs on %(here)s. Nothing "
                            "was restored.") % {"found": manifest["engine"], "here": _engine()})
    if not replace and _holds_data():
        raise BackupError(_("This database holds data. Restoring replaces all of it: confirm with --replace. "
                            "Nothing was restored."))


def restore(path: str | Path, replace: bool = False, actor=None) -> dict:
    """Replace the database and the media files with the archive's; returns {"manifest", "counts"}.
    Raises BackupError (and changes nothing) for a wrong key, engine or an unconfirmed replace."""
    manifest = read_manifest(path)
    check_restorable(manifest, replace)
    with tempfile.TemporaryDirectory() as work, zipfile.ZipFile(path) as archive:
        work = Path(work)
        if manifest["engine"] == "sqlite":
            archive.extract(SQLITE_FILE, work)
            source = sqlite3.connect(work / SQLITE_FILE)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            archive.extract(PG_FILE, work)
            args, env = _pg_env()
            for alias in connections:  # pg_restore drops the tables: no open transaction may hold them
                connections[alias].close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  *args, str(work / PG_FILE)], env)
        media = _media_root()
        if media.is_dir():
            shutil.rmtree(media)
        media.mkdir(parents=True, exist_ok=True)
        for name in archive.namelist():
            if name.startswith(MEDIA_DIR) and not name.endswith("/"):
                target = (media / name[len(MEDIA_DIR):]).resolve()
                if not target.is_relative_to(media.resolve()):
                    raise BackupError(_("The backup holds a file outside the media folder: %(name)s") % {"name": name})
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    counts = row_counts()
    expected = manifest["counts"]
    differ = {table: (expected.get(table), counts.get(table)) for table in set(expected) | set(counts)
              if expected.get(table) != counts.get(table)}
    if differ:
        raise BackupError(_("The restored row counts differ from the backup's: %(tables)s") % {"tables": differ})
    audit.record("system.restore", "system", None, {"file": Path(path).name, "created_at": manifest["created_at"]},
                 actor=actor)
    return {"manifest": manifest, "counts": counts}
