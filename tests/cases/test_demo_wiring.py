"""`gridgov demo` (town scale) also loads the case loop: its configuration and cases played through the
real actions, so a fresh `make run` shows living boards; `--cases 0` loads the org data alone."""

import io

import pytest
from django.core.management import call_command

from gridgov.cases.models import Case, CaseEvent, Category, Holiday, Notification, Outbox, Unit
from gridgov.links.models import Contact
from gridgov.org.models import User
from gridgov.patrols.models import PatrolCase

pytestmark = pytest.mark.usefixtures("english")


def test_the_town_demo_comes_with_cases(db):
    out = io.StringIO()
    call_command("demo", "--if-empty", "--cases", "25", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    # 25 played through the loop, the few the Open311 demo's clients sent, and those a party member heard on a
    # contact or a grid worker found on patrol (the links and patrols demos raise them).
    raised = Contact.objects.filter(case__isnull=False).count() + PatrolCase.objects.count()
    assert 0 < raised < 10
    assert Case.objects.exclude(channel="open311").count() == 25 + raised
    assert 0 < Case.objects.filter(channel="open311").count() < 10
    assert "Loaded the case loop: 25 cases (" in text
    assert f"{Category.objects.count()} categories, {Unit.objects.count()} handling units and " \
           f"{Holiday.objects.count()} calendar days" in text
    assert Category.objects.filter(level=2).count() >= 20 and Holiday.objects.filter(date__year=2026).exists()
    assert Unit.objects.filter(kind="village").count() == 16
    states = set(Case.objects.values_list("state", flat=True))
    assert "closed" in states and states & {"reported", "accepted", "dispatched", "in_progress", "resolved"}
    assert CaseEvent.objects.filter(action="report").count() == Case.objects.count()
    # The history's notices are in the inboxes; none waits to go out by SMS or WeChat.
    assert Notification.objects.exists() and not Outbox.objects.exists()
    # The accounts table still comes last, and the demo's sign-in accounts can see the cases.
    assert text.rindex("Demo accounts:") > text.index("Loaded the case loop")
    assert Case.objects.restrict(User.objects.get(username="town_admin")).count() == Case.objects.count()


def test_no_cases_asked_means_no_case_loop(db):
    out = io.StringIO()
    call_command("demo", "--if-empty", "--cases", "0", stdout=out, stderr=io.StringIO())
    assert "case loop" not in out.getvalue()
    assert not Case.objects.exists() and not Category.objects.exists()
