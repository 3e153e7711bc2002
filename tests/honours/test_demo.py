"""The demo's honours on several reference days (1 January, 31 December, an ordinary day): last year's
named titles, this year's campaigns with entries in every state, nothing stamped after the reference
moment, loaded once."""

import datetime

import pytest
import time_machine

from gridgov.core.models import AuditEntry
from gridgov.honours import demo
from gridgov.honours.models import Campaign, Entry
from gridgov.org import actions as org_actions

from .conftest import local

PASSWORD = "Grid-Test-2026"


@pytest.fixture
def demo_town(personas):
    """The demo's accounts on the small town: the demo builder looks them up by name."""
    t = personas.town
    org_actions.do_create_user(None, "town_admin_demo", "town_admin", t.town.code, password=PASSWORD)
    from gridgov.org.models import User

    User.objects.filter(pk=personas.town_admin.pk).update(username="town_admin")
    User.objects.filter(pk=personas.worker_a1.pk).update(username="gridworker")
    User.objects.filter(pk=personas.secretary_a.pk).update(username="secretary")
    User.objects.filter(pk=personas.resident_a1.pk).update(username="resident")
    User.objects.filter(pk=personas.party_a1.pk).update(username="partymember")
    # Enough households in A1 for every state of this year's story.
    for i in range(3, 8):
        house = org_actions.do_create_household(None, f"H44532110420100100{i}", t.a1, f"碧塘村一巷{i}号")
        from tests.conftest import make_id_number

        org_actions.do_create_person(None, name=f"黄{i}", grid=t.a1, household=house, relation="head",
                                     id_number=make_id_number("445321", datetime.date(1960, 1, i), 40 + i),
                                     phone=f"139{i:08d}")
    return t


@pytest.mark.parametrize("day", [datetime.date(2027, 1, 1), datetime.date(2026, 12, 31), datetime.date(2026, 3, 2)])
def test_the_demo_on_any_day(demo_town, day):
    now = datetime.datetime.combine(day, datetime.time.min, tzinfo=local(2026, 1, 1).tzinfo)
    with time_machine.travel(now + datetime.timedelta(hours=9), tick=False):
        line = demo.build(now=now, seed=2026 + 24)
    assert line and str(day.year - 1) in line
    last = Entry.objects.filter(year=day.year - 1)
    assert last.count() >= 3 and set(last.values_list("state", flat=True)) == {"named"}
    assert set(last.values_list("kind__code", flat=True)) <= {"starred", "courtyard", "party_model"}
    this = Entry.objects.filter(year=day.year)
    assert set(this.values_list("state", flat=True)) == {"submitted", "inspected", "approved", "rejected",
                                                        "published", "named", "revoked"}
    today = day
    published = list(this.filter(state="published"))
    assert any(e.in_notice(today) for e in published) and any(not e.in_notice(today) for e in published)
    assert any(e.in_notice(today) and e.objections.filter(answered_at__isnull=True).exists() for e in published)
    ready = [e for e in published if not e.in_notice(today)]
    assert all(not e.objections.filter(answered_at__isnull=True).exists() for e in ready)
    # Nothing stamped at or after the reference moment.
    for field in ("created_at", "inspected_at", "reviewed_at", "named_at", "revoked_at"):
        assert not Entry.objects.filter(**{f"{field}__gte": now}).exists(), field
    assert not Entry.objects.filter(published_on__gte=day).exists()
    assert Campaign.objects.filter(year=day.year).count() == 3
    story = AuditEntry.objects.filter(action__startswith="honour.").exclude(action="honour.demo")
    assert story.exists() and not story.filter(time__gte=now).exists()
    assert demo.build(now=now, seed=2026 + 24) == ""  # loaded once
