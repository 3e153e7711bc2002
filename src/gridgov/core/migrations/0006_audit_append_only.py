"""The audit table refuses UPDATE and DELETE in the database itself (issue 17, separation of duties), so
not even the system administrator with a database shell working through gridgov's own account can
change or erase history by accident or on purpose without leaving the app's path.

Allowed: setting actor_id to NULL, and nothing else, when an account is deleted (the FK's SET NULL;
actor_name keeps who it was), and DELETE of rows older than a date written, in the same transaction,
into core_audit_purge_permit — which only `gridgov audit_purge` does (core/retention.py), refusing dates
younger than GRIDGOV_AUDIT_KEEP_DAYS (≥ 180) and recording the purge as an audit row of its own.
TRUNCATE and DROP are a database owner's deeds, outside the application (PostgreSQL: grant the app's
role no TRUNCATE on core_auditentry in production).
"""

from django.db import migrations

COLUMNS = ["id", "time", "actor_name", "action", "object_type", "object_id", "object_repr", "path", "before",
           "after", "request_id"]

SQLITE = [
    "CREATE TABLE core_audit_purge_permit (before datetime NOT NULL)",
    f"""CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
        WHEN NEW.actor_id IS NOT NULL OR NOT ({' AND '.join(f'NEW."{c}" IS OLD."{c}"' for c in COLUMNS)})
        BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
        WHEN NOT EXISTS (SELECT 1 FROM core_audit_purge_permit p WHERE OLD."time" < p.before)
        BEGIN SELECT RAISE(ABORT, 'audit rows cannot be deleted'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER core_auditentry_no_update", "DROP TRIGGER core_auditentry_no_delete",
                  "DROP TABLE core_audit_purge_permit"]

POSTGRES = [
    "CREATE TABLE core_audit_purge_permit (before timestamp with time zone NOT NULL)",
    """CREATE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'audit rows cannot be changed' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF EXISTS (SELECT 1 FROM core_audit_purge_permit p WHERE OLD."time" < p.before) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit rows cannot be deleted' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
        FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()""",
]
POSTGRES_REVERSE = ["DROP TRIGGER core_auditentry_append_only ON core_auditentry",
                    "DROP FUNCTION core_auditentry_append_only()", "DROP TABLE core_audit_purge_permit"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0005_idempotency_key")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]
