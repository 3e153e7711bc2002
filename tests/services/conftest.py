"""Fixtures of services: a catalogue item of the test town with four materials (three a photo is enough
for, one original to bring), photos with EXIF to upload, and a fresh API client per call (tokens expire
while a test moves the clock over days)."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.services import actions
from tests.cases.conftest import clock, local  # noqa: F401

MATERIALS = [
    {"name": "户口簿", "original": False, "count": 1, "photo_ok": True},
    {"name": "身份证", "original": False, "count": 1, "photo_ok": True},
    {"name": "家庭收入证明", "original": True, "count": 1, "photo_ok": True},
    {"name": "银行卡", "original": True, "count": 1, "photo_ok": False},
]


@pytest.fixture
def items(personas):
    town = personas.town.town
    s = SimpleNamespace()
    s.dibao = actions.do_save_item(None, town, code="MZ001", name="最低生活保障申请", group="civil",
                                   department="民政办", materials=MATERIALS, limit_days=3, agent_allowed=True,
                                   handled_at="town")
    s.proof = actions.do_save_item(None, town, code="ZM001", name="居住证明", group="certificate",
                                   department="村委会", materials=[{"name": "身份证", "photo_ok": True}],
                                   limit_days=1, agent_allowed=False, handled_at="village")
    return s


def photo(name="p.jpg", size=(64, 48), exif=True) -> SimpleUploadedFile:
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0132] = "2026:03:06 16:00:00"
        kwargs["exif"] = data.tobytes()
    image.save(out, "JPEG", **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>"
       b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture
def api(api_client):
    """api(user) -> a client with a fresh token (a test that moves the clock outlives a token)."""
    return lambda user: api_client(user.username)
