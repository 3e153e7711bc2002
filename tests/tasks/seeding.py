"""Rows of tasks for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

import datetime

from gridgov.tasks import actions


def two_tasks(personas) -> list:
    """A task to both villages of the test town, due a week ahead: two assignments."""
    from django.utils import timezone

    from gridgov.core import clock

    today = timezone.localdate(clock.now())
    day = today + datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return [actions.do_issue(personas.town_admin, "清理村道两侧垃圾", "春季环境整治", deadline=day)]
