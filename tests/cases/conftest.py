"""Fixtures for the case loop: a category set, handling units, a frozen clock and a way to drive a case
to any state through the real actions.

The clock starts on Monday 2 March 2026, 10:00 in Shanghai: a plain week with no holidays, so deadlines
are easy to work out by hand (working hours 08:30-12:00 and 14:00-17:30).
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine

from gridgov.cases import actions, calendar, memo
from gridgov.cases.models import Case, Unit
from gridgov.org import actions as org_actions
from gridgov.org import geo

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
POINT_A1 = (22.705, 112.305)  # inside small grid A1 (lat, lng)
POINT_B1 = (22.715, 112.305)  # inside small grid B1


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


MONDAY_10 = local(2026, 3, 2, 10, 0)


@pytest.fixture
def clock(db):
    """Time stands still at MONDAY_10 until the test moves it (clock.move_to / clock.shift)."""
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cfg(personas):
    """Two main categories with a subcategory each (one in working hours, one in working days) and the
    units of the test town: village A's committee, the town's 综治中心 and 司法所, the town office."""
    town = personas.town
    c = SimpleNamespace()
    c.village_a_committee = actions.do_create_unit(None, "U-A", "碧塘村委会", Unit.Kind.VILLAGE, town.village_a,
                                                   members=[personas.secretary_a])
    c.zongzhi = actions.do_create_unit(None, "U-ZZ", "综治中心", Unit.Kind.DEPARTMENT, town.town,
                                       members=[personas.department])
    c.sifasuo = actions.do_create_unit(None, "U-SF", "司法所", Unit.Kind.DEPARTMENT, town.town)
    c.town_office = actions.do_create_unit(None, "U-TO", "镇政府办", Unit.Kind.TOWN, town.town,
                                           members=[personas.town_admin])
    c.env = actions.do_create_category(None, "01", "环境卫生")
    # 2 h to assess, 2 h to dispatch, 8 h to handle, 4 h to verify.
    c.garbage = actions.do_create_category(None, "0101", "垃圾清运", parent=c.env, limit_unit="h", accept_limit=2,
                                           dispatch_limit=2, handle_limit=8, verify_limit=4,
                                           default_unit=c.village_a_committee)
    c.dispute = actions.do_create_category(None, "04", "矛盾纠纷")
    # Working days: 1 to assess, 1 to dispatch, 3 to handle, 1 to verify.
    c.neighbours = actions.do_create_category(None, "0401", "邻里纠纷", parent=c.dispute, limit_unit="d",
                                              accept_limit=1, dispatch_limit=1, handle_limit=3, verify_limit=1,
                                              handling_level="village")
    return c


@pytest.fixture
def report(personas, cfg, clock):
    """report(**overrides) -> a new case in small grid A1, reported by resident_a1 with a point."""

    def _report(actor=None, category=None, description="垃圾堆积在巷口三天无人清理", point=POINT_A1, **kw):
        lat, lng = point if point else (None, None)
        return actions.do_report(actor or personas.resident_a1, category or cfg.garbage, description,
                                 lat=lat, lng=lng, **kw)

    return _report


@pytest.fixture
def drive(personas, cfg):
    """drive(case, state) -> the case taken through the real actions to `state` (grid level,
    dispatched to party_a1 by worker_a1)."""
    p = personas

    def _drive(case: Case, state: str) -> Case:
        path = {
            "reported": [],
            "accepted": ["accept"],
            "dispatched": ["accept", "dispatch"],
            "in_progress": ["accept", "dispatch", "claim"],
            "suspended": ["accept", "dispatch", "claim", "suspend"],
            "resolved": ["accept", "dispatch", "claim", "resolve"],
            "closed": ["accept", "dispatch", "claim", "resolve", "verify"],
            "rejected": ["reject"],
            "merged": ["merge"],
        }[state]
        for step in path:
            if step == "accept":
                case = actions.do_accept(p.worker_a1, case)
            elif step == "dispatch":
                case = actions.do_dispatch(p.worker_a1, case, "party_a1")
            elif step == "claim":
                case = actions.do_claim(p.party_a1, case)
            elif step == "suspend":
                case = actions.do_suspend(p.party_a1, case, reason="等待村民回乡")
            elif step == "resolve":
                case = actions.do_resolve(p.party_a1, case, result="已清运")
            elif step == "verify":
                case = actions.do_verify(p.worker_a1, case, passed=True)
            elif step == "reject":
                case = actions.do_reject(p.worker_a1, case, reason="不属于受理范围")
            elif step == "merge":
                other = actions.do_report(p.resident_a1, case.category, "同一处垃圾", lat=case.lat, lng=case.lng)
                case = actions.do_merge(p.worker_a1, case, other)
        case.refresh_from_db()
        assert case.state == state
        return case

    return _drive


@pytest.fixture
def more_party_members(personas):
    """more_party_members(n, grid) -> n party-member accounts living in `grid`."""

    def _make(n: int, grid=None):
        grid = grid or personas.town.a1
        users = []
        for i in range(n):
            person = org_actions.do_create_person(None, name=f"党员{i:02d}", grid=grid, is_party_member=True)
            users.append(org_actions.do_create_user(None, f"pm{grid.code[-4:]}{i:02d}", "party_member", grid.code,
                                                    person=person))
        return users

    return _make


@pytest.fixture
def hot_process(monkeypatch):
    """A process that starts afresh (no copy left from an earlier test's rolled-back rows) and then
    trusts its copies for the production interval."""
    geo.invalidate()
    calendar.invalidate()
    memo.invalidate()
    monkeypatch.setattr(geo, "RECHECK_SECONDS", 2.0)
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 2.0)
    monkeypatch.setattr(memo, "RECHECK_SECONDS", 2.0)
