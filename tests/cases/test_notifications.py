"""Notifications: an inbox row per person told, an outbox row per delivery channel, never to the actor
about their own action, marked read only by their owner."""

from django.conf import settings
from django.utils import translation

from gridgov.cases import actions
from gridgov.cases.models import Notification, Outbox
from gridgov.cases.routing import NOTICES
from gridgov.core.models import AuditEntry


def test_one_outbox_row_per_channel(personas, report, settings):
    settings.GRIDGOV_NOTIFY_CHANNELS = "log,sms"
    case = report()
    note = Notification.objects.get(case=case)
    assert sorted(Outbox.objects.filter(notification=note).values_list("channel", flat=True)) == ["log", "sms"]
    payload = Outbox.objects.filter(notification=note).first().payload
    assert payload == {"kind": "reported", "text": note.text, "case": case.number, "case_id": case.pk}
    settings.GRIDGOV_NOTIFY_CHANNELS = ""
    other = report()
    assert Notification.objects.filter(case=other).exists() and not Outbox.objects.filter(
        notification__case=other).exists()


def test_the_text_is_rendered_in_the_site_language(personas, report):
    case = report()
    note = Notification.objects.get(case=case)
    with translation.override(settings.LANGUAGE_CODE):
        assert note.text == NOTICES["reported"]["assessor"] % {"number": case.number, "category": case.category.name}
    assert note.data == {"number": case.number, "category": "垃圾清运", "to": "assessor"}


def test_the_actor_is_not_told_about_their_own_action(personas, report):
    case = report(actor=personas.worker_a1)  # the worker reports in their own grid
    assert not Notification.objects.filter(case=case, user=personas.worker_a1).exists()


def test_an_escalation_reaches_the_next_levels_assessor(personas, report):
    case = actions.do_escalate(personas.worker_a1, report(), reason="需村里协调")
    told = set(Notification.objects.filter(case=case, kind="escalated").values_list("user__username", flat=True))
    assert told == {"secretary_a"}


def test_marking_read_touches_only_ones_own_notifications(personas, report):
    report()
    report()
    mine = Notification.objects.filter(user=personas.worker_a1)
    assert mine.count() == 2
    assert actions.do_mark_read(personas.secretary_a) == 0
    assert actions.do_mark_read(personas.worker_a1, [mine.first().pk]) == 1
    assert actions.do_mark_read(personas.worker_a1) == 1
    assert not Notification.objects.filter(user=personas.worker_a1, read_at__isnull=True).exists()
    reads = AuditEntry.objects.filter(action="notification.read")
    assert [(e.actor_id, e.after) for e in reads.order_by("pk")] == [
        (personas.worker_a1.pk, {"notifications": 1}), (personas.worker_a1.pk, {"notifications": 1})]
