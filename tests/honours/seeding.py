"""Rows of honours for tests outside this folder that need some (the list-shape walk seeds two of every
list): the town's 2026 星级文明户 and 美丽庭院 campaigns, two named titles in village A (houses A1 and
A1b) of each, counted per honour. Runs on the frozen clock of tests.cases.conftest (2 March 2026)."""

import datetime

from gridgov.core import clock
from gridgov.honours import actions

CRITERIA = [{"name": "爱国守法", "max": 50}, {"name": "环境卫生", "max": 50}]


def two_honours(personas) -> list:
    p, town = personas, personas.town
    out = []
    for kind, thresholds in (("starred", [60, 70, 80, 90, 95]), ("courtyard", [])):
        campaign = actions.do_create_campaign(p.town_admin, clock.now().year, kind, CRITERIA, thresholds,
                                              publicity_days=1)
        for house in (town.house_a1, town.house_a1b):
            entry = actions.do_enter(p.worker_a1, campaign, household=house)
            actions.do_inspect(p.worker_a1, entry, {"爱国守法": 45, "环境卫生": 45})
            actions.do_review(p.secretary_a, entry, True)
            actions.do_publish(p.town_admin, entry)
            out.append(entry)
    with clock.replaying_at(clock.now() + datetime.timedelta(days=1)):
        for entry in out:
            actions.do_name(p.town_admin, entry)
    return out
