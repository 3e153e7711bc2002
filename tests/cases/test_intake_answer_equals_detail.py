"""The 201 answer to POST /api/v1/cases is built from the saved case without reading it back: it must
be exactly what GET /api/v1/cases/{id} then shows the same caller, field for field."""

import pytest

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock")
A1, A2 = "445321104201001", "445321104201002"


def post(client, **fields):
    body = {"category": "0101", "description": "  路灯坏了  ", **fields}
    return client.post("/api/v1/cases", body, content_type="application/json")


@pytest.mark.parametrize("username, fields", [
    ("worker_a1", {"lat": POINT_A1[0], "lng": POINT_A1[1]}),
    ("worker_a1", {"lat": POINT_A1[0], "lng": POINT_A1[1], "reporter_phone": "13812345678"}),
    ("resident_a1", {"grid": A2}),
    ("secretary_a", {"grid": A1, "channel": "hotline", "category": "0401"}),
])
def test_the_report_answer_is_the_case_detail(api_client, username, fields):
    client = api_client(username)
    # An earlier case nearby, so an answer for a point carries a duplicate suggestion too.
    assert post(client, **fields).status_code == 201
    answer = post(client, **fields)
    assert answer.status_code == 201, answer.content
    shown = answer.json()
    assert shown["timeline"] and bool(shown["duplicates"]) == ("lat" in fields)
    assert shown == client.get(f"/api/v1/cases/{shown['id']}").json()


def test_a_report_for_a_resident_answers_as_the_detail_does(api_client, personas):
    client = api_client("worker_a1")
    answer = post(client, grid=A1, reporter=personas.town.zhang.pk)
    assert answer.status_code == 201, answer.content
    assert answer.json()["channel"] == "proxy"
    assert answer.json() == client.get(f"/api/v1/cases/{answer.json()['id']}").json()
