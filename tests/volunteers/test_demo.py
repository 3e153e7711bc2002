"""The demo part on the test town, for several reference moments (a year end, 1 January, a leap day, mid
year): teams in every village, volunteers, a year of closed activities before `now` with attendance and
points, one open activity ahead per team, and nothing stamped after `now`."""

import datetime

import pytest
import time_machine
from django.db.models import Max

from gridgov.points.models import Entry
from gridgov.volunteers import demo
from gridgov.volunteers.models import Activity, Signup, Team, Volunteer
from tests.cases.conftest import local


@pytest.mark.parametrize("now", [local(2026, 12, 31, 23, 50), local(2027, 1, 1, 0, 5), local(2028, 2, 29, 12, 0),
                                 local(2026, 7, 15, 9, 0)])
def test_the_demo_on_any_day(personas, now):
    t = personas.town
    with time_machine.travel(now + datetime.timedelta(days=400), tick=False):  # loaded on some later day
        line = demo.build(now=now, seed=23)
    assert "volunteer teams" in line or "志愿" in line
    assert demo.build(now=now, seed=23) == ""  # loads once
    for village in (t.village_a, t.village_b):
        assert Team.objects.filter(region=village, kind="vanguard").exists()
        assert Volunteer.objects.filter(path__startswith=village.path).exists()
    closed = Activity.objects.filter(state="closed")
    assert closed.exists() and not closed.filter(end__gte=now).exists()
    assert not closed.filter(start__lt=now - datetime.timedelta(days=366)).exists()
    ahead = Activity.objects.filter(state="open")
    assert ahead.count() == Team.objects.count() and not ahead.filter(start__lte=now).exists()
    attended = Signup.objects.filter(activity__state="closed", state="signed", minutes__gt=0)
    assert attended.exists()
    assert not Signup.objects.filter(activity__state="open").exclude(check_in=None).exists()
    for model, field in ((Volunteer, "registered_at"), (Team, "created_at"), (Activity, "created_at"),
                         (Activity, "closed_at"), (Signup, "signed_at"), (Signup, "check_in"), (Signup, "check_out")):
        latest = model.objects.aggregate(m=Max(field))["m"]
        assert latest is None or latest <= now, (model, field)
    # Points: the demo adds the town's rule (1 point) when the points demo has not; each attendance earns.
    entries = Entry.objects.filter(key__startswith="volunteer:")
    assert entries.count() == sum(attended.values_list("points", flat=True)) > 0
    assert entries.aggregate(m=Max("date"))["m"] <= now.date()
