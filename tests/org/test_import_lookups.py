"""The import finds stored people by their ID number's blind index in chunks of keys; when the table holds
no one at all (a county's first import), it asks once instead of once per chunk."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.org import imports
from gridgov.org.imports import import_workbook
from gridgov.org.models import Household, Person
from tests.org.test_import_support import person_id, write_workbook

GRID = "445321104201001"


def _people(names: list[str]) -> list[dict]:
    return [{"姓名": name, "身份证号": person_id(400 + i), "所属网格编码": GRID} for i, name in enumerate(names)]


def _lookups_of_people(queries) -> list[str]:
    return [q["sql"] for q in queries if "\"org_person\".\"id_number_hash\" IN (" in q["sql"]]


def test_stored_people_are_found_chunk_by_chunk(town, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 2)
    names = ["甲", "乙", "丙", "丁", "戊"]
    assert import_workbook(write_workbook(tmp_path / "first.xlsx", people=_people(names)))["people"]["created"] == 5
    names[3] = "丁丁"
    with CaptureQueriesContext(connection) as queries:
        again = import_workbook(write_workbook(tmp_path / "again.xlsx", people=_people(names)))["people"]
    assert again == {"created": 0, "updated": 1, "unchanged": 4}
    assert _lookups_of_people(queries.captured_queries)  # more keys than LOOKUP_CHUNK, a table not empty
    assert Person.objects.get(id_number_hash=Person.id_number.hash_of(person_id(403))).name == "丁丁"


def test_an_empty_table_is_asked_once_not_once_a_chunk(town, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 2)
    Household.objects.update(head=None)
    Person.objects.all().delete()
    people = _people(["甲", "乙", "丙", "丁", "戊"])
    with CaptureQueriesContext(connection) as queries:
        summary = import_workbook(write_workbook(tmp_path / "first.xlsx", people=people))
    assert summary["people"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert _lookups_of_people(queries.captured_queries) == []
    assert Person.objects.filter(grid=town.a1).count() == 5
