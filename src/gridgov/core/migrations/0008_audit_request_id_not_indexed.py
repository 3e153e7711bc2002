"""The audit log's request id is no longer indexed (see AuditEntry.request_id).

The index is dropped by name, not through AlterField: on SQLite Django alters a field by rebuilding the
table, which would take the append-only triggers of 0006 with it."""

from django.db import migrations, models

TABLE = "core_auditentry"


def _indexes_of_request_id(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return sorted(name for name, c in constraints.items()
                  if c["index"] and c["columns"] == ["request_id"] and not c["unique"] and not c["primary_key"])


def drop(apps, schema_editor):
    for name in _indexes_of_request_id(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}", params=None)


def create(apps, schema_editor):
    # As 0001 made them: PostgreSQL also had the varchar_pattern_ops twin Django adds to an indexed CharField.
    schema_editor.execute(f"CREATE INDEX core_auditentry_request_id_5ee151b7 ON {TABLE} (request_id)", params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX core_auditentry_request_id_5ee151b7_like ON {TABLE} "
                              "(request_id varchar_pattern_ops)", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_audit_object_runs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField(
                    model_name='auditentry',
                    name='request_id',
                    field=models.CharField(blank=True, max_length=64, verbose_name='request id'),
                ),
            ],
        ),
    ]
