"""bulk.insert_one writes a new object as Model.save(force_insert=True) writes it: the same row read
back (JSON, times, encrypted values and their search hashes), its id from the database or the one it
was given, and the object marked as saved."""

import datetime

from gridgov.core import bulk
from gridgov.core.models import AuditEntry
from gridgov.cases.models import Case, CaseEvent, Category


def _row(model, pk):
    obj = model.objects.get(pk=pk)
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


def test_an_audit_row_is_the_row_save_writes(db):
    when = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.UTC)
    values = {"action": "x.test", "object_type": "core.test", "object_id": "7", "path": "445321.",
              "after": {"名": "张三", "n": [1, 2.5, None]}, "time": when}
    saved = AuditEntry(**values)
    saved.save()
    inserted = bulk.insert_one(bulk.instance(AuditEntry, **values))
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert inserted._state.adding is False and inserted._state.db == "default"
    assert _row(AuditEntry, inserted.pk) == _row(AuditEntry, saved.pk)


def test_a_case_with_its_id_and_an_event_without_one(personas):
    town = personas.town
    main = Category.objects.create(code="91", name="环境卫生", level=1)
    category = Category.objects.create(code="9101", name="垃圾", level=2, parent=main)
    now = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.UTC)
    common = {"category": category, "description": "巷口垃圾桶满溢", "lat": 22.705, "lng": 112.305, "grid": town.a1,
              "path": town.a1.path, "state": "reported", "level": "grid", "created_at": now, "updated_at": now}
    saved = Case(number="20261206-000001", **common)
    saved.reporter_phone = "13800138000"
    saved.save()
    given = Case.objects.order_by("-pk").first().pk + 1000
    case = Case(pk=given, number="20261206-000002", **common)
    case.reporter_phone = "13800138000"
    assert bulk.insert_one(case).pk == given
    written, expected = _row(Case, given), _row(Case, saved.pk)
    assert written.pop("number") == "20261206-000002" and expected.pop("number") == "20261206-000001"
    assert written.pop("reporter_phone_enc") != "" and expected.pop("reporter_phone_enc") != ""
    assert written == expected  # the phone's search hash among them
    assert Case.objects.get(pk=given).reporter_phone == "13800138000"

    event = bulk.insert_one(bulk.instance(CaseEvent, case=case, action="report", to_state="reported",
                                          data={"channel": "patrol"}, time=now))
    assert CaseEvent.objects.get(pk=event.pk).data == {"channel": "patrol"}
    assert list(case.events.values_list("pk", flat=True)) == [event.pk]
