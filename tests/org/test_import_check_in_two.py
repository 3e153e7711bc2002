"""A long people sheet is checked by two processes (imports.read_people_in_two): what the import
reports and writes is the same as when one process checks it all, errors in row order included."""

import io
import multiprocessing
import os
import signal
import threading

import pytest
from django.core.management import call_command

from gridgov.org import imports
from gridgov.org.imports import MAX_ERRORS, ImportFailed, import_workbook
from gridgov.org.models import Person
from tests.org.test_import_support import person_id, write_workbook

GRID = "445321104201001"


def _people(count: int, bad_rows: set[int] = frozenset()) -> list[dict]:
    """`count` people of grid a1; the sheet rows (numbered from 2) in `bad_rows` get a phone that is no phone."""
    return [{"姓名": f"人{i}", "身份证号": person_id(200 + i), "所属网格编码": GRID,
             "手机号": "12" if i + 2 in bad_rows else f"139{i:08d}"} for i in range(count)]


@pytest.fixture
def in_two(monkeypatch, tmp_path):
    """Two processes from 10 rows on. Each process that checks a person notes its pid where the test
    can see that a second one ran."""
    monkeypatch.setattr(imports, "PARALLEL_CHECK_ROWS", 10)
    pids = tmp_path / "pids"
    read_person = imports.WorkbookImport.read_person

    def noted(self, sheet, number, cells):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return read_person(self, sheet, number, cells)

    monkeypatch.setattr(imports.WorkbookImport, "read_person", noted)
    return lambda: set(map(int, pids.read_text().split())) - {os.getpid()}


def _refusal(path) -> ImportFailed:
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path)
    return failed.value


def test_errors_of_both_halves_come_back_in_row_order(town, tmp_path, monkeypatch, in_two):
    path = write_workbook(tmp_path / "bad.xlsx", people=_people(40, bad_rows={5, 20, 30, 41}))
    people_before = Person.objects.count()
    two = _refusal(path)
    assert in_two(), threading.enumerate()  # a second process checked people
    monkeypatch.setattr(imports, "PARALLEL_CHECK_ROWS", 10**9)
    one = _refusal(path)
    assert [e.as_dict() for e in two.errors] == [e.as_dict() for e in one.errors]
    assert [e.row for e in two.errors] == [5, 20, 30, 41]
    assert two.count == one.count == 4
    assert Person.objects.count() == people_before


def test_the_cap_on_errors_holds_across_the_halves(town, tmp_path, in_two):
    rows = MAX_ERRORS + 50
    failed = _refusal(write_workbook(tmp_path / "many.xlsx", people=_people(rows, bad_rows=set(range(2, rows + 2)))))
    assert in_two()
    assert failed.count == rows
    assert len(failed.errors) == MAX_ERRORS
    assert [e.row for e in failed.errors] == list(range(2, MAX_ERRORS + 2))


def test_people_checked_in_two_are_written_as_one_process_writes_them(town, tmp_path, in_two):
    summary = import_workbook(write_workbook(tmp_path / "ok.xlsx", people=_people(31)))
    assert in_two()
    assert summary["people"]["created"] == 31
    stored = list(Person.objects.filter(name__startswith="人").order_by("pk"))
    assert [p.name for p in stored] == [f"人{i}" for i in range(31)]
    assert [p.id_number for p in stored] == [person_id(200 + i) for i in range(31)]
    assert [p.phone for p in stored] == [f"139{i:08d}" for i in range(31)]
    assert all(p.grid_id == town.a1.pk for p in stored)


def test_checking_in_two_ends_in_a_process_that_catches_sigterm(town, tmp_path, in_two):
    """As in the job worker, which catches SIGTERM to stop between jobs: the child must still end."""
    caught = []
    previous = signal.signal(signal.SIGTERM, lambda *_: caught.append(True))
    try:
        summary = import_workbook(write_workbook(tmp_path / "ok.xlsx", people=_people(12)))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert in_two()
    assert summary["people"]["created"] == 12
    assert multiprocessing.active_children() == []
    assert caught == []


