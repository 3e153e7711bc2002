"""bulk.cyclic_gc_paused: the cycle collector off for an import, and back as it was afterwards, whatever
happens inside."""

import gc

import pytest

from gridgov.core import bulk


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_on_again_after(collector_on):
    with bulk.cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_on_again(collector_on):
    with pytest.raises(ZeroDivisionError), bulk.cyclic_gc_paused():
        1 / 0
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with bulk.cyclic_gc_paused():
        pass
    assert not gc.isenabled()


def test_an_import_runs_without_it_and_gives_it_back(town, tmp_path, monkeypatch, collector_on):
    from gridgov.org import imports
    from tests.org.test_import_support import person_id, write_workbook

    seen = []
    read_person = imports.WorkbookImport.read_person

    def noting(self, sheet, number, cells):
        seen.append(gc.isenabled())
        return read_person(self, sheet, number, cells)

    monkeypatch.setattr(imports.WorkbookImport, "read_person", noting)
    path = write_workbook(tmp_path / "one.xlsx", people=[{"姓名": "李四", "身份证号": person_id(901),
                                                         "所属网格编码": town.a1.code}])
    assert imports.import_workbook(path)["people"]["created"] == 1
    assert seen == [False] and gc.isenabled()
