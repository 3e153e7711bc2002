"""jurisdiction_id selects a town: another town's cases, tokens and keys are not reachable through it."""

import pytest

from gridgov.cases import actions as case_actions
from gridgov.open311 import actions

from .conftest import POINT_A1, POINT_TOWN2, descriptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
A, B = "445321104000", "445321105000"


@pytest.fixture
def both(o311, key, cfg, second_town, clock):
    """A request in each town: town A's through its key, town B's through a key of town B."""
    _b_key, b_secret = actions.do_issue_key(second_town.admin, "太平热线", second_town.town)
    a = o311.post(api_key=key[1], jurisdiction_id=A, service_code="0101", lat=POINT_A1[0], long=POINT_A1[1])[1][0]
    b = o311.post(api_key=b_secret, jurisdiction_id=B, service_code="0101", lat=POINT_TOWN2[0],
                  long=POINT_TOWN2[1])[1][0]
    return a, b, b_secret


def test_each_jurisdiction_lists_only_its_own_cases(o311, both):
    a, b, _ = both
    assert [i["service_request_id"] for i in o311.get("requests", jurisdiction_id=A)[1]] == [a["service_request_id"]]
    assert [i["service_request_id"] for i in o311.get("requests", "xml", jurisdiction_id=B)[1]] == [
        b["service_request_id"]]


def test_another_towns_request_and_token_are_404(o311, both):
    a, b, _ = both
    assert o311.get(f"requests/{b['service_request_id']}", jurisdiction_id=A)[0].status_code == 404
    assert o311.get(f"tokens/{b['token']}", jurisdiction_id=A)[0].status_code == 404
    assert o311.get("requests", jurisdiction_id=A, service_request_id=b["service_request_id"])[1] == []
    assert o311.get(f"requests/{b['service_request_id']}", jurisdiction_id=B)[0].status_code == 200


def test_a_towns_key_does_not_open_another_town(o311, both, key):
    _a, _b, b_secret = both
    response, body = o311.post(api_key=key[1], jurisdiction_id=B, service_code="0101", lat=POINT_TOWN2[0],
                               long=POINT_TOWN2[1])
    assert response.status_code == 403
    assert descriptions(body) == ["api_key is not valid for jurisdiction 445321105000."]


def test_a_point_in_another_town_is_refused(o311, both, key):
    response, body = o311.post(api_key=key[1], jurisdiction_id=A, service_code="0101", lat=POINT_TOWN2[0],
                               long=POINT_TOWN2[1])
    assert response.status_code == 400
    assert descriptions(body) == ["lat/long lies outside jurisdiction 445321104000."]


def test_another_towns_grid_name_is_not_a_place(o311, both, key):
    response, _ = o311.post(api_key=key[1], jurisdiction_id=A, service_code="0101", address_string="新村第一网格")
    assert response.status_code == 400
    response, _ = o311.post(api_key=key[1], jurisdiction_id=A, service_code="0101", address_id="445321105201001")
    assert response.status_code == 400


def test_a_server_wide_key_reaches_every_town(o311, both):
    _key, secret = actions.do_issue_key(None, "省平台", None)
    assert o311.post(api_key=secret, jurisdiction_id=B, service_code="0101", lat=POINT_TOWN2[0],
                     long=POINT_TOWN2[1])[0].status_code == 200
    assert o311.post(api_key=secret, jurisdiction_id=A, service_code="0101", lat=POINT_A1[0],
                     long=POINT_A1[1])[0].status_code == 200


def test_a_resident_case_of_village_b_shows_under_the_town_only(o311, personas, cfg, clock):
    case = case_actions.do_report(personas.outsider, cfg.garbage, "都斛村垃圾", grid=personas.town.b1)
    assert [i["service_request_id"] for i in o311.get("requests")[1]] == [case.number]
    assert o311.get("requests", jurisdiction_id="445321104202")[0].status_code == 404  # a village is no jurisdiction
