"""Schemathesis over the whole OpenAPI: generated input, valid and not, never makes the API answer 5xx.

Every operation is called as a town administrator (whose scope is the whole test town), through the WSGI
application in this process, on the test database (SQLite or PostgreSQL, whichever the run uses). The run
is sized for CI (GRIDGOV_FUZZ_EXAMPLES examples per operation, 4 by default); `make fuzz` runs a longer
one. Writes that the fuzzer manages to make stay inside the test's transaction."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gridgov.api import api
from gridgov.wsgi import application

EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_EXAMPLES", "4"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))


@pytest.fixture
def bearer(personas, api_client):
    token = api_client("town_admin").defaults["HTTP_AUTHORIZATION"]
    # Requests through the WSGI handler would close the test's connection at the end of each request;
    # Django's test client turns this off the same way (and back on after each of its requests, so
    # only now, after the token is fetched).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, bearer):
    case.call_and_validate(app=application, headers={"Authorization": bearer}, checks=[not_a_server_error])
