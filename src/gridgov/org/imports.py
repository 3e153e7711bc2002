"""Import of the org registry from an .xlsx workbook (the format in excel.py): all or nothing.

The whole workbook is read and checked first, with one query per kind of referenced object (in
chunks), not one per row. If any row is wrong nothing is written and every problem comes back as
(sheet, row as Excel numbers it, column header, value, reason). Otherwise everything is written in
one transaction with bulk inserts and updates in batches, with audit rows in bulk and one summary.

Rows are matched by natural key: region code, grid code, party organisation code, household number,
and the keyed hash of the ID number for people (so the ID number is required). Nothing is deleted.

The workbook is read with python-calamine (a Rust parser; seven times faster than openpyxl's
read-only mode on the county's workbook). It gives numbers as floats and empty cells as "", which
every check reads through _text() just as openpyxl's ints and None.

Memory: a parsed person row is a small slotted object (about 1M of them for a county, well under
a gigabyte); the parser holds the sheets' cells while they are read; model instances exist only for
the batch being written.
"""

import datetime
import json
import multiprocessing
import operator
import re
import signal
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineError, CalamineWorkbook

from gridgov.core import audit, bulk, crypto, jobs, personal
from gridgov.core.models import AuditEntry, Job
from gridgov.core.scoping import CHANGE, IMPORT, can, restrict

from . import codes, excel, geo
from .actions import build_person, set_geometry
from .models import Grid, Household, PartyOrg, Person, Post, Region

MAX_ERRORS = 200
BATCH = 2000
LOOKUP_CHUNK = 2000
JOB_KIND = "org.import"
ANALYZE_AFTER_ROWS = 10_000
# SQLite's page cache while an import writes (KiB), against its default of 2 MB: a county's person table
# with its indexes is hundreds of megabytes, and its hash indexes take keys in random order.
IMPORT_CACHE_KIB = 256 * 1024
# New rows of a table from which its plain indexes are built after the write rather than kept; on
# PostgreSQL also the most the table may hold before (see _filled_anew).
INDEX_LATER_ROWS = 20_000
# A people sheet this long is checked by two processes (see read_people_in_two): below it,
# starting the second process costs more than it saves.
PARALLEL_CHECK_ROWS = 20_000

# The scoping policy has an "import" action for the registry proper; party organisations and posts
# are changed by those who may change them.
ACTION = {"region": IMPORT, "grid": IMPORT, "household": IMPORT, "person": IMPORT,
          "party_org": CHANGE, "post": CHANGE}
SUMMARY_KEY = {"region": "regions", "grid": "grids", "party_org": "party_orgs", "household": "households",
               "person": "people", "post": "posts"}


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


class ImportFailed(Exception):
    """The workbook was refused; nothing was written. `detail` is what the web page shows."""

    def __init__(self, errors: list[RowError], count: int):
        self.errors = errors
        self.count = count
        self.detail = {"errors": [e.as_dict() for e in errors], "count": count}
        super().__init__(ngettext("%(count)d problem in the workbook; nothing was imported.",
                                  "%(count)d problems in the workbook; nothing was imported.", count)
                         % {"count": count})


ProgressCallback = Callable[[str, int, int], None]  # (phase "check" or "write", done, total)


# ---------------------------------------------------------------------------------------------
# Parsed rows

class _Row:
    __slots__ = ("row", "sheet")


class RegionRow(_Row):
    __slots__ = ("code", "name", "kind", "level", "parent_code")


class GridRow(_Row):
    __slots__ = ("code", "name", "level", "parent_code", "geometry")


class PartyRow(_Row):
    __slots__ = ("code", "name", "kind", "parent_code", "region_code", "grid_code")


class HouseRow(_Row):
    __slots__ = ("number", "grid_code", "address", "central")


class PersonRow(_Row):
    __slots__ = ("name", "gender", "birth_date", "id_number", "id_hash", "phone", "house_no", "relation",
                 "grid_code", "party", "org_code", "posts")


_PERSON_SLOTS = ("row", "sheet", *PersonRow.__slots__)


def _may_fork() -> bool:
    # Forking a process with other threads running could copy a lock one of them holds (the job
    # worker, a test server): then the sheet is checked by this process alone.
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _default_signals() -> None:
    # The job worker catches SIGTERM to stop between jobs; a forked child inheriting that handler
    # would ignore the pool's terminate() and never end.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)


# What the forked checker reads: (the import, its sheet, the column positions, the first row of its part).
_FORKED_SHEET = None


class _ForkedCheck:
    """A forked process checking a people sheet from row `middle` to its end (_check_half)."""

    def __init__(self, parent, ws, index_of: list, middle: int):
        global _FORKED_SHEET
        self.ws, self.index_of, self.middle = ws, index_of, middle
        _FORKED_SHEET = (parent, ws, index_of, middle)
        self.pool = multiprocessing.get_context("fork").Pool(1, initializer=_default_signals)
        try:
            self.child = self.pool.apply_async(_check_half)
        finally:
            _FORKED_SHEET = None  # the child has its copy: the fork happened when the pool started

    def close(self) -> None:
        self.pool.close()  # a child that is done ends by itself, without a signal
        self.pool.terminate()
        self.pool.join()


def _parse_sheets(path, workbook, found: list) -> list:
    """(sheet, parsed calamine sheet) for each (sheet, name) found. A long people sheet is parsed in a
    thread with its own handle on the file while this one parses the others: calamine lets go of the
    GIL while it parses, and a county's people sheet took 7 of the 8 s spent parsing. The thread is
    over before anything forks (_may_fork)."""
    people = [(i, name) for i, (sheet, name) in enumerate(found) if sheet.kind == "people"]
    if len(found) < 2 or len(people) != 1:
        return [(sheet, workbook.get_sheet_by_name(name)) for sheet, name in found]
    index, people_name = people[0]
    result: dict = {}

    def parse_people():
        try:
            other = CalamineWorkbook.from_path(str(path))
            try:
                result["sheet"] = other.get_sheet_by_name(people_name)
            finally:
                other.close()
        except Exception as exc:  # raised again in the caller's thread, as a parse there would raise it
            result["error"] = exc

    parser = threading.Thread(target=parse_people, name="gridgov-parse-people")
    parser.start()
    try:
        parsed = [(sheet, None if i == index else workbook.get_sheet_by_name(name))
                  for i, (sheet, name) in enumerate(found)]
    finally:
        parser.join()
    if "error" in result:
        raise result["error"]
    parsed[index] = (parsed[index][0], result["sheet"])
    return parsed


def _check_half() -> tuple[list[list], list, int, int]:
    """In the forked child: check the people from row `middle` to the sheet's end, with the parent's
    settings, keys and translation. It never touches the database (the parent's connection is left
    alone: a forked child ends with os._exit)."""
    parent, ws, index_of, middle = _FORKED_SHEET
    checker = WorkbookImport(parent.actor, None, parent.max_errors, parent.source_name)
    checker.progress = _Progress(None, 0)
    rows = ws.iter_rows()
    for _skipped in range(middle - 1):  # the header and the parent's part
        next(rows, None)
    checker.read_rows(ws, rows, checker.read_person, index_of, middle, None)
    return _columns_of(checker.rows["people"]), checker.errors, checker.error_count, checker.progress.done


# The people rows go back to the parent as one list per slot, birth dates as day numbers: pickling (in the
# child) and unpickling (in the parent, after its own part) took 2.8 s for half a county's rows as tuples
# with dates, 1.4 s like this.
_BIRTH_DATE = _PERSON_SLOTS.index("birth_date")


def _columns_of(rows: list[PersonRow]) -> list[list]:
    columns = [list(map(operator.attrgetter(name), rows)) for name in _PERSON_SLOTS]
    columns[_BIRTH_DATE] = [None if day is None else day.toordinal() for day in columns[_BIRTH_DATE]]
    return columns


