"""bulk.insert_together writes new objects as insert_one writes them, then its statements, as one
statement on PostgreSQL (one after the other elsewhere): the same rows, ids from the database for the
objects without one, a row that refers to another written in the same statement, and nothing written
at all when any part fails."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from gridgov.cases import rollup
from gridgov.cases.models import Case, CaseDay, CaseEvent, Category
from gridgov.core import audit, bulk
from gridgov.core.models import AuditEntry

NOW = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.UTC)


def _row(model, pk):
    obj = model.objects.get(pk=pk)
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


@pytest.fixture
def category(db):
    main = Category.objects.create(code="91", name="环境卫生", level=1)
    return Category.objects.create(code="9101", name="垃圾", level=2, parent=main)


def _case(town, category, number, pk=None):
    case = Case(pk=pk, number=number, category=category, description="巷口垃圾桶满溢", lat=22.705, lng=112.305,
                grid=town.a1, path=town.a1.path, state="reported", level="grid", created_at=NOW, updated_at=NOW)
    case.reporter_phone = "13800138000"
    return case


@pytest.mark.parametrize("logged", [False, True], ids=["numbered", "logged"])
def test_a_case_its_event_its_audit_row_and_its_figures_in_one_statement(personas, category, logged):
    # Unlogged, PostgreSQL gets the statement with $n placeholders through psycopg's RawCursor; with the
    # queries logged (DEBUG, the tests' query counts), Django's own cursor with %s.
    town = personas.town
    saved = _case(town, category, "20261206-000001")
    saved.save()  # Case.save() adds its day's figures itself
    saved_event = CaseEvent.objects.create(case=saved, action="report", to_state="reported",
                                           data={"channel": "patrol"}, time=NOW)
    saved_entry = audit.record("case.report", saved, None, audit.snapshot(saved))

    given = Case.objects.order_by("-pk").first().pk + 1000
    case = _case(town, category, "20261206-000002", pk=given)
    event = bulk.instance(CaseEvent, case=case, action="report", to_state="reported", data={"channel": "patrol"},
                          time=NOW)
    entry = audit.entry("case.report", case, None, audit.snapshot(case))
    figures = rollup.upserts([None], [rollup.tracked(case)])
    assert len(figures) == 1
    if logged:
        with CaptureQueriesContext(connection) as queries:
            bulk.insert_together([case, event, entry], then=figures)
        assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 4)
    else:
        assert not connection.queries_logged
        bulk.insert_together([case, event, entry], then=figures)

    assert case.pk == given and event.pk is not None and entry.pk is not None
    assert not any(obj._state.adding for obj in (case, event, entry))
    written, expected = _row(Case, given), _row(Case, saved.pk)
    assert written.pop("number") != expected.pop("number")
    assert written.pop("reporter_phone_enc") and expected.pop("reporter_phone_enc")
    assert written == expected and Case.objects.get(pk=given).reporter_phone == "13800138000"
    assert _row(CaseEvent, event.pk) == {**_row(CaseEvent, saved_event.pk), "case_id": given}
    written, expected = _row(AuditEntry, entry.pk), _row(AuditEntry, saved_entry.pk)
    assert (written.pop("object_id"), expected.pop("object_id")) == (str(given), str(saved.pk))
    for values in (written, expected):
        values.pop("time"), values.pop("object_repr")
        for name in ("id", "number", "reporter_phone_enc"):
            values["after"].pop(name, None)
    assert written == expected
    # The figures' upsert ran: the grid's day now counts both reports.
    assert CaseDay.objects.get(grid=town.a1).reported == 2


def test_a_failing_part_writes_nothing(personas, category):
    town = personas.town
    _case(town, category, "20261206-000001").save()
    given = Case.objects.order_by("-pk").first().pk + 1000
    twin = _case(town, category, "20261206-000001", pk=given)  # the number is unique: the case's insert fails
    event = bulk.instance(CaseEvent, case=twin, action="report", to_state="reported", data={}, time=NOW)
    entry = audit.entry("case.report", twin, None, {})
    counts = (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count(),
              CaseDay.objects.get(grid=town.a1).reported)
    assert not connection.queries_logged  # the numbered path: its error is Django's IntegrityError too
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_together([twin, event, entry], then=rollup.upserts([None], [rollup.tracked(twin)]))
    assert (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count(),
            CaseDay.objects.get(grid=town.a1).reported) == counts
