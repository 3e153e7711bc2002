"""Bulk writing for imports of a county (about a million rows): ids reserved up front, rows sent with
COPY on PostgreSQL and executemany on SQLite.

Django's bulk_create compiles every value of every object through the field machinery and sends
999-parameter INSERTs on SQLite; at a county's size that compilation, not the database, was most of the
import's time (cProfile of `gridgov import`, 100k people: 48 of 92 s in bulk_create, 9 s in SQLite).
Reserving the ids first also lets a caller wire rows to each other (a household's head, a post's
person) before anything is sent, so nothing is written twice.

Both paths run inside the caller's transaction. Foreign keys are checked at commit (Django creates them
DEFERRABLE INITIALLY DEFERRED on PostgreSQL and SQLite alike), so rows may be sent in any order.
"""

import contextlib
import datetime
import functools
import gc
import operator
from collections.abc import Iterable, Sequence

import psycopg
from django.db import connection, connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# Field types whose Python value is already what the driver takes: everything else goes through
# Django's get_db_prep_save (dates on SQLite, JSON, decimals …), once per value.
_PASSTHROUGH = {
    "AutoField", "BigAutoField", "SmallAutoField", "CharField", "TextField", "SlugField", "EmailField",
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "BooleanField", "FloatField", "ForeignKey", "OneToOneField",
}


def instance(model: type[models.Model], **values) -> models.Model:
    """An unsaved `model` built from column values (attnames: `grid_id`) or related objects (`grid`),
    the other fields at their defaults: what `model(**values)` gives, at a fraction of the cost —
    Django's keyword path looks up every field's descriptor and default, and was a fifth of a county
    import."""
    spec = _spec(model)
    related = []
    for name in values.keys() & spec.relations.keys():  # a related object: its id in the column, it in the cache
        field, target = spec.relations[name], values.pop(name)
        values[field.attname] = None if target is None else target.pk
        if target is not None:
            related.append((field, target))
    unknown = values.keys() - spec.attnames
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    columns = dict(spec.defaults)
    for attname, field in spec.made_anew:
        if attname not in values:
            columns[attname] = field.get_default()
    columns.update(values)
    if (pre_init.receivers and pre_init.has_listeners(model)) or (post_init.receivers and
                                                                  post_init.has_listeners(model)):
        obj = model(*(columns[attname] for attname in spec.order))
    else:
        # What Model.__init__ leaves behind, without its setattr through each field's descriptor (a fresh
        # instance has no cached relation for them to clear).
        obj = model.__new__(model)
        obj._state = ModelState()
        obj.__dict__.update(columns)
        if related:
            # The relation cache set as one dict: set_cached_value() goes through the state's lazy
            # descriptor each time (0.35 s of a 100k-people import).
            obj._state.fields_cache = {field.cache_name: target for field, target in related}
            return obj
    for field, target in related:
        field.set_cached_value(obj, target)
    return obj


class _Spec:
    """What instance() needs of a model, worked out once: a ForeignKey's get_default() looks at the
    related model each time (a county's 20,000 posts, four foreign keys each, spent 0.8 s on them
    under the profiler), and a loop over every field per object was most of what was left."""

    def __init__(self, model):
        fields = model._meta.concrete_fields

        def made_anew(f) -> bool:
            return (f.has_default() and callable(f.default)) or f.has_db_default()

        self.order = tuple(f.attname for f in fields)
        self.attnames = frozenset(self.order)
        self.defaults = {f.attname: f.get_default() for f in fields if not made_anew(f)}
        self.made_anew = tuple((f.attname, f) for f in fields if made_anew(f))
        self.relations = {f.name: f for f in fields if f.is_relation and f.name != f.attname}


