"""The monthly summary (月汇总) worked out by hand across a month end and a year end (December 2026 holds
the ISO weeks W49-W53; W53 ends on Sunday 3 January 2027), its printable page and .xlsx; the pages of
village staff, the mediator and the town; outsiders 404."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gridgov.core.models import AuditEntry
from gridgov.disputes import actions
from gridgov.disputes.models import Dispute, Screening

from .conftest import PDF, local


def _at(clock, *when):
    clock.move_to(local(*when))


def _dispute(p, village, kind="land"):
    return actions.do_register(p.town_admin, village, kind, "纠纷", [{"name": "孙小明"}])


@pytest.fixture
def december(personas, clock):
    """Village A: dispute a (reported Mon 30 Nov, mediated 2 Dec, visited 23 Dec), b (1 Dec, referred late on
    31 Dec), c (31 Dec 22:00, open); screenings W49 found, W50 zero on time, W51 zero late, W52 missing,
    W53 found (c) on time on Sun 3 Jan. Village B: d (5 Dec, withdrawn 2 Jan). Follow-up after 20 days."""
    p, town = personas, personas.town
    actions.do_set_rule(p.town_admin, town.town, followup_days=[20])
    _at(clock, 2026, 11, 30, 10, 0)
    a = _dispute(p, town.village_a)
    _at(clock, 2026, 12, 1, 9, 0)
    b = _dispute(p, town.village_a, "debt")
    actions.do_mediate(p.town_admin, a, "第一次调解")
    _at(clock, 2026, 12, 2, 15, 0)
    actions.do_agree(p.town_admin, a, "达成协议", SimpleUploadedFile("a.pdf", PDF))
    _at(clock, 2026, 12, 5, 10, 0)
    d = _dispute(p, town.village_b, "family")
    actions.do_screen(p.secretary_a, town.village_a, "2026-W49", False)
    _at(clock, 2026, 12, 13, 20, 0)
    actions.do_screen(p.secretary_a, town.village_a, "2026-W50", True)
    _at(clock, 2026, 12, 22, 9, 0)
    actions.do_screen(p.secretary_a, town.village_a, "2026-W51", True)  # late: W51 ended on Sun 20th
    _at(clock, 2026, 12, 23, 10, 0)
    actions.do_visit(p.town_admin, a, "回访：协议已履行")
    _at(clock, 2026, 12, 31, 22, 0)
    actions.do_refer(p.town_admin, b, "court")  # due Tue 15 Dec: late
    c = _dispute(p, town.village_a)
    _at(clock, 2027, 1, 2, 10, 0)
    actions.do_withdraw(p.town_admin, d, "已撤回")
    _at(clock, 2027, 1, 3, 18, 0)
    actions.do_screen(p.secretary_a, town.village_a, "2026-W53", False)  # c was found
    _at(clock, 2027, 1, 5, 10, 0)
    return {"a": a, "b": b, "c": c, "d": d}


def test_the_summary_by_hand(personas, december, api_client):
    town = personas.town
    client = api_client("town_admin")
    r = client.get("/api/v1/disputes/summary", {"scope": town.town.code, "month": "2026-12"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["count"], body["month"]) == (2, "2026-12")
    a, b = body["items"]
    assert a == {"village": town.village_a.code, "name": "碧塘村", "found": 2, "mediated": 1, "referred": 1,
                 "withdrawn": 0, "open": 1, "concluded_late": 1, "weeks": 5, "screenings": 4,
                 "screenings_on_time": 3, "zero_reports": 2, "zero_reports_on_time": 1, "followups_due": 1,
                 "followups_done": 1}
    assert (b["found"], b["open"], b["withdrawn"], b["screenings"]) == (1, 1, 0, 0)
    assert (body["total"]["found"], body["total"]["open"], body["total"]["weeks"]) == (3, 2, 10)
    january = client.get("/api/v1/disputes/summary", {"scope": town.village_b.code, "month": "2027-01"}).json()
    assert january["count"] == 1 and january["items"][0]["withdrawn"] == 1 and january["items"][0]["open"] == 0
    november = client.get("/api/v1/disputes/summary", {"scope": town.village_a.code, "month": "2026-11"}).json()
    assert (november["items"][0]["found"], november["items"][0]["open"], november["items"][0]["weeks"]) == (1, 1, 4)
    # b's follow-up (20 days after 31 Dec) falls in January
    assert client.get("/api/v1/disputes/summary", {"scope": town.village_a.code, "month": "2027-01"}) \
        .json()["items"][0]["followups_due"] == 1
    assert client.get("/api/v1/disputes/summary", {"month": "2026-13"}).status_code == 422
    assert api_client("outsider").get("/api/v1/disputes/summary", {"scope": town.village_a.code}).status_code == 404
    assert api_client("worker_a1").get("/api/v1/disputes/summary").status_code == 404
    own = api_client("secretary_a").get("/api/v1/disputes/summary", {"month": "2026-12"}).json()
    assert own["count"] == 1 and own["items"][0]["found"] == 2


def test_the_summary_page_and_xlsx(personas, december, login):
    town = personas.town
    client = login(personas.town_admin)
    page = client.get("/disputes/summary/", {"scope": town.town.code, "month": "2026-12"})
    assert page.status_code == 200 and "碧塘村" in page.content.decode()
    r = client.get("/disputes/summary.xlsx", {"scope": town.town.code, "month": "2026-12"})
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("碧塘村", 2, 1) and rows[-1][1] == 3
    assert AuditEntry.objects.filter(action="dispute.summary_export").count() == 1
    assert login(personas.outsider).get("/disputes/summary/", {"scope": town.village_a.code}).status_code == 404


def test_pages_of_the_village_the_mediator_and_the_town(personas, clock, login):
    p, town = personas, personas.town
    secretary = login(p.secretary_a)
    page = secretary.get("/disputes/")
    assert page.status_code == 200 and "2026-W10" in page.content.decode()
    r = secretary.post(f"/disputes/villages/{town.village_a.code}/screen/", {"week": "2026-W09", "none": "1"})
    assert r.status_code == 302 and Screening.objects.get().none
    r = secretary.post("/disputes/new/", {"village": town.village_a.code, "kind": "neighbours", "risk": "high",
                                          "description": "屋檐滴水纠纷", "p1_ident": "13800000011",
                                          "p2_name": "周末", "p2_phone": "13712345678",
                                          "mediator": str(p.worker_a1.pk)})
    d = Dispute.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/disputes/{d.pk}/"
    assert [x.person_id for x in d.parties.all()] == [town.zhang.pk, None]
    detail = secretary.get(f"/disputes/{d.pk}/").content.decode()
    assert "张建国" in detail and "周*" in detail and "13712345678" not in detail and "137****5678" in detail
    for who in (p.outsider, p.resident_a1, p.department, p.party_a1):
        assert login(who).get(f"/disputes/{d.pk}/").status_code == 404
        assert login(who).post(f"/disputes/{d.pk}/step/", {"action": "mediate", "notes": "x"}).status_code == 404
    mediator = login(p.worker_a1)
    assert "屋檐" not in mediator.get("/disputes/").content.decode()  # the list names the kind, not the story
    assert f"/disputes/{d.pk}/" in mediator.get("/disputes/mine/").content.decode()
    assert mediator.post(f"/disputes/{d.pk}/step/", {"action": "mediate", "notes": "调解一次"}).status_code == 302
    assert Dispute.objects.get().state == "mediating"
    town_page = login(p.town_admin).get("/disputes/high-risk/").content.decode()
    assert f"/disputes/{d.pk}/" in town_page
    assert "碧塘村" in login(p.town_admin).get("/disputes/").content.decode()
    assert login(p.resident_a1).get("/disputes/").status_code == 404
    assert secretary.get(f"/disputes/{d.pk}/scan/").status_code == 404  # no scan yet
    r = mediator.post(f"/disputes/{d.pk}/step/", {"action": "agree", "agreement": "修檐沟",
                                                  "scan": SimpleUploadedFile("s.pdf", PDF)}, follow=True)
    assert Dispute.objects.get().state == "mediated", r.content.decode()[-3000:]
    assert secretary.get(f"/disputes/{d.pk}/scan/")["Content-Type"] == "application/pdf"
    assert login(p.outsider).get(f"/disputes/{d.pk}/scan/").status_code == 404
