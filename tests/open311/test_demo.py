"""The Open311 demo loads on top of the org and case demos, and a second run adds nothing."""

import re

import pytest

from gridgov.open311 import demo
from gridgov.open311.models import ApiKey, Open311Request, ServiceAttribute

pytestmark = pytest.mark.django_db


def test_demo_builds_once(town, cfg, clock, o311):
    from gridgov.cases import actions as case_actions

    case_actions.do_create_category(None, "0102", "污水排放", parent=cfg.env)
    line = demo.build()
    assert ApiKey.objects.count() == 1 and ServiceAttribute.objects.count() == 2
    assert Open311Request.objects.count() == 2  # 0202 is not a category of the test town
    secret = re.search(r"o311_[A-Za-z0-9_-]+", line).group(0)
    assert o311.get("services", api_key=secret)[0].status_code == 200
    again = demo.build()
    assert "o311_" not in again
    assert Open311Request.objects.count() == 2 and ApiKey.objects.count() == 1
