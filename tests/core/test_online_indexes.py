"""The indexes added to the case table after its first release build without locking it on PostgreSQL
(CREATE / DROP INDEX CONCURRENTLY, core.online_indexes): at a province's 50M cases a plain CREATE INDEX
held every report back for minutes. SQLite has no such form and gets the plain statements."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)  # CONCURRENTLY is refused inside a transaction


MIGRATIONS = [  # (migration of cases, indexes it creates, indexes it drops)
    ("0010", ["case_path_created"], []),
    ("0011", ["case_open_category_cell"], ["case_open_category_lat"]),
    ("0012", ["case_running_overdue_page"], ["case_running_path_deadline"]),
]


def test_case_indexes_are_built_and_dropped_without_locking_the_table():
    # One test for all (a test outside a transaction empties every table after it, seconds on PostgreSQL).
    online = " CONCURRENTLY" if connection.vendor == "postgresql" else ""
    for migration, creates, drops in MIGRATIONS:
        for backwards in (False, True):
            out = io.StringIO()
            call_command("sqlmigrate", "cases", migration, *(["--backwards"] if backwards else []), stdout=out)
            sql = out.getvalue()
            built, dropped = (drops, creates) if backwards else (creates, drops)
            for name in built:
                assert f'CREATE INDEX{online} "{name}"' in sql, sql
            for name in dropped:
                assert f'DROP INDEX{online} IF EXISTS "{name}"' in sql or f'DROP INDEX{online} "{name}"' in sql, sql
            assert online or "CONCURRENTLY" not in sql
