"""The audit log reads as what happened to what, by whom: named actions, objects by kind and natural
name, actors by name and post, the system as the system, and fields by their names; all of it
without a query per row."""

import pathlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.cases import actions as case_actions
from gridgov.core import audit
from gridgov.org import actions
from gridgov.org.models import User

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "gridgov"


@pytest.fixture
def a_case(personas):
    """A case reported by the resident and accepted by the grid worker (a person of the registry)."""
    User.objects.filter(pk=personas.worker_a1.pk).update(person=personas.town.chen)
    personas.worker_a1.refresh_from_db()
    env = case_actions.do_create_category(None, "01", "环境卫生")
    garbage = case_actions.do_create_category(None, "0101", "垃圾清运", parent=env)
    case = case_actions.do_report(personas.resident_a1, garbage, "巷口垃圾", grid=personas.town.a1)
    return case_actions.do_accept(personas.worker_a1, case)


def rows(client, **query):
    return list(client.get("/audit/", query).context["page"])


def test_an_action_reads_by_its_name_and_the_object_by_kind_and_number(personas, login, a_case):
    client = login(personas.town_admin)
    entry = rows(client, action="case.accept")[0]
    assert (entry.action_label, str(entry.object_kind), entry.object_label) == ("受理事件", "事件", a_case.number)
    assert entry.actor_label == "陈丽华 · 网格员 · 碧塘第一网格"
    state = [(old, new) for key, old, new in entry.changes if key == "状态"]
    assert state == [("待受理", "已受理")]  # a choice by its label
    text = client.get("/audit/", {"action": "case.accept"}).content.decode()
    assert "受理事件 · 事件 " + a_case.number in re.sub(r"<[^>]+>", "", text)
    assert "cases.case" not in text and "case.accept<" not in text


def test_the_system_and_accounts_read_by_name(personas, login, a_case):
    client = login(personas.town_admin)
    created = rows(client, action="grid.create")  # the fixture's town is built by no account
    assert created and {e.actor_label for e in created} == {"系统（自动）"}
    user_rows = [e for e in rows(client, action="user.create") if e.object_id == str(personas.worker_a1.pk)]
    assert [e.object_label for e in user_rows] == ["陈丽华 · 网格员 · 碧塘第一网格"]
    assert str(user_rows[0].object_kind) == "账号"


def test_a_sweep_is_named_by_what_it_does(personas, login, a_case):
    import datetime

    import time_machine

    with time_machine.travel(a_case.deadline + datetime.timedelta(hours=1), tick=False):
        case_actions.mark_clocks()
    entry = rows(login(personas.town_admin), action="case.overdue")[0]
    assert (entry.action_label, entry.actor_label) == ("标记超期", "系统（时限检查）")


def test_fields_read_by_their_names_and_values_in_words(personas, login):
    account = [e for e in rows(login(personas.town_admin), action="user.create")
               if e.object_id == str(personas.worker_a1.pk)][0]
    changes = {str(key): new for key, _old, new in account.changes}
    assert (changes["角色"], changes["管辖网格"], changes["启用"]) == ("网格员", personas.town.a1.pk, "是")
    # A field its model never named, and a key that is no field, stay codes rather than made-up English.
    audit.record("grid.geometry", personas.town.a1, {"min_lng": None}, {"min_lng": 112.3, "flag": False})
    entry = rows(login(personas.town_admin), action="grid.geometry")[0]
    assert [(str(k), new) for k, _old, new in entry.changes] == [("min_lng", 112.3), ("flag", "否")]


def test_an_unknown_code_and_a_nameless_object_read_as_what_is_known(personas, login):
    audit.record("experiment.tried", personas.town.a1, None, {"x": 1})
    entry = rows(login(personas.town_admin), action="experiment.tried")[0]
    assert (entry.action_label, entry.object_label) == ("experiment.tried", "碧塘第一网格")
    assert audit.action_label("no.such") == "no.such"


def test_the_log_is_filtered_by_the_names_people_read(personas, login, a_case):
    client = login(personas.town_admin)
    assert {e.action for e in rows(client, action="受理事件")} == {"case.accept"}
    assert {e.action for e in rows(client, actor="陈丽华")} == {"case.accept"}
    assert {e.actor_id for e in rows(client, actor="系统")} == {None}
    assert {e.action for e in rows(client, action="case.acc")} == {"case.accept"}  # the code still works


def test_every_action_written_in_the_code_has_a_name():
    codes = set()
    for path in SRC.rglob("*.py"):
        codes |= set(re.findall(r'\brecord(?:_many)?\(\s*"([a-z0-9_.]+)"', path.read_text()))
    assert len(codes) > 40
    assert sorted(codes - set(audit.ACTION_LABELS)) == []


def test_the_page_costs_the_same_queries_for_few_or_many_rows(personas, login, a_case):
    client = login(personas.town_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    count()
    before = count()
    for n in range(8):  # more actors, accounts and objects of several kinds
        account = actions.do_create_user(personas.town_admin, f"worker_{n}", "grid_worker", personas.town.a2.code)
        actions.do_create_household(account, f"H4453211042010029{n:02d}", personas.town.a2, f"碧塘村二巷{n + 2}号")
        case_actions.do_comment(personas.worker_a1, a_case, f"记录{n}")
    assert count() == before
