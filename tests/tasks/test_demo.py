"""The demo part from any reference moment (1 January of a year with holidays and of one without, the
day before the National Day holiday, New Year's Eve of the Spring Festival, a quarter's first day):
every state, overdue ones, weekly hints, a meeting that issued a task, the last ended quarter's
inspection; nothing stamped at or after the reference moment; deadlines on workdays; the same seed
gives the same rows."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases import calendar
from gridgov.cases.demo import load_holidays
from gridgov.tasks import actions, demo, queries
from gridgov.tasks.models import Assignment, Event, File, Inspection, Meeting, Score, Task

from .conftest import local


@pytest.mark.parametrize("now", [local(2026, 1, 1, 0, 0), local(2027, 1, 1, 0, 0), local(2026, 9, 30, 0, 0),
                                 local(2026, 2, 16, 0, 0), local(2026, 4, 1, 0, 0)])
def test_demo_for_any_day(personas, now):
    load_holidays()
    calendar.invalidate()
    line = demo.build(now, 22)
    today = timezone.localdate(now)
    t = personas.town
    assert "5" in line
    states = set(Assignment.objects.values_list("state", flat=True))
    assert states == {"issued", "signed", "in_progress", "completed", "accepted"}
    assert any(a.is_overdue(now) for a in Assignment.objects.all())
    assert any(a.late for a in Assignment.objects.filter(state="accepted"))
    assert Task.objects.filter(kind="hint").count() == 2
    cal = calendar.current()
    for task in Task.objects.all():
        assert cal.is_workday(task.deadline) and timezone.localtime(task.due_at).time() == datetime.time(17, 30)
        assert task.created_at < now
    assert Assignment.objects.count() == 5 * 2  # five tasks x villages A and B
    for field in ("signed_at", "completed_at", "accepted_at", "updated_at"):
        assert not Assignment.objects.filter(**{f"{field}__gte": now}).exists(), field
    assert not Event.objects.filter(at__gte=now).exists()
    for a in Assignment.objects.filter(completed_at__isnull=False, task__evidence_required=True):
        assert File.objects.filter(assignment=a, event__action="complete").exists()
    meeting = Meeting.objects.get()
    assert meeting.date < today and meeting.tasks.count() == 1 and meeting.created_at < now
    year, quarter = actions.quarter_of(today)
    last = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    inspection = Inspection.objects.get()
    assert (inspection.year, inspection.quarter) == last and inspection.created_at < now
    assert Score.objects.filter(inspection=inspection).count() == 5 * 2
    assert [r["scored"] for r in queries.ranking(inspection)] == [True, True]
    # The board of the deadline's month shows something red or done.
    first = Task.objects.order_by("deadline").first().deadline
    board = queries.board(t.town.path, first.replace(day=1), first.replace(day=28) + datetime.timedelta(days=4), now)
    assert sum(sum(r["cells"]) for r in board["rows"]) > 0
    # The same seed gives the same rows.
    before = sorted(Assignment.objects.values_list("village_id", "task__title", "state"))
    for model in (File, Event, Assignment, Task, Meeting, Score, Inspection):
        model.objects.all().delete()
    demo.build(now, 22)
    assert sorted(Assignment.objects.values_list("village_id", "task__title", "state")) == before
