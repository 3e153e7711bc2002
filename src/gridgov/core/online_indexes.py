"""Index changes on tables too large to lock while an index builds (a province's cases_case: 13 GB of
table at 50M cases, a couple of minutes to scan). On PostgreSQL they run as CREATE / DROP INDEX
CONCURRENTLY (django.contrib.postgres's operations): reads and writes go on while the index builds. SQLite
has no such form and no table that large; there they are Django's plain AddIndex / RemoveIndex.

A migration using them sets `atomic = False` (PostgreSQL refuses CONCURRENTLY inside a transaction). A
concurrent build that fails (a deadlock, a restart) leaves an INVALID index of that name behind: drop it
(`DROP INDEX CONCURRENTLY name`) and migrate again."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations import AddIndex, RemoveIndex


class _ConcurrentOnPostgres:
    plain: type  # the operation's form on other databases

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexOnline(_ConcurrentOnPostgres, AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexOnline(_ConcurrentOnPostgres, RemoveIndexConcurrently):
    plain = RemoveIndex
