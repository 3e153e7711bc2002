"""The place in the reporter's words (issue 11: 村口小卖部旁, 3组12号门前): stored with the report, given
back by the API, refused when too long with the field named, shown on the case page to those who may
open the case, masked like the description for those who may not know who reported."""

import pytest
from django.utils import translation

from gridgov.cases.models import Case
from gridgov.cases.workflow import CaseError

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock")
PLACE = "碧塘村3组12号门前"


def post(client, **fields):
    body = {"category": "0101", "description": "垃圾堆积", "lat": POINT_A1[0], "lng": POINT_A1[1], **fields}
    return client.post("/api/v1/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_the_api_takes_the_place_and_gives_it_back(api_client):
    client = api_client("resident_a1")
    response = post(client, place=f"  {PLACE} ")
    assert response.status_code == 201, response.content
    assert response.json()["place"] == PLACE
    assert Case.objects.get().place == PLACE
    assert client.get(f"/api/v1/cases/{response.json()['id']}").json()["place"] == PLACE
    assert [c["place"] for c in client.get("/api/v1/cases").json()["items"]] == [PLACE]
    # Optional: without it the place is empty, as for every case reported before it existed.
    assert post(client).json()["place"] == ""


def test_a_too_long_place_names_the_field_and_writes_nothing(api_client):
    response = post(api_client("resident_a1"), place="门" * 201)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["place"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("language, message", [("en", "The place description may be at most 200 characters."),
                                               ("zh-hans", "地点描述最多 200 个字。")])
def test_do_report_checks_the_length_in_both_languages(report, language, message):
    with translation.override(language), pytest.raises(CaseError) as refused:
        report(place="门" * 201)
    assert (refused.value.status, refused.value.field, refused.value.message) == (400, "place", message)
    assert not Case.objects.exists()


def test_the_case_page_shows_the_place_to_those_who_may_open_it(report, login, personas):
    case = report(place=PLACE)
    assert login(personas.worker_a1).get(f"/cases/{case.pk}/").content.decode().count(PLACE) == 1
    assert login(personas.outsider).get(f"/cases/{case.pk}/").status_code == 404


def test_a_phone_in_the_place_is_masked_for_the_party_member_taking_the_order(report, drive, login, api_client,
                                                                               personas):
    case = drive(report(place="村口小卖部，电话13800000011"), "in_progress")  # party_a1 handles it
    page = login(personas.party_a1).get(f"/cases/{case.pk}/").content.decode()
    assert "村口小卖部" in page and "138****0011" in page and "13800000011" not in page
    assert api_client("party_a1").get(f"/api/v1/cases/{case.pk}").json()["place"] == "村口小卖部，电话138****0011"
    assert "13800000011" in login(personas.worker_a1).get(f"/cases/{case.pk}/").content.decode()
