"""Separation of duties (issue 17): audit rows are append-only for everyone, kept ≥ 180 days, purged only
by `gridgov audit_purge`, which records what it purged."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gridgov.core import audit
from gridgov.core.models import AuditEntry, AuditImmutable
from gridgov.org.models import User

TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def entry(db):
    return audit.record("demo.load", "system", None, {"n": 1})


def test_the_model_refuses_change_and_erasure(entry):
    entry.action = "user.create"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "demo.load"


@pytest.mark.parametrize("sql", ['UPDATE core_auditentry SET action = %s WHERE id = %s',
                                 'UPDATE core_auditentry SET actor_name = %s WHERE id = %s',
                                 'DELETE FROM core_auditentry WHERE action <> %s AND id = %s'])
def test_the_database_refuses_change_and_erasure(entry, sql):
    """A superuser with a database shell, bypassing the model: the triggers refuse."""
    with pytest.raises(DatabaseError, match="audit rows cannot be"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, ["x", entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action="demo.load", actor_name="system").exists()


def test_deleting_an_account_keeps_its_rows(db):
    user = User.objects.create(username="gone")
    kept = audit.record("user.create", user, None, {"username": "gone"}, actor=user)
    user.delete()
    kept = AuditEntry.objects.get(pk=kept.pk)
    assert kept.actor_id is None and kept.actor_name == "gone"


def _at(day: datetime.date):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ)


@pytest.mark.parametrize("today", [datetime.date(2026, 12, 4), datetime.date(2027, 1, 1), datetime.date(2028, 2, 29),
                                   datetime.date(2026, 6, 30)])
def test_purge_keeps_180_days(db, today, settings):
    old_day = today - datetime.timedelta(days=400)
    with time_machine.travel(_at(old_day)):
        audit.record("demo.load", "system", None, {"old": True})
    with time_machine.travel(_at(today - datetime.timedelta(days=179))):
        audit.record("demo.load", "system", None, {"young": True})
    with time_machine.travel(_at(today)):
        limit = today - datetime.timedelta(days=180)
        with pytest.raises(CommandError):
            call_command("audit_purge", "--before", (limit + datetime.timedelta(days=1)).isoformat())
        settings.AUDIT_KEEP_DAYS = 30  # below the minimum: 180 still holds
        with pytest.raises(CommandError):
            call_command("audit_purge", "--before", (limit + datetime.timedelta(days=1)).isoformat())
        call_command("audit_purge", "--before", limit.isoformat())
    assert not AuditEntry.objects.filter(after__old=True).exists()
    assert AuditEntry.objects.filter(after__young=True).exists()
    row = AuditEntry.objects.get(action="audit.purge")
    assert row.after == {"before": limit.isoformat(), "deleted": 1, "keep_days": 180}
    with connection.cursor() as cursor:  # the permit went with the purge
        cursor.execute("SELECT count(*) FROM core_audit_purge_permit")
        assert cursor.fetchone()[0] == 0


def test_the_request_id_has_no_index_and_the_triggers_survived_dropping_it(db):
    # 0008 drops the index by name: an AlterField would rebuild the table on SQLite, triggers and all.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_auditentry")
    assert not [name for name, c in constraints.items() if c["index"] and c["columns"] == ["request_id"]]
    assert [name for name, c in constraints.items() if c["index"] and c["columns"] == ["time"]]
