"""The demo's disputes on any reference day (a Monday, a Sunday, New Year's Day, a leap day): every state,
one high-risk dispute that told the town, sixteen weeks of screenings, nothing stamped after the moment."""

import datetime

import pytest

from gridgov.cases.models import Notification
from gridgov.core import clock
from gridgov.disputes import demo
from gridgov.disputes.models import Dispute, FollowUp, Screening, Session
from tests.cases.conftest import SHANGHAI


@pytest.mark.parametrize("day", [datetime.date(2027, 1, 1), datetime.date(2026, 12, 7), datetime.date(2026, 3, 1),
                                 datetime.date(2028, 2, 29)])
def test_the_demo_on_any_day(personas, day):
    now = datetime.datetime.combine(day, datetime.time.min, SHANGHAI)
    with clock.replaying_at(now):
        line = demo.build(now=now, seed=26)
    assert "10" in line
    states = set(Dispute.objects.values_list("state", flat=True))
    assert states == {"registered", "mediating", "mediated", "referred", "withdrawn"}
    high = Dispute.objects.filter(risk="high")
    assert high.count() == 1 and Notification.objects.filter(kind="dispute_high_risk").count() == 1
    moments = [*Dispute.objects.values_list("reported_at", flat=True),
               *Dispute.objects.exclude(conclude_at=None).values_list("conclude_at", flat=True),
               *Session.objects.values_list("at", flat=True), *Screening.objects.values_list("filed_at", flat=True),
               *FollowUp.objects.exclude(done_at=None).values_list("done_at", flat=True)]
    assert max(moments) < now
    this_monday = day - datetime.timedelta(days=day.weekday())
    weeks = set(Screening.objects.values_list("week", flat=True))
    assert max(weeks) == this_monday - datetime.timedelta(weeks=1) and len(weeks) == demo.WEEKS
    assert Screening.objects.filter(none=True).count() > Screening.objects.filter(none=False).count()
    assert FollowUp.objects.filter(done_at__isnull=False).count() == 1
    overdue = [s["status"] for d in Dispute.objects.filter(state="registered") for s in d.steps(now)]
    assert "overdue" in overdue
