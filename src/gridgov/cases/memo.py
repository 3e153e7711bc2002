"""Per-process copies of the rows every report reads and people rarely change: the active subcategories
and the small grids by code, and the grid workers told of a report by the path of its grid (issue 18:
intake asks the database only for what the report writes).

A copy of a row is trusted for RECHECK_SECONDS after it was read, then read again. A change saved in
this process (a category renamed or disabled on the configuration page, a grid's name, path or level)
empties the copies at once, and again when its transaction commits; a change saved in another process
is seen here within RECHECK_SECONDS, the same interval as the grid index (org/geo.py) and the working
calendar (calendar.py). What a stale copy can do in that interval: accept a report in a subcategory
disabled a moment ago, show a category's or a grid's former name, or tell a report to a grid worker
deactivated a moment ago and not yet to one just appointed (who finds the case in their list). A grid's path changes with its
code and region only, which no action of the project edits after the grid is made.

The copies are shared by every request of the process: treat them as read-only.
"""

import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from gridgov.core import compiled

RECHECK_SECONDS = 2.0
_MISSING = object()


class Copies:
    """Rows by key, each read at most once per RECHECK_SECONDS; `load(key)` reads one (None: none, and
    asked again next time)."""

    def __init__(self, load):
        self._load = load
        self._rows: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        hit = self._rows.get(key, _MISSING)
        now = time.monotonic()
        if hit is not _MISSING and now - hit[1] < RECHECK_SECONDS:
            return hit[0]
        row = self._load(key)
        if row is not None:  # a miss is not kept: codes sent by clients cannot fill the memory
            with self._lock:
                self._rows[key] = (row, now)
        return row

    def clear(self) -> None:
        with self._lock:
            self._rows = {}


class WholeTable:
    """Every row of a small table by key, read as a whole at most once per RECHECK_SECONDS: a report
    names one of a few hundred subcategories, and each kept on its own was read again in nearly every
    report of a busy process (issue 18). `load()` reads them all as {key: row}."""

    def __init__(self, load):
        self._load = load
        self._read: tuple | None = None  # ({key: row}, when)

    def get(self, key):
        read = self._read
        now = time.monotonic()
        if read is None or now - read[1] >= RECHECK_SECONDS:
            read = self._read = (self._load(), now)
        return read[0].get(key)

    def clear(self) -> None:
        self._read = None


def _subcategories() -> dict:
    from .models import Category

    return {category.code: category for category in Category.objects.filter(is_active=True, level=2)}


def _small_grid_query(code: str):
    from gridgov.org.models import Grid

    # Without the boundary: the report needs the grid's id, code, name and path, not its polygon.
    return Grid.objects.filter(code=code, level=Grid.Level.SMALL).defer("geometry")


# Its SQL compiled once: a county's thousands of small grids are each read again every RECHECK_SECONDS
# in every process that takes their reports, and compiling the query was most of that read.
_SMALL_GRID = compiled.OneRow(_small_grid_query, code="-- a grid's code --")


def _small_grid(code: str):
    return _SMALL_GRID.get(code=code)


def _grid_worker_ids(path: str) -> tuple:
    from gridgov.core.scoping import GRID_WORKER
    from gridgov.org.models import User

    from .models import ancestor_paths

    return tuple(User.objects.filter(is_active=True, role=GRID_WORKER, scope_path__in=ancestor_paths(path))
                 .order_by("pk").values_list("pk", flat=True))


subcategories = WholeTable(_subcategories)
small_grids = Copies(_small_grid)
grid_workers = Copies(_grid_worker_ids)


def subcategory(code: str):
    """The active subcategory with this code, or None."""
    return subcategories.get(code)


def small_grid(code: str):
    """The small grid with this code, or None (a town or village grid, or no grid)."""
    return small_grids.get(code)


def grid_worker_ids(path: str) -> tuple:
    """Ids of the active grid workers over the grid of `path` (routing.grid_workers, as ids)."""
    return grid_workers.get(path)


def invalidate() -> None:
    subcategories.clear()
    small_grids.clear()
    grid_workers.clear()


def _changed(sender, **kwargs) -> None:
    invalidate()
    # Again after the commit: a copy read inside the writer's own transaction before it ended is not
    # kept past it.
    transaction.on_commit(invalidate)


def connect() -> None:
    """Called once from CasesConfig.ready()."""
    from gridgov.org.models import Grid, User

    from .models import Category

    # Any save of an account (a login's last_login too) drops the copies: accounts change rarely enough.
    for model in (Category, Grid, User):
        post_save.connect(_changed, sender=model, dispatch_uid=f"cases.memo.{model.__name__}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"cases.memo.{model.__name__}.delete")
