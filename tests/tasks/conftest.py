"""Fixtures of town tasks: the test town (villages A and B), its town admin, village A's secretary and
the outsider (village B's secretary); the clock stands at Monday 2 March 2026, 10:00 Shanghai (a plain
week: working hours 08:30-12:00 and 14:00-17:30), and a photo as a phone would send it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.tasks import actions
from tests.cases.conftest import clock, local  # noqa: F401


def png(name: str = "photo.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def issue(personas, clock):  # noqa: F811
    """issue(**overrides) -> a task from the town admin to every village, due Friday 6 March 2026."""

    def _issue(**kw):
        kw.setdefault("deadline", datetime.date(2026, 3, 6))
        kw.setdefault("title", "清理村道两侧垃圾")
        return actions.do_issue(personas.town_admin, kw.pop("title"), kw.pop("content", "春季环境整治"), **kw)

    return _issue


def assignment_of(task, village):
    return task.assignments.get(village=village)
