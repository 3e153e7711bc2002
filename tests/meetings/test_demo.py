"""The demo part builds a year of meetings from any reference moment (1 January, a quarter's first day,
New Year's Eve, a leap day): nothing dated on or after the reference day, nothing entered after the
reference moment, attendance only of each organisation's members, and the board reads it."""

import datetime

import pytest
from django.utils import timezone

from gridgov.meetings import actions, demo, periods, queries
from gridgov.meetings.models import Attendance, Meeting
from tests.meetings.conftest import local


@pytest.mark.parametrize("now", [local(2027, 1, 1, 0, 0), local(2026, 4, 1, 8, 0), local(2026, 12, 31, 23, 0),
                                 local(2028, 2, 29, 12, 0)])
def test_demo_for_any_day(party, now):
    line = demo.build(now, 21)
    today = timezone.localdate(now)
    meetings = Meeting.objects.all()
    assert meetings.count() > 20 and str(meetings.count()) in line
    assert not meetings.filter(date__gte=today).exists()
    assert not meetings.filter(date__lt=today - datetime.timedelta(days=365)).exists()
    assert not meetings.filter(entered_at__gt=now).exists()
    assert not meetings.filter(late=True, late_reason="").exists()
    for m in meetings.filter(late=False):
        assert m.entered_at.date() <= actions.lock_date(m.date, 7) + datetime.timedelta(days=1)
    for org in (party.branch_a, party.group_a1, party.branch_b):
        allowed = set(actions.members(org).values_list("pk", flat=True))
        assert set(Attendance.objects.filter(org=org).values_list("person_id", flat=True)) <= allowed
    assert set(meetings.values_list("org_id", flat=True)) == {party.branch_a.pk, party.group_a1.pk, party.branch_b.pk}
    # The last whole quarter reads on the board with something held and an attendance rate.
    last = periods.quarter_start(periods.quarter_start(today) - datetime.timedelta(days=1))
    rows = queries.compliance(party.town.town.path, last, periods.quarter_end(last), today)
    total = queries.totals(rows)
    assert total["held"] + total["late"] > 0 and total["pending"] == 0 and total["attendance_rate"] is not None
    # The same seed gives the same meetings.
    first = list(meetings.order_by("id").values_list("org_id", "kind_id", "date"))
    Attendance.objects.all().delete()
    meetings.delete()
    demo.build(now, 21)
    assert list(Meeting.objects.order_by("id").values_list("org_id", "kind_id", "date")) == first
