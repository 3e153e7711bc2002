"""Rows of volunteers for tests outside this folder that need some (the list-shape walk seeds two of every list)."""

import datetime

from gridgov.core import clock
from gridgov.volunteers import actions


def two_teams_and_activities(personas) -> list:
    """Two teams of village A (the first led by 王志强) and two activities of the first, in the days ahead."""
    t = personas.town
    teams = [actions.do_create_team(personas.town_admin, "碧塘村党员先锋队", t.village_a, "vanguard", t.wang.pk),
             actions.do_create_team(personas.town_admin, "碧塘村巾帼志愿队", t.village_a, "women")]
    start = clock.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    return teams + [actions.do_create_activity(personas.town_admin, teams[0], title, start + datetime.timedelta(days=d),
                                               start + datetime.timedelta(days=d, hours=3), quota=10, points=2)
                    for d, title in ((0, "清理河道"), (1, "关爱独居老人"))]
