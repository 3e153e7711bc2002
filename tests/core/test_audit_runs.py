"""The bulk audit path of imports: one row per run of consecutive ids at one path, each object's values
kept by id, and "who wrote this row" still one query — on the audit page too, scoped as before."""

from gridgov.core import audit
from gridgov.core.models import AuditEntry
from gridgov.org.models import Person


def _people(personas, count_a1, count_a2):
    town = personas.town
    made = []
    for grid, count in ((town.a1, count_a1), (town.a2, count_a2)):
        for i in range(count):
            made.append(Person.objects.create(name=f"测试{grid.pk}-{i}", grid=grid, path=grid.path))
    return made


def test_a_run_per_path_covers_every_object_once(personas):
    people = _people(personas, 5, 3)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    written = audit.record_runs("person.create", [(p, None, audit.snapshot(p)) for p in reversed(people)],
                                actor=personas.town_admin)

    entries = list(AuditEntry.objects.filter(id__gt=mark))
    assert written == len(entries) == 2  # two grids, consecutive ids in each
    for entry in entries:
        ids = audit.covered_ids(entry)
        assert {p.path for p in Person.objects.filter(pk__in=ids)} == {entry.path}
        assert set(entry.after) == {str(pk) for pk in ids}
        assert entry.before is None and entry.actor_name == "town_admin"
    assert sorted(pk for e in entries for pk in audit.covered_ids(e)) == sorted(p.pk for p in people)
    third = people[2]
    about = audit.entries_about("org.person", third.pk).get()
    assert about.after[str(third.pk)]["name"] == third.name


def test_a_gap_in_the_ids_starts_a_new_row_and_a_lone_object_is_an_ordinary_row(personas):
    people = _people(personas, 4, 0)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    chosen = [people[0], people[1], people[3]]  # people[2] is not written: ids 0-1, then 3
    audit.record_runs("person.update", [(p, {"name": "旧"}, {"name": p.name}) for p in chosen])

    entries = list(AuditEntry.objects.filter(id__gt=mark).order_by("first_object_id", "object_id"))
    assert len(entries) == 2
    run = next(e for e in entries if e.first_object_id is not None)
    lone = next(e for e in entries if e.first_object_id is None)
    assert audit.covered_ids(run) == [people[0].pk, people[1].pk]
    assert run.before == {str(people[0].pk): {"name": "旧"}, str(people[1].pk): {"name": "旧"}}
    assert (lone.object_id, lone.before, lone.after) == (str(people[3].pk), {"name": "旧"}, {"name": people[3].name})
    assert not audit.entries_about("org.person", people[2].pk).filter(id__gt=mark).exists()


def test_the_audit_page_finds_a_run_by_an_id_inside_it_within_the_viewers_scope(personas, login):
    people = _people(personas, 3, 3)
    audit.record_runs("person.create", [(p, None, audit.snapshot(p)) for p in people])
    middle = people[1]

    page = login(personas.town_admin).get("/audit/", {"object": str(middle.pk)})
    assert page.status_code == 200
    found = [e for e in page.context["page"] if e.first_object_id is not None]
    assert len(found) == 1 and middle.pk in audit.covered_ids(found[0])
    assert f"#{people[0].pk}–#{people[2].pk}" in page.content.decode()
    # Scoped as every row: a grid worker of A1 finds the run of A1's people, not A2's; an outsider nothing.
    worker = login(personas.worker_a1)
    a2_person = people[4]
    seen = worker.get("/audit/", {"object": str(middle.pk)})
    if seen.status_code == 200:
        assert [e.first_object_id for e in seen.context["page"]] == [people[0].pk]
        assert not [e for e in worker.get("/audit/", {"object": str(a2_person.pk)}).context["page"]
                    if e.first_object_id is not None]
    else:
        assert seen.status_code == 403
    outsider = login(personas.outsider).get("/audit/", {"object": str(middle.pk)})
    assert outsider.status_code == 403 or not list(outsider.context["page"])


def test_the_export_gives_a_line_per_object_of_a_run(personas, login):
    import io

    from openpyxl import load_workbook

    people = _people(personas, 4, 0)
    audit.record_runs("person.create", [(p, None, audit.snapshot(p)) for p in people])
    response = login(personas.town_admin).get("/audit/export.xlsx", {"action": "person.create"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    lines = {str(row[6]): row for row in list(sheet.iter_rows(values_only=True))[1:]}
    for person in people:
        line = lines[str(person.pk)]
        assert person.name in line[8] and line[7] in ("", None)
    assert all(len(str(v or "")) <= 32767 for row in lines.values() for v in row)


def test_snapshots_of_many_are_each_objects_snapshot(personas):
    """The import's batch path (audit.snapshots) gives what snapshot() gives one object at a time: dates
    as text, related objects as ids, missing values as None, whatever mix of types a batch holds."""
    import datetime

    from gridgov.cases.models import Category
    from gridgov.org.models import Household

    people = _people(personas, 2, 1)
    people[0].birth_date = datetime.date(1970, 3, 9)
    people[1].household = Household.objects.first()
    people[2].name = None
    assert audit.snapshots(people) == [audit.snapshot(p) for p in people]
    assert audit.snapshots(people)[0]["birth_date"] == "1970-03-09"
    categories = [Category(code="09", name="其他")]  # a model without audit_fields: every column but sealed ones
    assert audit.snapshots(categories) == [audit.snapshot(c) for c in categories]
    assert audit.snapshots([]) == []
    from gridgov.org.models import Person

    # Fields left unloaded are not in an object's dict: they are read (loaded) as attributes.
    partly = list(Person.objects.only("pk", "name").order_by("pk")[:2])
    expected = [audit.snapshot(p) for p in Person.objects.order_by("pk")[:2]]
    assert audit.snapshots(partly) == expected and expected[0]["grid_id"] is not None
