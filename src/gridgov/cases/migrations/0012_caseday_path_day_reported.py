"""caseday_path_day carries `reported` (INCLUDE) so a list's count is read from the index alone.

On PostgreSQL the new index is built CONCURRENTLY beside the old one, then swapped in: a province's
daily table (40 million rows at 50M cases) stays readable and writable while it builds, where a plain
DROP and CREATE INDEX would lock every report and every statistics page out for minutes. SQLite builds
it as usual (it ignores INCLUDE)."""

from django.db import migrations, models

OLD = models.Index(fields=["path", "day"], name="caseday_path_day", opclasses=["varchar_pattern_ops", ""])
NEW = models.Index(fields=["path", "day"], include=("reported",), name="caseday_path_day",
                   opclasses=["varchar_pattern_ops", ""])
BUILDING = "caseday_path_day_building"


def _swap(apps, schema_editor, to: models.Index, away: models.Index):
    model = apps.get_model("cases", "CaseDay")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(model, away)
        schema_editor.add_index(model, to)
        return
    quote = schema_editor.quote_name
    building = models.Index(fields=to.fields, include=to.include, name=BUILDING, opclasses=to.opclasses)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(BUILDING)}")  # a build cut short before
    schema_editor.add_index(model, building, concurrently=True)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(away.name)}")
    schema_editor.execute(f"ALTER INDEX {quote(BUILDING)} RENAME TO {quote(to.name)}")


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, NEW, OLD)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, OLD, NEW)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("cases", "0011_case_open_category_cell"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="caseday", name="caseday_path_day"),
                migrations.AddIndex(model_name="caseday", index=NEW),
            ],
            database_operations=[
                migrations.RunPython(forwards, backwards),
            ],
        ),
    ]
