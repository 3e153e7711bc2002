"""The contract of issue 14's board through the API: GET /api/v1/affairs/disclosures without a login (the
public, current items of a village and nothing personal), `all=1` for the village's staff and supervision
committee, POST of items with a finance table whose totals are checked, questions, answers and the
supervision committee's remarks — who may do each, the audit of every write, constant list queries."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gridgov.affairs import actions
from gridgov.affairs.models import Disclosure, Question, Remark
from gridgov.core.models import AuditEntry
from gridgov.org import actions as org_actions
from gridgov.org.models import Post
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/affairs/disclosures"
TABLE = [{"item": "村道维修", "expense": "12000.00"}, {"item": "鱼塘租金", "income": "30000", "note": "2026年度"},
         {"item": "保洁工资", "expense": 3500.5}]


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def supervisor(town, person):
    return Post.objects.create(person=person, kind=Post.Kind.SUPERVISOR, region=town.village_a,
                               path=town.village_a.path)


@pytest.fixture
def board(personas, at):  # noqa: F811
    """Village A's board on 20 November 2026: one item published on 1 November that left the board on the
    7th, then on the 20th a current public item with three questions (answered publicly, answered
    privately, unanswered) and two remarks (public check, private), a private item, an item shown from
    the 25th, and village B's own item."""
    town, secretary = personas.town, personas.secretary_a
    at(2026, 11, 1)
    old = actions.do_publish(secretary, town.village_a.code, "village", "十月村务公开", body="已下架")
    at(2026, 11, 20)
    item = actions.do_publish(secretary, town.village_a.code, "village", "村道修建公示", body="全长1.2公里")
    hidden = actions.do_publish(secretary, town.village_a.code, "party", "内部名单", body="不公开", public=False)
    later = actions.do_publish(secretary, town.village_a.code, "party", "下周公示", body="预告",
                               shown_from=datetime.date(2026, 11, 25))
    other = actions.do_publish(personas.outsider, town.village_b.code, "village", "都斛村公示", body="B")
    public_q = actions.do_ask(personas.resident_a1, item, "修路花了多少钱？")
    actions.do_answer(secretary, public_q, "预算12万元")
    private_q = actions.do_ask(personas.worker_a1, item, "我家门口能修吗？", asker=town.zhang_wife.pk)
    actions.do_answer(secretary, private_q, "私下答复：可以", public=False)
    open_q = actions.do_ask(personas.resident_a1, item, "什么时候开工？")
    supervisor(town, town.wang)
    actions.do_remark(personas.party_a1, item, "已核对预算", is_check=True)
    actions.do_remark(personas.party_a1, item, "内部意见：价格偏高", public=False)
    return {"old": old, "item": item, "hidden": hidden, "later": later, "other": other, "public_q": public_q,
            "private_q": private_q, "open_q": open_q}


def test_the_public_board_needs_no_login_and_shows_nothing_personal(personas, board):
    town = personas.town
    anonymous = Client()
    r = anonymous.get(URL, {"village": town.village_a.code})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["count"] == 1 and [i["id"] for i in out["items"]] == [board["item"].pk]
    item = out["items"][0]
    assert (item["title"], item["kind"], item["public"], item["checked"], item["shown_from"]) == (
        "村道修建公示", "village", True, True, "2026-11-20")
    assert item["questions"] == [{"text": "修路花了多少钱？", "answer": "预算12万元", "asked_on": "2026-11-20",
                                  "answered_on": "2026-11-20", "public": True}]
    assert item["remarks"] == [{"text": "已核对预算", "is_check": True, "created_on": "2026-11-20", "public": True}]
    text = r.content.decode()
    personal = [town.zhang.name, town.zhang_wife.name, town.wang.name, "13800000011", "13800000012", "13800000013",
                make_id_number("445321", datetime.date(1981, 12, 12), 11), "resident_a1", "worker_a1",
                "secretary_a", "party_a1", "私下答复", "什么时候开工", "内部意见", "内部名单", "下周公示", "已下架"]
    assert [word for word in personal if word in text or json.dumps(word)[1:-1] in text] == []
    keys = set(item) | set(item["questions"][0]) | set(item["remarks"][0])
    assert not {"asker", "author", "entered_by", "answered_by", "published_by"} & keys
    # A kind filters; an unknown village answers 404, a wrong kind 422; without a village, 422 naming it
    # in Chinese (English when asked).
    assert anonymous.get(URL, {"village": town.village_a.code, "kind": "finance"}).json()["count"] == 0
    assert anonymous.get(URL, {"village": "445321104299"}).status_code == 404
    assert anonymous.get(URL, {"village": town.town.code}).status_code == 404
    assert anonymous.get(URL, {"village": town.village_a.code, "kind": "secret"}).status_code == 422
    r = anonymous.get(URL)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "village"
    assert "村" in r.json()["errors"][0]["message"]
    r = anonymous.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["errors"][0]["message"] == "Give the village's code to read its board."
    # The board of village B is B's own.
    assert [i["title"] for i in anonymous.get(URL, {"village": town.village_b.code}).json()["items"]] == ["都斛村公示"]


