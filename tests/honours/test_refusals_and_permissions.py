"""Every refusal of the life cycle (status, field, nothing changed) and who sees and does what:
outsiders 404 like a missing record, a role that may not 403, the auditor writes nothing and reads no
honour record."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.honours import actions
from gridgov.honours.actions import HonourError
from gridgov.honours.models import Entry
from gridgov.org import actions as org_actions

from .conftest import CRITERIA, SCORES, THRESHOLDS, local
from .test_life_cycle import _act, _post

PASSWORD = "Grid-Test-2026"


def refused(status, fn, *args, field=None, **kw):
    with pytest.raises(HonourError) as caught:
        fn(*args, **kw)
    assert caught.value.status == status, caught.value.message
    if field:
        assert caught.value.field == field
    return caught.value.message


def test_every_refusal_changes_nothing(personas, campaign, drive, clock):
    p, town = personas, personas.town
    # Campaigns: the town's only, once a year, a sound sheet.
    refused(404, actions.do_create_campaign, p.secretary_a, 2026, "starred", CRITERIA, THRESHOLDS)
    refused(409, actions.do_create_campaign, p.town_admin, 2026, "starred", CRITERIA, THRESHOLDS, field="year")
    refused(422, actions.do_create_campaign, p.town_admin, 2027, "starred", CRITERIA, [90, 80, 70, 60, 50],
            field="thresholds")
    refused(422, actions.do_create_campaign, p.town_admin, 2027, "courtyard", [{"name": "整洁", "max": 0}],
            field="criteria")
    refused(422, actions.do_create_campaign, p.town_admin, 2027, "courtyard", CRITERIA, publicity_days=0,
            field="publicity_days")
    refused(404, actions.do_create_campaign, p.town_admin, 2027, "nope", CRITERIA, field="kind")
    refused(409, actions.do_add_kind, p.town_admin, "星级文明户", field="name")
    refused(422, actions.do_add_kind, p.town_admin, "好媳妇", "person", starred=True, field="starred")
    # Entries: own household only, once per campaign, grid workers in their grid.
    refused(404, actions.do_enter, p.resident_a1, campaign, household=town.house_a2, field="household")
    refused(404, actions.do_enter, p.worker_a1, campaign, household=town.house_b1, field="household")
    refused(403, actions.do_enter, p.secretary_a, campaign, household=town.house_a1)
    refused(403, actions.do_enter, p.outsider, campaign, household=town.house_a1)  # staff nominate nothing
    entry = drive("submitted")
    refused(409, actions.do_enter, p.resident_a1, campaign, household=town.house_a1, field="household")
    # Inspection: the sheet's criteria within their maximum; the household's grid worker only.
    refused(422, actions.do_inspect, p.worker_a1, entry, {**SCORES, "爱国守法": 41}, field="scores")
    refused(422, actions.do_inspect, p.worker_a1, entry, {**SCORES, "其他": 1}, field="scores")
    refused(422, actions.do_inspect, p.worker_a1, entry, {"爱国守法": 30}, field="scores")
    refused(403, actions.do_inspect, p.secretary_a, entry, SCORES)
    refused(404, actions.do_inspect, p.outsider, entry, SCORES)
    refused(409, actions.do_review, p.secretary_a, entry, True, field="action")
    refused(409, actions.do_publish, p.town_admin, entry, field="action")
    entry.refresh_from_db()
    assert (entry.state, entry.total, entry.scores) == (Entry.State.SUBMITTED, None, {})
    actions.do_inspect(p.worker_a1, entry, SCORES)
    # Review: the village committee; a rejection needs its reason.
    refused(403, actions.do_review, p.town_admin, entry, True)
    refused(422, actions.do_review, p.secretary_a, entry, False, "", field="reason")
    refused(409, actions.do_object, p.resident_a1, entry, "异议", field="action")
    actions.do_review(p.secretary_a, entry, True)
    refused(409, actions.do_inspect, p.worker_a1, entry, SCORES, field="action")
    refused(403, actions.do_publish, p.secretary_a, entry)
    refused(409, actions.do_name, p.town_admin, entry, field="action")
    actions.do_publish(p.town_admin, entry)
    refused(422, actions.do_object, p.resident_a1, entry, "  ", field="text")
    refused(404, actions.do_object, p.outsider, entry, "异议")
    objection = actions.do_object(p.resident_a1, entry, "异议")
    refused(403, actions.do_answer, p.worker_a1, entry, objection, "答复")
    refused(404, actions.do_answer, p.secretary_a, entry, 99999, "答复", field="objection")
    refused(422, actions.do_answer, p.secretary_a, entry, objection, "", field="text")
    message = refused(409, actions.do_name, p.town_admin, entry, field="action")
    assert "2026-03-08" in message
    clock.move_to(local(2026, 3, 9, 9, 0))
    refused(409, actions.do_name, p.town_admin, entry, field="action")  # the objection is open
    actions.do_answer(p.secretary_a, entry, objection, "答复")
    refused(409, actions.do_answer, p.town_admin, entry, objection, "再答", field="objection")
    refused(409, actions.do_revoke, p.town_admin, entry, "理由", field="action")
    refused(403, actions.do_name, p.secretary_a, entry)
    actions.do_name(p.town_admin, entry)
    refused(409, actions.do_name, p.town_admin, entry, field="action")
    refused(422, actions.do_revoke, p.town_admin, entry, " ", field="reason")
    refused(403, actions.do_revoke, p.secretary_a, entry, "理由")
    entry.refresh_from_db()
    assert entry.state == Entry.State.NAMED and entry.reason == ""
    # A past year's campaign takes no new entry; a starred total under one star cannot be approved.
    clock.move_to(local(2027, 1, 1, 0, 5))
    refused(409, actions.do_enter, p.worker_a1, campaign, household=town.house_a1b, field="campaign")
    low = actions.do_create_campaign(p.town_admin, 2027, "starred", CRITERIA, THRESHOLDS)
    other = actions.do_enter(p.worker_a1, low, household=town.house_a1b)
    actions.do_inspect(p.worker_a1, other, {"爱国守法": 20, "孝老爱亲": 10, "环境卫生": 10})
    refused(409, actions.do_review, p.secretary_a, other, True, field="decision")
    assert actions.do_review(p.secretary_a, other, False, "得分不足一星").state == Entry.State.REJECTED
    refused(409, actions.do_publish, p.town_admin, other, field="action")


def test_the_api_answers_each_refusal_with_its_status(personas, campaign, drive, api_client):
    entry = drive("inspected")
    worker, town_client = api_client("worker_a1"), api_client("town_admin")
    assert _act(town_client, entry.pk, "fly").status_code == 422
    assert _act(town_client, entry.pk, "publish").status_code == 409
    assert _act(api_client("secretary_a"), entry.pk, "review", decision="maybe").json()["errors"][0]["field"] == \
        "decision"
    assert _act(api_client("outsider"), entry.pk, "review", decision="approve").status_code == 404
    assert _act(worker, entry.pk, "review", decision="approve").status_code == 403
    r = worker.post(f"/api/v1/honours/entries/{entry.pk}/photos", {"file": _not_an_image()})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "photo"
    assert entry.photos.count() == 0
    assert _post(town_client, "/api/v1/honours/campaigns", {"year": 2026, "kind": "starred", "criteria": CRITERIA,
                                                            "thresholds": THRESHOLDS}).status_code == 409
    assert _post(worker, "/api/v1/honours/entries", {"campaign": campaign.pk}).status_code == 422
    assert town_client.get("/api/v1/honours", {"scope": "12345"}).status_code == 422


def _not_an_image():
    import io

    out = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    out.name = "yard.png"
    return out


@pytest.fixture
def auditor(personas):
    return org_actions.do_create_user(None, "auditor", "auditor", personas.town.town.code, password=PASSWORD)


def test_who_sees_and_does_what(personas, campaign, drive, api_client, login, auditor):
    p, town = personas, personas.town
    entry = drive("inspected")
    chen = org_actions.do_create_user(None, "resident_a2", "resident", town.a2.code, password=PASSWORD,
                                      person=town.chen)
    other = actions.do_enter(chen, campaign, household=town.house_a2)
    seen = {}
    for who in ("town_admin", "secretary_a", "worker_a1", "resident_a1", "party_a1", "resident_a2", "outsider",
                "department", "auditor"):
        seen[who] = sorted(e["id"] for e in api_client(who).get("/api/v1/honours/entries").json()["items"])
    assert seen == {"town_admin": [entry.pk, other.pk], "secretary_a": [entry.pk, other.pk],
                    "worker_a1": [entry.pk], "resident_a1": [entry.pk], "party_a1": [], "resident_a2": [other.pk],
                    "outsider": [], "department": [], "auditor": []}
    for who in ("outsider", "department", "auditor", "party_a1"):
        client = api_client(who)
        assert client.get(f"/api/v1/honours/entries/{entry.pk}").status_code == 404
        assert _act(client, entry.pk, "review", decision="approve").status_code in (403, 404)
        assert client.get("/api/v1/honours/campaigns").json()["count"] == (1 if who in ("party_a1", "outsider") else 0)  # the town's campaigns
    assert api_client("outsider").get("/api/v1/honours", {"scope": town.village_a.code}).status_code == 404
    assert api_client("resident_a1").get("/api/v1/honours", {"scope": town.village_b.code}).status_code == 404
    assert api_client("auditor").post("/api/v1/honours/entries", {"campaign": campaign.pk, "household":
                                      town.house_a1b.pk}, content_type="application/json").status_code in (403, 404)
    # Under public notice the entry is on the village's public list: residents of the village see it,
    # residents of another village do not.
    actions.do_review(p.secretary_a, entry, True)
    actions.do_publish(p.town_admin, entry)
    assert [e["id"] for e in api_client("party_a1").get("/api/v1/honours/entries").json()["items"]] == [entry.pk]
    assert api_client("resident_a2").get(f"/api/v1/honours/entries/{entry.pk}").status_code == 200  # same village
    assert chen.person_id == town.chen.pk
    liu = org_actions.do_create_user(None, "resident_b1", "resident", town.b1.code, password=PASSWORD,
                                     person=town.liu)
    assert api_client(liu.username).get(f"/api/v1/honours/entries/{entry.pk}").status_code == 404
    assert _act(api_client(liu.username), entry.pk, "object", text="异议").status_code == 404
    # The auditor reads the honours' audit rows (and nothing else of them).
    rows = AuditEntry.objects.filter(action__startswith="honour.").count()
    assert rows >= 6
    assert login(auditor).get("/audit/").status_code == 200
