"""The Contract of issue 12 for links and contacts: shapes, statuses and who may."""

import datetime

import pytest
import time_machine

from gridgov.core.models import AuditEntry
from gridgov.links.models import Contact, Link

NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_link_list_create_conflict_end(personas, login):
    t = personas.town
    sec = login(personas.secretary_a)
    r = sec.post("/api/v1/links", {"member": t.wang.pk, "household": t.house_a1.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "member", "household", "since", "until"}
    assert body["member"] == t.wang.pk and body["until"] is None and body["since"] == "2026-12-10"
    again = sec.post("/api/v1/links", {"member": t.wang.pk, "household": t.house_a1.pk}, content_type="application/json")
    assert again.status_code == 409
    listed = sec.get("/api/v1/links", {"active": "true"}).json()
    assert set(listed) == {"items", "count"} and listed["count"] == 1
    end = sec.post(f"/api/v1/links/{body['id']}/end", {"reason": "搬迁"}, content_type="application/json")
    assert end.status_code == 200 and end.json()["until"] == "2026-12-10"
    assert sec.get("/api/v1/links", {"active": "false"}).json()["count"] == 1
    assert sec.post("/api/v1/links", {"member": t.wang.pk, "household": t.house_a1.pk},
                    content_type="application/json").status_code == 201
    assert Link.objects.filter(household=t.house_a1).count() == 2  # history kept
    assert AuditEntry.objects.filter(action__startswith="link.").count() == 3


@pytest.mark.parametrize("who,status", [("town_admin", 201), ("secretary_a", 201), ("worker_a1", 404),
                                        ("party_a1", 404), ("resident_a1", 404), ("outsider", 404)])
def test_who_may_link(personas, login, who, status):
    t = personas.town
    r = login(getattr(personas, who)).post("/api/v1/links", {"member": t.wang.pk, "household": t.house_a2.pk},
                                           content_type="application/json")
    assert r.status_code == status, r.content


def test_who_sees_links(linked, login):
    p, t = linked, linked.town
    count = lambda user: login(user).get("/api/v1/links").json()["count"]  # noqa: E731
    assert count(p.town_admin) == 2 and count(p.secretary_a) == 2 and count(p.worker_a1) == 1
    assert count(p.party_a1) == 2
    assert count(p.resident_a1) == 1  # their own household's link
    assert count(p.outsider) == 0
    assert login(p.outsider).post(f"/api/v1/links/{t.link_a1.pk}/end", {"reason": "x"},
                                  content_type="application/json").status_code == 404
    assert login(p.outsider).get("/api/v1/links/coverage", {"scope": t.village_a.code}).status_code == 404
    assert login(p.resident_a1).get("/api/v1/links/coverage", {"scope": t.a1.code}).status_code == 404


def test_contacts_only_own_households_and_dates(linked, login):
    p, t = linked, linked.town
    member = login(p.party_a1)
    post = lambda **kw: member.post("/api/v1/contacts", kw, content_type="application/json")  # noqa: E731
    r = post(household=t.house_a1.pk, way="visit", date="2026-12-09", topics=["livelihood"], note="屋顶漏水")
    assert r.status_code == 201 and isinstance(r.json()["id"], int)
    assert post(household=t.house_a1b.pk, way="visit", date="2026-12-09").status_code == 404  # not linked
    assert post(household=t.house_b1.pk, way="visit", date="2026-12-09").status_code == 404
    assert post(household=t.house_a1.pk, way="visit", date="2026-12-11").status_code == 422  # future
    assert post(household=t.house_a1.pk, way="visit", date="2026-11-02").status_code == 422  # before the link
    assert post(household=t.house_a1.pk, way="fax", date="2026-12-09").status_code == 422
    assert login(p.secretary_a).post("/api/v1/contacts", {"household": t.house_a1.pk, "way": "visit"},
                                     content_type="application/json").status_code == 404
    listed = member.get("/api/v1/contacts", {"since": "2026-12-01", "until": "2026-12-31"}).json()
    assert listed["count"] == 1 and listed["items"][0]["topics"] == ["livelihood"]
    assert login(p.outsider).get("/api/v1/contacts").json()["count"] == 0
    assert login(p.secretary_a).get("/api/v1/contacts").json()["count"] == 1


def test_contact_becomes_case(linked, login, category):
    p, t = linked, linked.town
    member = login(p.party_a1)
    cid = member.post("/api/v1/contacts", {"household": t.house_a1.pk, "way": "phone"},
                      content_type="application/json").json()["id"]
    r = member.post(f"/api/v1/contacts/{cid}/case", {"category": "0101", "description": "巷口垃圾"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    contact = Contact.objects.select_related("case").get(pk=cid)
    assert contact.case_id == r.json()["id"] and contact.case.channel == "contact"
    assert contact.case.reporter_id == t.zhang.pk  # the household's person
    assert member.post(f"/api/v1/contacts/{cid}/case", {"category": "0101", "description": "again"},
                       content_type="application/json").status_code == 409
    assert login(p.outsider).post(f"/api/v1/contacts/{cid}/case", {"category": "0101", "description": "x"},
                                  content_type="application/json").status_code == 404
    from gridgov.cases.origins import origin_of
    label, url = origin_of(contact.case, p.secretary_a)
    assert url == f"/links/contacts/{cid}/"


def test_coverage_shape(linked, login):
    t = linked.town
    r = login(linked.town_admin).get("/api/v1/links/coverage", {"scope": t.village_a.code, "month": "2026-12"})
    assert r.status_code == 200
    body = r.json()
    assert body["households"] == 3 and body["linked"] == 2 and body["coverage_rate"] == round(2 / 3, 4)
    assert body["contacted"] == 0 and body["contact_rate"] == 0.0
    assert login(linked.town_admin).get("/api/v1/links/coverage", {"month": "2026-13"}).status_code == 422


def test_one_active_link_in_the_database(linked):
    from django.db import IntegrityError, transaction

    t = linked.town
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(member=t.wang, household=t.house_a1, since=datetime.date(2026, 12, 1), path=t.house_a1.path)
