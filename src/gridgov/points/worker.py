"""Periodic sweeps of points (run by `gridgov worker`, see core/jobs.py).

awards_from_cases reads the case loop's event log (read-only) from a stored cursor: a verification
that passed (the case is closed) earns its reporter the "case_verified" rule, and a case closed on
time earns the party member who handled it the "case_closed_on_time" rule. Every award is keyed by
case and kind, so a repeated sweep, a crash between award and cursor, or two workers at once never
award twice. The cursor only moves past events older than GRIDGOV_POINTS_SWEEP_MARGIN_SECONDS: a
transaction that committed a lower event id after a higher one is still read on the next round.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import CaseEvent
from gridgov.core.jobs import periodic

from . import actions, conf, public
from .models import Cursor

log = logging.getLogger(__name__)
CASE_CURSOR = "case_events"
BATCH = 1000


def awards_from_cases(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    margin = now - datetime.timedelta(seconds=conf.get_int("GRIDGOV_POINTS_SWEEP_MARGIN_SECONDS"))
    result = {"awarded": 0, "capped": 0}
    with transaction.atomic():
        # The cursor row is the sweep's lock: a second worker waits here instead of sweeping alongside.
        Cursor.objects.get_or_create(name=CASE_CURSOR)
        cursor = Cursor.objects.select_for_update().get(name=CASE_CURSOR)
        events = list(
            CaseEvent.objects.filter(pk__gt=cursor.position, action="verify")
            .select_related("case", "case__reporter", "case__assignee__person").order_by("pk")[:BATCH])
        last_old, young = cursor.position, False
        for event in events:
            case = event.case
            if event.to_state == "closed":
                _count(result, _award_case(case, "case_verified", case.reporter, "verified",
                                           _("Reported problem verified: case %(n)s"), now))
                handler = getattr(case.assignee, "person", None)
                if case.closed_on_time and handler is not None and handler.is_party_member:
                    _count(result, _award_case(case, "case_closed_on_time", handler, "closed_on_time",
                                               _("Case handled and closed on time: %(n)s"), now))
            young = young or event.time >= margin  # from here on, read again next round
            if not young:
                last_old = event.pk
        if last_old != cursor.position:
            cursor.position = last_old
            cursor.save(update_fields=["position"])
    return result


def _count(result: dict, outcome: str) -> None:
    if outcome in result:
        result[outcome] += 1


def _award_case(case, auto: str, person, what: str, reason: str, now) -> str:
    return public.award_automatic(auto, person=person, path=case.path, key=f"case:{case.pk}:{what}",
                                  reason=reason % {"n": case.number or case.pk}, now=now)


@periodic("points_awards_from_cases")
def sweep_case_awards(now):
    return awards_from_cases(now)


@periodic("points_claims")
def sweep_claims(now):
    return actions.make_claims_count(now)


@periodic("points_orders_expire")
def sweep_orders(now):
    return actions.expire_orders(now)



YEAR_END_CURSOR = "year_end"


def year_end(now: datetime.datetime | None = None) -> int:
    """Once a year, after midnight of 1 January (local time), settle the year just ended by the policy
    GRIDGOV_POINTS_YEAR_END ("carry": nothing is written; "clear": balances go to zero by entries).
    The cursor row remembers the last settled year, so January's new points are never cleared by a
    later round. Returns the number of entries written."""
    now = now or timezone.now()
    ended = timezone.localtime(now).year - 1
    with transaction.atomic():
        Cursor.objects.get_or_create(name=YEAR_END_CURSOR, defaults={"position": ended})
        cursor = Cursor.objects.select_for_update().get(name=YEAR_END_CURSOR)
        if cursor.position >= ended:
            return 0
        written = actions.settle_year(ended, now=now)
        cursor.position = ended
        cursor.save(update_fields=["position"])
    return written


@periodic("points_year_end")
def sweep_year_end(now):
    return year_end(now)