@functools.cache
def _spec(model) -> _Spec:
    return _Spec(model)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys nobody else will be given. On PostgreSQL from the table's sequence; on
    SQLite past the highest id ever given (AUTOINCREMENT's sqlite_sequence included), which is safe
    because gridgov opens SQLite transactions IMMEDIATE: the writer holds the lock until commit."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if count >= BLOCK_OF_IDS and _locked_by_this_transaction(cursor, table):
                block = _reserve_block(cursor, table, column, count)
                if block:
                    return block
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs a transaction: the ids are only reserved while it holds the lock")
        cursor.execute(f'SELECT max("{column}") FROM "{table}"')
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


# From this many ids on, a table this transaction holds exclusively gets them as one block of its sequence.
BLOCK_OF_IDS = 1000


def _locked_by_this_transaction(cursor, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'relation' AND relation = %s::regclass"
                   " AND pid = pg_backend_pid() AND mode = 'AccessExclusiveLock' AND granted)", [table])
    return cursor.fetchone()[0]


def _reserve_block(cursor, table: str, column: str, count: int) -> list[int]:
    """`count` consecutive ids from the sequence in two nextval() calls, its step raised to count - 1
    between them; [] when the sequence does not step by 1. A million nextval() one by one took 2.1 s of a
    county's import. Only for a table this transaction holds exclusively (a first import, whose dropped
    indexes lock it, bulk.indexes_later): no insert elsewhere is waiting for an id meanwhile. ALTER
    SEQUENCE also holds back any other nextval() until the commit, and the step is back to 1 by then."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT seqincrement FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence])
    if cursor.fetchone()[0] != 1:
        return []
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY {int(count) - 1}")
    cursor.execute("SELECT nextval(%s)", [sequence])
    last = cursor.fetchone()[0]
    cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 1")
    if last != first + count - 1:  # pragma: no cover - a sequence moved by someone else is a bug to see
        raise RuntimeError(f"the ids of {table} moved while a block was reserved ({first}, {last}, {count})")
    return list(range(first, last + 1))


def insert_new(objs: Sequence[models.Model]) -> None:
    """Reserve ids for the objects that have none, then insert() them all."""
    waiting = [obj for obj in objs if obj.pk is None]
    if waiting:
        for obj, pk in zip(waiting, reserve_ids(type(waiting[0]), len(waiting))):
            obj.pk = pk
    insert(objs)


def _columns(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.generated]


def insert(objs: Sequence[models.Model], batch_size: int = 5000) -> None:
    """Insert unsaved objects whose pk is already set (reserve_ids), every concrete column, without
    signals — as bulk_create does — and with auto_now(_add) fields filled."""
    if not objs:
        return
    model = type(objs[0])
    fields = _columns(model)
    if any(obj.pk is None for obj in objs):
        raise ValueError("insert() writes objects whose pk is set: reserve_ids() first")
    _stamp(objs, fields)
    alias = connection.alias  # once: the proxy's lookup per object was 0.4 s of a 100k-people import
    for obj in objs:
        obj._state.adding, obj._state.db = False, alias
    rows = _rows(objs, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg 3's COPY: one statement, rows streamed in the text format, adapted by the driver.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_size:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def insert_one(obj: models.Model) -> models.Model:
    """Write one new object as `Model.save(force_insert=True)` writes it, without signals, its id from
    the database when it has none: one INSERT whose SQL is made once per model and database. A report
    writes three rows (the case, its event, its audit row): Django compiling each INSERT through every
    field was a fifth of a report's CPU (issue 18)."""
    model = type(obj)
    alias = connection.alias
    with_pk = obj.pk is not None
    sql, fields = _insert_sql(model, alias, with_pk)
    _stamp([obj], fields)
    (values,) = _rows([obj], fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if not with_pk:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, alias
    return obj


def insert_together(objs: Sequence[models.Model], then: Sequence[tuple[str, list]] = ()) -> None:
    """New objects written as insert_one writes them, then `then`'s statements (an upsert), all in one
    statement on PostgreSQL: each a data-modifying CTE, the ids of objects without one read back in its
    SELECT. One round trip and one plan instead of one each (a report's case, event and audit row and its
    daily figures: issue 18). All or nothing like any statement; foreign keys between the objects hold
    because PostgreSQL checks them at commit (see the module's docstring). Statements in one WITH run in
    no set order, so `then` must not lock rows that another transaction's `then` might lock in another
    order: one row, as a new case's day. Elsewhere the same writes one after the other."""
    if connection.vendor != "postgresql":
        for obj in objs:
            insert_one(obj)
        if then:
            with connection.cursor() as cursor:
                for sql, params in then:
                    cursor.execute(sql, params)
        return
    alias = connection.alias
    shape = tuple((type(obj), obj.pk is not None) for obj in objs)
    sql, numbered_sql, field_lists = _together_sql(shape, tuple(sql for sql, _ in then), alias)
    params = []
    for obj, fields in zip(objs, field_lists):
        _stamp([obj], fields)
        params.extend(next(_rows([obj], fields)))
    for _, values in then:
        params.extend(values)
    with connection.cursor() as cursor:
        if connection.queries_logged:  # Django's debug cursor renders what it logs from %s placeholders
            cursor.execute(sql, params)
            ids = cursor.fetchone()
        else:
            # $1, $2 … sent as they are (psycopg's RawCursor, wrapped as Django wraps its cursors): psycopg
            # rewrites %s placeholders with a regex at every execute of a statement of more than 50
            # parameters, caching only smaller ones: 0.1 ms a report here (issue 18).
            with connection.make_cursor(psycopg.RawCursor(connection.connection)) as numbered:
                numbered.execute(numbered_sql, params)
                ids = numbered.fetchone()
    for obj, new_id in zip(objs, ids):
        if obj.pk is None:
            obj.pk = new_id
        obj._state.adding, obj._state.db = False, alias


@functools.cache
def _together_sql(shape: tuple, then: tuple[str, ...], alias: str) -> tuple[str, str, list[list[models.Field]]]:
    ops = connections[alias].ops
    parts, field_lists, answers = [], [], []
    for i, (model, with_pk) in enumerate(shape):
        sql, fields = _insert_sql(model, alias, with_pk)
        parts.append(f"w{i} AS ({sql})")
        field_lists.append(fields)
        answers.append("NULL" if with_pk else f"(SELECT {ops.quote_name(model._meta.pk.column)} FROM w{i})")
    parts.extend(f"t{i} AS ({sql})" for i, sql in enumerate(then))
    sql = f"WITH {', '.join(parts)} SELECT {', '.join(answers)}"
    pieces = sql.split("%s")  # no other % in it: quoted names and placeholders only
    numbered = pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))
    return sql, numbered, field_lists


