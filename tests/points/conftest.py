"""Fixtures of points: the town's rule set, village A's shop with two products, accounts with points.

The case fixtures (clock, cfg, report, drive) come from tests/cases/conftest.py so automatic awards are
tested on cases driven through the real case actions."""

from types import SimpleNamespace

import pytest

from gridgov.points import actions, ledger
from gridgov.points.models import Entry
from tests.cases.conftest import cfg, clock, drive, more_party_members, report  # noqa: F401

STAFF = ["town_admin", "village_secretary", "grid_worker"]


@pytest.fixture
def rules(personas):
    town = personas.town
    r = SimpleNamespace()
    save = lambda region, **kw: actions.do_save_rule(personas.town_admin, region, **kw)  # noqa: E731
    r.meeting = save(town.town, code="MEET", name="参加村民大会", points=5, cap=10, cap_period="month",
                     award_roles=STAFF)
    r.volunteer = save(town.town, code="VOL", name="志愿服务", points=10, needs_review=True)
    r.verified = save(town.town, code="CASE-V", name="反映问题经核实", points=3, auto="case_verified")
    r.on_time = save(town.town, code="CASE-T", name="党员接单按时办结", points=5, auto="case_closed_on_time")
    r.clean = save(town.village_a, code="A-CLEAN", name="环境卫生评比", points=20, unit="household",
                   award_roles=["village_secretary"])
    r.violation = save(town.town, code="VIOL", name="违规扣分", points=-10, sanction_days=30,
                       award_roles=["village_secretary", "town_admin"])
    return r


@pytest.fixture
def shop(personas):
    town = personas.town
    s = SimpleNamespace()
    s.shop = actions.do_create_shop(personas.secretary_a, town.village_a, "碧塘村党群积分兑换小超市")
    s.oil = actions.do_save_product(personas.secretary_a, s.shop, "花生油 1L", 30, 5)
    s.soap = actions.do_save_product(personas.secretary_a, s.shop, "洗衣皂", 5, 100)
    s.shop_b = actions.do_create_shop(personas.outsider, town.village_b, "都斛村党群积分兑换小超市")
    s.rice = actions.do_save_product(personas.outsider, s.shop_b, "大米 5kg", 50, 10)
    return s


@pytest.fixture
def fund():
    """fund(person, points) -> the person's account with `points` more (a test deposit entry)."""
    counter = [0]

    def _fund(person, points: int, household=None):
        counter[0] += 1
        account = ledger.account_for(household=household) if household else ledger.account_for(person=person)
        ledger.post(account, Entry.Kind.AWARD, points, "test deposit", f"test:{account.pk}:{counter[0]}")
        account.refresh_from_db()
        return account

    return _fund


@pytest.fixture
def settings_for_ledger(settings):
    """Claims count as soon as they are approved (no publicity wait) so a sequence can go through them."""
    settings.GRIDGOV_POINTS_PUBLICITY_DAYS = 0
    return settings
