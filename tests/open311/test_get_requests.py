"""GET requests.xml|json and requests/{id}: the spec's elements, the filters, the default 90-day window
and the 1000 limit, newest first."""

import datetime

import pytest

from gridgov.cases.models import Case
from gridgov.open311 import actions, queries

from .conftest import MONDAY_10, POINT_A1, local

pytestmark = pytest.mark.django_db

ELEMENTS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
            "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
            "address", "address_id", "zipcode", "lat", "long", "media_url"]


def submit(o311, key, **data):
    params = {"api_key": key[1], "service_code": "0101", "lat": POINT_A1[0], "long": POINT_A1[1],
              "description": "巷口垃圾", **data}
    response, body = o311.post(**params)
    assert response.status_code == 200, body
    return body[0]["service_request_id"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_one_request_in_both_formats(o311, key, clock, fmt):
    number = submit(o311, key)
    response, body = o311.get(f"requests/{number}", fmt)
    assert response.status_code == 200
    [item] = body
    assert list(item) == ELEMENTS
    assert item["service_request_id"] == number  # a string in JSON too
    assert item["status"] == "open"
    assert item["service_code"] == "0101" and item["service_name"] == "垃圾清运"
    assert item["requested_datetime"] == "2026-03-02T10:00:00+08:00"
    assert item["updated_datetime"] == "2026-03-02T10:00:00+08:00"
    assert item["expected_datetime"] == "2026-03-02T12:00:00+08:00"  # 2 working hours to assess
    assert item["address"] == "碧塘村 碧塘第一网格" and item["address_id"] == "445321104201001"
    assert str(item["lat"]) == "22.705" and str(item["long"]) == "112.305"
    assert item["agency_responsible"] == "碧塘村 碧塘第一网格"
    assert item["description"] == "巷口垃圾"


def test_list_is_newest_first_within_the_default_90_days(o311, key, clock, report):
    clock.move_to(MONDAY_10 - datetime.timedelta(days=91))
    old = submit(o311, key)
    clock.move_to(MONDAY_10 - datetime.timedelta(days=89))
    recent = submit(o311, key)
    clock.move_to(MONDAY_10)
    newest = report().number  # a resident's report through the app is a request too
    numbers = [item["service_request_id"] for item in o311.get("requests")[1]]
    assert numbers == [newest, recent]
    assert old not in numbers
    # An explicit window reaches it.
    numbers = [i["service_request_id"] for i in o311.get("requests", start_date="2025-11-01T00:00:00+08:00",
                                                            end_date="2025-12-02T00:00:00+08:00")[1]]
    assert numbers == [old]


def test_start_date_alone_opens_90_days_after_it(o311, key, clock):
    clock.move_to(MONDAY_10 - datetime.timedelta(days=120))
    first = submit(o311, key)
    clock.move_to(MONDAY_10)
    submit(o311, key)
    start = (MONDAY_10 - datetime.timedelta(days=121)).isoformat()
    assert [i["service_request_id"] for i in o311.get("requests", start_date=start)[1]] == [first]


def test_end_date_alone_looks_90_days_back(o311, key, clock):
    first = submit(o311, key)
    clock.move_to(MONDAY_10 + datetime.timedelta(days=1))
    submit(o311, key)
    end = (MONDAY_10 + datetime.timedelta(hours=1)).isoformat()
    assert [i["service_request_id"] for i in o311.get("requests", end_date=end)[1]] == [first]


def test_dates_in_utc_date_only_and_with_an_unencoded_plus(o311, key, clock):
    number = submit(o311, key)
    for start, end in [("2026-03-02T01:59:00Z", "2026-03-02T02:01:00Z"),
                       ("2026-03-02", "2026-03-03"),
                       ("2026-03-02T09:59:00 08:00", "2026-03-02T10:01:00 08:00")]:
        body = o311.get("requests", start_date=start, end_date=end)[1]
        assert [i["service_request_id"] for i in body] == [number], (start, end)
    assert o311.get("requests", start_date="2026-03-02T10:01:00+08:00",
                    end_date="2026-03-02T11:00:00+08:00")[1] == []


def test_status_and_service_code_filters(o311, key, cfg, clock, drive, personas):
    # The town publishes the disputes too (they are private unless it chooses so).
    actions.do_set_public_services(personas.town_admin, personas.town.town, [cfg.garbage, cfg.neighbours])
    open_garbage = submit(o311, key)
    closed_garbage = submit(o311, key)
    drive(Case.objects.get(number=closed_garbage), "closed")
    dispute = submit(o311, key, service_code="0401")
    ids = lambda body: sorted(i["service_request_id"] for i in body)  # noqa: E731
    assert ids(o311.get("requests", status="open")[1]) == sorted([open_garbage, dispute])
    assert ids(o311.get("requests", status="closed")[1]) == [closed_garbage]
    assert ids(o311.get("requests", status="open,closed")[1]) == sorted([open_garbage, closed_garbage, dispute])
    assert ids(o311.get("requests", service_code="0401")[1]) == [dispute]
    assert ids(o311.get("requests", service_code="0101", status="open")[1]) == [open_garbage]
    assert ids(o311.get("requests", "xml", service_code="0101,0401", status="closed")[1]) == [closed_garbage]


def test_service_request_id_overrides_the_other_arguments(o311, key, clock):
    clock.move_to(MONDAY_10 - datetime.timedelta(days=200))
    old = submit(o311, key)
    clock.move_to(MONDAY_10)
    new = submit(o311, key)
    body = o311.get("requests", service_request_id=f"{old},{new},nope", status="closed", service_code="0401")[1]
    assert sorted(i["service_request_id"] for i in body) == sorted([old, new])


def test_empty_optional_arguments_are_absent(o311, key, clock):
    number = submit(o311, key)
    body = o311.get("requests", service_request_id="", service_code="", start_date="", end_date="", status="",
                    jurisdiction_id="", api_key="")[1]
    assert [i["service_request_id"] for i in body] == [number]


def test_at_most_the_limit_newest_first(o311, key, clock, monkeypatch):
    monkeypatch.setattr(queries, "MAX_RESULTS", 3)
    numbers = []
    for minute in range(5):
        clock.move_to(local(2026, 3, 2, 10, minute))
        numbers.append(submit(o311, key))
    assert [i["service_request_id"] for i in o311.get("requests")[1]] == numbers[::-1][:3]


def test_default_limit_is_1000():
    assert queries.MAX_RESULTS == 1000 and queries.DEFAULT_WINDOW == datetime.timedelta(days=90)


def test_list_reads_a_fixed_number_of_queries(o311, key, clock, drive, django_assert_max_num_queries):
    for _ in range(6):
        drive(Case.objects.get(number=submit(o311, key)), "resolved")
    # The jurisdiction, the keyless counter of the address (one upsert), the requests, their notes.
    with django_assert_max_num_queries(5):
        response, body = o311.get("requests")
    assert len(body) == 6


def test_address_string_is_the_place_and_comes_back_as_address(o311, key, clock, report):
    # Given beside a point that found the grid by itself, and masked like the notes when published.
    number = submit(o311, key, address_string="村口小卖部旁，电话13800000011")
    assert Case.objects.get(number=number).place == "村口小卖部旁，电话13800000011"
    assert o311.get(f"requests/{number}")[1][0]["address"] == "村口小卖部旁，电话138****0011"
    # Used to find the grid: kept all the same.
    response, body = o311.post(api_key=key[1], service_code="0101", address_string="碧塘第二网格", description="x")
    number = body[0]["service_request_id"]
    assert Case.objects.get(number=number).place == "碧塘第二网格"
    assert o311.get(f"requests/{number}", "xml")[1][0]["address"] == "碧塘第二网格"
    # A resident's own words for the place (often home) are not published, like their description.
    resident = report(place="3组12号门前").number
    assert o311.get(f"requests/{resident}")[1][0]["address"] == "碧塘村 碧塘第一网格"


def test_a_too_long_address_string_is_refused(o311, key, clock, english):
    response, body = o311.post(api_key=key[1], service_code="0101", lat=POINT_A1[0], long=POINT_A1[1],
                               address_string="门" * 201, description="x")
    assert response.status_code == 400
    assert [e["description"] for e in body] == ["address_string may be at most 200 characters."]
    assert not Case.objects.exists()
