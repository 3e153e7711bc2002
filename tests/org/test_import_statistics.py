"""After a large import on PostgreSQL the written tables are analysed at once, so the planner sees
their real size (without it, scoped lists at a million people ran ten times slower)."""

from django.db import connection

from gridgov.org import imports
from gridgov.org.imports import import_workbook
from gridgov.org.models import Person
from tests.org.test_import_support import village_sheets, write_workbook


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_large_import_refreshes_planner_statistics(town, tmp_path, monkeypatch):
    """Checked on both databases, each for what it does. PostgreSQL: one ANALYZE of the written tables,
    and the planner's estimate is the real count. SQLite: no ANALYZE at all — its planner has no
    statistics unless ANALYZE was run once (then sqlite_stat1 would go stale instead), the slow plans were
    PostgreSQL's, and SQLite does not accept ANALYZE of several tables in one statement."""
    statements = []
    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 10)
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        summary = import_workbook(write_workbook(tmp_path / "v.xlsx", **village_sheets()))
    assert summary["people"]["created"] == 4
    analysed = [sql for sql in statements if sql.startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert len(analysed) == 1 and connection.ops.quote_name(Person._meta.db_table) in analysed[0]
        # ANALYZE reads every row of a table this small, so its estimate is the exact count.
        assert _estimated_rows(Person._meta.db_table) == Person.objects.count()
    else:
        assert connection.vendor == "sqlite" and analysed == []


def test_small_import_leaves_statistics_to_autovacuum(town, tmp_path, monkeypatch):
    statements = []
    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 10_000)
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        import_workbook(write_workbook(tmp_path / "v.xlsx", **village_sheets()))
    assert not [sql for sql in statements if sql.startswith("ANALYZE")]