def test_all_items_for_the_village_staff_and_its_supervision_committee_only(personas, board, api_client):
    town = personas.town
    a = {"village": town.village_a.code}
    everything = {board[k].pk for k in ("old", "item", "hidden", "later")}
    for user in ("secretary_a", "town_admin", "party_a1"):  # party_a1 sits on the supervision committee
        r = api_client(user).get(URL, {**a, "all": 1})
        assert r.status_code == 200 and {i["id"] for i in r.json()["items"]} == everything, user
    full = next(i for i in api_client("secretary_a").get(URL, {**a, "all": 1}).json()["items"]
                if i["id"] == board["item"].pk)
    assert len(full["questions"]) == 3 and len(full["remarks"]) == 2
    auditor = org_actions.do_create_user(None, "auditor", "auditor", town.town.code, password="Grid-Test-2026")
    assert auditor.role == "auditor"
    for user in ("outsider", "department", "resident_a1", "worker_a1", "auditor"):
        client = api_client(user)
        assert client.get(URL, {**a, "all": 1}).status_code == 404, user
        if user != "outsider":
            assert client.get(URL, {"all": 1}).status_code == 404, user
        # Everyone reads the public board, signed in or not.
        assert client.get(URL, a).json()["count"] == 1, user
    assert Client().get(URL, {**a, "all": 1}).status_code == 404
    assert api_client("town_admin").get(URL, {"all": 1}).json()["count"] == 5  # and village B's
    # Village B's secretary: all of B's board, nothing of A's.
    assert [i["title"] for i in api_client("outsider").get(URL, {"all": 1}).json()["items"]] == ["都斛村公示"]
    # Signed in without a village: the public boards of the caller's reach.
    assert api_client("town_admin").get(URL).json()["count"] == 2
    assert api_client("outsider").get(URL).json()["count"] == 1
    assert api_client("resident_a1").get(URL).json()["count"] == 1
    assert api_client("department").get(URL).json()["count"] == 0


