"""Rows of services for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

import datetime

from gridgov.core import clock
from gridgov.services import actions

from .conftest import MATERIALS


def two_items_and_applications(personas) -> list:
    """Two catalogue items of the test town, two draft applications of resident_a1 and two slots of the hall."""
    town = personas.town.town
    items = [actions.do_save_item(None, town, code=f"T{n}", name=f"测试事项{n}", group="civil", department="民政办",
                                  materials=MATERIALS[:2], limit_days=3, agent_allowed=True, handled_at="town")
             for n in (1, 2)]
    start = clock.now() + datetime.timedelta(days=1)
    for n in (0, 1):
        actions.do_create_slot(None, town, start + datetime.timedelta(hours=n), start + datetime.timedelta(hours=n + 1),
                               5, "一号窗口")
    return [actions.do_apply(personas.resident_a1, item) for item in items]
