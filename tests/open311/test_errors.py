"""Every error path: 403 for the key, 404 for what does not exist, 400 with every wrong argument at once,
in the spec's errors document (XML <errors><error><code/><description/></error></errors>, JSON list)."""

import pytest

from gridgov.cases.models import Case
from gridgov.open311 import actions

from .conftest import BASE, POINT_A1, codes, descriptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_without_api_key_is_403(o311, cfg, clock, fmt):
    response, body = o311.post(fmt, service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 403
    assert codes(body) == ["403"] and descriptions(body) == ["api_key was not provided."]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_key_is_403(o311, cfg, clock, fmt):
    response, body = o311.post(fmt, api_key="o311_nope", service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 403
    assert descriptions(body) == ["api_key is not valid: it is unknown or was revoked."]


def test_revoked_key_is_403_for_post_and_get(o311, key, clock, personas):
    assert o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[0].status_code == 200
    actions.do_revoke_key(personas.town_admin, key[0])
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 403
    assert o311.get("requests", api_key=key[1])[0].status_code == 403
    assert o311.get("requests")[0].status_code == 200
    assert Case.objects.count() == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_several_wrong_arguments_are_reported_together(o311, key, clock, fmt):
    response, body = o311.post(fmt, api_key=key[1], service_code="9999", lat="north", long="200",
                               email="not-an-email", phone="12345", media_url="ftp://x/y.jpg")
    assert response.status_code == 400
    assert set(codes(body)) == {"400"}
    assert descriptions(body) == [
        "service_code 9999 is not a service of this jurisdiction.",
        "lat must be a number from -90 to 90.",
        "long must be a number from -180 to 180.",
        "email is not a valid e-mail address.",
        "phone must be an 11-digit mobile number or a landline with its area code.",
        "media_url must be an http or https URL.",
    ]
    assert not Case.objects.exists()


@pytest.mark.parametrize("data,message", [
    ({"lat": POINT_A1[0]}, "Give both lat and long, or neither."),
    ({}, "Give the location: lat and long, address_string or address_id."),
    ({"lat": "NaN", "long": "112.3"}, "lat must be a number from -90 to 90."),
    ({"lat": "22.0", "long": "112.0"},
     "lat/long lies outside every grid of this jurisdiction: give address_string or address_id as well."),
    ({"address_id": "445321104201000"},
     "address_id 445321104201000 is not the code of a small grid of this jurisdiction."),
])
def test_bad_locations(o311, key, clock, data, message):
    response, body = o311.post(api_key=key[1], service_code="0101", **data)
    assert response.status_code == 400
    assert message in descriptions(body)


def test_missing_service_code(o311, key, clock):
    response, body = o311.post(api_key=key[1], lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 400
    assert descriptions(body) == ["service_code was not provided."]


def test_attribute_errors(o311, key, cfg, clock):
    actions.do_set_attribute(None, cfg.garbage, "SIZE", "多少", "singlevaluelist", required=True,
                             values=[{"key": "s", "name": "一袋"}])
    actions.do_set_attribute(None, cfg.garbage, "DAYS", "几天", "number", order=2)
    response, body = o311.client.post(f"{BASE}requests.json", {
        "api_key": key[1], "service_code": "0101", "lat": POINT_A1[0], "long": POINT_A1[1],
        "attribute[DAYS]": "three", "attribute[COLOR]": "red"}), None
    body = response.json()
    assert response.status_code == 400
    assert descriptions(body) == ["attribute[COLOR] is not an attribute of service 0101.",
                                  "attribute[SIZE] is required.", "attribute[DAYS] must be a number."]
    response = o311.client.post(f"{BASE}requests.json", {
        "api_key": key[1], "service_code": "0101", "lat": POINT_A1[0], "long": POINT_A1[1], "attribute[SIZE]": "x"})
    assert descriptions(response.json()) == ["attribute[SIZE] has no value x."]


def test_too_long_text(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="长" * 2001, first_name="名" * 51)
    assert response.status_code == 400
    assert descriptions(body) == ["description may be at most 2000 characters.",
                                  "first_name may be at most 50 characters.",
                                  "description and attributes together may be at most 2000 characters."]


@pytest.mark.parametrize("resource", ["services", "services/0101", "requests", "requests/1", "tokens/abc"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_jurisdiction_is_404(o311, cfg, resource, fmt):
    response, body = o311.get(resource, fmt, jurisdiction_id="999999999999")
    assert response.status_code == 404
    assert descriptions(body) == ["jurisdiction_id 999999999999 was not found."]


def test_unknown_jurisdiction_on_post_is_404(o311, key, clock):
    response, body = o311.post(api_key=key[1], jurisdiction_id="445321104201", service_code="0101",
                               lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 404  # a village is not a jurisdiction


def test_jurisdiction_is_needed_once_the_server_has_two_towns(o311, cfg, second_town):
    response, body = o311.get("services")
    assert response.status_code == 400
    assert descriptions(body) == ["jurisdiction_id was not provided: this server has several towns."]
    assert o311.get("services", jurisdiction_id="445321104000")[0].status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_request_and_token_are_404(o311, cfg, fmt):
    response, body = o311.get("requests/20260302-999999", fmt)
    assert response.status_code == 404
    assert descriptions(body) == ["service_request_id 20260302-999999 was not found."]
    response, body = o311.get("tokens/nope", fmt)
    assert response.status_code == 404
    assert descriptions(body) == ["token nope was not found."]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_resource_is_404_in_the_asked_format(o311, fmt):
    response, body = o311.get("nothing", fmt)
    assert response.status_code == 404
    assert descriptions(body) == ["There is no such Open311 resource."]


def test_wrong_method(o311, cfg):
    response = o311.client.post(f"{BASE}services.json", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()[0]["code"] == 405


@pytest.mark.parametrize("data,message", [
    ({"status": "pending"}, "status must be open or closed, not pending."),
    ({"service_code": "0101,9999"}, "service_code 9999 is not a service of this jurisdiction."),
    ({"start_date": "yesterday"},
     "start_date must be a date and time in ISO 8601, e.g. 2026-03-02T08:00:00+08:00."),
    ({"start_date": "2026-03-02T00:00:00+08:00", "end_date": "2026-01-01T00:00:00+08:00"},
     "end_date is before start_date."),
    ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
     "start_date and end_date may not span more than 90 days."),
])
def test_get_requests_argument_errors(o311, cfg, clock, data, message):
    response, body = o311.get("requests", **data)
    assert response.status_code == 400
    assert descriptions(body) == [message]


def test_get_requests_reports_several_errors_at_once(o311, cfg, clock):
    response, body = o311.get("requests", "xml", status="new", service_code="77", end_date="soon")
    assert response.status_code == 400
    assert len(body) == 3 and set(codes(body)) == {"400"}


def test_descriptions_follow_accept_language(o311, cfg, clock):
    response = o311.client.get(f"{BASE}services/9999.json", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 404
    assert response.json()[0]["description"] == "未找到 service_code 9999。"
    response = o311.client.get(f"{BASE}services/9999.json")
    assert response.json()[0]["description"] == "service_code 9999 was not found."


def test_head_is_allowed_where_get_is(o311, cfg):
    assert o311.client.head(f"{BASE}services.xml").status_code == 200