def _rows_of(columns: list[list]) -> list[PersonRow]:
    columns[_BIRTH_DATE] = [None if day is None else datetime.date.fromordinal(day) for day in columns[_BIRTH_DATE]]
    rows = [PersonRow() for _row in columns[0]]
    for name, column in zip(_PERSON_SLOTS, columns):
        put = getattr(PersonRow, name).__set__  # the slot's own descriptor: no lookup by name per row
        for row, value in zip(rows, column):
            put(row, value)
    return rows


class Node:
    """A region, grid, party organisation or household as far as checking needs: stored (pk set)
    or a row of this workbook (row set), or both when a row updates a stored object."""

    __slots__ = ("pk", "code", "level", "path", "parent_code", "region_code", "grid_pk", "head_id",
                 "row", "broken")

    def __init__(self, code, pk=None, level=None, path="", parent_code="", row=None):
        self.code, self.pk, self.level, self.path, self.parent_code, self.row = code, pk, level, path, parent_code, row
        self.region_code = self.grid_pk = self.head_id = None
        self.broken = False


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _text(value) -> str:
    """A cell as text: numbers without a spurious .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$")


def _date(value) -> datetime.date:
    """A date from a real Excel date, an unformatted date serial, or YYYY-MM-DD text; ValueError if not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return from_excel(value).date()
        raise ValueError(value)
    text = _text(value)
    match = _DATE.match(text)
    if match:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    if re.fullmatch(r"\d{8}", text):
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    raise ValueError(text)


def _masked_value(column: str, value: str) -> str:
    """Error reports may be stored and shown to others: personal identifiers appear masked."""
    if column == "身份证号":
        return personal.mask_id_number(value) if len(value) > 8 else "*" * len(value)
    if column == "手机号":
        return personal.mask_phone(value) if len(value) > 5 else "*" * len(value)
    return value[:100]


