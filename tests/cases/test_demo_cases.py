"""The demo: the 2026 calendar, the category set and units (idempotent), and cases played through the real
actions, coherent and the same for the same seed."""

import datetime

import pytest

from gridgov.cases import demo
from gridgov.cases.models import (
    Case, CaseEvent, CasePhoto, Category, ExtensionRequest, Holiday, Notification, Outbox, Supervision, Unit,
)
from tests.cases.conftest import local

NOW = local(2026, 6, 30, 16, 0)


@pytest.fixture
def configured(personas):
    return demo.load_config(personas.town.town)


def test_configuration_loads_once(personas, configured):
    assert configured == {"holidays": 39, "units": 12, "categories": 27}
    assert demo.load_config(personas.town.town) == {"holidays": 0, "units": 0, "categories": 0}
    assert Holiday.objects.filter(is_workday=True).count() == 6
    assert Category.objects.filter(level=1).count() == 7
    assert Unit.objects.filter(kind="village").count() == 2
    stopped_water = Category.objects.get(code="0301")
    assert (stopped_water.handling_level, stopped_water.default_unit.name) == ("department", "东成镇自来水公司")


def fingerprint(town):
    return list(Case.objects.filter(path__startswith=town.path).order_by("created_at", "pk").values_list(
        "category__code", "grid__code", "state", "level", "description", "created_at", "rework_count",
        "escalation_count", "rating", "place"))


def wipe_cases():
    Outbox.objects.all().delete()
    Notification.objects.all().delete()
    CasePhoto.objects.all().delete()
    Supervision.objects.all().delete()
    ExtensionRequest.objects.all().delete()
    CaseEvent.objects.all().delete()
    Case.objects.filter(merged_into__isnull=False).delete()
    Case.objects.all().delete()


def test_cases_are_coherent_and_reproducible(personas, configured):
    town = personas.town.town
    states = demo.build_cases(now=NOW, count=60, town=town)
    assert sum(states.values()) == 60
    assert states["closed"] > 20 and states["reported"] + states["accepted"] + states["dispatched"] + \
        states["in_progress"] > 0
    assert not CaseEvent.objects.filter(time__gt=NOW).exists()
    for case in Case.objects.all():
        actions = list(case.events.values_list("action", flat=True))
        assert actions[0] == "report"
        assert case.created_at >= NOW - datetime.timedelta(days=60)
        if case.state == "closed":
            assert case.closed_level and case.closed_on_time is not None and "verify" in actions
        if case.escalation_count:
            assert actions.count("escalate") == case.escalation_count
    # Most reporters said where in words too (a new user sees the place on the case pages).
    assert Case.objects.exclude(place="").count() > 60 * 0.7
    first = fingerprint(town)
    wipe_cases()
    demo.build_cases(now=NOW, count=60, town=town)
    assert fingerprint(town) == first
    wipe_cases()
    demo.build_cases(now=NOW, count=60, town=town, seed=7)
    assert fingerprint(town) != first
