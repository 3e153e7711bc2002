"""Photos through the API: only images (checked by decoding), at most 10 MB, stored and served without
EXIF; served only to those who may see the case."""

import io

import pytest
from PIL import Image

from gridgov.cases.models import CasePhoto

pytestmark = pytest.mark.usefixtures("cfg", "clock")
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (22.0, 42.0, 18.0), 3: "E", 4: (112.0, 18.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS_IFD)  # the input really carries GPS
    return out.getvalue()


def upload(client, case_id, data: bytes, name="photo.jpg", content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/api/v1/cases/{case_id}/photos",
                       {"file": SimpleUploadedFile(name, data, content_type=content_type)},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_a_jpeg_with_gps_is_stored_and_served_without_it(api_client, report, media):
    case = report()
    resident = api_client("resident_a1")
    response = upload(resident, case.pk, jpeg_with_gps())
    assert response.status_code == 201, response.content
    body = response.json()
    photo = CasePhoto.objects.get(pk=body["id"])
    assert body["url"] == f"/api/v1/cases/{case.pk}/photos/{photo.pk}"
    stored = Image.open(media / photo.file.name)
    assert not stored.getexif() and "exif" not in stored.info

    served = resident.get(body["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.size == (64, 48)
    assert not image.getexif().get_ifd(GPS_IFD) and not image.getexif()

    detail = resident.get(f"/api/v1/cases/{case.pk}").json()
    assert [p["url"] for p in detail["photos"]] == [body["url"]]


def test_a_text_file_named_jpg_is_refused(api_client, report):
    case = report()
    response = upload(api_client("resident_a1"), case.pk, b"this is not a photo\n" * 50)
    assert response.status_code == 400
    assert "not a photo" in response.json()["detail"]
    assert not CasePhoto.objects.exists()


def test_a_photo_over_10_mb_is_refused(api_client, report):
    case = report()
    # A valid JPEG header followed by padding: refused for its size before anything decodes it.
    big = jpeg_with_gps() + b"\0" * (10 * 1024 * 1024)
    response = upload(api_client("resident_a1"), case.pk, big)
    assert response.status_code in (400, 413)
    assert "10 MB" in response.json()["detail"]
    assert not CasePhoto.objects.exists()


def test_outsiders_neither_upload_nor_see_photos(api_client, report):
    case = report()
    url = upload(api_client("resident_a1"), case.pk, jpeg_with_gps()).json()["url"]
    outsider = api_client("outsider")
    assert upload(outsider, case.pk, jpeg_with_gps()).status_code == 404
    assert outsider.get(url).status_code == 404
    assert api_client("worker_a1").get(url).status_code == 200
    assert CasePhoto.objects.count() == 1


def test_a_photo_id_of_another_case_is_not_found(api_client, report):
    first, second = report(), report(description="另一处垃圾")
    resident = api_client("resident_a1")
    photo_id = upload(resident, first.pk, jpeg_with_gps()).json()["id"]
    assert resident.get(f"/api/v1/cases/{second.pk}/photos/{photo_id}").status_code == 404
