"""The dispute life cycle through the API with the 13710 deadlines worked out by hand on the case loop's
calendar (working hours 08:30-12:00 and 14:00-17:30; Monday 9 March 2026 a holiday), a high-risk dispute
that tells the town, a dispute started from a case and linked both ways, and sealed outsiders."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Notification, Outbox
from gridgov.core.models import AuditEntry
from gridgov.disputes import actions, origins
from gridgov.disputes.models import Dispute, FollowUp, Party

from .conftest import PDF, POINT_A1, dispute_body, local, post


def test_the_life_cycle_with_13710_across_a_weekend_and_a_holiday(personas, holiday, clock, mediator, api_client):
    town = personas.town
    clock.move_to(local(2026, 3, 6, 10, 0))  # Friday
    client = api_client("secretary_a")
    r = post(client, "/api/v1/disputes", dispute_body(town, mediator=mediator.pk))
    assert r.status_code == 201, r.content
    body = r.json()
    due = {s["step"]: s["due"] for s in body["steps"]}
    # 1 working day: not Sat 7, Sun 8 nor the holiday Mon 9 -> Tue 10 at the end of the working day.
    assert datetime.datetime.fromisoformat(due["ack"]) == local(2026, 3, 10, 17, 30)
    assert datetime.datetime.fromisoformat(due["handle"]) == local(2026, 3, 12, 17, 30)  # Tue, Wed, Thu
    assert datetime.datetime.fromisoformat(due["answer"]) == local(2026, 3, 18, 17, 30)  # Fri, Mon, Tue, Wed
    assert datetime.datetime.fromisoformat(due["conclude"]) == local(2026, 3, 23, 17, 30)  # Thu, Fri, Mon
    assert [s["status"] for s in body["steps"]] == ["done", "pending", "pending", "pending"]
    did = body["id"]
    mine = api_client("worker_a1")
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "agree", "agreement": "x"}).status_code == 409
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "visit", "notes": "x"}).status_code == 409
    # The first session on Friday 13th: after the handle deadline (Thu 12th 17:30), so late.
    clock.move_to(local(2026, 3, 13, 9, 0))
    mine = api_client("worker_a1")  # a token idle for three days has ended
    r = post(mine, f"/api/v1/disputes/{did}/actions", {"action": "mediate", "notes": "双方到场，各自陈述"})
    assert r.status_code == 200 and r.json()["state"] == "mediating"
    assert [s["status"] for s in r.json()["steps"]] == ["done", "late", "pending", "pending"]
    # Agreeing without a scan names the scan; a text file is no scan; a photo is.
    r = post(mine, f"/api/v1/disputes/{did}/actions", {"action": "agree", "agreement": "以界桩为准"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "scan"
    bad = SimpleUploadedFile("scan.jpg", b"not really a jpeg", content_type="image/jpeg")
    r = mine.post(f"/api/v1/disputes/{did}/scan", {"file": bad})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "scan"
    r = mine.post(f"/api/v1/disputes/{did}/scan", {"file": SimpleUploadedFile("s.pdf", PDF, "application/pdf")})
    assert r.status_code == 200 and r.json()["scan"] is True
    clock.move_to(local(2026, 3, 18, 17, 0))  # Wednesday, before the answer deadline
    mine = api_client("worker_a1")
    r = post(mine, f"/api/v1/disputes/{did}/actions", {"action": "agree", "agreement": "以界桩为准，互不侵占"})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["state"] == "mediated"
    assert [s["status"] for s in done["steps"]] == ["done", "late", "done", "done"]
    assert [f["due"] for f in done["followups"]] == ["2026-06-16", "2026-09-14"]  # 90 and 180 days
    for action in ("mediate", "refer", "withdraw", "agree"):
        r = post(mine, f"/api/v1/disputes/{did}/actions", {"action": action, "notes": "x", "to": "court", "note": "x"})
        assert r.status_code == 409, action
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "visit", "notes": "回访：双方无新争议"}).status_code == 200
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "visit", "notes": "第二次回访"}).status_code == 200
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "visit", "notes": "x"}).status_code == 409
    assert FollowUp.objects.filter(dispute_id=did, done_at__isnull=False).count() == 2
    audited = list(AuditEntry.objects.filter(object_type__startswith="disputes.").values_list("action", flat=True))
    assert {"dispute.register", "dispute.session", "dispute.mediate", "dispute.scan", "dispute.agree",
            "dispute.visit"} <= set(audited)


def test_refer_withdraw_answer_and_overdue(personas, clock, api_client):
    town = personas.town
    client = api_client("town_admin")  # Monday 2 March 10:00
    a = post(client, "/api/v1/disputes", dispute_body(town, kind="debt")).json()["id"]
    b = post(client, "/api/v1/disputes", dispute_body(town, kind="family")).json()["id"]
    r = post(client, f"/api/v1/disputes/{a}/actions", {"action": "answer", "text": "已告知双方可申请司法确认"})
    assert r.status_code == 200 and r.json()["steps"][2]["status"] == "done"
    assert post(client, f"/api/v1/disputes/{a}/actions", {"action": "answer", "text": "again"}).status_code == 409
    r = post(client, f"/api/v1/disputes/{a}/actions", {"action": "refer", "to": "nowhere"})
    assert r.status_code == 422
    r = post(client, f"/api/v1/disputes/{a}/actions", {"action": "refer", "to": "judicial", "note": "涉及借款合同"})
    assert r.json()["state"] == "referred" and len(r.json()["followups"]) == 2
    r = post(client, f"/api/v1/disputes/{b}/actions", {"action": "withdraw"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    assert Dispute.objects.get(pk=b).state == "registered"  # bad input changed nothing
    clock.move_to(local(2026, 3, 6, 18, 0))  # past b's handle deadline (Thu 5th 17:30)
    client = api_client("town_admin")
    steps = client.get(f"/api/v1/disputes/{b}").json()["steps"]
    assert [s["status"] for s in steps] == ["done", "overdue", "pending", "pending"]
    r = post(client, f"/api/v1/disputes/{b}/actions", {"action": "withdraw", "note": "双方自行和解"})
    assert r.json()["state"] == "withdrawn" and r.json()["followups"] == []


def test_a_town_rule_changes_the_steps(personas, clock, api_client):
    town = personas.town
    client = api_client("town_admin")
    r = post(client, "/api/v1/disputes/rule", {"town": town.town.code, "ack_days": 0, "handle_days": 2,
                                               "followup_days": [30]})
    assert r.status_code == 200 and r.json()["followup_days"] == [30]
    assert post(client, "/api/v1/disputes/rule", {"town": town.town.code, "answer_days": 1}).status_code == 422
    assert post(api_client("secretary_a"), "/api/v1/disputes/rule", {"town": town.town.code}).status_code == 404
    steps = post(client, "/api/v1/disputes", dispute_body(town)).json()["steps"]  # Monday 2 March 10:00
    assert datetime.datetime.fromisoformat(steps[0]["due"]) == local(2026, 3, 2, 10, 0)  # at once
    assert datetime.datetime.fromisoformat(steps[1]["due"]) == local(2026, 3, 4, 17, 30)


def test_high_risk_tells_the_town_at_once(personas, clock, api_client, settings):
    town = personas.town
    r = post(api_client("secretary_a"), "/api/v1/disputes", dispute_body(town, risk="high"))
    notes = Notification.objects.filter(kind="dispute_high_risk")
    assert [n.user_id for n in notes] == [personas.town_admin.pk]
    assert f"#{r.json()['id']}" in notes[0].text and "碧塘村" in notes[0].text
    assert Outbox.objects.filter(notification=notes[0], payload__dispute=r.json()["id"]).exists()
    post(api_client("secretary_a"), "/api/v1/disputes", dispute_body(town, risk="low"))
    assert notes.count() == 1


def test_a_dispute_from_a_case_is_linked_both_ways(personas, cfg, clock, api_client):
    town = personas.town
    case = case_actions.do_report(personas.resident_a1, cfg.neighbours, "邻居堆放杂物堵住通道", lat=POINT_A1[0],
                                  lng=POINT_A1[1])
    garbage = case_actions.do_report(personas.resident_a1, cfg.garbage, "垃圾", lat=POINT_A1[0], lng=POINT_A1[1])
    client = api_client("secretary_a")
    clock.shift(datetime.timedelta(hours=2))
    r = post(client, "/api/v1/disputes", dispute_body(town, kind="neighbours", case=garbage.pk))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "case"
    r = post(client, "/api/v1/disputes", dispute_body(town, kind="neighbours", case=case.pk))
    assert r.status_code == 201 and r.json()["case"] == case.pk
    assert r.json()["reported_at"].startswith("2026-03-02T02:00")  # the case's report starts the clock (UTC)
    assert post(client, "/api/v1/disputes", dispute_body(town, case=case.pk)).status_code == 409
    _label, url = origins.linked(case, personas.secretary_a)
    assert url == f"/disputes/{r.json()['id']}/"
    assert origins.linked(case, personas.outsider) is None
    # The case page names the dispute to those who may see it, and not to the reporter.
    from django.test import Client

    page = Client()
    page.force_login(personas.secretary_a)
    assert f'href="{url}" class="case-linked"' in page.get(f"/cases/{case.pk}/").content.decode()
    page.force_login(personas.resident_a1)
    shown = page.get(f"/cases/{case.pk}/")
    assert shown.status_code == 200 and "case-linked" not in shown.content.decode()


def test_outsider_parties_are_sealed_and_masked(personas, clock, api_client):
    town = personas.town
    client = api_client("secretary_a")
    body = client.post("/api/v1/disputes", dispute_body(town), content_type="application/json").json()
    party = Party.objects.get(dispute_id=body["id"], person__isnull=True)
    assert "赵大海" not in party.name_enc and "13912345678" not in party.phone_enc
    assert party.name == "赵大海" and party.phone == "13912345678"
    outsider = next(p for p in body["parties"] if p["outsider"])
    assert (outsider["name"], outsider["phone"]) == ("赵**", "139****5678")
    registry = next(p for p in body["parties"] if not p["outsider"])
    assert registry["name"] == "张建国" and registry["phone"] == "138****0011"
    r = post(client, f"/api/v1/disputes/{body['id']}/parties/{party.pk}/reveal", {"field": "phone"})
    assert r.json()["value"] == "13912345678"
    assert AuditEntry.objects.filter(action="dispute.reveal_phone").count() == 1
    logged = " ".join(str(e.after) for e in AuditEntry.objects.filter(object_type__startswith="disputes."))
    assert "13912345678" not in logged and "赵大海" not in logged
    r = post(client, "/api/v1/disputes", dispute_body(town, parties=[{"name": "钱", "phone": "12345"}]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parties"
    # a person outside the secretary's village is no registry party for them
    r = post(client, "/api/v1/disputes", dispute_body(town, parties=[{"person": town.liu.pk}]))
    assert r.status_code == 422


def test_who_sees_and_acts(personas, clock, mediator, api_client, login):
    town = personas.town
    did = post(api_client("secretary_a"), "/api/v1/disputes", dispute_body(town)).json()["id"]
    for who in ("outsider", "worker_a1", "resident_a1", "party_a1", "department"):
        client = api_client(who)
        assert client.get(f"/api/v1/disputes/{did}").status_code == 404, who
        assert post(client, f"/api/v1/disputes/{did}/actions", {"action": "mediate", "notes": "x"}).status_code == 404
    assert post(api_client("outsider"), "/api/v1/disputes", dispute_body(town)).status_code == 404
    assert post(api_client("worker_a1"), "/api/v1/disputes", dispute_body(town)).status_code == 404
    assert api_client("town_admin").get(f"/api/v1/disputes/{did}").status_code == 200
    # named mediator, the grid worker sees and acts on this one, and may not reveal nor reassign
    actions.do_assign(personas.secretary_a, did, mediator.pk)
    mine = api_client("worker_a1")
    assert mine.get(f"/api/v1/disputes/{did}").status_code == 200
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "mediate", "notes": "调解"}).status_code == 200
    assert post(mine, f"/api/v1/disputes/{did}/actions", {"action": "assign",
                                                          "mediator": personas.party_a1.pk}).status_code == 403
    party = Party.objects.filter(dispute_id=did).first()
    assert post(mine, f"/api/v1/disputes/{did}/parties/{party.pk}/reveal", {"field": "phone"}).status_code == 403
    assert login(personas.outsider).get(f"/disputes/{did}/").status_code == 404
    # the auditor reads the log of every dispute write and the summaries' figures, and nothing else
    from gridgov.org import actions as org_actions

    org_actions.do_create_user(None, "auditor", "auditor", town.town.code, password="Grid-Test-2026")
    auditor = api_client("auditor")
    assert auditor.get(f"/api/v1/disputes/{did}").status_code == 404
    assert auditor.get("/api/v1/disputes/summary", {"scope": town.village_a.code}).json()["items"][0]["found"] == 1
    assert post(auditor, f"/api/v1/disputes/{did}/actions", {"action": "mediate", "notes": "x"}).status_code == 403
    assert AuditEntry.objects.filter(action="dispute.session", object_id__isnull=False).exists()
