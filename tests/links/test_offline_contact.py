"""A contact made without signal is sent from the phone's outbox, perhaps more than once (a lost answer,
Background Sync and the page both): its client_id makes it one contact (issue 11). The form answers JSON
to the outbox: 201 made, 200 the first one again, 400 naming the field, 404 for someone else's household."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core.models import AuditEntry
from gridgov.links import actions
from gridgov.links.models import Contact
from gridgov.org import actions as org_actions
from gridgov.org.models import Person
from tests.cases.test_api_photos import jpeg_with_gps
from tests.conftest import PASSWORD

NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.timezone.utc)
CID = "0b7c6f5e-3d2a-4c1b-9a8f-7e6d5c4b3a21"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def _body(**extra):
    return {"way": "visit", "date": "2026-12-09", "topics": ["livelihood", "harmony"], "note": "门前排水沟堵了",
            "lat": "22.705", "lng": "112.305", "client_id": CID,
            "photo": SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"), **extra}


def test_the_same_contact_sent_again_is_the_first_one(linked, login, api_client):
    t = linked.town
    url = f"/links/households/{t.house_a1.pk}/contact/"
    member, api = login(linked.party_a1), api_client("party_a1")
    r = member.post(url, _body(), **JSON)
    assert r.status_code == 201, r.content
    first = r.json()
    contact = Contact.objects.get()
    assert first == {"id": contact.pk, "url": f"/links/contacts/{contact.pk}/", "repeated": False}
    assert contact.topics == ["livelihood", "harmony"] and contact.photo and str(contact.client_id) == CID
    written = AuditEntry.objects.count()
    r = member.post(url, _body(note="又发了一次"), **JSON)  # the answer was lost; the outbox sends it again
    assert r.status_code == 200 and r.json() == {**first, "repeated": True}
    r = api.post("/api/v1/contacts", {"household": t.house_a1.pk, "way": "visit", "client_id": CID},
                 content_type="application/json")
    assert r.status_code == 200 and r.json()["id"] == contact.pk
    assert Contact.objects.count() == 1 and AuditEntry.objects.count() == written
    assert Contact.objects.get().note == "门前排水沟堵了"
    # Without Accept: JSON, the form answers as a form does: to the contact.
    assert member.post(url, _body())["Location"] == first["url"]

    # Another member's contact with the same client_id is their own.
    Person.objects.filter(pk=t.liu.pk).update(is_party_member=True)
    t.liu.refresh_from_db()
    other = org_actions.do_create_user(None, "party_b1", "party_member", t.b1.code, password=PASSWORD, person=t.liu)
    actions.do_link(None, t.liu, t.house_b1, since=datetime.date(2026, 11, 3))
    r = login(other).post(f"/links/households/{t.house_b1.pk}/contact/", _body(), **JSON)
    assert r.status_code == 201 and r.json()["id"] != contact.pk
    assert Contact.objects.count() == 2
    r = api_client("party_b1").post("/api/v1/contacts", {"household": t.house_b1.pk, "way": "phone",
                                                         "client_id": "1b7c6f5e-3d2a-4c1b-9a8f-7e6d5c4b3a21"},
                                    content_type="application/json")
    assert r.status_code == 201 and Contact.objects.count() == 3


def test_bad_input_names_the_field_and_writes_nothing(linked, login):
    t = linked.town
    url = f"/links/households/{t.house_a1.pk}/contact/"
    member = login(linked.party_a1)
    for extra, field in (({"way": "fax"}, "way"), ({"date": "2026-12-11"}, "date"), ({"date": "明天"}, "date"),
                         ({"lat": "north"}, "lat"), ({"client_id": "not-a-uuid"}, "client_id")):
        r = member.post(url, _body(**extra), **JSON)
        assert r.status_code == 400, (extra, r.content)
        answer = r.json()
        assert answer["field"] == field and answer["detail"]
        if field in ("way", "date"):
            assert str(Contact._meta.get_field(field).verbose_name) in answer["detail"]
    assert not Contact.objects.exists()
    # A household not linked to the member (or someone else's) is not found, and nothing is written.
    for user, household in ((linked.outsider, t.house_a1), (linked.party_a1, t.house_b1)):
        r = login(user).post(f"/links/households/{household.pk}/contact/", _body(), **JSON)
        assert r.status_code == 404 and r.json()["detail"]
        assert login(user).post(f"/links/households/{household.pk}/contact/", _body()).status_code == 404
    assert not Contact.objects.exists()
