"""POST /api/v1/cases: who may report where and through which channel, routing, field messages for a
place outside every grid or outside the reporter's reach, and duplicate suggestions."""

import pytest

from gridgov.cases.models import Case

from .conftest import POINT_A1, POINT_B1

pytestmark = pytest.mark.usefixtures("cfg", "clock", "english")
A1, A2, B1 = "445321104201001", "445321104201002", "445321104202001"


def post(client, **fields):
    body = {"category": "0101", "description": "路灯坏了", **fields}
    return client.post("/api/v1/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def field_errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_resident_reports_as_themselves_by_point(api_client, personas):
    response = post(api_client("resident_a1"), lat=POINT_A1[0], lng=POINT_A1[1])
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert case.reporter == personas.town.zhang and case.reporter_user == personas.resident_a1
    assert (case.channel, case.grid.code) == ("resident", A1)


def test_a_resident_may_choose_a_grid_of_their_village(api_client):
    response = post(api_client("resident_a1"), grid=A2)
    assert response.status_code == 201 and response.json()["grid"] == A2


@pytest.mark.parametrize("username, fields, field, message", [
    ("resident_a1", {"lat": POINT_B1[0], "lng": POINT_B1[1]}, "lat", "outside the area you may report in"),
    ("resident_a1", {"grid": B1}, "grid", "outside the area you may report in"),
    ("worker_a1", {"grid": A2}, "grid", "outside the area you may report in"),
    ("outsider", {"lat": POINT_A1[0], "lng": POINT_A1[1]}, "lat", "outside the area you may report in"),
    ("resident_a1", {"lat": 22.0, "lng": 112.0}, "lat", "outside every grid"),
    ("resident_a1", {}, "grid", "choose your grid"),
    ("resident_a1", {"grid": "445321104201000"}, "grid", "small grid"),
    ("resident_a1", {"grid": A1, "category": "01"}, "category", "subcategory"),
    ("resident_a1", {"grid": A1, "category": "9999"}, "category", "subcategory"),
    ("resident_a1", {"grid": A1, "channel": "hotline"}, "channel", "channel hotline"),
    ("worker_a1", {"grid": A1, "channel": "resident"}, "channel", "channel resident"),
    ("resident_a1", {"grid": A1, "reporter_phone": "12345"}, "reporter_phone", "Phone"),
    ("resident_a1", {"grid": A1, "description": "  "}, "description", "Describe"),
])
def test_refused_reports_name_the_field_and_create_nothing(api_client, username, fields, field, message):
    response = post(api_client(username), **fields)
    assert response.status_code == 422, response.content
    assert message in field_errors(response)[field]
    assert not Case.objects.exists()


def test_a_grid_worker_reports_on_patrol_or_for_a_resident(api_client, personas):
    worker = api_client("worker_a1")
    patrol = post(worker, grid=A1)
    assert patrol.status_code == 201 and patrol.json()["channel"] == "patrol"
    assert Case.objects.get(pk=patrol.json()["id"]).reporter is None  # a worker account has no person
    proxy = post(worker, grid=A1, reporter=personas.town.zhang.pk)
    assert proxy.status_code == 201 and proxy.json()["channel"] == "proxy"
    assert Case.objects.get(pk=proxy.json()["id"]).reporter == personas.town.zhang


def test_nobody_reports_for_a_person_outside_their_reach(api_client, personas):
    assert "reporter" in field_errors(post(api_client("worker_a1"), grid=A1, reporter=personas.town.liu.pk))
    assert "reporter" in field_errors(post(api_client("resident_a1"), grid=A1, reporter=personas.town.zhang.pk))


def test_town_staff_enter_hotline_calls_anywhere_in_the_town(api_client):
    response = post(api_client("town_admin"), grid=B1, reporter_phone="13912345678")
    assert response.status_code == 201
    assert response.json()["channel"] == "hotline" and response.json()["reporter_phone"] == "139****5678"


def test_the_answer_suggests_open_duplicates_nearby(api_client):
    resident = api_client("resident_a1")
    first = post(resident, lat=POINT_A1[0], lng=POINT_A1[1]).json()
    second = post(resident, lat=POINT_A1[0] + 0.0003, lng=POINT_A1[1]).json()  # about 33 m north
    other_category = post(resident, lat=POINT_A1[0], lng=POINT_A1[1], category="0401").json()
    assert [d["id"] for d in second["duplicates"]] == [first["id"]]
    assert 30 < second["duplicates"][0]["distance_m"] < 36
    assert other_category["duplicates"] == []


def test_anonymous_callers_cannot_report(client):
    assert post(client, grid=A1).status_code == 401
