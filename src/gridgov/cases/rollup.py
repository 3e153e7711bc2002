"""Daily figures per grid (CaseDay), so the metrics of a town over a year add up a few thousand rows
instead of aggregating hundreds of thousands of cases.

Each case contributes to at most two rows: `reported` on the day it was reported, and the cohort
counters (see queries.py for their definitions) on the day it was accepted. Whenever a case is saved,
the difference between what it contributed when it was loaded and what it contributes now is added
to those rows with one `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta` per row. Increments
commute, so concurrent transactions never lose each other's counts, and the change commits or rolls
back with the case itself. Code that changes cases with QuerySet.update() says so through
`changed(before, after)`; `rebuild()` recomputes every row from the cases (after a bulk load, or to
check: the tests compare the rows with the live aggregates after arbitrary sequences of actions).
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction

COUNTERS = ["reported", "accepted", "closed", "closed_on_time", "reworked", "reworks", "rated", "rated_auto",
            "satisfied", "close_microseconds", "closed_grid", "closed_village", "closed_town",
            "closed_department"]
# The fields of a case its contribution is computed from: the state snapshot kept at load time.
TRACKED = ("grid_id", "path", "state", "created_at", "accepted_at", "closed_at", "closed_on_time",
           "rework_count", "rating", "rating_auto", "closed_level")

_ENDED = ("rejected", "merged")
_SATISFIED = ("satisfied", "basic")


def _zone():
    # The figures are by local day of the installation, as the windows of queries.window() are.
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(_zone()).date()


def snapshot(case) -> dict | None:
    """The tracked fields of a case as they are now (None for a case not saved yet)."""
    if case.pk is None or case._state.adding:
        return None
    return tracked(case)


def tracked(case) -> dict:
    """The tracked fields of a case, saved or about to be."""
    return {name: getattr(case, name) for name in TRACKED}


def contribution(values: dict | None) -> dict[tuple, dict[str, int]]:
    """{(grid_id, path, day): {counter: n}} for one case's tracked values."""
    if values is None or values["created_at"] is None:
        return {}
    rows: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows[(values["grid_id"], values["path"], _day(values["created_at"]))]["reported"] = 1
    if values["accepted_at"] is not None and values["state"] not in _ENDED:
        row = rows[(values["grid_id"], values["path"], _day(values["accepted_at"]))]
        row["accepted"] = 1
        if values["rating"]:
            row["rated"] = 1
            row["rated_auto"] = int(bool(values["rating_auto"]))
            row["satisfied"] = int(values["rating"] in _SATISFIED)
        if values["state"] == "closed":
            row["closed"] = 1
            row["closed_on_time"] = int(values["closed_on_time"] is True)
            row["reworked"] = int(values["rework_count"] > 0)
            row["reworks"] = values["rework_count"]
            if values["closed_at"] is not None:
                delta = values["closed_at"] - values["created_at"]
                row["close_microseconds"] = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
            if values["closed_level"]:
                row[f"closed_{values['closed_level']}"] = 1
    return rows


def _totals() -> dict[tuple, dict[str, int]]:
    return defaultdict(lambda: defaultdict(int))


def _accumulate(totals: dict, values: dict | None, sign: int = 1) -> None:
    for key, counts in contribution(values).items():
        for name, n in counts.items():
            totals[key][name] += sign * n


def changed(before: list[dict | None], after: list[dict | None]) -> None:
    """Add to the daily rows what a change of cases from `before` to `after` values changed."""
    statements = upserts(before, after)
    if statements:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)


def upserts(before: list[dict | None], after: list[dict | None]) -> list[tuple[str, list]]:
    """The statements `changed` runs, for a caller that sends them with other writes (bulk.insert_together).
    Sorted by grid and day, so two transactions touching the same rows take their locks in the same order."""
    deltas = _totals()
    for values in before:
        _accumulate(deltas, values, -1)
    for values in after:
        _accumulate(deltas, values)
    sql = _upsert_sql(connection.vendor)  # made once: every report and every step of a case adds here
    adapt = connection.ops.adapt_datefield_value
    return [(sql, [grid_id, path, adapt(day), *(counts.get(name, 0) for name in COUNTERS)])
            for (grid_id, path, day), counts in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][2]))
            if any(counts.values())]


@functools.cache
def _upsert_sql(vendor: str) -> str:
    from .models import CaseDay

    quote = connection.ops.quote_name
    table = quote(CaseDay._meta.db_table)
    columns = ", ".join(quote(name) for name in ["grid_id", "path", "day", *COUNTERS])
    updates = ", ".join(f"{quote(n)} = {table}.{quote(n)} + excluded.{quote(n)}" for n in COUNTERS)
    return (f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (3 + len(COUNTERS)))}) "
            f"ON CONFLICT (grid_id, day) DO UPDATE SET {updates}")


def rebuild(grids_at_once: int = 100) -> int:
    """Recompute every daily row from the cases; returns the number of rows. A case's rows are all of
    its own grid, so the cases are read a hundred grids at a time and each batch's rows written
    before the next is read: memory holds one batch's rows, not the whole table's (40M rows for the
    50M cases of a province; about 2 KB each in Python, measured at 1M cases).

    Writers are held off for the rebuild: on PostgreSQL an EXCLUSIVE lock on the daily table, taken
    before the cases are read, makes every save that has not yet added its delta wait and add it to
    the new rows afterwards (and waits for those that have, to commit first); on SQLite the delete
    takes the database's write lock first."""
    from gridgov.org.models import Grid

    from .models import Case, CaseDay

    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(CaseDay._meta.db_table)} IN EXCLUSIVE MODE")
        CaseDay.objects.all().delete()
        grid_ids = list(Grid.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(grid_ids), grids_at_once):
            totals = _totals()
            cases = Case.objects.filter(grid_id__in=grid_ids[start:start + grids_at_once]).order_by()
            for values in cases.values(*TRACKED).iterator(chunk_size=20_000):
                _accumulate(totals, values)
            CaseDay.objects.bulk_create(
                [CaseDay(grid_id=grid_id, path=path, day=day, **{n: counts.get(n, 0) for n in COUNTERS})
                 for (grid_id, path, day), counts in totals.items()], batch_size=5_000)
            written += len(totals)
    return written
