"""Fixtures of volunteers on the test town (tests/conftest.py): village A's vanguard team led by 王志强
(party_a1), a resident of A (张建国, resident_a1) registered as a volunteer, the town's points rule for
volunteer service (1 point, capped at 20 a month), and one activity tomorrow 09:00-12:00 for the village,
quota 3, 2 points an hour, sign-up closing an hour before. The clock stands at Monday 2 March 2026, 10:00."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from gridgov.org import actions as org_actions
from gridgov.points import actions as points_actions
from gridgov.volunteers import actions
from tests.cases.conftest import MONDAY_10, local

PASSWORD = "Grid-Test-2026"


@pytest.fixture
def clock(db):
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def vol(personas, clock):
    p, t = personas, personas.town
    v = SimpleNamespace(p=p, t=t, clock=clock)
    v.rule = points_actions.do_save_rule(p.town_admin, t.town, code="ZY01", name="志愿服务", points=1,
                                         auto="volunteer_activity", cap=20, cap_period="month")
    v.team = actions.do_create_team(p.secretary_a, "碧塘村党员先锋队", t.village_a, "vanguard", t.wang.pk)
    actions.do_register(p.resident_a1, True)
    v.start = local(2026, 3, 3, 9, 0)
    v.activity = actions.do_create_activity(p.party_a1, v.team, "清理河道", v.start,
                                            v.start + datetime.timedelta(hours=3), quota=3, points=2,
                                            points_per="hour", signup_until=v.start - datetime.timedelta(hours=1),
                                            place="碧塘河")
    return v


@pytest.fixture
def resident_b(personas):
    """刘德明, a resident of village B with an account."""
    return org_actions.do_create_user(None, "resident_b1", "resident", personas.town.b1.code, password=PASSWORD,
                                      person=personas.town.liu)
