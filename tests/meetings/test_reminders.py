"""The worker's reminders: before a month ends the secretaries of organisations that have not held what
is due; after it ends the town's admins of what was missed; each once, however often the worker ticks;
at a quarter's end and across the year end."""

import datetime

import pytest

from gridgov.cases import conf as case_conf
from gridgov.cases.models import Notification, Outbox
from gridgov.core import jobs
from gridgov.meetings import actions
from gridgov.meetings.models import Reminder
from tests.meetings.conftest import local


@pytest.mark.parametrize("held_on, before, after, label", [
    (datetime.date(2026, 3, 3), (2026, 3, 27), (2026, 4, 2), "2026-03"),
    (datetime.date(2026, 12, 3), (2026, 12, 28), (2027, 1, 2), "2026-12"),
])
def test_reminders_go_out_once(party, at, held_on, before, after, label):
    p = party.personas
    jobs.discover()
    sweep = jobs.PERIODIC["meetings.remind"]
    at(held_on.year, held_on.month, held_on.day + 1)
    actions.do_record(p.secretary_a, party.group_a1, "group", held_on, "学习", attendees=[party.wang.pk])
    # Not yet in the last days of the month: nothing.
    at(before[0], before[1], before[2] - 7)
    assert sweep(local(before[0], before[1], before[2] - 7, 10))["due"] == 0
    at(*before)
    for _ in range(2):
        sweep(local(*before, 10))
    due = Notification.objects.filter(kind="meeting_due")
    # Village A's branch (not its grid party group, which met) and village B's branch, each to its secretary.
    assert sorted(due.values_list("user__username", flat=True)) == ["outsider", "secretary_a"]
    text = due.get(user=p.secretary_a).text
    assert "碧塘村党支部" in text and "党课" in text and "党员大会" in text  # the quarter ends with the month
    assert due.filter(case__isnull=True).count() == 2
    assert Outbox.objects.filter(notification__kind="meeting_due").count() == 2 * len(
        case_conf.get_list("GRIDGOV_NOTIFY_CHANNELS"))
    at(*after)
    for _ in range(3):
        sweep(local(*after, 10))
    # (The earlier ticks told the town about the month before, once too.)
    missing = [n for n in Notification.objects.filter(kind="meeting_missing") if n.data["month"] == label]
    assert [n.user.username for n in missing] == ["town_admin"]
    # Each branch missed its committee meeting, theme day, general meeting and party lecture: 8.
    assert missing[0].data["missing"] == 8 and "8" in missing[0].text and "都斛村党支部" in missing[0].text
    assert Reminder.objects.filter(key__startswith="missing:", key__endswith=label).count() == 1  # the one town
    assert Notification.objects.filter(kind="meeting_due").count() == 2
