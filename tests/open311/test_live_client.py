"""End to end: a live gridgov server driven by a real Open311 client from PyPI (georeport), in both
formats. georeport reads (services, definitions, requests) but cannot create requests, so the POST is
made with `requests`, the HTTP library georeport itself uses."""

import pytest
import requests
from django.db import connections
from georeport import GeoReport

from gridgov.cases import actions as case_actions
from gridgov.cases.models import Case
from gridgov.open311 import actions

from .conftest import POINT_A1


@pytest.fixture
def server(live_server, personas, cfg, monkeypatch):
    # The server's request threads close their database connection after each request, so PostgreSQL
    # can drop the test database at the end even while a client keeps its HTTP connection open.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    actions.do_set_attribute(None, cfg.garbage, "SIZE", "多少", "singlevaluelist", required=True,
                             values=[{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}])
    _key, secret = actions.do_issue_key(personas.town_admin, "georeport", personas.town.town)
    yield f"{live_server.url}/open311/v2", secret
    connections.close_all()


def _one(value):
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_real_open311_client_reports_and_follows_a_case(server, personas, fmt):
    root, secret = server
    client = GeoReport(root, jurisdiction="445321104000", api_key=secret, output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["0101", "0401"]
    definition = client.get_service_definition("0101")
    attribute = _one(definition["attributes"]["attribute"]) if fmt == "xml" else definition["attributes"][0]
    assert attribute["code"] == "SIZE"

    answer = requests.post(f"{root}/requests.{fmt}", data={
        "api_key": secret, "jurisdiction_id": "445321104000", "service_code": "0101", "lat": POINT_A1[0],
        "long": POINT_A1[1], "description": "巷口垃圾", "attribute[SIZE]": "l", "email": "a@example.cn"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == ("application/json; charset=utf-8" if fmt == "json"
                                              else "text/xml; charset=utf-8")
    if fmt == "json":
        number = answer.json()[0]["service_request_id"]
    else:
        import xmltodict

        number = xmltodict.parse(answer.content)["service_requests"]["request"]["service_request_id"]

    found = _one(client.get_service_requests())
    assert found["service_request_id"] == number and found["status"] == "open"
    assert "a@example.cn" not in str(found)

    case = Case.objects.get(number=number)
    p = personas
    case_actions.do_accept(p.worker_a1, case)
    case_actions.do_dispatch(p.worker_a1, case, "party_a1")
    case_actions.do_claim(p.party_a1, case)
    case_actions.do_resolve(p.party_a1, case, result="已清运")
    case_actions.do_verify(p.worker_a1, case, passed=True, note="已核查")

    one = client.get_service_request(number)
    assert one["status"] == "closed" and one["status_notes"] == "已核查"
    closed = _one(client.get_service_requests(status="closed"))
    assert closed["service_request_id"] == number

    # The client surfaces the spec's errors as HTTP errors.
    with pytest.raises(requests.HTTPError) as error:
        client.get_service_request("nope")
    assert error.value.response.status_code == 404