class _Progress:
    def __init__(self, callback: ProgressCallback | None, total: int):
        self.callback, self.total, self.done, self.phase = callback, total, 0, "check"
        self._last = -1

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.callback and (self.done - self._last >= 1000 or self.done >= self.total):
            self._last = self.done
            self.callback(self.phase, min(self.done, self.total), self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.callback:
            self.callback(self.phase, self.total, self.total)


def _is_xlsx(path) -> bool:
    """An Office Open XML workbook: a zip with the workbook part where Excel and openpyxl put it.
    (calamine would also read .xls and .ods by their name; the import takes .xlsx as it always has.)"""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------

class WorkbookImport:
    """One import run. `actor` None is the system (the CLI without --as): it may import anything."""

    def __init__(self, actor=None, progress: ProgressCallback | None = None, max_errors: int = MAX_ERRORS,
                 source_name: str = ""):
        self.actor = actor
        self.progress_callback = progress
        self.max_errors = max_errors
        self.source_name = source_name
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rows: dict[str, list] = {kind: [] for kind in excel.KINDS}
        self.summary: dict[str, dict[str, int]] = {}

    # -- permission and scope ----------------------------------------------------------------

    @property
    def unrestricted(self) -> bool:
        return self.actor is None or self.actor.is_superuser

    def check_permission(self) -> None:
        if self.unrestricted:
            return
        if not (can(self.actor, IMPORT, "person") and can(self.actor, IMPORT, "grid")) or not self.actor.scope_path:
            raise PermissionDenied(_("You may not import into the registry."))

    def in_scope(self, path: str) -> bool:
        """Whether a row's place in the tree lies under the importer's scope node (the subtree reach
        of restrict(), applied to rows that may not exist yet)."""
        return self.unrestricted or path.startswith(self.actor.scope_path)

    def stored_in_scope(self, model, pks: Iterable[int]) -> set[int]:
        """Of stored objects, those the importer may change, through restrict()."""
        pks = list(pks)
        if self.unrestricted:
            return set(pks)
        allowed: set[int] = set()
        for chunk in _chunks(pks):
            allowed.update(restrict(self.actor, ACTION[model.scope_kind], model.objects.filter(pk__in=chunk))
                           .values_list("pk", flat=True))
        return allowed

    # -- errors --------------------------------------------------------------------------------

    def error(self, row: _Row | None, sheet: str, column: str, value, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            text = _text(value) if not isinstance(value, str) else value
            self.errors.append(RowError(sheet, row.row if row is not None else 0, column,
                                        _masked_value(column, text), str(reason)))

    # -- the run ---------------------------------------------------------------------------------

    def run(self, path: str | Path, check_only: bool = False) -> dict:
        with bulk.cyclic_gc_paused():
            return self._run(path, check_only)

    def _run(self, path: str | Path, check_only: bool) -> dict:
        self.check_permission()
        self.read(path)
        self.resolve()
        if self.error_count:
            raise ImportFailed(self.errors, self.error_count)
        if check_only:
            self.progress.finish()
            return {kind: {"rows": len(rows)} for kind, rows in self.rows.items()}
        self.progress.phase = "write"
        with (transaction.atomic(), bulk.sqlite_page_cache(IMPORT_CACHE_KIB),
              bulk.indexes_later(self._filled_anew())):
            self.apply()
        self.refresh_statistics()
        self.progress.finish()
        return self.summary

    def _filled_anew(self) -> list:
        """The tables this import adds many rows to, more than they hold: their indexes are built after
        the write (bulk.indexes_later). On PostgreSQL only a table that holds next to nothing yet (a
        county's first import into a new installation): dropping an index there locks the table
        against every reader until the commit, a minute or two in which no page that reads people
        would answer; SQLite's readers go on reading what was committed before."""
        new_people = sum(1 for r in self.rows["people"] if r.id_hash not in self.person_pk)
        new_households = sum(1 for n in self.houses.values() if n.row is not None and not n.pk)
        anew = []
        for model, new in ((Person, new_people), (Household, new_households)):
            if new < INDEX_LATER_ROWS:
                continue
            held = model.objects.count()
            if new >= held and (connection.vendor == "sqlite" or held < INDEX_LATER_ROWS):
                anew.append(model)
        return anew

    def refresh_statistics(self) -> None:
        """After a large import PostgreSQL's planner still believes the tables are small until
        autovacuum gets round to them, and picks plans that make scoped lists ten times slower
        (measured at a million people); so the written tables are analysed at once."""
        written = sum(c["created"] + c["updated"] for c in self.summary.values())
        if connection.vendor != "postgresql" or written < ANALYZE_AFTER_ROWS:
            return
        tables = [m._meta.db_table for m in (Region, Grid, PartyOrg, Household, Person, Post, AuditEntry)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))

    # -- reading ---------------------------------------------------------------------------------

    def read(self, path) -> None:
        try:
            if not _is_xlsx(path):
                raise ValueError(path)
            workbook = CalamineWorkbook.from_path(str(path))
            names = workbook.sheet_names
        except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError):
            self.error(None, "", "", Path(str(path)).name, _("The file is not an .xlsx workbook."))
            raise ImportFailed(self.errors, self.error_count) from None
        try:
            found = []
            for sheet in excel.SHEETS:
                pattern = re.compile(rf"^{re.escape(sheet.name)}\s*(?:\(?\d+\)?)?$")
                found += [(sheet, name) for name in names if pattern.match(name.strip())]
            if not found:
                self.error(None, "", "", "", _("The workbook has none of the sheets %(names)s.")
                           % {"names": "、".join(s.name for s in excel.SHEETS)})
                raise ImportFailed(self.errors, self.error_count)
            try:
                found = _parse_sheets(path, workbook, found)
            except CalamineError:
                self.error(None, "", "", Path(str(path)).name, _("The file is not an .xlsx workbook."))
                raise ImportFailed(self.errors, self.error_count) from None
            # end: the last used cell (row, column) counted from 0, so its row is the rows below the header.
            rows = sum(ws.end[0] if ws.end else 0 for _sheet, ws in found)
            # Reading and checking is the first half of the bar, writing the second.
            self.progress = _Progress(self.progress_callback, 2 * rows)
            readers = {"regions": self.read_region, "grids": self.read_grid, "party_orgs": self.read_party,
                       "households": self.read_household, "people": self.read_person}
            # A long people sheet's second part goes to a forked process first, so that this one checks
            # the other sheets while it works (their rows and errors still come in sheet order).
            forked = self._fork_people_check(found)
            try:
                for sheet, ws in found:
                    if forked is not None and ws is forked.ws:
                        self.read_people_in_two(forked)
                    else:
                        self.read_sheet(sheet, ws, readers[sheet.kind])
            finally:
                if forked is not None:
                    forked.close()
        finally:
            workbook.close()

    def _positions(self, sheet: excel.Sheet, ws, report: bool) -> list | None:
        """Each of the sheet's columns' position in its header row, or None when a required column is
        missing (reported as an error if `report`)."""
        # calamine's rows start at the sheet's row 1 (so numbers are Excel's) and its columns at the
        # first used one, the same for the header and the data, so the header's positions still hold.
        header = next(ws.iter_rows(), None) or ()
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            positions.setdefault(_text(title), index)
        missing = [c.header for c in sheet.columns if c.required and c.header not in positions]
        if report:
            for column in missing:
                self.error(_HeaderRow(ws.name), ws.name, column, "", _("The column %(column)s is missing.")
                           % {"column": column})
        return None if missing else [positions.get(c.header) for c in sheet.columns]

    def read_sheet(self, sheet: excel.Sheet, ws, reader) -> None:
        index_of = self._positions(sheet, ws, report=True)
        if index_of is None:
            return
        rows = ws.iter_rows()
        next(rows, None)  # the header
        self.read_rows(ws, rows, reader, index_of, 2, None)

    def read_rows(self, ws, rows, reader, index_of, first: int, stop: int | None) -> None:
        """Rows numbered `first` (the sheet's row number of the next row of `rows`) up to `stop`."""
        for number, values in enumerate(rows, start=first):
            if stop is not None and number >= stop:
                return
            self.progress.advance()
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            reader(ws.name, number, [values[i] if i is not None and i < len(values) else None for i in index_of])

    def _fork_people_check(self, found: list) -> "_ForkedCheck | None":
        """The first people sheet of PARALLEL_CHECK_ROWS rows or more, its second part handed to a forked
        process (checking is a million people's ID numbers, phones and blind indexes: most of a county's
        read). None when there is no such sheet, its header lacks a column (read_sheet reports it), or
        this process may not fork."""
        for sheet, ws in found:
            count = ws.end[0] if ws.end else 0
            if sheet.kind != "people" or count < PARALLEL_CHECK_ROWS:
                continue
            index_of = self._positions(sheet, ws, report=False)
            if index_of is None or not _may_fork():
                return None
            # The sheet row number of the child's first row (the header is row 1). The child takes a
            # little less than half: it first steps over this process's rows, and its rows still have to
            # be pickled, sent and unpickled (at a million people about 90 MB, 1.5 s), while this
            # process also checks the other sheets (measured best at a county's size).
            return _ForkedCheck(self, ws, index_of, 2 + count * 52 // 100)
        return None

    def read_people_in_two(self, forked: "_ForkedCheck") -> None:
        """This process's part of the people sheet, then the forked process's rows and errors after it,
        in row order, as one process would keep them. The child reads the sheet this process parsed
        (inherited by fork, not sent)."""
        rows = forked.ws.iter_rows()
        next(rows, None)  # the header
        self.read_rows(forked.ws, rows, self.read_person, forked.index_of, 2, forked.middle)
        columns, errors, error_count, advanced = forked.child.get()
        self.rows["people"] += _rows_of(columns)
        self.errors += errors[:max(0, self.max_errors - len(self.errors))]
        self.error_count += error_count
        self.progress.advance(advanced)

    def _required(self, row, sheet, column, value) -> str:
        text = _text(value)
        if not text:
            self.error(row, sheet, column, "", _("This cell is required."))
        return text

    def _enum(self, row, sheet, column, value, mapping: dict, aliases: dict | None = None, default=None):
        text = _text(value)
        if not text:
            return default
        if text in mapping:
            return mapping[text]
        if aliases and text in aliases:
            return aliases[text]
        self.error(row, sheet, column, text, _("Unknown value; use one of: %(values)s")
                   % {"values": "、".join(mapping)})
        return None

    def _level(self, row, sheet, column, level_of) -> int | None:
        """The tree level read off the row's code, or None (with an error when the code is malformed)."""
        if not row.code:
            return None
        try:
            return level_of(row.code)
        except codes.CodeError as exc:
            self.error(row, sheet, column, row.code, str(exc))
            return None

    def read_region(self, sheet, number, cells) -> None:
        row = RegionRow()
        row.row, row.sheet = number, sheet
        row.code = self._required(row, sheet, "区划代码", cells[0])
        row.name = self._required(row, sheet, "名称", cells[1])
        row.parent_code = _text(cells[3])
        row.level = self._level(row, sheet, "区划代码", codes.region_level_of)
        kind_text = _text(cells[2])
        row.kind = self._enum(row, sheet, "类型", cells[2], excel.REGION_KINDS, excel.REGION_KIND_ALIASES)
        if row.kind and row.level and excel.REGION_KIND_LEVEL[row.kind] != row.level:
            self.error(row, sheet, "类型", kind_text, _("This type does not match the level read from the code."))
            row.kind = None
        if row.level and not kind_text:
            self.error(row, sheet, "类型", "", _("This cell is required."))
        self.rows["regions"].append(row)

    def read_grid(self, sheet, number, cells) -> None:
        row = GridRow()
        row.row, row.sheet = number, sheet
        row.code = self._required(row, sheet, "网格编码", cells[0])
        row.name = self._required(row, sheet, "网格名称", cells[1])
        row.parent_code = _text(cells[2])
        row.level = self._level(row, sheet, "网格编码", codes.grid_level_of)
        row.geometry = None
        text = _text(cells[3])
        if text:
            try:
                row.geometry = geo.check_geometry(json.loads(text))
            except json.JSONDecodeError:
                self.error(row, sheet, "边界GeoJSON", text[:60], _("The boundary is not GeoJSON text."))
            except ValueError as exc:
                self.error(row, sheet, "边界GeoJSON", text[:60], str(exc))
        self.rows["grids"].append(row)

    def read_party(self, sheet, number, cells) -> None:
        row = PartyRow()
        row.row, row.sheet = number, sheet
        row.code = self._required(row, sheet, "组织编码", cells[0])
        row.name = self._required(row, sheet, "名称", cells[1])
        if not _text(cells[2]):
            self.error(row, sheet, "类型", "", _("This cell is required."))
        row.kind = self._enum(row, sheet, "类型", cells[2], excel.PARTY_KINDS, excel.PARTY_KIND_ALIASES)
        row.parent_code = _text(cells[3])
        row.region_code = self._required(row, sheet, "所属区划代码", cells[4])
        row.grid_code = _text(cells[5])
        if row.parent_code and row.parent_code == row.code:
            self.error(row, sheet, "上级组织编码", row.parent_code, _("An organisation cannot be its own parent."))
        self.rows["party_orgs"].append(row)

    def read_household(self, sheet, number, cells) -> None:
        row = HouseRow()
        row.row, row.sheet = number, sheet
        row.number = self._required(row, sheet, "户编号", cells[0])
        row.grid_code = self._required(row, sheet, "所属网格编码", cells[1])
        row.address = self._required(row, sheet, "地址", cells[2])
        row.central = self._enum(row, sheet, "党员中心户", cells[3], excel.YES_NO, default=False)
        if len(row.number) > 32:
            self.error(row, sheet, "户编号", row.number, _("A household number has at most 32 characters."))
        if len(row.address) > 200:
            self.error(row, sheet, "地址", row.address[:60], _("An address has at most 200 characters."))
        self.rows["households"].append(row)

    def read_person(self, sheet, number, cells) -> None:
        row = PersonRow()
        row.row, row.sheet = number, sheet
        row.name = self._required(row, sheet, "姓名", cells[0])
        if len(row.name) > 50:
            self.error(row, sheet, "姓名", row.name[:60], _("A name has at most 50 characters."))
        row.id_number = row.id_hash = ""
        raw_id = cells[3]
        # Excel keeps 15 significant digits: an 18-digit number has lost its last ones. A smaller whole
        # number is read as its digits (and then refused by the ID number's own checks).
        if isinstance(raw_id, float) and (abs(raw_id) >= 1e15 or not raw_id.is_integer()):
            self.error(row, sheet, "身份证号", _text(raw_id),
                       _("The ID number was stored as a number and lost digits; format the column as text."))
        elif self._required(row, sheet, "身份证号", raw_id):
            try:
                row.id_number = personal.validate_id_number(_text(raw_id))
                row.id_hash = crypto.blind_index(row.id_number)  # normalised by validate_id_number
            except personal.InvalidIdentifier as exc:
                self.error(row, sheet, "身份证号", _text(raw_id), str(exc))
        row.gender = self._enum(row, sheet, "性别", cells[1], excel.GENDERS, default="")
        if row.gender and row.id_number and row.gender != personal.gender_from_id(row.id_number):
            self.error(row, sheet, "性别", _text(cells[1]), _("The gender contradicts the ID number."))
        row.birth_date = None
        if _text(cells[2]):
            try:
                row.birth_date = _date(cells[2])
            except (ValueError, OverflowError, TypeError):
                self.error(row, sheet, "出生日期", _text(cells[2]), _("Not a date; write it as YYYY-MM-DD."))
            else:
                if row.id_number and row.birth_date != personal.birth_date_from_id(row.id_number):
                    self.error(row, sheet, "出生日期", _text(cells[2]),
                               _("The birth date contradicts the ID number."))
        row.phone = ""
        phone = _text(cells[4])
        if phone:
            try:
                row.phone = personal.validate_phone(phone)
            except personal.InvalidIdentifier as exc:
                self.error(row, sheet, "手机号", phone, str(exc))
        row.house_no = _text(cells[5])
        row.relation = self._enum(row, sheet, "与户主关系", cells[6], excel.RELATIONS, default="")
        if row.relation and not row.house_no:
            self.error(row, sheet, "与户主关系", _text(cells[6]), _("A relation to the head needs a household number."))
        row.grid_code = _text(cells[7])
        if not row.grid_code and not row.house_no:
            self.error(row, sheet, "所属网格编码", "", _("Give the grid, or a household number to take its grid."))
        row.party = self._enum(row, sheet, "政治面貌", cells[8], excel.POLITICAL, default=False)
        row.org_code = _text(cells[9])
        if row.org_code and row.party is False:
            self.error(row, sheet, "所属党组织编码", row.org_code,
                       _("Only a party member belongs to a party organisation."))
        row.posts = ()
        posts_text = _text(cells[10])
        if posts_text:
            posts = []
            for token in re.split(f"[{re.escape(excel.POST_SEPARATORS)}]+", posts_text):
                word, _at, grid_code = token.partition("@")
                if not word:
                    continue
                if word not in excel.POSTS:
                    self.error(row, sheet, "身份", word, _("Unknown value; use one of: %(values)s")
                               % {"values": "、".join(excel.POSTS)})
                elif grid_code and not codes.GRID_CODE.match(grid_code):
                    self.error(row, sheet, "身份", token, _("A post in another grid is written post@grid code."))
                else:
                    posts.append((excel.POSTS[word], grid_code))
            row.posts = tuple(dict.fromkeys(posts))
            if any(kind == Post.Kind.CENTRAL_HOUSEHOLD for kind, _code in row.posts) and not row.house_no:
                self.error(row, sheet, "身份", posts_text, _("A party-member central household needs a household number."))
        self.rows["people"].append(row)

    # -- checking against the database -----------------------------------------------------------

    def resolve(self) -> None:
        self.resolve_regions()
        self.resolve_grids()
        self.resolve_party_orgs()
        self.resolve_households()
        self.resolve_people()

    def _duplicates(self, rows: list, key: str, column: str) -> dict:
        """First row of each key; later rows with the same key are errors naming the first."""
        first: dict = {}
        for row in rows:
            value = getattr(row, key)
            if not value:
                continue
            if value in first:
                self.error(row, row.sheet, column, value, _("Duplicated in this file: also in row %(row)d.")
                           % {"row": first[value].row})
                continue
            first[value] = row
        return first

    def _scope_error(self, row, column, value) -> None:
        self.error(row, row.sheet, column, value, _("This row lies outside the part of the tree you may import."))

    def _load(self, model, field: str, keys: set, columns: tuple) -> dict:
        """Stored objects by natural key, one query per chunk of keys."""
        found = {}
        # A county's first import asks for a million keys in 500 queries of a table with no rows in it
        # (and sorting them first was most of a second).
        if len(keys) > LOOKUP_CHUNK and not model.objects.exists():
            return found
        for chunk in _chunks(sorted(k for k in keys if k)):
            for values in model.objects.filter(**{f"{field}__in": chunk}).values_list(field, *columns):
                found[values[0]] = values[1:]
        return found

    def resolve_regions(self) -> None:
        rows = self.rows["regions"]
        first = self._duplicates(rows, "code", "区划代码")
        wanted = set(first) | {r.parent_code for r in rows}
        wanted |= {r.code[:12] for r in self.rows["grids"] if r.code}
        wanted |= {r.region_code for r in self.rows["party_orgs"]}
        # The town of a village grid's village is needed to check the grid's parent.
        stored = self._load(Region, "code", wanted, ("pk", "level", "path", "parent__code"))
        more = {parent for _pk, _level, _path, parent in stored.values() if parent and parent not in stored}
        stored.update(self._load(Region, "code", more, ("pk", "level", "path", "parent__code")))
        self.regions: dict[str, Node] = {
            code: Node(code, pk, level, path, parent or "") for code, (pk, level, path, parent) in stored.items()
        }
        allowed = self.stored_in_scope(Region, [self.regions[c].pk for c in first if c in self.regions])
        for row in sorted(first.values(), key=lambda r: r.level or 9):
            if row.level is None:
                self.regions[row.code] = Node(row.code, row=row)
                self.regions[row.code].broken = True
                continue
            node = self.regions.get(row.code)
            if node is not None and node.pk is not None:
                node.row = row
                if node.pk not in allowed:
                    self._scope_error(row, "区划代码", row.code)
                elif (row.parent_code or "") != node.parent_code:
                    self.error(row, row.sheet, "上级代码", row.parent_code,
                               _("A registered region cannot be moved to another parent."))
                if row.kind is None:
                    node.broken = True
                continue
            node = self.regions[row.code] = Node(row.code, None, row.level, "", row.parent_code, row)
            node.broken = row.kind is None
            if row.level == 1:
                if row.parent_code:
                    self.error(row, row.sheet, "上级代码", row.parent_code, _("A county has no parent region."))
                node.path = codes.region_path(row.code, 1)
            else:
                expected = {2: row.code[:6] + "000000", 3: row.code[:9] + "000", 4: row.code[:12]}[row.level]
                parent = self.regions.get(row.parent_code) if row.parent_code else None
                if not row.parent_code:
                    self.error(row, row.sheet, "上级代码", "", _("This cell is required."))
                    node.broken = True
                elif row.parent_code != expected:
                    self.error(row, row.sheet, "上级代码", row.parent_code,
                               _("The parent must be the region the code starts with: %(code)s.") % {"code": expected})
                    node.broken = True
                elif parent is None:
                    self.error(row, row.sheet, "上级代码", row.parent_code, _("Unknown region code."))
                    node.broken = True
                elif parent.broken:
                    node.broken = True
                else:
                    node.path = codes.region_path(row.code, row.level, parent.path)
            if node.path and not self.in_scope(node.path):
                self._scope_error(row, "区划代码", row.code)

    def resolve_grids(self) -> None:
        rows = self.rows["grids"]
        first = self._duplicates(rows, "code", "网格编码")
        self.grid_refs = set(first) | {r.parent_code for r in rows}
        self.grid_refs |= {r.grid_code for r in self.rows["party_orgs"]}
        self.grid_refs |= {r.grid_code for r in self.rows["households"]}
        self.grid_refs |= {r.grid_code for r in self.rows["people"]}
        self.grid_refs |= {code for r in self.rows["people"] for _kind, code in r.posts if code}
        stored = self._load(Grid, "code", self.grid_refs, ("pk", "level", "path", "parent__code", "region__code"))
        self.grids: dict[str, Node] = {}
        for code, (pk, level, path, parent, region) in stored.items():
            node = self.grids[code] = Node(code, pk, level, path, parent or "")
            node.region_code = region
        allowed = self.stored_in_scope(Grid, [self.grids[c].pk for c in first if c in self.grids])
        for row in sorted(first.values(), key=lambda r: r.level or 9):
            if row.level is None:
                self.grids[row.code] = Node(row.code, row=row)
                self.grids[row.code].broken = True
                continue
            node = self.grids.get(row.code)
            stored_node = node is not None and node.pk is not None
            if stored_node:
                node.row = row
                if node.pk not in allowed:
                    self._scope_error(row, "网格编码", row.code)
            else:
                node = self.grids[row.code] = Node(row.code, None, row.level, "", row.parent_code, row)
                node.region_code = codes.grid_region_code(row.code)
            region = self.regions.get(codes.grid_region_code(row.code))
            if region is None:
                self.error(row, row.sheet, "网格编码", row.code, _("No region %(code)s for this grid.")
                           % {"code": codes.grid_region_code(row.code)})
                node.broken = True
                continue
            if region.broken:
                node.broken = True
                continue
            if region.level != (2 if row.level == 1 else 3):
                self.error(row, row.sheet, "网格编码", row.code,
                           _("A town grid lies in a town; village and small grids lie in a village."))
                node.broken = True
                continue
            if row.level == 1:
                expected = ""
            elif row.level == 2:
                expected = codes.village_grid_code(region.parent_code) if region.parent_code else ""
            else:
                expected = codes.village_grid_code(row.code[:12])
            parent_code = row.parent_code or expected
            if row.level == 1 and row.parent_code:
                self.error(row, row.sheet, "上级网格编码", row.parent_code, _("A town grid has no parent grid."))
                node.broken = True
            elif row.level == 3 and parent_code != expected:
                self.error(row, row.sheet, "上级网格编码", row.parent_code,
                           _("The parent of a small grid must be the village grid of the same village (%(code)s).")
                           % {"code": expected})
                node.broken = True
            elif row.level == 2 and parent_code != expected:
                self.error(row, row.sheet, "上级网格编码", row.parent_code,
                           _("The parent of a village grid must be the town grid of its town (%(code)s).")
                           % {"code": expected})
                node.broken = True
            elif row.level > 1:
                parent = self.grids.get(parent_code)
                if parent is None:
                    self.error(row, row.sheet, "上级网格编码", parent_code, _("Unknown grid code."))
                    node.broken = True
                elif parent.broken:
                    node.broken = True
            node.parent_code = parent_code
            node.path = codes.grid_path(row.code, row.level, region.path) if region.path else ""
            if not stored_node and node.path and not self.in_scope(node.path):
                self._scope_error(row, "网格编码", row.code)

    def _grid_ref(self, row, column: str, code: str) -> Node | None:
        """A grid a row refers to; reports unknown codes, stays quiet about rows already reported."""
        node = self.grids.get(code)
        if node is None:
            self.error(row, row.sheet, column, code, _("Unknown grid code."))
            return None
        return None if node.broken else node

    def resolve_party_orgs(self) -> None:
        rows = self.rows["party_orgs"]
        first = self._duplicates(rows, "code", "组织编码")
        wanted = set(first) | {r.parent_code for r in rows}
        wanted |= {r.org_code for r in self.rows["people"]}
        stored = self._load(PartyOrg, "code", wanted, ("pk", "path", "parent__code"))
        # Walking up for cycles may need ancestors the file does not name; a few rounds reach the top.
        for _round in range(10):
            more = {parent for _pk, _path, parent in stored.values() if parent and parent not in stored}
            if not more:
                break
            stored.update(self._load(PartyOrg, "code", more, ("pk", "path", "parent__code")))
        self.orgs: dict[str, Node] = {code: Node(code, pk, None, path, parent or "")
                                      for code, (pk, path, parent) in stored.items()}
        allowed = self.stored_in_scope(PartyOrg, [self.orgs[c].pk for c in first if c in self.orgs])
        for row in first.values():
            node = self.orgs.get(row.code)
            if node is not None and node.pk is not None:
                node.row = row
                if node.pk not in allowed:
                    self._scope_error(row, "组织编码", row.code)
            else:
                node = self.orgs[row.code] = Node(row.code, row=row)
            node.broken = row.kind is None
            region = self.regions.get(row.region_code) if row.region_code else None
            if row.region_code and region is None:
                self.error(row, row.sheet, "所属区划代码", row.region_code, _("Unknown region code."))
            if region is None or region.broken:
                node.broken = True
                continue
            grid = self._grid_ref(row, "所属网格编码", row.grid_code) if row.grid_code else None
            if row.grid_code and grid is None:
                node.broken = True
                continue
            if grid is not None and grid.path and not grid.path.startswith(region.path):
                self.error(row, row.sheet, "所属网格编码", row.grid_code, _("The grid does not lie in this region."))
                node.broken = True
                continue
            if row.kind == PartyOrg.Kind.GROUP and grid is None:
                self.error(row, row.sheet, "所属网格编码", "", _("A grid party group needs its grid"))
                node.broken = True
                continue
            node.path = grid.path if grid is not None else region.path
            node.region_code = row.region_code
            if node.path and not self.in_scope(node.path):
                self._scope_error(row, "组织编码", row.code)
        for row in first.values():
            node = self.orgs[row.code]
            node.parent_code = row.parent_code
            parent = self.orgs.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                self.error(row, row.sheet, "上级组织编码", row.parent_code, _("Unknown party organisation code."))
                node.broken = True
            elif parent is not None and parent.path and not node.broken:
                region = self.regions[row.region_code]
                if not region.path.startswith(parent.path):
                    self.error(row, row.sheet, "上级组织编码", row.parent_code,
                               _("A party organisation sits under one of its region's parents"))
                    node.broken = True
        for row in first.values():
            seen, code = {row.code}, row.parent_code
            while code and code in self.orgs:
                if code in seen:
                    self.error(row, row.sheet, "上级组织编码", row.parent_code,
                               _("The parent organisations form a loop."))
                    self.orgs[row.code].broken = True
                    break
                seen.add(code)
                code = self.orgs[code].parent_code

    def resolve_households(self) -> None:
        rows = self.rows["households"]
        first = self._duplicates(rows, "number", "户编号")
        wanted = set(first) | {r.house_no for r in self.rows["people"]}
        stored = self._load(Household, "number", wanted, ("pk", "path", "grid_id", "head_id"))
        self.houses: dict[str, Node] = {}
        for number, (pk, path, grid_pk, head_id) in stored.items():
            node = self.houses[number] = Node(number, pk, 3, path)
            node.grid_pk, node.head_id = grid_pk, head_id
        # People may name only a stored household and take its grid, which the file may not name.
        grid_by_pk = {node.pk: node for node in self.grids.values() if node.pk is not None}
        missing = sorted({node.grid_pk for node in self.houses.values()} - set(grid_by_pk))
        for chunk in _chunks(missing):
            for pk, code, level, path, parent, region in Grid.objects.filter(pk__in=chunk).values_list(
                    "pk", "code", "level", "path", "parent__code", "region__code"):
                grid = self.grids[code] = grid_by_pk[pk] = Node(code, pk, level, path, parent or "")
                grid.region_code = region
        allowed = self.stored_in_scope(Household, [self.houses[n].pk for n in first if n in self.houses])
        for row in first.values():
            node = self.houses.get(row.number)
            if node is not None:
                node.row = row
                node.parent_code = ""

                if node.pk not in allowed:
                    self._scope_error(row, "户编号", row.number)
            else:
                node = self.houses[row.number] = Node(row.number, row=row)
            node.broken = row.central is None or not row.address
            grid = self._grid_ref(row, "所属网格编码", row.grid_code) if row.grid_code else None
            if grid is None:
                node.broken = True
                continue
            if grid.level != Grid.Level.SMALL:
                self.error(row, row.sheet, "所属网格编码", row.grid_code, _("Households belong to small grids"))
                node.broken = True
                continue
            node.parent_code = row.grid_code  # the household's grid, by code
            node.path = grid.path
            if node.path and not self.in_scope(node.path):
                self._scope_error(row, "户编号", row.number)
        for node in self.houses.values():
            if node.row is None:
                node.parent_code = grid_by_pk[node.grid_pk].code

    def resolve_people(self) -> None:
        rows = self.rows["people"]
        first: dict[str, PersonRow] = {}
        for row in rows:
            if not row.id_hash:
                continue
            earlier = first.get(row.id_hash)
            if earlier is not None:
                self.error(row, row.sheet, "身份证号", row.id_number,
                           _("Duplicated in this file: also in row %(row)d.") % {"row": earlier.row})
                continue
            first[row.id_hash] = row
        stored = self._load(Person, "id_number_hash", set(first), ("pk", "path", "household_id", "relation"))
        self.person_pk = {h: values[0] for h, values in stored.items()}
        allowed = self.stored_in_scope(Person, self.person_pk.values())
        # Households whose stored head is not in this file keep them: a second head is an error.
        file_pks = set(self.person_pk.values())
        heads: dict[str, PersonRow] = {}
        for row in rows:
            if row.id_hash and row.id_hash in self.person_pk and self.person_pk[row.id_hash] not in allowed:
                self._scope_error(row, "身份证号", row.id_number)
            house = None
            if row.house_no:
                house = self.houses.get(row.house_no)
                if house is None:
                    self.error(row, row.sheet, "户编号", row.house_no, _("Unknown household number."))
                elif house.broken:
                    house = None
            grid = None
            if row.grid_code:
                grid = self.grids.get(row.grid_code)
                if grid is None:
                    self.error(row, row.sheet, "所属网格编码", row.grid_code, _("Unknown grid code."))
                elif grid.broken:
                    grid = None
                if grid is not None and house is not None and house.parent_code != row.grid_code:
                    self.error(row, row.sheet, "所属网格编码", row.grid_code,
                               _("This is not the grid of household %(number)s (%(grid)s).")
                               % {"number": row.house_no, "grid": house.parent_code})
            elif house is not None:
                row.grid_code = house.parent_code
                grid = self.grids.get(row.grid_code)
            if row.org_code and row.org_code not in self.orgs:
                self.error(row, row.sheet, "所属党组织编码", row.org_code, _("Unknown party organisation code."))
            if row.relation == Person.Relation.HEAD and row.house_no:
                earlier = heads.get(row.house_no)
                if earlier is not None:
                    self.error(row, row.sheet, "与户主关系", "户主",
                               _("Household %(number)s already has its head in row %(row)d.")
                               % {"number": row.house_no, "row": earlier.row})
                else:
                    heads[row.house_no] = row
                    if house is not None and house.head_id and house.head_id not in file_pks:
                        self.error(row, row.sheet, "与户主关系", "户主",
                                   _("Household %(number)s already has a registered head who is not in this file.")
                                   % {"number": row.house_no})
            if grid is not None and grid.path and not self.in_scope(grid.path):
                self._scope_error(row, "所属网格编码", row.grid_code)
            for _kind, code in row.posts:
                if not code:
                    continue
                post_grid = self.grids.get(code)
                if post_grid is None:
                    self.error(row, row.sheet, "身份", code, _("Unknown grid code."))
                elif post_grid.path and not self.in_scope(post_grid.path):
                    self._scope_error(row, "身份", code)

    # -- writing ---------------------------------------------------------------------------------

    def _count(self, scope_kind: str, key: str, n: int = 1) -> None:
        counts = self.summary.setdefault(SUMMARY_KEY[scope_kind], {"created": 0, "updated": 0, "unchanged": 0})
        counts[key] += n

    def _reserve(self, model, new: list) -> None:
        """Ids for new objects before anything is written, in path order so that each grid's new rows
        get consecutive ids and its audit row covers them in one run (audit.record_runs)."""
        waiting = sorted((o for o in new if o.pk is None), key=lambda o: o.path)
        for obj, pk in zip(waiting, bulk.reserve_ids(model, len(waiting))):
            obj.pk = pk

    def _create(self, model, action_prefix: str, new: list) -> None:
        """Insert new objects whose ids are reserved, with their audit rows."""
        for batch in _chunks(new, BATCH):
            bulk.insert(batch)
            audit.record_runs(f"{action_prefix}.create", list(zip(batch, [None] * len(batch), audit.snapshots(batch))),
                              actor=self.actor)
            self._count(model.scope_kind, "created", len(batch))

    def _save(self, model, action_prefix: str, new: list, changed: list, fields: list[str]) -> None:
        """Insert new objects and bulk_update changed ones (obj, before, after), with audit rows."""
        self._reserve(model, new)
        self._create(model, action_prefix, new)
        for batch in _chunks(changed, BATCH):
            model.objects.bulk_update([o for o, _b, _a in batch], fields, batch_size=500)
            audit.record_runs(f"{action_prefix}.update", batch, actor=self.actor)
            self._count(model.scope_kind, "updated", len(batch))

    def _changes(self, obj, before: dict, extra: dict | None = None):
        after = audit.snapshot(obj)
        b, a = audit.diff(before, after)
        if extra:
            b.update({k: v[0] for k, v in extra.items()})
            a.update({k: v[1] for k, v in extra.items()})
        return (obj, b, a) if a else None

    def apply(self) -> None:
        for kind in (*excel.KINDS, "posts"):
            self.summary[kind] = {"created": 0, "updated": 0, "unchanged": 0}
        self.apply_regions()
        self.apply_grids()
        self.apply_party_orgs()
        self.apply_households()
        self.apply_people()
        # The point-in-grid index of this process is rebuilt on its next lookup (others notice by themselves).
        transaction.on_commit(geo.invalidate)
        audit.record("org.import", _ImportSubject(self.actor), None,
                     {"file": self.source_name[:200], "counts": self.summary}, actor=self.actor)

    def _stored(self, model, nodes: list[Node]) -> dict[int, object]:
        objs = {}
        for chunk in _chunks([n.pk for n in nodes]):
            objs.update(model.objects.in_bulk(chunk))
        return objs

    def apply_regions(self) -> None:
        rows = [n for n in self.regions.values() if n.row is not None]
        stored = self._stored(Region, [n for n in rows if n.pk])
        changed = []
        for node in (n for n in rows if n.pk):
            obj, row = stored[node.pk], node.row
            before = audit.snapshot(obj)
            obj.name, obj.kind = row.name, row.kind
            change = self._changes(obj, before)
            if change:
                changed.append(change)
            else:
                self._count("region", "unchanged")
            self.progress.advance()
        self._save(Region, "region", [], changed, ["name", "kind"])
        for level in (1, 2, 3, 4):
            new = []
            for node in rows:
                if node.pk is None and node.row.level == level:
                    parent = self.regions.get(node.row.parent_code)
                    new.append(Region(code=node.code, name=node.row.name, level=level, kind=node.row.kind,
                                      parent_id=parent.pk if parent else None, path=node.path))
            self._save(Region, "region", new, [], [])
            for obj in new:
                self.regions[obj.code].pk = obj.pk
                self.progress.advance()

    def apply_grids(self) -> None:
        rows = [n for n in self.grids.values() if n.row is not None]
        stored = self._stored(Grid, [n for n in rows if n.pk])
        changed = []
        for level in (1, 2, 3):
            new = []
            for node in rows:
                row = node.row
                if row.level != level:
                    continue
                parent = self.grids.get(node.parent_code) if node.parent_code else None
                parent_pk = parent.pk if parent else None
                if node.pk:
                    obj = stored[node.pk]
                    before = audit.snapshot(obj)
                    extra = None
                    obj.name, obj.parent_id = row.name, parent_pk
                    if row.geometry is not None and row.geometry != obj.geometry:
                        extra = {"geometry": (obj.geometry, row.geometry)}
                        set_geometry(obj, row.geometry)
                    change = self._changes(obj, before, extra)
                    if change:
                        changed.append(change)
                    else:
                        self._count("grid", "unchanged")
                else:
                    obj = Grid(code=node.code, name=row.name, level=level, parent_id=parent_pk,
                               region_id=self.regions[node.region_code].pk, path=node.path)
                    set_geometry(obj, row.geometry)
                    new.append(obj)
                self.progress.advance()
            self._save(Grid, "grid", new, [], [])
            for obj in new:
                self.grids[obj.code].pk = obj.pk
        self._save(Grid, "grid", [], changed,
                   ["name", "parent", "geometry", "min_lng", "min_lat", "max_lng", "max_lat"])

    def apply_party_orgs(self) -> None:
        rows = [n for n in self.orgs.values() if n.row is not None]
        stored = self._stored(PartyOrg, [n for n in rows if n.pk])

        def depth(node: Node) -> int:
            # New organisations are created parents first; stored parents already have their pk.
            d, parent = 0, self.orgs.get(node.parent_code) if node.parent_code else None
            while parent is not None and parent.pk is None and parent.row is not None:
                d += 1
                parent = self.orgs.get(parent.parent_code) if parent.parent_code else None
            return d

        depths = {n.code: depth(n) for n in rows if n.pk is None}
        new_nodes = sorted((n for n in rows if n.pk is None), key=lambda n: depths[n.code])
        for _depth, group in _group_by(new_nodes, lambda n: depths[n.code]):
            new = []
            for node in group:
                row = node.row
                parent = self.orgs.get(row.parent_code) if row.parent_code else None
                grid = self.grids.get(row.grid_code) if row.grid_code else None
                new.append(PartyOrg(code=node.code, name=row.name, kind=row.kind,
                                    parent_id=parent.pk if parent else None,
                                    region_id=self.regions[row.region_code].pk,
                                    grid_id=grid.pk if grid else None, path=node.path))
                self.progress.advance()
            self._save(PartyOrg, "party_org", new, [], [])
            for obj in new:
                self.orgs[obj.code].pk = obj.pk
        changed = []
        for node in (n for n in rows if n.pk and n.pk in stored):
            obj, row = stored[node.pk], node.row
            before = audit.snapshot(obj)
            parent = self.orgs.get(row.parent_code) if row.parent_code else None
            grid = self.grids.get(row.grid_code) if row.grid_code else None
            obj.name, obj.kind, obj.path = row.name, row.kind, node.path
            obj.parent_id = parent.pk if parent else None
            obj.region_id = self.regions[row.region_code].pk
            obj.grid_id = grid.pk if grid else None
            change = self._changes(obj, before)
            if change:
                changed.append(change)
            else:
                self._count("party_org", "unchanged")
            self.progress.advance()
        self._save(PartyOrg, "party_org", [], changed, ["name", "kind", "parent", "region", "grid", "path"])

    def apply_households(self) -> None:
        central = {r.house_no for r in self.rows["people"]
                   if any(kind == Post.Kind.CENTRAL_HOUSEHOLD for kind, _code in r.posts)}
        rows = [n for n in self.houses.values() if n.row is not None]
        # Stored households the file does not list, but whose member is named 党员中心户 here.
        flagged = [n for n in self.houses.values() if n.row is None and n.pk and n.code in central]
        stored = self._stored(Household, [n for n in rows if n.pk] + flagged)
        new, changed = [], []
        for node in rows:
            row = node.row
            grid = self.grids[row.grid_code]
            is_central = bool(row.central) or row.number in central
            if node.pk:
                obj = stored[node.pk]
                before = audit.snapshot(obj)
                obj.grid_id, obj.address, obj.path = grid.pk, row.address, node.path
                obj.is_party_central = is_central
                change = self._changes(obj, before)
                if change:
                    changed.append(change)
                else:
                    self._count("household", "unchanged")
            else:
                new.append(bulk.instance(Household, number=row.number, grid_id=grid.pk, address=row.address,
                                         is_party_central=is_central, path=node.path))
            self.progress.advance()
        for node in flagged:
            obj = stored[node.pk]
            if not obj.is_party_central:
                before = audit.snapshot(obj)
                obj.is_party_central = True
                changed.append(self._changes(obj, before))
        # New households get their ids now, so people can point to them, and are written once their
        # head is known (apply_heads): one insert each, its audit row showing the head.
        self._reserve(Household, new)
        self.new_households = new
        for obj in new:
            self.houses[obj.number].pk = obj.pk
        self._save(Household, "household", [], changed, ["grid", "address", "is_party_central", "path"])

    def apply_people(self) -> None:
        grid_objs: dict[str, Grid] = {}

        def grid_obj(code: str) -> Grid:
            obj = grid_objs.get(code)
            if obj is None:
                node = self.grids[code]
                obj = grid_objs[code] = Grid(pk=node.pk, code=code, level=node.level, path=node.path)
            return obj

        touched_households: set[int] = set()
        self.heads: dict[int, int] = {}
        rows = self.rows["people"]
        for batch in _chunks(rows, BATCH):
            existing_pks = [self.person_pk[r.id_hash] for r in batch if r.id_hash in self.person_pk]
            stored = Person.objects.in_bulk(existing_pks) if existing_pks else {}
            new, changed, by_row = [], [], []
            for row in batch:
                grid = grid_obj(row.grid_code)
                house_pk = self.houses[row.house_no].pk if row.house_no else None
                org_pk = self.orgs[row.org_code].pk if row.org_code else None
                pk = self.person_pk.get(row.id_hash)
                if pk is None:
                    person = build_person(row.name, grid, id_number=row.id_number, phone=row.phone,
                                          gender=row.gender, birth_date=row.birth_date, relation=row.relation,
                                          is_party_member=row.party, checked=True, id_hash=row.id_hash or None,
                                          household_id=house_pk, party_org_id=org_pk)
                    new.append(person)
                else:
                    person = stored[pk]
                    before = audit.snapshot(person)
                    if person.household_id:
                        touched_households.add(person.household_id)
                    person.name, person.grid_id, person.path = row.name, grid.pk, grid.path
                    person.gender = row.gender or personal.gender_from_id(row.id_number)
                    person.birth_date = row.birth_date or personal.birth_date_from_id(row.id_number)
                    person.household_id, person.relation = house_pk, row.relation
                    person.is_party_member, person.party_org_id = row.party, org_pk
                    extra = None
                    if row.phone and Person.phone.hash_of(row.phone) != person.phone_hash:
                        person.phone = row.phone
                        extra = {"phone": ("", "changed")}
                    change = self._changes(person, before, extra)
                    if change:
                        changed.append(change)
                    else:
                        self._count("person", "unchanged")
                by_row.append(person)
                if house_pk:
                    touched_households.add(house_pk)
            self._reserve(Person, new)
            for person in by_row:
                if person.household_id and person.relation == Person.Relation.HEAD:
                    held = self.heads.get(person.household_id)
                    self.heads[person.household_id] = person.pk if held is None else min(held, person.pk)
            self._save(Person, "person", new, changed,
                       ["name", "gender", "birth_date", "household", "relation", "grid", "is_party_member",
                        "party_org", "path", "phone_enc", "phone_hash"])
            self.apply_posts(batch, by_row, existing_pks)
            self.progress.advance(len(batch))
        self.apply_heads(touched_households)

    def apply_posts(self, rows: list[PersonRow], people: list[Person], existing_pks: list[int]) -> None:
        held = set()
        if existing_pks and any(r.posts for r in rows):
            held = set(Post.objects.filter(person_id__in=existing_pks).values_list("person_id", "kind", "grid_id"))
        new = []
        for row, person in zip(rows, people):
            for kind, grid_code in row.posts:
                grid = self.grids[grid_code] if grid_code else None
                grid_pk, path = (grid.pk, grid.path) if grid else (person.grid_id, person.path)
                if (person.pk, kind, grid_pk) not in held:
                    held.add((person.pk, kind, grid_pk))
                    # The person instance, not just its id: the audit row's str(post) names them without a query.
                    new.append(bulk.instance(Post, person=person, kind=kind, grid_id=grid_pk, path=path))
        self._save(Post, "post", new, [], [])

    def apply_heads(self, touched: set[int]) -> None:
        """Each household's head is its member whose relation is 户主, set in SQL for the households
        this import touched; stored households get an audit row when their head changes, new ones
        their create row now that it is known."""
        head = Subquery(Person.objects.filter(household_id=OuterRef("pk"), relation=Person.Relation.HEAD)
                        .order_by("pk").values("pk")[:1])
        new = {h.pk for h in self.new_households}
        for chunk in _chunks(sorted(touched - new), BATCH):
            before = dict(Household.objects.filter(pk__in=chunk).values_list("pk", "head_id"))
            Household.objects.filter(pk__in=chunk).update(head_id=head)
            changed = [h for h in Household.objects.filter(pk__in=chunk) if h.head_id != before.get(h.pk)]
            if changed:
                audit.record_runs("household.update", [(h, {"head_id": before.get(h.pk)}, {"head_id": h.head_id})
                                                       for h in changed], actor=self.actor)
                self._count("household", "updated", len(changed))
        # A new household's members are all in this file, so its head is known without a query:
        # the lowest id among its members whose relation is 户主, as the SQL above chooses.
        for household in self.new_households:
            household.head_id = self.heads.get(household.pk)
        self._create(Household, "household", self.new_households)


class _HeaderRow(_Row):
    __slots__ = ()

    def __init__(self, sheet: str):
        self.row, self.sheet = 1, sheet


class _ImportSubject:
    """What the summary audit row is about: the import, placed at the importer's scope node."""

    def __init__(self, actor):
        self.pk = None
        self.path = getattr(actor, "scope_path", "") or ""

    def __str__(self):
        return "org.import"


def _group_by(items: list, key) -> Iterator[tuple[int, list]]:
    group, current = [], None
    for item in items:
        k = key(item)
        if group and k != current:
            yield current, group
            group = []
        current = k
        group.append(item)
    if group:
        yield current, group


def import_workbook(path, actor=None, progress: ProgressCallback | None = None, check_only: bool = False,
                    source_name: str = "") -> dict:
    """Import `path`; returns counts per kind, or raises ImportFailed (nothing written) or
    PermissionDenied."""
    run = WorkbookImport(actor=actor, progress=progress, source_name=source_name or Path(str(path)).name)
    return run.run(path, check_only=check_only)


# ---------------------------------------------------------------------------------------------
# The background job behind the web upload

def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def enqueue_upload(user, uploaded, language: str = "", request_id: str = "") -> Job:
    """Save an uploaded workbook under MEDIA_ROOT/imports/ and queue its import for the worker."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.xlsx"
    with open(directory / name, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    payload = {"file": f"imports/{name}", "name": Path(uploaded.name or "").name[:200],
               "language": language or settings.LANGUAGE_CODE}
    return jobs.enqueue(JOB_KIND, payload, user=user, request_id=request_id)


def job_status(job: Job) -> dict:
    """What the progress page shows of an import job (the JSON of /data/import/<id>/status)."""
    result = job.result or {}
    status = {"state": job.state, "progress": job.progress, "total": job.total, "errors": [], "error_count": 0,
              "summary": None, "message": ""}
    if job.state == Job.State.DONE:
        status["summary"] = result.get("summary")
        status["progress"] = status["total"] = max(job.total, job.progress)
    elif job.state == Job.State.FAILED:
        detail = result.get("detail")
        if isinstance(detail, dict) and "errors" in detail:
            status.update(errors=detail["errors"], error_count=detail.get("count", len(detail["errors"])),
                          message=result.get("error", ""))
        else:
            # Anything else is a fault of ours, not of the workbook; its text is not for the page.
            status["message"] = _("The import stopped on an unexpected error; nothing was written.")
    return status


@jobs.handler(JOB_KIND)
def run_import_job(job: Job) -> dict:
    """Payload: {"file": path under MEDIA_ROOT, "name": the uploaded file's name, "language"}. The
    uploaded file holds personal data, so it is deleted once the job has run, whatever the outcome."""
    path = Path(settings.MEDIA_ROOT) / job.payload["file"]
    language = job.payload.get("language") or settings.LANGUAGE_CODE
    reporter = _JobProgress(job)
    try:
        with translation.override(language):
            summary = import_workbook(path, actor=job.created_by, progress=reporter,
                                      source_name=job.payload.get("name", ""))
    finally:
        path.unlink(missing_ok=True)
    jobs.set_progress(job, reporter.total, reporter.total)
    return {"summary": summary}


class _JobProgress:
    """Writes progress to the Job row. While the import's own transaction is open its writes would
    not be seen by the page polling the job, so on PostgreSQL they go through a second connection
    opened in a short-lived thread; SQLite has a single writer, so there the bar waits for the end."""

    def __init__(self, job: Job):
        self.job, self.total, self._last = job, 0, 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        import time

        self.total = total
        now = time.monotonic()
        if done < total and now - self._last < 0.5:
            return
        self._last = now
        if not connection.in_atomic_block or phase == "check":
            jobs.set_progress(self.job, done, total)
        elif connection.vendor == "postgresql":
            _side_update(self.job.pk, done, total)


def _side_update(job_id: int, done: int, total: int) -> None:
    import threading

    from django.db import connections

    def write():
        try:
            Job.objects.filter(pk=job_id).update(progress=done, total=total)
        finally:
            connections.close_all()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    thread.join(timeout=5)