@functools.cache
def _insert_sql(model, alias: str, with_pk: bool) -> tuple[str, list[models.Field]]:
    ops = connections[alias].ops
    pk = model._meta.pk
    fields = [f for f in _columns(model) if with_pk or f is not pk]
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = (f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if not with_pk:  # PostgreSQL and SQLite ≥ 3.35 alike
        sql += f" RETURNING {ops.quote_name(pk.column)}"
    return sql, fields


def _stamp(objs: Sequence[models.Model], fields: list[models.Field]) -> None:
    """auto_now and auto_now_add filled in, as Model.save() fills them."""
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)


def _rows(objs: Iterable[models.Model], fields: list[models.Field]):
    # Every value in one C call, then Django's conversion only where the field needs it. The values are
    # read from the instance's dict: a foreign key's column is behind a descriptor with __set__, which
    # Python calls on every read (four a person); attributes only for an object without them all there.
    attnames = [f.attname for f in fields]
    from_dict, from_attributes = operator.itemgetter(*attnames), operator.attrgetter(*attnames)
    db = connections[connection.alias]  # the real connection: the proxy costs a lookup per value
    converting = [(i, f.get_db_prep_save, f.get_internal_type() == "DateField")
                  for i, f in enumerate(fields) if f.get_internal_type() not in _PASSTHROUGH]
    adapt_date = db.ops.adapt_datefield_value
    for obj in objs:
        try:
            values = from_dict(obj.__dict__)
        except KeyError:
            values = from_attributes(obj)
        values = list(values) if len(fields) > 1 else [values]
        for i, prep_save, is_date in converting:
            value = values[i]
            if value is None:
                continue
            # A plain date needs only the backend's adaptation (DateField.get_prep_value would first
            # make it a date again): 0.8 s of the 22 s a 100k-people import spent writing, under pyinstrument.
            values[i] = adapt_date(value) if is_date and type(value) is datetime.date else prep_save(value, db)
        yield values


