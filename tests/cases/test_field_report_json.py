"""The report form answers the phone's outbox in JSON (issue 11): 201 with the new case, 200 with the same
case for a repeat of its client_id (photos added once), 400 naming what is wrong; nothing written then."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.cases.models import Case, CasePhoto

JSON = {"HTTP_ACCEPT": "application/json"}


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_outbox_send_then_repeat_gives_one_case(personas, cfg, login, clock):
    client = login(personas.resident_a1)
    client_id = str(uuid.uuid4())
    form = {"category": "0101", "description": "路灯坏了", "grid": personas.town.a1.code, "client_id": client_id,
            "place": " 村委会旁小卖部 "}
    first = client.post("/cases/report/", {**form, "photos": [jpeg()]}, **JSON)
    assert first.status_code == 201, first.content
    case = Case.objects.get()
    assert case.place == "村委会旁小卖部"
    assert first.json() == {"id": case.pk, "number": case.number, "url": f"/cases/{case.pk}/?new=1", "repeated": False}
    again = client.post("/cases/report/", {**form, "photos": [jpeg()]}, **JSON)
    assert again.status_code == 200 and again.json()["id"] == case.pk and again.json()["repeated"] is True
    assert Case.objects.count() == 1 and CasePhoto.objects.filter(case=case).count() == 1
    # another account's report with the same id is its own case
    other = login(personas.worker_a1).post("/cases/report/", form, **JSON)
    assert other.status_code == 201 and Case.objects.count() == 2


def test_outbox_send_refused_names_the_field_and_writes_nothing(personas, cfg, login, clock, english):
    response = login(personas.resident_a1).post("/cases/report/", {"category": "0101", "description": "路灯坏了",
                                                                    "client_id": str(uuid.uuid4())}, **JSON)
    assert response.status_code == 400
    assert "Put a pin on the map or choose your grid." in response.json()["detail"]
    bad = login(personas.resident_a1).post("/cases/report/", {"category": "9999", "description": "x",
                                                               "grid": personas.town.a1.code}, **JSON)
    assert bad.status_code == 400 and "Subcategory" in bad.json()["detail"]
    assert Case.objects.count() == 0


def test_signed_out_outbox_send_is_not_json(db):
    """The outbox keeps the report when the answer is the login page (the session ended), not JSON."""
    from django.test import Client

    response = Client().post("/cases/report/", {"category": "0101"}, **JSON)
    assert response.status_code == 302 and "/login/" in response["Location"]
