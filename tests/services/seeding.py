"""Rows of services for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

from gridgov.services import actions

from .conftest import MATERIALS


def two_items_and_applications(personas) -> list:
    """Two catalogue items of the test town and two draft applications of resident_a1."""
    town = personas.town.town
    items = [actions.do_save_item(None, town, code=f"T{n}", name=f"测试事项{n}", group="civil", department="民政办",
                                  materials=MATERIALS[:2], limit_days=3, agent_allowed=True, handled_at="town")
             for n in (1, 2)]
    return [actions.do_apply(personas.resident_a1, item) for item in items]
