"""Points for contacts (end to end through points' public award), the Excel import (all or nothing),
and the pages: who sees what, and how many queries the hot pages run."""

import datetime
import io

import pytest
import time_machine
from openpyxl import Workbook

from gridgov.core.models import AuditEntry
from gridgov.links import actions, imports
from gridgov.links.models import Contact, Link
from gridgov.org.imports import ImportFailed
from gridgov.points import actions as points_actions
from gridgov.points.public import person_balance

NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_contact_earns_points_once_and_capped(linked, login):
    p, t = linked, linked.town
    points_actions.do_save_rule(p.town_admin, t.town, code="LH01", name="联户走访", points=2, auto="link_contact",
                                cap=4, cap_period="month")
    member = login(p.party_a1)
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        assert member.post("/api/v1/contacts", {"household": t.house_a1.pk, "way": "visit", "date": day},
                           content_type="application/json").status_code == 201
    assert person_balance(t.wang) == 4  # the third is past the month's cap
    contact = Contact.objects.order_by("date").first()
    assert actions.award(contact, t.wang) == "exists"  # idempotent by contact


def _sheet(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "联户"
    ws.append(["户号", "党员身份证号", "开始日期"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_import_all_or_nothing(personas):
    t = personas.town
    wang_id = t.wang.id_number
    with pytest.raises(ImportFailed) as failed:
        imports.import_links(personas.secretary_a, t.village_a, _sheet([
            [t.house_a1.number, wang_id, "2026-11-01"],
            [t.house_b1.number, wang_id, None],  # another village
            [t.house_a2.number, t.zhang.id_number, None],  # not a party member
            [t.house_a1b.number, wang_id, "2027-01-01"],  # future
        ]))
    errors = failed.value.detail["errors"]
    assert [e["row"] for e in errors] == [3, 4, 5]
    assert "445321" not in str(errors) or "*" in str(errors)  # ID numbers are masked in the report
    assert Link.objects.count() == 0
    n = imports.import_links(personas.secretary_a, t.village_a, _sheet([
        [t.house_a1.number, wang_id, "2026-11-01"], [t.house_a2.number, wang_id, None]]))
    assert n == 2 and AuditEntry.objects.filter(action="link.import").count() == 2
    assert Link.objects.get(household=t.house_a1).since == datetime.date(2026, 11, 1)
    with pytest.raises(ImportFailed):  # already linked now
        imports.import_links(personas.secretary_a, t.village_a, _sheet([[t.house_a1.number, wang_id, None]]))


def test_import_page_and_proposal(personas, login):
    t = personas.town
    sec = login(personas.secretary_a)
    r = sec.post(f"/links/villages/{t.village_a.code}/import/",
                 {"file": _sheet([[t.house_a1.number, t.wang.id_number, None]])}, follow=True)
    assert r.status_code == 200 and Link.objects.count() == 1
    page = sec.get(f"/links/villages/{t.village_a.code}/")
    assert [(m.pk, h.pk) for m, h in page.context["proposal"]] == [(t.wang.pk, t.house_a1b.pk), (t.wang.pk, t.house_a2.pk)]
    sec.post(f"/links/villages/{t.village_a.code}/accept/")
    assert Link.objects.filter(until__isnull=True).count() == 3
    assert login(personas.outsider).get(f"/links/villages/{t.village_a.code}/").status_code == 404
    assert login(personas.worker_a1).get(f"/links/villages/{t.village_a.code}/").status_code == 404


def test_proposal_target_per_member(personas):
    from gridgov.links.models import LinkSettings

    t = personas.town
    LinkSettings.objects.create(town=t.town, path=t.town.path, target_per_member=1)
    assert [(m.pk, h.pk) for m, h in actions.proposal(t.village_a)] == [(t.wang.pk, t.house_a1.pk)]


def test_member_page_and_contact_form(linked, login, django_assert_max_num_queries):
    p, t = linked, linked.town
    member = login(p.party_a1)
    member.get("/links/")
    for day in (1, 2, 3):
        Contact.objects.create(link=t.link_a1, member=t.wang, household=t.house_a1, way="visit",
                               date=datetime.date(2026, 12, day), path=t.link_a1.path)
    with django_assert_max_num_queries(12):
        page = member.get("/links/")
    assert page.status_code == 200 and "碧塘村一巷1号" in page.content.decode()
    r = member.post(f"/links/households/{t.house_a2.pk}/contact/",
                    {"way": "phone", "date": "2026-12-09", "topics": ["harmony"], "note": "邻里纠纷"})
    assert r.status_code == 302 and Contact.objects.filter(household=t.house_a2).count() == 1
    assert member.get(f"/links/households/{t.house_a1b.pk}/contact/").status_code == 404
    assert login(p.outsider).get(r.url).status_code == 404
    mine = login(p.resident_a1).get("/links/")
    assert "王志强" in mine.content.decode() and "138****0013" in mine.content.decode()


@pytest.mark.parametrize("who,status", [("town_admin", 200), ("secretary_a", 200), ("worker_a1", 200),
                                        ("outsider", 404), ("party_a1", 404), ("resident_a1", 404)])
def test_staff_pages(linked, login, who, status):
    t = linked.town
    client = login(getattr(linked, who))
    scope = t.a1.code if who == "worker_a1" else t.village_a.code  # a grid worker reads grids, not regions
    for url in ("/links/coverage/", "/links/unlinked/", "/links/not-contacted/"):
        assert client.get(url, {"scope": scope}).status_code == status, url


def test_coverage_page_query_count(linked, login, django_assert_max_num_queries):
    t = linked.town
    client = login(linked.town_admin)
    client.get("/links/coverage/")  # the session's first writes
    # constant in the number of villages, grids, links and contacts: 4 queries a month of the 6-month trend,
    # 5 for the table by village or grid, 3 for the members behind
    with django_assert_max_num_queries(45):
        page = client.get("/links/coverage/", {"scope": t.town.code, "month": "2026-12"})
    assert page.status_code == 200
    assert page.context["figures"]["linked"] == 2


def test_town_sets_its_rules(personas, login):
    from gridgov.links.models import LinkSettings

    t = personas.town
    url = f"/links/towns/{t.town.code}/settings/"
    assert login(personas.secretary_a).post(url, {"target_per_member": 5, "contacts_per_month": 2}).status_code == 404
    assert login(personas.outsider).post(url, {"target_per_member": 5, "contacts_per_month": 2}).status_code == 404
    admin = login(personas.town_admin)
    assert "link-settings" in admin.get("/links/coverage/", {"scope": t.town.code}).content.decode()
    admin.post(url, {"target_per_member": 5, "contacts_per_month": 2})
    row = LinkSettings.objects.get(town=t.town)
    assert (row.target_per_member, row.contacts_per_month) == (5, 2)
    assert AuditEntry.objects.filter(action="link.settings").count() == 1
