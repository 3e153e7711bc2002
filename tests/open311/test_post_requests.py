"""POST requests.xml|json: a case on the channel open311, routed like any report, linked to the key."""

import pytest
from django.test import Client

from gridgov.cases.models import Case, CaseEvent
from gridgov.core.models import AuditEntry
from gridgov.open311 import actions
from gridgov.open311.models import Open311Request

from .conftest import BASE, POINT_A1, descriptions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_with_a_point_creates_a_case_and_answers_its_id(o311, key, clock, fmt):
    response, body = o311.post(fmt, api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="巷口垃圾三天没人清", account_id="acct-7")
    assert response.status_code == 200
    [answer] = body
    assert list(answer) == ["service_request_id", "token", "service_notice", "account_id"]
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.channel == Case.Channel.OPEN311
    assert case.grid.code == "445321104201001"
    assert case.description == "巷口垃圾三天没人清"
    assert case.state == "reported" and case.reporter_id is None and case.reporter_user_id is None
    assert case.open311.key == key[0]
    assert case.open311.token == answer["token"]
    assert answer["account_id"] == "acct-7"
    assert "working hours" in answer["service_notice"]
    reported = CaseEvent.objects.get(case=case, action="report")
    assert reported.data == {"channel": "open311"}
    assert reported.actor_name == "Open311 · 县热线"  # the timeline says which client sent it
    # The grid worker of A1 hears of it like of any report.
    assert case.notifications.filter(user__username="worker_a1", kind="reported").exists()


def test_the_form_post_needs_no_csrf_token(key, clock):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{BASE}requests.json", {"api_key": key[1], "service_code": "0101",
                                                    "lat": POINT_A1[0], "long": POINT_A1[1], "description": "x"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("address,grid", [
    ("碧塘第二网格", "445321104201002"),
    ("445321104201001", "445321104201001"),
    ("东成镇碧塘村碧塘第一网格二巷口", "445321104201001"),
])
def test_address_string_naming_a_small_grid_is_enough(o311, key, clock, address, grid):
    response, body = o311.post(api_key=key[1], service_code="0101", address_string=address, description="x")
    assert response.status_code == 200, body
    assert Case.objects.get(number=body[0]["service_request_id"]).grid.code == grid


def test_address_id_is_a_small_grid_code(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", address_id="445321104202001", description="x")
    assert response.status_code == 200
    case = Case.objects.get(number=body[0]["service_request_id"])
    assert case.grid.code == "445321104202001" and case.lat is None


def test_a_village_with_two_grids_is_not_a_place(o311, key, clock, english):
    response, body = o311.post(api_key=key[1], service_code="0101", address_string="碧塘村村口", description="x")
    assert response.status_code == 400
    assert descriptions(body) == [
        "address_string could not be resolved to one small grid of this jurisdiction: name a small grid (its code "
        "or name) or a village with one grid, or give lat and long."]
    assert not Case.objects.exists()


def test_a_village_with_one_grid_is_a_place(o311, cfg, second_town, clock):
    _key, secret = actions.do_issue_key(None, "全县", None)
    response, body = o311.post(api_key=secret, jurisdiction_id="445321105000", service_code="0101",
                               address_string="新村村委会门口", description="x")
    assert response.status_code == 200, body
    assert Case.objects.get(number=body[0]["service_request_id"]).grid.code == "445321105201001"


def test_a_point_outside_every_grid_falls_back_on_the_address(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=22.0, long=112.0,
                               address_string="碧塘第二网格", description="x")
    assert response.status_code == 200
    case = Case.objects.get(number=body[0]["service_request_id"])
    assert case.grid.code == "445321104201002" and case.lat == 22.0


def test_contact_data_is_sealed_and_ids_are_only_hashed(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="x", email="Li.Ming@Example.cn", first_name="明", last_name="李",
                               phone="13912345678", device_id="dev-1", account_id="acct-1")
    assert response.status_code == 200
    row = Open311Request.objects.get()
    assert row.email == "li.ming@example.cn" and row.name == "明 李"
    assert "example" not in row.email_enc and "明" not in row.name_enc
    assert row.device_hash and "dev-1" not in row.device_hash and row.account_hash
    assert row.case.reporter_phone == "13912345678"
    assert "13912345678" not in row.case.reporter_phone_enc
    for entry in AuditEntry.objects.all():
        text = f"{entry.before} {entry.after}"
        assert "13912345678" not in text and "example.cn" not in text and key[1] not in text


def test_empty_optional_arguments_count_as_absent(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="x", email="", phone="", first_name="", last_name="", device_id="",
                               account_id="", media_url="", address_string="", address_id="", jurisdiction_id="")
    assert response.status_code == 200, body
    assert body[0]["account_id"] is None


def test_no_description_uses_the_service_name(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    assert response.status_code == 200
    assert Case.objects.get().description == "垃圾清运"


def test_attributes_are_checked_stored_and_written_into_the_case(o311, key, cfg, clock):
    actions.do_set_attribute(None, cfg.garbage, "SIZE", "多少", "singlevaluelist", required=True,
                             values=[{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}])
    actions.do_set_attribute(None, cfg.garbage, "KINDS", "种类", "multivaluelist", order=2,
                             values=[{"key": "k", "name": "厨余"}, {"key": "c", "name": "建筑垃圾"}])
    data = {"api_key": key[1], "service_code": "0101", "lat": POINT_A1[0], "long": POINT_A1[1], "description": "巷口",
            "attribute[SIZE]": "l", "attribute[KINDS][]": ["k", "c"]}
    response = o311.client.post(f"{BASE}requests.json", data)
    assert response.status_code == 200, response.content
    row = Open311Request.objects.get()
    assert row.attributes == {"SIZE": "l", "KINDS": ["k", "c"]}
    assert row.case.description == "巷口\n多少: 一车\n种类: 厨余, 建筑垃圾"


def test_media_url_is_kept_as_a_link(o311, key, clock):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               media_url="https://photos.example.org/1.jpg")
    assert response.status_code == 200
    assert Open311Request.objects.get().media_url == "https://photos.example.org/1.jpg"


def test_every_submission_is_audited_with_the_key(o311, key, clock):
    o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])
    entry = AuditEntry.objects.get(action="open311.request")
    assert entry.after["key"] == key[0].prefix and entry.after["key_id"] == key[0].pk


def test_xml_answer_escapes_and_is_utf8(o311, key, clock):
    response, body = o311.post("xml", api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               description="<b>&\x01垃圾")
    assert response.status_code == 200
    number = body[0]["service_request_id"]
    response, body = o311.get(f"requests/{number}", "xml")
    assert body[0]["description"] == "<b>&垃圾"
    assert "垃圾".encode() in response.content
