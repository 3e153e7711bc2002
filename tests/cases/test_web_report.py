"""我要反映 through the page: category, text, photos, place by pin or by grid; refusals keep the form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.cases.models import Case, CaseEvent, CasePhoto
from gridgov.core.models import AuditEntry

from .conftest import POINT_A1, POINT_B1

pytestmark = pytest.mark.usefixtures("english")


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_report_page_offers_categories_grids_and_the_photo_input(personas, cfg, login):
    page = login(personas.resident_a1).get("/cases/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="0101"' in html and "垃圾清运" in html and 'label="环境卫生"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html and "multiple" in html
    assert personas.town.a1.code in html
    # The resident sees only their own grid to choose from; no phone field (that is for 代报).
    assert personas.town.b1.code not in html
    assert 'name="reporter_phone"' not in html


def test_resident_reports_with_a_pin_and_two_photos(personas, cfg, login, clock):
    client = login(personas.resident_a1)
    lat, lng = POINT_A1
    response = client.post("/cases/report/", {"category": "0101", "description": "巷口垃圾三天没清",
                                              "lat": lat, "lng": lng, "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/?new=1"
    assert case.grid == personas.town.a1 and case.reporter == personas.town.zhang and case.channel == "resident"
    assert CasePhoto.objects.filter(case=case).count() == 2
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert case.number in detail.content.decode()
    assert detail.content.decode().count("/cases/photos/") >= 2


def test_report_by_choosing_the_grid(personas, cfg, login, clock):
    response = login(personas.resident_a1).post("/cases/report/", {
        "category": "0101", "description": "路灯坏了", "grid": personas.town.a1.code})
    assert response.status_code == 302
    assert Case.objects.get().grid == personas.town.a1


def test_report_without_a_place_is_refused_and_keeps_the_text(personas, cfg, login, clock):
    response = login(personas.resident_a1).post("/cases/report/", {"category": "0101", "description": "路灯坏了"})
    assert response.status_code == 200
    assert "Put a pin on the map or choose your grid." in response.content.decode()
    assert "路灯坏了" in response.content.decode()
    assert not Case.objects.exists()


def test_a_file_that_is_not_an_image_refuses_the_whole_report(personas, cfg, login, clock):
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = login(personas.resident_a1).post("/cases/report/", {
        "category": "0101", "description": "路灯坏了", "grid": personas.town.a1.code, "photos": [bad]})
    assert response.status_code == 200
    assert 'class="message error"' in response.content.decode()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_more_than_six_photos_are_refused(personas, cfg, login, clock):
    response = login(personas.resident_a1).post("/cases/report/", {
        "category": "0101", "description": "路灯坏了", "grid": personas.town.a1.code,
        "photos": [jpeg(f"{i}.jpg") for i in range(7)]})
    assert response.status_code == 200 and "At most 6 photos." in response.content.decode()
    assert not Case.objects.exists()


def test_grid_worker_reports_on_behalf_of_a_resident(personas, cfg, login, clock):
    client = login(personas.worker_a1)
    assert 'name="reporter_phone"' in client.get("/cases/report/").content.decode()
    response = client.post("/cases/report/", {"category": "0101", "description": "代村民反映：水沟堵塞",
                                              "grid": personas.town.a1.code, "reporter_phone": "13900001111"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "proxy" and case.reporter_phone == "13900001111"
    assert "13900001111" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_patrol_report_without_a_phone_is_a_patrol_case(personas, cfg, login, clock):
    login(personas.worker_a1).post("/cases/report/", {"category": "0101", "description": "巡查发现垃圾",
                                                      "grid": personas.town.a1.code})
    assert Case.objects.get().channel == "patrol"


def test_duplicates_are_suggested_after_the_report(personas, cfg, login, report):
    earlier = report()
    client = login(personas.resident_a1)
    lat, lng = POINT_A1
    response = client.post("/cases/report/", {"category": "0101", "description": "同一堆垃圾",
                                              "lat": lat + 0.0002, "lng": lng})
    page = client.get(response["Location"]).content.decode()
    assert "Similar open reports nearby" in page and earlier.number in page


def test_a_point_outside_every_grid_asks_for_the_grid(personas, cfg, login, clock):
    response = login(personas.resident_a1).post("/cases/report/", {
        "category": "0101", "description": "路灯坏了", "lat": 10.0, "lng": 10.0})
    assert response.status_code == 200
    assert "The place is outside every grid: choose your grid." in response.content.decode()


def test_the_pin_wins_over_the_chosen_grid(personas, cfg, login, clock):
    lat, lng = POINT_B1
    login(personas.town_admin).post("/cases/report/", {"category": "0101", "description": "热线：都斛路面塌陷",
                                                       "lat": lat, "lng": lng, "grid": personas.town.a1.code})
    assert Case.objects.get().grid == personas.town.b1


def test_staff_may_show_the_reporters_phone_in_full_and_it_is_audited(personas, cfg, login, report):
    case = report(actor=personas.worker_a1, reporter_phone="13900001111")
    client = login(personas.secretary_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "13900001111" not in page and f"/cases/{case.pk}/reveal/phone/" in page
    response = client.post(f"/cases/{case.pk}/reveal/phone/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13900001111" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="case.reveal_phone", actor=personas.secretary_a).count() == 1
    assert "13900001111" in client.post(f"/cases/{case.pk}/reveal/phone/").content.decode()
    assert login(personas.outsider).post(f"/cases/{case.pk}/reveal/phone/").status_code == 404


def test_the_same_form_sent_twice_makes_one_case_with_its_photos_once(personas, cfg, login, clock):
    """A double tap, or a form sent again after the answer was lost on a weak network: the page's
    client_id (report.js fills it once per form) makes the second sending return the first case."""
    client = login(personas.resident_a1)
    lat, lng = POINT_A1
    form = {"category": "0101", "description": "巷口垃圾三天没清", "lat": lat, "lng": lng,
            "client_id": "6f1c1f0e-3d7a-4c55-9a43-2b1f3a0b9c11"}
    first = client.post("/cases/report/", {**form, "photos": [jpeg("a.jpg")]})
    again = client.post("/cases/report/", {**form, "photos": [jpeg("a.jpg")]})
    case = Case.objects.get()
    assert first["Location"] == again["Location"] == f"/cases/{case.pk}/?new=1"
    assert CasePhoto.objects.filter(case=case).count() == 1
