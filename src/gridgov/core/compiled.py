"""A queryset asked on every request, its SQL compiled by Django once per process and database.

Most of what a small indexed query costs in Python is Django compiling it (the bearer token with its
account and person: two thirds of the token's 17 ms per report under cProfile, issue 18). `OneRow`
builds the queryset once around marker values, keeps the SQL and what Django needs to turn a row into
objects (the select, converters and select_related populators of the same compiler), and then runs
that SQL with the values of each call. The answer is what the queryset's first row would give: the
same objects, related objects cached, values converted by the fields, read from the database at every
call (nothing of the row is kept).
"""

from collections.abc import Callable

from django.db import connections, models
from django.db.models.query import get_related_populators

_FIXED = object()


class OneRow:
    """`OneRow(lambda key_hash: Model.objects.filter(key_hash=key_hash), key_hash="<marker>")`, then
    `.get(key_hash=value)`: the object of the first row of the query with that value, or None.

    The markers are values no call will ask for, each different, and each must come back unchanged
    among the compiled query's parameters (a string compared with `=`, an integer); the query is for
    at most one row (a unique key) since no ORDER BY is added."""

    def __init__(self, build: Callable[..., models.QuerySet], **markers):
        if len(set(markers.values())) != len(markers):
            raise ValueError("each marker needs its own value")
        self._build, self._markers = build, markers
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        queryset = self._build(**self._markers)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in self._markers.items()}
        slots = [(by_value[p], None) if p in by_value else (_FIXED, p) for p in params]
        if sorted(name for name, _ in slots if name is not _FIXED) != sorted(self._markers):
            raise RuntimeError(f"{queryset.model.__name__}: each marker must be a parameter of the query once")
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column for column, *_ in select[:compiler.col_count]])
        own = klass_info["select_fields"]
        start, end = own[0], own[-1] + 1
        init_list = [column.target.attname for column, *_ in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        compiled = (sql, slots, compiler, converters, klass_info["model"], start, end, init_list, populators)
        self._compiled[alias] = compiled
        return compiled

    def get(self, *, using: str = "default", **values) -> models.Model | None:
        sql, slots, compiler, converters, model, start, end, init_list, populators = (
            self._compiled.get(using) or self._compile(using))
        params = [values[name] if name is not _FIXED else fixed for name, fixed in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        obj = model.from_db(using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        return obj
