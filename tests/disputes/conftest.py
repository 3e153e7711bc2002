"""Fixtures of disputes: a mediator (an account of village A that is not its secretary: the grid worker
of A1), a holiday, the case loop's clock and categories (tests/cases/conftest.py)."""

import io

import pytest

from gridgov.cases import actions as case_actions
from tests.cases.conftest import MONDAY_10, POINT_A1, cfg, clock, local  # noqa: F401


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def mediator(personas):
    return personas.worker_a1


@pytest.fixture
def holiday(db):
    """Monday 9 March 2026 is a holiday in these tests."""
    import datetime

    return case_actions.do_set_holiday(None, datetime.date(2026, 3, 9), False, "测试假日")


def dispute_body(town, **kw):
    return {"village": town.village_a.code, "kind": "land", "risk": "medium",
            "description": "两户因宅基地边界发生争执",
            "parties": [{"person": town.zhang.pk}, {"name": "赵大海", "phone": "13912345678"}], **kw}
