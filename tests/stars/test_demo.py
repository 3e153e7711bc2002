"""`gridgov demo` loads the five-star scheme, last quarter named for every village and this quarter at every
step of the process, through the real actions."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.org.models import Region, User
from gridgov.stars import scoring
from gridgov.stars.models import Assessment, Entry, MentorPair, Objection, Scheme, VetoFlag

pytestmark = pytest.mark.usefixtures("english")


def test_the_town_demo_comes_with_stars(db):
    out = io.StringIO()
    call_command("demo", "--if-empty", "--cases", "25", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Five-star branches: the " in text
    assert "county_admin" in text[text.index("Demo accounts:"):]
    today = timezone.localdate()
    current = scoring.period_of(today)
    last = scoring.previous_period(current)
    scheme = Scheme.objects.get(year=today.year)
    assert scheme.stars.count() == 5
    villages = Region.objects.filter(parent=scheme.town, level=Region.Level.VILLAGE).count()
    assert set(Assessment.objects.filter(period=last).values_list("state", flat=True)) == {"named"}
    assert Assessment.objects.filter(period=last).count() == villages == 16
    steps = set(Assessment.objects.filter(period=current).values_list("state", flat=True))
    assert steps == {"draft", "submitted", "reviewed", "confirmed", "published", "named"}
    # The demo secretary's own village is a draft, ready to self-assess.
    secretary = User.objects.get(username="secretary")
    assert Assessment.objects.get(period=current, path=secretary.scope_path).state == "draft"
    assert Objection.objects.exists() and Entry.objects.exists() and VetoFlag.objects.exists()
    assert MentorPair.objects.filter(scheme=scheme).count() >= 3
    county = User.objects.get(username="county_admin")
    assert county.role == "town_admin" and scheme.path.startswith(county.scope_path) and county.scope_path != scheme.path
    assert AuditEntry.objects.filter(action="stars.confirm", actor=county).exists()
