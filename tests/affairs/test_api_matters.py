"""The contract of issue 14's matters through the API: POST|GET /api/v1/affairs/matters and
/matters/{id}/steps — the quorum and majority rules at their edges, the order of the steps, who may read
and record, the audit of every write, and lists that cost the same queries for one row or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.affairs.models import Matter, MatterStep
from gridgov.core.models import AuditEntry
from gridgov.org.models import Post

pytestmark = pytest.mark.django_db

URL = "/api/v1/affairs/matters"
FULL = {"expected": 7, "present": 7, "votes_for": 7}


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def open_matter(client, village, title="修建村道", kind="project", amount="120000"):
    r = post(client, URL, {"village": village.code, "title": title, "kind": kind, "amount": amount,
                           "description": "全长1.2公里"})
    assert r.status_code == 201, r.content
    return r.json()


def step(client, matter_id, name, date, headers=None, **figures):
    return post(client, f"{URL}/{matter_id}/steps", {"step": name, "date": date, **figures}, **(headers or {}))


def to_reviewed(client, village):
    """A new matter through its three party deliberations (2026-11-02, 03, 04), waiting for the decision."""
    matter = open_matter(client, village)
    for day, name in enumerate(("propose", "discuss", "review"), start=2):
        r = step(client, matter["id"], name, f"2026-11-{day:02d}", **FULL)
        assert r.status_code == 201, r.content
    return matter["id"]


def test_a_matter_is_opened_read_and_taken_through_its_steps(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    town = personas.town
    secretary = api_client("secretary_a")
    out = open_matter(secretary, town.village_a)
    assert (out["village"], out["kind"], out["amount"], out["state"], out["next_step"], out["required"],
            out["steps"]) == ({"code": town.village_a.code, "name": "碧塘村"}, "project", "120000.00", "open",
                              "propose", True, [])
    assert out["kind_label"] and out["state_label"] and "number" not in out
    matter_id = out["id"]
    assert AuditEntry.objects.filter(action="affairs.matter_open", object_id=str(matter_id)).count() == 1
    states = []
    for day, name, figures in (("02", "propose", FULL), ("03", "discuss", FULL), ("04", "review", FULL),
                               ("05", "decide", {"expected": 30, "present": 20, "votes_for": 11,
                                                 "votes_against": 5, "abstain": 4, "minutes": "村民代表会议"}),
                               ("06", "publish_decision", {"body": "决议：修建村道"}),
                               ("19", "publish_result", {"body": "已完工，决算118000元"})):
        r = step(secretary, matter_id, name, f"2026-11-{day}", **figures)
        assert r.status_code == 201, (name, r.content)
        states.append((r.json()["step"], r.json()["state"], r.json()["next_step"]))
    assert states == [("propose", "proposed", "discuss"), ("discuss", "discussed", "review"),
                      ("review", "reviewed", "decide"), ("decide", "decided", "publish_decision"),
                      ("publish_decision", "decision_published", "publish_result"), ("publish_result", "done", None)]
    detail = secretary.get(f"{URL}/{matter_id}").json()
    assert detail["state"] == "done" and [s["step"] for s in detail["steps"]] == [s[0] for s in states]
    decide = detail["steps"][3]
    assert (decide["assembly"], decide["expected"], decide["present"], decide["votes_for"], decide["abstain"]) == (
        "representatives", 30, 20, 11, 4)
    assert detail["steps"][4]["disclosure"] is not None
    # Each step writes its row and the matter's move, audited.
    assert AuditEntry.objects.filter(action="affairs.step").count() == 6
    assert AuditEntry.objects.filter(action="affairs.matter_state", object_id=str(matter_id)).count() == 6
    assert AuditEntry.objects.filter(action="affairs.publish").count() == 2
    # A done matter takes no step.
    r = step(secretary, matter_id, "publish_result", "2026-11-20", body="再次公开")
    assert r.status_code == 409 and r.json()["field"] == "step"
    # A POST sent again with its Idempotency-Key (a lost answer) opens one matter and answers the same.
    again = {"village": town.village_a.code, "title": "鱼塘发包", "kind": "contract", "amount": 30000}
    first, second = (post(secretary, URL, again, HTTP_IDEMPOTENCY_KEY="matter-7f3a") for _ in range(2))
    assert (first.status_code, second.status_code, second["Idempotent-Replayed"]) == (201, 201, "true")
    assert first.json() == second.json() and Matter.objects.filter(title="鱼塘发包").count() == 1


def test_quorum_and_majority_at_their_edges(personas, at, api_client):  # noqa: F811
    """Refused figures change nothing, so one matter waiting for its decision tries each edge; the figures
    that pass are each tried on a matter of their own."""
    at(2026, 11, 20)
    secretary = api_client("secretary_a")
    village = personas.town.village_a
    waiting = to_reviewed(secretary, village)
    refused = [
        # villagers aged 18+: exactly half present is not more than half
        ({"assembly": "villagers", "expected": 100, "present": 50, "votes_for": 50}, "present", ("50", "100", "51")),
        # representatives: one short of two thirds (20 of 30)
        ({"assembly": "representatives", "expected": 30, "present": 19, "votes_for": 19}, "present", ("19", "20")),
        # households: one short of two thirds
        ({"assembly": "households", "expected": 31, "present": 20, "votes_for": 20}, "present", ("20", "21")),
        # a decision with exactly half of those present for (abstentions count as present, not for)
        ({"assembly": "representatives", "expected": 30, "present": 20, "votes_for": 10, "abstain": 10},
         "votes_for", ("10", "20", "11")),
        ({"expected": 30, "present": 20, "votes_for": 10, "votes_against": 10}, "votes_for", ("10", "11")),
        # a rejection that has its majority for did not reject
        ({"expected": 30, "present": 20, "votes_for": 11, "outcome": "rejected"}, "votes_for", ("11",)),
    ]
    for figures, field, numbers in refused:
        r = step(secretary, waiting, "decide", "2026-11-05", **figures)
        assert r.status_code == 409, (figures, r.content)
        body = r.json()
        assert body["field"] == field and all(n in body["detail"] for n in numbers), (figures, body)
    assert MatterStep.objects.filter(matter_id=waiting, step="decide").count() == 0
    assert Matter.objects.get(pk=waiting).state == "reviewed"
    # Counts that cannot stand are bad input (422), not a refused meeting.
    for figures, field in (({"expected": 30, "present": 31, "votes_for": 20}, "present"),
                           ({"expected": 30, "present": 20, "votes_for": 15, "abstain": 6}, "votes_for"),
                           ({"expected": 30, "present": 20, "votes_for": -1}, "votes_for"),
                           ({"expected": 30, "present": 20}, "votes_for"),
                           ({"expected": 30, "present": 20, "votes_for": 11, "assembly": "two_committees"},
                            "assembly")):
        r = step(secretary, waiting, "decide", "2026-11-05", **figures)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (figures, r.content)
    passed = [
        {"assembly": "villagers", "expected": 100, "present": 51, "votes_for": 26, "abstain": 25},
        {"assembly": "representatives", "expected": 30, "present": 20, "votes_for": 11, "abstain": 9},
        {"assembly": "households", "expected": 30, "present": 20, "votes_for": 11, "votes_against": 9},
        {"expected": 30, "present": 20, "votes_for": 11},  # representatives by default
    ]
    for n, figures in enumerate(passed):
        matter_id = waiting if n == 0 else to_reviewed(secretary, village)
        r = step(secretary, matter_id, "decide", "2026-11-05", **figures)
        assert r.status_code == 201, (figures, r.content)
        assert (r.json()["state"], r.json()["assembly"]) == ("decided", figures.get("assembly", "representatives"))
    # The party steps count the majority of those who should attend: 4 of 7 present all for passes, 3 for
    # of 4 present does not (4 needed of 7).
    matter_id = open_matter(secretary, village)["id"]
    r = step(secretary, matter_id, "propose", "2026-11-02", expected=7, present=4, votes_for=3)
    assert r.status_code == 409 and "4" in r.json()["detail"]
    assert step(secretary, matter_id, "propose", "2026-11-02", expected=7, present=4, votes_for=4).status_code == 201


def test_a_rejected_decision_ends_the_matter(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    secretary = api_client("secretary_a")
    matter_id = to_reviewed(secretary, personas.town.village_a)
    r = step(secretary, matter_id, "decide", "2026-11-05", expected=30, present=20, votes_for=8, votes_against=12,
             outcome="rejected")
    assert r.status_code == 201, r.content
    assert (r.json()["state"], r.json()["next_step"], r.json()["outcome"]) == ("rejected", None, "rejected")
    for name in ("publish_decision", "decide"):
        r = step(secretary, matter_id, name, "2026-11-06", body="决议公开")
        assert r.status_code == 409 and r.json()["field"] == "step", r.content
    detail = secretary.get(f"{URL}/{matter_id}").json()
    assert (detail["state"], detail["ended_on"], len(detail["steps"])) == ("rejected", "2026-11-05", 4)
    assert secretary.get(URL, {"state": "rejected"}).json()["count"] == 1


def test_steps_go_in_order_and_in_time(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    secretary = api_client("secretary_a")
    matter_id = open_matter(secretary, personas.town.village_a)["id"]
    r = step(secretary, matter_id, "discuss", "2026-11-02", **FULL)  # skips the proposal
    assert r.status_code == 409 and r.json()["field"] == "step"
    assert step(secretary, matter_id, "propose", "2026-11-10", **FULL).status_code == 201
    r = step(secretary, matter_id, "propose", "2026-11-11", **FULL)  # again
    assert r.status_code == 409 and r.json()["field"] == "step"
    r = step(secretary, matter_id, "discuss", "2026-11-09", **FULL)  # before the proposal
    assert r.status_code == 409 and r.json()["field"] == "date" and "2026-11-10" in r.json()["detail"]
    r = step(secretary, matter_id, "discuss", "2026-11-21", **FULL)  # tomorrow
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date"
    r = step(secretary, matter_id, "discuss", "2026-11-12", meeting=999999, **FULL)  # no such party meeting
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "meeting"
    r = step(secretary, matter_id, "vote", "2026-11-12", **FULL)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "step"
    assert step(secretary, matter_id, "discuss", "2026-11-10", **FULL).status_code == 201  # the same day is fine
    assert Matter.objects.get(pk=matter_id).state == "discussed"
    assert MatterStep.objects.filter(matter_id=matter_id).count() == 2
    # The refusal is in Chinese unless the caller asks for English.
    r = step(secretary, matter_id, "publish_result", "2026-11-12")
    assert r.status_code == 409 and "须按顺序" in r.json()["detail"]
    r = step(secretary, matter_id, "publish_result", "2026-11-12", headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert r.status_code == 409 and "Steps go in order" in r.json()["detail"]


def test_who_reads_and_who_records(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    town = personas.town
    secretary = api_client("secretary_a")
    matter_id = open_matter(secretary, town.village_a)["id"]
    # The supervision committee (a post on the village) reads the village's matters; 王志强 is party_a1.
    Post.objects.create(person=town.wang, kind=Post.Kind.SUPERVISOR, region=town.village_a, path=town.village_a.path)
    readers = {"secretary_a": 1, "town_admin": 1, "party_a1": 1, "resident_a1": 0, "worker_a1": 0,
               "department": 0, "outsider": 0}
    for user, count in readers.items():
        client = api_client(user)
        got = client.get(URL)
        assert got.status_code == 200 and got.json()["count"] == count, (user, got.content)
        assert client.get(f"{URL}/{matter_id}").status_code == (200 if count else 404), user
    # scope: a node in reach narrows, one out of reach answers 404 like an unknown one.
    assert api_client("town_admin").get(URL, {"scope": town.village_b.code}).json()["count"] == 0
    assert api_client("town_admin").get(URL, {"scope": town.village_a.code}).json()["count"] == 1
    assert secretary.get(URL, {"scope": town.village_b.code}).status_code == 404
    assert api_client("party_a1").get(URL, {"scope": town.village_a.code}).json()["count"] == 1
    assert api_client("outsider").get(URL, {"scope": town.village_a.code}).status_code == 404
    assert secretary.get(URL, {"scope": "12"}).status_code == 422
    # Only the village's staff record: town staff read but do not record; everyone else is told nothing.
    payload = {"village": town.village_a.code, "title": "占用耕地", "kind": "contract"}
    for user in ("town_admin", "outsider", "department", "party_a1", "resident_a1", "worker_a1"):
        client = api_client(user)
        assert post(client, URL, payload).status_code == 404, user
        assert step(client, matter_id, "propose", "2026-11-02", **FULL).status_code == 404, user
    assert Matter.objects.count() == 1 and MatterStep.objects.count() == 0
    assert post(secretary, URL, {**payload, "kind": "loan"}).status_code == 422
    r = post(secretary, URL, {**payload, "amount": "12.345"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount"
    # The outsider records for their own village.
    assert post(api_client("outsider"), URL, {**payload, "village": town.village_b.code}).status_code == 201


def test_the_list_costs_the_same_queries_for_one_matter_or_many(personas, at, api_client):  # noqa: F811
    at(2026, 11, 20)
    secretary = api_client("secretary_a")
    village = personas.town.village_a
    to_reviewed(secretary, village)
    for client in (secretary, api_client("town_admin")):
        client.get(URL)  # settles the token's last_used_at, written on its first use
        spent = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                r = client.get(URL)
            assert r.status_code == 200
            spent.append((r.json()["count"], len(queries)))
            for _ in range(3):
                to_reviewed(secretary, village)
        assert spent[0][0] < spent[1][0] and spent[0][1] == spent[1][1], spent