def test_staff_publish_and_the_finance_table_adds_up(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    town = personas.town
    secretary = api_client("secretary_a")
    payload = {"village": town.village_a.code, "kind": "finance", "title": "2026年10月财务公开", "period": "2026-10",
               "table": TABLE, "income_total": "30000.00", "expense_total": "15500.50"}
    for bad, field in (({"income_total": "30000.01"}, "income_total"), ({"expense_total": 15500}, "expense_total"),
                       ({"period": ""}, "period"), ({"period": "2026Q3"}, "period"),
                       ({"table": [{"item": "空行"}]}, "table[1]"), ({"shown_until": "2026-11-21"}, "shown_until")):
        r = post(secretary, URL, {**payload, **bad})
        assert r.status_code == 422, (bad, r.content)
        error = r.json()["errors"][0]
        assert error["field"] == field and error["message"], (bad, error)
    r = post(secretary, URL, {**payload, "income_total": "30000.01"})
    assert "30000.01" in r.json()["errors"][0]["message"] and "30000.00" in r.json()["errors"][0]["message"]
    assert Disclosure.objects.count() == 0
    r = post(secretary, URL, payload)
    assert r.status_code == 201, r.content
    out = r.json()
    # October was due by 10 November: published on the 20th it is late.
    assert (out["income_total"], out["expense_total"], out["late"], out["period"], out["shown_until"]) == (
        "30000.00", "15500.50", True, "2026-10", "2026-11-26")
    assert [row["expense"] for row in out["table"]] == ["12000.00", "0.00", "3500.50"]
    assert AuditEntry.objects.filter(action="affairs.publish", object_id=str(out["id"])).count() == 1
    assert Client().get(URL, {"village": town.village_a.code, "kind": "finance"}).json()["count"] == 1
    # Nobody else publishes on village A's board.
    for user in ("town_admin", "outsider", "department", "resident_a1", "party_a1", "worker_a1"):
        assert post(api_client(user), URL, {**payload, "period": "2026-09"}).status_code == 404, user
    assert post(Client(), URL, payload).status_code == 401
    assert Disclosure.objects.count() == 1


def test_questions_answers_and_the_supervision_committee(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    town = personas.town
    secretary = api_client("secretary_a")
    item = actions.do_publish(personas.secretary_a, town.village_a.code, "village", "村道修建公示", body="方案")
    hidden = actions.do_publish(personas.secretary_a, town.village_a.code, "village", "内部", body="x", public=False)
    matter = actions.do_open_matter(personas.secretary_a, town.village_a.code, "修建村道", "project", "120000")
    ask = "/api/v1/affairs/questions"
    r = post(api_client("resident_a1"), ask, {"disclosure": item.pk, "text": "花了多少钱？", "asker": town.chen.pk})
    assert r.status_code == 201, r.content
    mine = r.json()
    assert (mine["asker"], mine["due_on"], mine["answer"]) == (town.zhang.pk, "2026-11-27", "")  # asks for himself
    r = post(api_client("worker_a1"), ask, {"disclosure": item.pk, "text": "能公开明细吗？", "asker": town.zhang_wife.pk})
    assert r.status_code == 201 and r.json()["asker"] == town.zhang_wife.pk
    r = post(api_client("worker_a1"), ask, {"disclosure": item.pk, "text": "问", "asker": town.liu.pk})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "asker"
    for user, target in (("resident_a1", {"disclosure": hidden.pk}), ("resident_a1", {"matter": matter.pk}),
                         ("outsider", {"disclosure": item.pk}), ("department", {"disclosure": item.pk}),
                         ("town_admin", {"disclosure": item.pk}), ("resident_a1", {"disclosure": 999999})):
        r = post(api_client(user), ask, {**target, "text": "问一下", "asker": town.zhang.pk})
        assert r.status_code == 404, (user, target, r.content)
    for target in ({}, {"disclosure": item.pk, "matter": matter.pk}):
        r = post(secretary, ask, {**target, "text": "问一下", "asker": town.zhang.pk})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "disclosure"
    assert Question.objects.count() == AuditEntry.objects.filter(action="affairs.ask").count() == 2
    # The village answers; nobody else can (404), and the answer is on the public board.
    answer = f"{ask}/{mine['id']}/answer"
    for user in ("resident_a1", "outsider", "town_admin", "worker_a1"):
        assert post(api_client(user), answer, {"answer": "12万元"}).status_code == 404, user
    r = post(secretary, answer, {"answer": "预算12万元"})
    assert r.status_code == 200 and r.json()["answer"] == "预算12万元" and r.json()["answered_at"]
    assert AuditEntry.objects.filter(action="affairs.answer", object_id=str(mine["id"])).count() == 1
    board = Client().get(URL, {"village": town.village_a.code}).json()["items"]
    assert [q["answer"] for i in board for q in i["questions"]] == ["预算12万元"]
    # The supervision committee comments and checks; nobody else (404).
    remarks = "/api/v1/affairs/remarks"
    check = {"disclosure": item.pk, "is_check": True}
    for user in ("party_a1", "resident_a1", "secretary_a", "outsider", "town_admin"):
        assert post(api_client(user), remarks, check).status_code == 404, user
    supervisor(town, town.wang)
    member = api_client("party_a1")
    r = post(member, remarks, check)
    assert r.status_code == 201 and r.json()["is_check"] is True, r.content
    assert Disclosure.objects.get(pk=item.pk).checked
    r = post(member, remarks, {"matter": matter.pk, "text": "请补充预算明细", "public": False})
    assert r.status_code == 201 and r.json()["matter"] == matter.pk
    assert post(member, remarks, {"matter": matter.pk, "text": " "}).status_code == 422
    assert Remark.objects.count() == 2
    assert AuditEntry.objects.filter(action__in=["affairs.check", "affairs.remark"]).count() == 2


def test_the_board_costs_the_same_queries_for_one_item_or_many(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    town = personas.town
    supervisor(town, town.wang)

    def add_items(n):
        for k in range(n):
            item = actions.do_publish(personas.secretary_a, town.village_a.code, "village", f"公示{k}", body="x")
            question = actions.do_ask(personas.resident_a1, item, "问")
            actions.do_answer(personas.secretary_a, question, "答")
            actions.do_remark(personas.party_a1, item, "核对", is_check=True)

    staff = api_client("town_admin")
    staff.get(URL)  # settles the token's last_used_at, written on its first use
    callers = ((Client(), {"village": town.village_a.code}), (staff, {}), (staff, {"all": 1}))
    add_items(1)
    before = []
    for client, query in callers:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, query).json()["count"] == 1
        before.append(len(queries))
    add_items(4)
    after = []
    for client, query in callers:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, query).json()["count"] == 5
        after.append(len(queries))
    assert before == after, (before, after)
