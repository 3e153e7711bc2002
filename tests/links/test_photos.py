"""Photos taken in the field: a contact's photo and a patrol's, stored without EXIF (the phone's GPS and
maker stay on the phone) and served only to those who may see the record — an outsider gets 404."""

import datetime
import io

import pytest
import time_machine
from PIL import Image

from gridgov.core.models import AuditEntry
from gridgov.links import actions
from gridgov.links.models import Contact
from tests.cases.conftest import POINT_A1, cfg, clock  # noqa: F401
from tests.patrols.conftest import worker  # noqa: F401
from tests.cases.test_api_photos import GPS_IFD, jpeg_with_gps

NOW = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(data: bytes, name="photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _no_exif(body: bytes) -> bool:
    image = Image.open(io.BytesIO(body))
    return not image.getexif() and not image.getexif().get_ifd(GPS_IFD)


def test_a_contact_logged_with_a_photo_from_the_form(linked, login):
    t = linked.town
    with time_machine.travel(NOW, tick=False):
        member = login(linked.party_a1)
        r = member.post(f"/links/households/{t.house_a1.pk}/contact/",
                        {"way": "visit", "date": "2026-12-09", "note": "门前排水沟堵了", "photo": _upload(jpeg_with_gps())})
    assert r.status_code == 302, r.content.decode()[:500]
    contact = Contact.objects.get()
    assert contact.photo and contact.photo_type == "image/jpeg"
    page = member.get(f"/links/contacts/{contact.pk}/").content.decode()
    assert f"/links/contacts/{contact.pk}/photo/" in page
    served = member.get(f"/links/contacts/{contact.pk}/photo/")
    assert served.status_code == 200 and _no_exif(b"".join(served.streaming_content))
    assert login(linked.secretary_a).get(f"/links/contacts/{contact.pk}/photo/").status_code == 200
    assert login(linked.outsider).get(f"/links/contacts/{contact.pk}/photo/").status_code == 404
    assert login(linked.resident_a1).get(f"/links/contacts/{contact.pk}/photo/").status_code == 404


def test_a_photo_sent_after_the_contact_through_the_api(linked, api_client):
    t = linked.town
    with time_machine.travel(NOW, tick=False):
        contact = actions.do_contact(linked.party_a1, t.house_a2.pk, "phone", datetime.date(2026, 12, 8))
        member = api_client("party_a1")
        assert member.get("/api/v1/contacts").json()["items"][0]["photo"] is None
        not_an_image = member.post(f"/api/v1/contacts/{contact.pk}/photo",
                                   {"file": _upload(b"%PDF-1.4 not an image", "x.jpg")})
        assert not_an_image.status_code == 422 and not Contact.objects.get().photo
        r = member.post(f"/api/v1/contacts/{contact.pk}/photo", {"file": _upload(jpeg_with_gps())})
        assert r.status_code == 200, r.content
        url = r.json()["photo"]
        assert url == f"/api/v1/contacts/{contact.pk}/photo"
        served = member.get(url)
        assert served.status_code == 200 and _no_exif(b"".join(served.streaming_content))
        assert AuditEntry.objects.filter(action="link.contact_photo").count() == 1
        # Only the member who made the contact adds its photo; others cannot even see that it exists.
        assert api_client("secretary_a").post(f"/api/v1/contacts/{contact.pk}/photo",
                                              {"file": _upload(jpeg_with_gps())}).status_code == 404
        assert api_client("outsider").get(url).status_code == 404


def test_a_patrol_photo_is_shown_on_its_page_and_served_to_those_who_see_the_patrol(
        personas, clock, login, api_client, worker):  # noqa: F811  fixtures imported above
    client = api_client("worker_a1")
    pid = client.post("/api/v1/patrols", {}, content_type="application/json").json()["id"]
    client.post(f"/api/v1/patrols/{pid}/checkins", {"lat": POINT_A1[0], "lng": POINT_A1[1], "accuracy": 8},
                content_type="application/json")
    note_id = client.post(f"/api/v1/patrols/{pid}/photos", {"file": _upload(jpeg_with_gps())}).json()["id"]
    detail = client.get(f"/api/v1/patrols/{pid}").json()
    url = next(n["photo_url"] for n in detail["notes"] if n["id"] == note_id)
    assert url == f"/api/v1/patrols/{pid}/photos/{note_id}"
    assert _no_exif(b"".join(client.get(url).streaming_content))
    page_url = f"/patrols/{pid}/notes/{note_id}/photo/"
    assert page_url in login(worker).get(f"/patrols/{pid}/").content.decode()
    assert login(personas.secretary_a).get(page_url).status_code == 200
    assert login(personas.outsider).get(page_url).status_code == 404
    assert api_client("outsider").get(url).status_code == 404
    assert client.get(f"/api/v1/patrols/{pid}/photos/{note_id + 999}").status_code == 404
