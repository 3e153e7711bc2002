"""Rows of village affairs for the API tests and for the list-shape walk (two of every list): matters of
village A and items on its board, and a clock that stands still where the test puts it."""

import zoneinfo

from django.utils import timezone

from gridgov.affairs import actions
from gridgov.core import clock

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def two_matters_and_disclosures(personas) -> tuple[list, list]:
    """Two matters of village A (one proposed) and two public items on its board today."""
    town = personas.town
    today = timezone.localdate(clock.now())
    matters = [actions.do_open_matter(personas.secretary_a, town.village_a.code, title, kind, amount)
               for title, kind, amount in (("修建村道", "project", "120000"), ("鱼塘发包", "contract", "30000"))]
    actions.do_record_step(personas.secretary_a, matters[0], "propose", today, expected=5, present=5, votes_for=5)
    items = [actions.do_publish(personas.secretary_a, town.village_a.code, kind, title, body=body)
             for kind, title, body in (("village", "村道修建公示", "村道修建方案"), ("party", "发展党员公示", "拟发展对象"))]
    return matters, items
