"""Photos are checked by decoding them, limited in size and number, and stored re-encoded without EXIF
(no GPS position, no device), upright, under MEDIA_ROOT/cases/."""

import io

import pytest
from PIL import Image

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent, CasePhoto
from gridgov.cases.workflow import CaseError
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("english")
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def phone_photo(width=400, height=300, orientation=6) -> io.BytesIO:
    """A JPEG as a phone writes it: maker, orientation and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (22.0, 42.0, 18.0), 3: "E", 4: (112.0, 18.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "JPEG", exif=exif)
    out.seek(0)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS_IFD)  # the input really has GPS
    return out


def test_exif_and_gps_are_gone_and_the_photo_is_upright(personas, report, media):
    case = report()
    photo = actions.do_add_photo(personas.resident_a1, case, phone_photo())
    stored = (media / photo.file.name).read_bytes()
    assert photo.file.name.startswith("cases/") and photo.content_type == "image/jpeg"
    assert b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
    assert (image.width, image.height) == (photo.width, photo.height) == (300, 400)  # orientation 6 applied
    assert photo.size == len(stored)
    assert photo.event == CaseEvent.objects.get(case=case, action="report")
    assert AuditEntry.objects.filter(action="case.add_photo", object_id=str(case.pk)).exists()


def test_transparent_images_stay_png(personas, report):
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG")
    out.seek(0)
    assert actions.do_add_photo(personas.resident_a1, report(), out).content_type == "image/png"


def test_large_photos_are_scaled_down(personas, report, settings):
    settings.GRIDGOV_CASE_PHOTO_MAX_SIDE = 100
    photo = actions.do_add_photo(personas.resident_a1, report(), phone_photo(400, 300, orientation=1))
    assert (photo.width, photo.height) == (100, 75)


@pytest.mark.parametrize("content", [
    b"",
    b"this is not an image",
    b"%PDF-1.4 fake pdf",
    b"\xff\xd8\xff\xe0" + b"\x00" * 100,  # a JPEG header and nothing else
])
def test_files_that_are_not_images_are_refused(personas, report, content):
    with pytest.raises(CaseError, match="not a photo") as refused:
        actions.do_add_photo(personas.resident_a1, report(), io.BytesIO(content))
    assert refused.value.status == 400
    assert not CasePhoto.objects.exists()


def test_a_truncated_jpeg_is_refused(personas, report):
    whole = phone_photo().getvalue()
    with pytest.raises(CaseError, match="not a photo"):
        actions.do_add_photo(personas.resident_a1, report(), io.BytesIO(whole[: len(whole) // 2]))


def test_the_size_limit(personas, report, settings):
    settings.GRIDGOV_CASE_PHOTO_MAX_BYTES = 500
    with pytest.raises(CaseError, match="A photo may be at most"):
        actions.do_add_photo(personas.resident_a1, report(), phone_photo())


def test_at_most_six_photos_per_entry(personas, report):
    case = report()
    for _i in range(6):
        actions.do_add_photo(personas.resident_a1, case, phone_photo())
    with pytest.raises(CaseError, match="At most 6"):
        actions.do_add_photo(personas.resident_a1, case, phone_photo())
    # The handler's resolve entry has room of its own.
    case = actions.do_resolve(personas.party_a1, actions.do_claim(personas.party_a1, actions.do_dispatch(
        personas.worker_a1, actions.do_accept(personas.worker_a1, case), "party_a1")), result="已清运")
    photo = actions.do_add_photo(personas.party_a1, case, phone_photo())
    assert photo.event.action == "resolve"


def test_staff_without_an_entry_get_one(personas, report):
    case = report()
    photo = actions.do_add_photo(personas.secretary_a, case, phone_photo())
    assert (photo.event.action, photo.event.actor) == ("add_photo", personas.secretary_a)
