"""GET discovery, services and services/{code}: the spec's element names in XML and JSON."""

import pytest

from gridgov.open311 import actions


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_names_the_endpoint_and_both_formats(o311, fmt):
    response, body = o311.get("discovery", fmt)
    assert response.status_code == 200
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "/open311/v2/keys/" in body["key_service"]
    assert body["changeset"][-6:] == "+08:00"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_services_are_the_active_subcategories(o311, cfg, fmt):
    actions.do_set_attribute(None, cfg.garbage, "SIZE", "How much?", "singlevaluelist", required=True,
                             values=[{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}])
    response, body = o311.get("services", fmt)
    assert response.status_code == 200
    assert [s["service_code"] for s in body] == ["0101", "0401"]
    garbage = body[0]
    assert list(garbage) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert garbage["service_name"] == "垃圾清运"
    assert garbage["group"] == "环境卫生"
    assert garbage["type"] == "realtime"
    assert garbage["metadata"] in (True, "true")
    assert body[1]["metadata"] in (False, "false")


def test_inactive_and_private_categories_are_not_offered(o311, cfg, settings):
    from gridgov.cases import actions as case_actions

    case_actions.do_update_category(None, cfg.neighbours, is_active=False)
    assert [s["service_code"] for s in o311.get("services")[1]] == ["0101"]
    settings.GRIDGOV_OPEN311_PRIVATE_CATEGORIES = "01"
    assert o311.get("services")[1] == []
    assert o311.get("services/0101")[0].status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition_lists_the_attributes(o311, cfg, fmt):
    actions.do_set_attribute(None, cfg.garbage, "SIZE", "How much?", "singlevaluelist", required=True, order=1,
                             values=[{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}])
    actions.do_set_attribute(None, cfg.garbage, "DAYS", "For how many days?", "number", order=2)
    response, body = o311.get("services/0101", fmt)
    assert response.status_code == 200
    assert body["service_code"] == "0101"
    size, days = body["attributes"]
    assert list(size) == ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                          "values"]
    assert size["code"] == "SIZE" and size["datatype"] == "singlevaluelist"
    assert size["required"] in (True, "true") and str(size["order"]) == "1"
    assert size["values"] == [{"key": "s", "name": "一袋"}, {"key": "l", "name": "一车"}]
    assert days["datatype"] == "number" and days["values"] in ([], "")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_without_attributes_has_an_empty_definition(o311, cfg, fmt):
    response, body = o311.get("services/0401", fmt)
    assert response.status_code == 200
    assert body["service_code"] == "0401"
    assert body["attributes"] in ([], "")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_is_404(o311, cfg, fmt, english):
    response, body = o311.get("services/9999", fmt)
    assert response.status_code == 404
    assert body == [{"code": 404 if fmt == "json" else "404", "description": "service_code 9999 was not found."}]


def test_a_main_category_is_not_a_service(o311, cfg):
    assert o311.get("services/01")[0].status_code == 404


def test_attribute_changes_are_audited(cfg):
    from gridgov.core.models import AuditEntry

    actions.do_set_attribute(None, cfg.garbage, "DAYS", "For how many days?", "number")
    actions.do_set_attribute(None, cfg.garbage, "DAYS", "For how many days?", "number", required=True)
    assert list(AuditEntry.objects.filter(action__startswith="open311.attribute").values_list("action", flat=True)
                .order_by("pk")) == ["open311.attribute_create", "open311.attribute_update"]


def test_list_attributes_need_values(cfg):
    with pytest.raises(actions.Open311ActionError):
        actions.do_set_attribute(None, cfg.garbage, "SIZE", "How much?", "singlevaluelist")


def test_discovery_changeset_is_the_last_catalogue_change(o311, cfg):
    from gridgov.core.models import AuditEntry
    from gridgov.open311.queries import iso

    last = AuditEntry.objects.filter(action="case_category.create").latest("time").time
    assert o311.get("discovery")[1]["changeset"] == iso(last)
    actions.do_set_attribute(None, cfg.garbage, "DAYS", "几天", "number")
    assert o311.get("discovery")[1]["changeset"] == iso(
        AuditEntry.objects.get(action="open311.attribute_create").time)
