"""An import that fills a table mostly anew builds that table's plain indexes after writing
(bulk.indexes_later): the same indexes are there afterwards, unique ones are kept throughout so a
duplicate is still refused, on SQLite so are those led by a foreign key (without them SQLite scans the
whole person table for every household it inserts while members wait for it: a county's import never
finished), and an import that fails leaves them as they were. On PostgreSQL only a table that held
next to nothing: dropping an index locks out every reader until the commit."""

import pytest
from django.db import IntegrityError, connection, transaction

from gridgov.core import bulk
from gridgov.org import imports
from gridgov.org.imports import import_workbook
from gridgov.org.models import Person
from tests.org.test_import_support import person_id, write_workbook

GRID = "445321104201001"


def _people(count: int) -> list[dict]:
    return [{"姓名": f"人{i}", "身份证号": person_id(300 + i), "所属网格编码": GRID} for i in range(count)]


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'org_person'")
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'org_person'")
        return dict(cursor.fetchall())


@pytest.fixture
def few_rows_are_many(monkeypatch):
    monkeypatch.setattr(imports, "INDEX_LATER_ROWS", 10)


@pytest.fixture
def indexes_during_write(monkeypatch):
    """The person table's indexes as the write of people sees them (in the last import)."""
    seen = {}
    apply_people = imports.WorkbookImport.apply_people

    def noting(self):
        seen.clear()
        seen.update(_indexes())
        return apply_people(self)

    monkeypatch.setattr(imports.WorkbookImport, "apply_people", noting)
    return seen


def test_the_indexes_are_built_again_after_the_write(town, tmp_path, few_rows_are_many, indexes_during_write):
    before = _indexes()
    summary = import_workbook(write_workbook(tmp_path / "many.xlsx", people=_people(12)))
    assert summary["people"]["created"] == 12
    assert _indexes() == before
    unique = {name for name, sql in before.items() if sql is None or "UNIQUE" in sql.upper()}
    if connection.vendor == "sqlite":
        # Led by a foreign key: SQLite finds a new household's waiting members through them.
        references = {name for name, sql in before.items() if sql and any(
            f'("{column}"' in sql for column in ("household_id", "grid_id", "party_org_id"))}
        set_aside = set(before) - unique - references
        assert unique and references and set_aside
        assert set(indexes_during_write) == unique | references
    else:
        assert "org_person_pkey" in unique and len(before) - len(unique) >= 5
        assert set(indexes_during_write) == unique
    # The rebuilt indexes answer: by grid, by path, by phone hash.
    assert Person.objects.filter(grid=town.a1, name__startswith="人").count() == 12


def test_a_failed_import_leaves_the_indexes_as_they_were(town, tmp_path, few_rows_are_many, monkeypatch):
    before = _indexes()

    def broken(self, touched):
        raise RuntimeError("the write fails after the people")

    monkeypatch.setattr(imports.WorkbookImport, "apply_heads", broken)
    with pytest.raises(RuntimeError):
        import_workbook(write_workbook(tmp_path / "many.xlsx", people=_people(12)))
    assert _indexes() == before
    assert not Person.objects.filter(name__startswith="人").exists()


def test_a_small_import_into_a_full_table_keeps_the_indexes(town, tmp_path, indexes_during_write):
    before = _indexes()
    import_workbook(write_workbook(tmp_path / "few.xlsx", people=_people(12)))  # 12 < INDEX_LATER_ROWS
    assert indexes_during_write == before


def test_postgresql_keeps_the_indexes_of_a_table_others_read(town, tmp_path, few_rows_are_many, indexes_during_write):
    """The town's five people and 12 more: the import adds 24, more than the table holds, but on
    PostgreSQL a table of 17 people (more than INDEX_LATER_ROWS, 10 here) keeps its indexes."""
    import_workbook(write_workbook(tmp_path / "first.xlsx", people=_people(12)))
    before = _indexes()
    more = [{"姓名": f"又{i}", "身份证号": person_id(500 + i), "所属网格编码": GRID} for i in range(24)]
    assert import_workbook(write_workbook(tmp_path / "more.xlsx", people=more))["people"]["created"] == 24
    if connection.vendor == "postgresql":
        assert indexes_during_write == before
    else:
        assert len(indexes_during_write) < len(before)
    assert _indexes() == before


def _foreign_keys() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid IN ('org_person'::regclass, 'org_household'::regclass) AND contype = 'f'")
        return dict(cursor.fetchall())


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite's foreign keys are part of the table")
def test_postgresql_adds_the_foreign_keys_again_and_they_hold(town, tmp_path, few_rows_are_many):
    before = _foreign_keys()
    assert len(before) >= 5  # a person's grid, household, party organisation; a household's grid and head
    import_workbook(write_workbook(tmp_path / "many.xlsx", people=_people(12)))
    assert _foreign_keys() == before
    # Set aside for the block, the keys still check every row written in it when they are added again.
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.indexes_later([Person]):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE org_person SET grid_id = 987654 WHERE id = %s", [town.zhang.pk])
    assert Person.objects.get(pk=town.zhang.pk).grid_id == town.zhang.grid_id
    assert _foreign_keys() == before
