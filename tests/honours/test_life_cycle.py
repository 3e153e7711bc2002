"""The contract of issue 15 for household honours: a campaign with its score sheet, an application,
the inspection with a photo, the village's review, the public notice with objections and answers,
the naming (points once), the titles and counts, and a revocation; every write audited."""

import io

from PIL import Image

from gridgov.core.models import AuditEntry
from gridgov.honours import actions
from gridgov.honours.models import Entry
from gridgov.points import actions as points_actions
from gridgov.points.public import person_balance

from .conftest import CRITERIA, SCORES, THRESHOLDS, local


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def _act(client, entry_id, action, **body):
    return _post(client, f"/api/v1/honours/entries/{entry_id}/actions", {"action": action, **body})


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 160, 40)).save(out, "PNG")
    out.seek(0)
    out.name = "yard.png"
    return out


def test_the_life_cycle_with_objections_answers_and_a_revocation(personas, clock, api_client, login):
    p, town = personas, personas.town
    points_actions.do_save_rule(p.town_admin, town.town, code="HONOUR", name="评星定级", points=10,
                                auto="honour_named")
    town_client, worker, secretary = api_client("town_admin"), api_client("worker_a1"), api_client("secretary_a")
    r = _post(town_client, "/api/v1/honours/campaigns", {"year": 2026, "kind": "starred", "criteria": CRITERIA,
                                                         "thresholds": THRESHOLDS})
    assert r.status_code == 201, r.content
    campaign = r.json()
    assert campaign["publicity_days"] == 7 and campaign["kind_name"] == "星级文明户"
    kinds = {k["code"] for k in town_client.get("/api/v1/honours/kinds").json()["items"]}
    assert kinds == {"starred", "courtyard", "party_model"}
    # The household applies (its head's account).
    resident = api_client("resident_a1")
    r = _post(resident, "/api/v1/honours/entries", {"campaign": campaign["id"], "household": town.house_a1.pk})
    assert r.status_code == 201, r.content
    entry = r.json()
    assert (entry["state"], entry["origin"], entry["name"]) == ("submitted", "applied", "张**")
    eid = entry["id"]
    # The grid worker inspects: the score sheet, notes and a photo from the phone.
    r = worker.post(f"/api/v1/honours/entries/{eid}/photos", {"file": png()})
    assert r.status_code == 201, r.content
    r = _act(worker, eid, "inspect", scores=SCORES, notes="院落整洁")
    assert r.status_code == 200 and (r.json()["total"], r.json()["stars"]) == (85, 3)
    photo_url = r.json()["photos"][0]
    # The village committee approves; the town publishes for seven calendar days from today.
    assert _act(secretary, eid, "review", decision="approve").json()["state"] == "approved"
    r = _act(town_client, eid, "publish")
    assert (r.json()["state"], r.json()["published_on"], r.json()["notice_until"]) == (
        "published", "2026-03-02", "2026-03-08")
    # Anyone of the village objects during the notice; the public list shows the entry to its residents.
    party = api_client("party_a1")
    public = party.get("/api/v1/honours/entries", {"state": "published"}).json()
    assert [e["id"] for e in public["items"]] == [eid]
    r = _act(party, eid, "object", text="院子里堆放杂物")
    assert r.status_code == 200
    objection = r.json()["objections"][0]["id"]
    r = _act(town_client, eid, "name")
    assert r.status_code == 409 and "2026-03-08" in r.json()["detail"]
    clock.move_to(local(2026, 3, 8, 23, 59))
    # Tokens idle for days lapse: fresh ones after the clock moves.
    town_client, secretary, party = api_client("town_admin"), api_client("secretary_a"), api_client("party_a1")
    resident = api_client("resident_a1")
    assert _act(party, eid, "object", text="再次提出").status_code == 200  # the notice's last day
    second = Entry.objects.get(pk=eid).objections.order_by("-id").first().pk
    clock.move_to(local(2026, 3, 9, 8, 0))
    assert _act(party, eid, "object", text="晚了").status_code == 409
    r = _act(town_client, eid, "name")
    assert r.status_code == 409 and "objection" in r.json()["detail"].lower() or "异议" in r.json()["detail"]
    assert _act(secretary, eid, "answer", objection=objection, text="已核实，杂物已清理").status_code == 200
    assert _act(town_client, eid, "answer", objection=second, text="经核实不属实").status_code == 200
    r = _act(town_client, eid, "name")
    assert r.status_code == 200 and r.json()["state"] == "named"
    assert person_balance(town.zhang) == 10  # to the household head
    # Titles by village and year, and the counts.
    titles = resident.get("/api/v1/honours", {"scope": town.village_a.code, "year": 2026, "kind": "starred"}).json()
    assert titles["count"] == 1 and titles["items"][0]["stars"] == 3 and titles["items"][0]["village"] == \
        town.village_a.code
    assert town_client.get("/api/v1/honours", {"year": 2025}).json()["count"] == 0
    counts = town_client.get("/api/v1/honours/counts", {"year": 2026}).json()
    assert counts["items"] == [{"village": town.village_a.code, "village_name": "碧塘村", "year": 2026,
                                "kind": "starred", "kind_name": "星级文明户", "named": 1}]
    shown = login(p.secretary_a).get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg" and shown["X-Content-Type-Options"] == \
        "nosniff"
    assert login(p.outsider).get(photo_url).status_code == 404
    # Revoked with a reason: off the titles, points stay earned once.
    assert _act(town_client, eid, "revoke").status_code == 422
    r = _act(town_client, eid, "revoke", reason="发现违规建房")
    assert r.status_code == 200 and r.json()["state"] == "revoked" and r.json()["reason"] == "发现违规建房"
    assert town_client.get("/api/v1/honours", {"year": 2026}).json()["count"] == 0
    assert actions.award(Entry.objects.get(pk=eid)) == "exists" and person_balance(town.zhang) == 10
    logged = list(AuditEntry.objects.filter(object_type__startswith="honours.").values_list("action", flat=True))
    assert set(logged) == {"honour.kind", "honour.campaign", "honour.enter", "honour.photo", "honour.inspect", "honour.review",
                           "honour.publish", "honour.object", "honour.answer", "honour.name", "honour.revoke"}
    assert logged.count("honour.object") == 2 and logged.count("honour.answer") == 2


