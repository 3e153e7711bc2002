"""Reads shared by the pages, the API and the five-star metric: a node's figures for a period, a person's
service record.

Figures of a node (a path prefix) and a period of local dates since..until, both inclusive:
  teams             active teams of villages or towns under the node, created on or before `until`
  volunteers        volunteers living under the node registered on or before `until`
  active_volunteers volunteers living under the node with time served (minutes > 0) on an activity that
                    started in the period (cancelled activities and sign-ups do not count)
  activities        activities of teams under the node that started in the period, not cancelled
  hours             the minutes served on those activities, by anyone, in hours (two decimals)
"""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from gridgov.core import clock

from .models import Activity, Signup, Team, Volunteer


def today() -> datetime.date:
    return timezone.localdate(clock.now())


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period(since: datetime.date | None, until: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """Default: from 1 January of `until`'s year to `until` (today)."""
    until = until or today()
    return since or datetime.date(until.year, 1, 1), until


def _started_in(since, until) -> dict:
    return {"start__gte": day_start(since), "start__lt": day_start(until + datetime.timedelta(days=1))}


def served(path: str, since: datetime.date, until: datetime.date):
    """Sign-ups of people living under `path` with time served on activities started in the period."""
    return Signup.objects.filter(path__startswith=path, state=Signup.State.SIGNED, minutes__gt=0,
                                 activity__state__in=[Activity.State.OPEN, Activity.State.CLOSED],
                                 **{f"activity__{k}": v for k, v in _started_in(since, until).items()})


def figures(path: str, since: datetime.date, until: datetime.date) -> dict:
    end = day_start(until + datetime.timedelta(days=1))
    activities = Activity.objects.filter(path__startswith=path, state__in=[Activity.State.OPEN, Activity.State.CLOSED],
                                         **_started_in(since, until))
    minutes = Signup.objects.filter(activity__in=activities, state=Signup.State.SIGNED).aggregate(
        m=Sum("minutes"))["m"] or 0
    return {
        "since": since, "until": until,
        "teams": Team.objects.filter(path__startswith=path, is_active=True, created_at__lt=end).count(),
        "volunteers": Volunteer.objects.filter(path__startswith=path, registered_at__lt=end).count(),
        "active_volunteers": served(path, since, until).values("person_id").distinct().count(),
        "activities": activities.count(),
        "hours": round(minutes / 60, 2),
    }


def record(person) -> dict:
    """A person's service record: activities served, hours, points earned, teams, latest sign-ups."""
    rows = Signup.objects.filter(person=person, state=Signup.State.SIGNED, minutes__gt=0).exclude(
        activity__state=Activity.State.CANCELLED)
    totals = rows.aggregate(n=Count("id"), m=Sum("minutes"), p=Sum("points"))
    return {"activities": totals["n"] or 0, "hours": round((totals["m"] or 0) / 60, 2), "points": totals["p"] or 0}
