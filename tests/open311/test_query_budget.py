"""Query budget of an Open311 POST: the adapter's own part is fixed (the key, the rate counter, the
service's attributes, the link row), the rest is do_report's (the case, its event, audit, notices)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import POINT_A1

pytestmark = pytest.mark.django_db


def test_post_query_budget(o311, key, clock):
    o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1], description="warm")
    with CaptureQueriesContext(connection) as queries:
        response, _ = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                                description="巷口垃圾", email="a@example.cn")
    assert response.status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    own = [sql for sql in sqls if '"open311_' in sql]
    # key lookup; rate counter update and read; key last_used; the service's attributes; the link row.
    assert len(own) == 6, own
    assert len(sqls) <= 30