def test_the_import_command_checks_in_two(town, tmp_path, in_two):
    """`gridgov import` shows a progress bar: the bar must leave no thread behind that keeps it from forking."""
    call_command("import", write_workbook(tmp_path / "ok.xlsx", people=_people(12)), stderr=io.StringIO(),
                 stdout=io.StringIO())
    assert in_two(), threading.enumerate()
    assert Person.objects.filter(name__startswith="人").count() == 12


def test_errors_of_the_other_sheets_come_before_the_peoples_checked_meanwhile(town, tmp_path, monkeypatch, in_two):
    """The forked process starts on the people before this one checks the households: the errors still
    come sheet by sheet, as one process reports them."""
    households = [{"户编号": "HBAD", "所属网格编码": GRID, "地址": "碧塘村一巷9号", "党员中心户": "也许"}]
    path = write_workbook(tmp_path / "bad.xlsx", households=households,
                          people=_people(30, bad_rows={3, 25}))
    two = _refusal(path)
    assert in_two()
    monkeypatch.setattr(imports, "PARALLEL_CHECK_ROWS", 10**9)
    one = _refusal(path)
    assert [e.as_dict() for e in two.errors] == [e.as_dict() for e in one.errors]
    assert [(e.sheet, e.row) for e in two.errors] == [("户", 2), ("人员", 3), ("人员", 25)]


def test_rows_sent_back_as_columns_are_the_rows_checked():
    """What the forked process sends (one list per slot, dates as day numbers) becomes the same rows."""
    import datetime

    rows = []
    for number, birth, posts in ((2, datetime.date(1949, 10, 1), ()), (3, None, (("grid_worker", ""),)),
                                 (4, datetime.date(2000, 2, 29), (("secretary", GRID), ("grid_leader", "")))):
        row = imports.PersonRow()
        for name in imports._PERSON_SLOTS:
            setattr(row, name, f"{name}{number}")
        row.row, row.birth_date, row.posts, row.party = number, birth, posts, number % 2 == 0
        rows.append(row)
    back = imports._rows_of(imports._columns_of(rows))
    assert [[getattr(r, n) for n in imports._PERSON_SLOTS] for r in back] == \
        [[getattr(r, n) for n in imports._PERSON_SLOTS] for r in rows]
    assert all(type(r) is imports.PersonRow for r in back)


def test_a_people_sheet_that_fails_to_parse_in_its_thread_fails_the_import_as_before(town, tmp_path, monkeypatch):
    """The people sheet is parsed in a thread beside the others: what goes wrong there is raised to the
    import as it would be without the thread (a damaged sheet: the workbook refused, nothing written)."""
    from python_calamine import CalamineError, CalamineWorkbook

    path = write_workbook(tmp_path / "two.xlsx", households=[{"户编号": "H1", "所属网格编码": GRID, "地址": "一巷"}],
                          people=_people(3))
    real = CalamineWorkbook.get_sheet_by_name
    main = threading.get_ident()

    def damaged_elsewhere(self, name):
        if threading.get_ident() != main:
            raise CalamineError("damaged sheet")
        return real(self, name)

    monkeypatch.setattr(CalamineWorkbook, "get_sheet_by_name", damaged_elsewhere)
    people_before = Person.objects.count()
    failed = _refusal(path)
    assert [e.reason for e in failed.errors] == ["该文件不是 .xlsx 格式的 Excel 文件。"]
    assert Person.objects.count() == people_before and threading.active_count() == 1

    def broken_elsewhere(self, name):
        if threading.get_ident() != main:
            raise MemoryError("no room for the sheet")
        return real(self, name)

    monkeypatch.setattr(CalamineWorkbook, "get_sheet_by_name", broken_elsewhere)
    with pytest.raises(MemoryError, match="no room"):
        import_workbook(path)