def _publish_on(drive, clock, moment, **kw):
    clock.move_to(moment)
    return drive("published", **kw)


def test_the_public_notice_by_hand_across_the_year_end(personas, drive, clock):
    """Seven calendar days from a publication on 28 December: objections through 3 January, naming from 4
    January (local days, whatever the hour)."""
    p = personas
    entry = _publish_on(drive, clock, local(2026, 12, 28, 16, 30))
    assert entry.published_on.isoformat() == "2026-12-28" and entry.notice_ends.isoformat() == "2027-01-04"
    clock.move_to(local(2027, 1, 3, 23, 59))
    actions.do_object(p.resident_a1, entry, "有异议")
    try:
        actions.do_name(p.town_admin, entry)
    except actions.HonourError as exc:
        assert exc.status == 409 and "2027-01-03" in exc.message
    else:
        raise AssertionError("named during the notice")
    clock.move_to(local(2027, 1, 4, 0, 0))
    try:
        actions.do_object(p.resident_a1, entry, "晚了")
    except actions.HonourError as exc:
        assert exc.status == 409
    else:
        raise AssertionError("an objection after the notice")
    actions.do_answer(p.town_admin, entry, entry.objections.get(), "已答复")
    assert actions.do_name(p.town_admin, entry).state == Entry.State.NAMED
    assert entry.year == 2026  # the title holds for the campaign's year


def test_a_one_day_notice_ends_at_midnight_at_month_end(personas, campaign, clock):
    p = personas
    campaign.publicity_days = 1
    campaign.save()
    clock.move_to(local(2026, 3, 31, 9, 0))
    entry = actions.do_enter(p.worker_a1, campaign, household=p.town.house_a1b)
    actions.do_inspect(p.worker_a1, entry, SCORES)
    actions.do_review(p.secretary_a, entry, True)
    actions.do_publish(p.town_admin, entry)
    clock.move_to(local(2026, 3, 31, 23, 59))
    actions.do_object(p.party_a1, entry, "有异议")  # party_a1 lives in house A1b: their own entry, still allowed
    clock.move_to(local(2026, 4, 1, 0, 0))
    actions.do_answer(p.secretary_a, entry, entry.objections.get(), "已答复")
    assert actions.do_name(p.town_admin, entry).named_at == local(2026, 4, 1, 0, 0)


def test_a_town_added_honour_for_a_person(personas, clock, api_client):
    """好媳妇: the town adds it for persons; a household member is applied for, named, and earns the points."""
    p, town = personas, personas.town
    points_actions.do_save_rule(p.town_admin, town.town, code="HONOUR", name="评星定级", points=5,
                                auto="honour_named")
    client = api_client("town_admin")
    r = _post(client, "/api/v1/honours/kinds", {"name": "好媳妇", "subject": "person", "code": "good_wife"})
    assert r.status_code == 201 and (r.json()["subject"], r.json()["built_in"]) == ("person", False)
    r = _post(client, "/api/v1/honours/campaigns", {"year": 2026, "kind": "good_wife", "publicity_days": 1,
                                                    "criteria": [{"name": "孝敬公婆", "max": 50}]})
    assert r.status_code == 201 and r.json()["subject"] == "person"
    campaign = r.json()["id"]
    resident = api_client("resident_a1")
    assert _post(resident, "/api/v1/honours/entries", {"campaign": campaign, "household": town.house_a1.pk}
                 ).status_code == 422  # a personal honour names its person
    assert _post(resident, "/api/v1/honours/entries", {"campaign": campaign, "person": town.chen.pk}
                 ).status_code == 404  # not of their household
    r = _post(resident, "/api/v1/honours/entries", {"campaign": campaign, "person": town.zhang_wife.pk})
    assert r.status_code == 201 and r.json()["name"] == "李**"
    entry = Entry.objects.get(pk=r.json()["id"])
    actions.do_inspect(p.worker_a1, entry, {"孝敬公婆": 48})
    actions.do_review(p.secretary_a, entry, True)
    actions.do_publish(p.town_admin, entry)
    clock.move_to(local(2026, 3, 3, 0, 0))
    actions.do_name(p.town_admin, entry)
    assert person_balance(town.zhang_wife) == 5 and person_balance(town.zhang) == 0
