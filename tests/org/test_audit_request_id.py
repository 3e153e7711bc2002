"""Every response carries X-Request-ID, and audit rows written while serving it carry the same id."""

import logging

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry


def test_every_response_has_a_request_id_and_each_request_its_own(db):
    client = Client()
    first, second = client.get("/api/v1/openapi.json"), client.get("/api/v1/openapi.json")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_well_formed_incoming_request_id_is_kept_behind_a_trusted_proxy(personas, api_client, settings):
    settings.TRUST_REQUEST_ID = True
    response = api_client("town_admin").post(
        f"/api/v1/people/{personas.town.zhang.pk}/reveal", {"field": "phone"}, content_type="application/json",
        HTTP_X_REQUEST_ID="proxy-7f3a-0001")
    assert response["X-Request-ID"] == "proxy-7f3a-0001"
    assert AuditEntry.objects.get(action="person.reveal_phone").request_id == "proxy-7f3a-0001"


def test_a_client_cannot_choose_its_request_id_by_default(db):
    response = Client().get("/api/v1/openapi.json", HTTP_X_REQUEST_ID="chosen-by-client-01")
    assert response["X-Request-ID"] != "chosen-by-client-01"


@pytest.mark.parametrize("incoming", ["short", "has space in it", "x" * 65, "new\nline-000000"])
def test_a_malformed_incoming_request_id_is_replaced(db, incoming, settings):
    settings.TRUST_REQUEST_ID = True
    response = Client().get("/api/v1/openapi.json", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_carry_the_request_id_even_for_djangos_own_response_log(personas, api_client, caplog):
    from gridgov.core.middleware import RequestIdLogFilter

    caplog.handler.addFilter(RequestIdLogFilter())
    caplog.set_level(logging.WARNING, logger="django.request")
    response = api_client("outsider").get(f"/api/v1/people/{personas.town.zhang.pk}")
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == response["X-Request-ID"]
