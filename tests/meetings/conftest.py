"""Fixtures of organisational life on the personas' town: village A's branch (碧塘村党支部) with a grid
party group in A1 whose members are 王志强 (party_a1's person) and three more; village B's branch with
one member. Time is an input: `at(...)` moves the clock (time-machine) to a local moment."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from gridgov.org import actions as org_actions
from gridgov.org.models import Person
from tests.cases.conftest import SHANGHAI


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def at():
    """at(y, m, d[, h]) freezes the clock there until the test moves it again."""
    travellers = []

    def _at(y, m, d, h=10):
        if travellers:
            travellers.pop().stop()
        t = time_machine.travel(local(y, m, d, h), tick=False)
        t.start()
        travellers.append(t)

    yield _at
    for t in travellers:
        t.stop()


@pytest.fixture
def party(personas):
    town = personas.town
    p = SimpleNamespace(personas=personas, town=town)
    p.branch_a = org_actions.do_create_party_org(None, "P445321104201", "碧塘村党支部", "branch", town.village_a,
                                                 grid=town.grid_a)
    p.group_a1 = org_actions.do_create_party_org(None, "PG445321104201001", "碧塘第一网格党小组", "group",
                                                 town.village_a, parent=p.branch_a, grid=town.a1)
    p.branch_b = org_actions.do_create_party_org(None, "P445321104202", "都斛村党支部", "branch", town.village_b,
                                                 grid=town.grid_b)
    # org has no action that moves a member between organisations yet: the registry row is set directly.
    Person.objects.filter(pk=town.wang.pk).update(party_org=p.group_a1)
    town.wang.refresh_from_db()
    mk = lambda name, grid, org: org_actions.do_create_person(
        None, name=name, grid=grid, is_party_member=True, party_org=org)
    p.wang = town.wang
    p.zhao = mk("赵国华", town.a1, p.group_a1)
    p.sun = mk("孙桂兰", town.a1, p.group_a1)
    p.zhou = mk("周永红", town.a2, p.branch_a)  # a member of the branch itself
    p.qian = mk("钱卫东", town.b1, p.branch_b)
    return p