@contextlib.contextmanager
def indexes_later(tables: Iterable[type[models.Model]]):
    """The plain (non-unique) indexes of `tables` dropped for the block and built again at its end, in the
    caller's transaction: for a table that a write fills mostly anew (a county's first import), building
    an index from the finished table is a sort, while keeping it means a B-tree insert per row at a
    random place. Unique indexes and constraints stay, so duplicates are still refused row by row.

    SQLite (971,668 people: 20.4 s of inserts with every index, 13.9 s without them and building them
    after): indexes led by a foreign key stay too — while a deferred reference waits for its row (a
    person's household, written after the people), SQLite looks up the waiting references of each
    parent row it inserts through that index, and without it scans the whole table each time.

    PostgreSQL: the hash indexes of a million people outgrow the default 128 MB of shared buffers, and
    inserting their random keys one by one was half of a county's write. The tables' own foreign keys
    are set aside too and added again at the end, which checks every row in one join instead of a
    trigger's lookup per row at the commit (16 s of a county's import). DROP INDEX locks the table
    against readers until the commit, so callers use this only where nobody else has rows to read (see
    imports.WorkbookImport._filled_anew)."""
    tables = [m._meta.db_table for m in tables]
    if not tables:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        later = [index for table in tables for index in _plain_indexes(cursor, table)]
        keys = [(table, *key) for table in tables for key in _foreign_keys(cursor, table)]
        if keys:
            _run_pending_checks(cursor)
        for name, _sql in later:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and (later or keys):
            _run_pending_checks(cursor)
            # For this transaction only: the default 64 MB sorts a million keys through temporary files.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, sql in later:
            cursor.execute(sql)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _run_pending_checks(cursor) -> None:
    """Foreign keys wait for the commit (Django makes them DEFERRABLE INITIALLY DEFERRED), and PostgreSQL
    alters no table with checks of its rows pending: those of this transaction so far are run now, and
    the keys deferred again for the rest of it."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a PostgreSQL table's own foreign keys; none on SQLite, whose foreign keys
    are part of the table."""
    if connection.vendor != "postgresql":
        return []
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                   [connection.ops.quote_name(table)])
    return cursor.fetchall()


def _plain_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, the SQL that makes it again) of the indexes indexes_later() may set aside."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                       "JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
                       "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                       [connection.ops.quote_name(table)])
        return cursor.fetchall()
    cursor.execute(f"PRAGMA foreign_key_list({connection.ops.quote_name(table)})")
    references = {row[3] for row in cursor.fetchall()}  # the "from" column of each foreign key
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                   "AND tbl_name = %s", [table])
    plain = []
    for name, sql in cursor.fetchall():
        cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
        leading = next((row[2] for row in cursor.fetchall() if row[0] == 0), None)
        if not sql.lstrip().upper().startswith("CREATE UNIQUE") and leading not in references:
            plain.append((name, sql))
    return plain


@contextlib.contextmanager
def sqlite_page_cache(kib: int):
    """SQLite's page cache raised to `kib` for the write, then set back. Its default of 2 MB holds a
    sliver of the person table's hash indexes, whose keys arrive in random order, so at a county's size
    almost every insert read its index pages back from the OS."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def cyclic_gc_paused():
    """Python's cycle collector off for the block. An import of a county makes millions of objects (rows,
    instances, audit values) and none of them in cycles; each full collection walks them all again, which
    was 3.3 s of the 23 s a county's read and check took. Reference counting still frees everything, and
    what cycles the block leaves are collected once it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
