"""The detail answer (GET /api/v1/cases/{id}, the 201 of a report, the 200 of an action) is built by hand
instead of through ninja's validation of the returned object: it must be exactly what CaseDetailOut itself
dumps — every field, no other, each value of the schema's type — for cases in every state."""

import json
from types import SimpleNamespace

import pytest
from ninja.responses import NinjaJSONEncoder

from gridgov.cases import actions
from gridgov.cases.api import CaseDetailOut, _detail
from gridgov.cases.models import Case

pytestmark = pytest.mark.usefixtures("clock")

STATES = ["reported", "accepted", "dispatched", "in_progress", "suspended", "resolved", "closed", "rejected",
          "merged"]


def as_json(value) -> str:
    return json.dumps(value, cls=NinjaJSONEncoder, sort_keys=True)


def schema_dump(detail: dict) -> dict:
    # By field name: the hand-built answer carries the names the schema dumps (category, not category.code);
    # as attributes, as the schema's resolvers read them.
    return CaseDetailOut.model_validate(SimpleNamespace(**detail), by_alias=False, by_name=True).model_dump()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ["worker_a1", "party_a1", "resident_a1"])
def test_the_detail_is_what_the_schema_dumps(api_client, personas, report, drive, state, viewer):
    report()  # an open case nearby, so a reported case has a duplicate suggestion
    case = drive(report(reporter_phone="13812345678", place="村口小卖部旁 电话13812345678"), state)
    if state == "closed":
        actions.do_rate(personas.resident_a1, case, "basic", note="还算及时")
    user = getattr(personas, viewer)
    case = Case.objects.select_related("category", "grid", "assignee", "unit").get(pk=case.pk)
    detail = _detail(user, case)
    assert list(detail) == list(CaseDetailOut.model_fields)
    assert as_json(detail) == as_json(schema_dump(detail))
    if state == "reported" and viewer == "worker_a1":  # the grid worker may open the other report
        assert detail["duplicates"] and detail["duplicates"][0]["distance_m"] >= 0
    shown = api_client(viewer).get(f"/api/v1/cases/{case.pk}")
    if shown.status_code == 200:  # party_a1 sees only the cases dispatched to them
        assert shown.json() == json.loads(as_json(detail))
        assert shown["Content-Type"] == "application/json; charset=utf-8"


def test_a_wrong_type_in_the_answer_would_be_seen(personas, report):
    # The comparison above can fail: a Decimal where the schema has a float dumps differently.
    from decimal import Decimal

    detail = _detail(personas.worker_a1, report())
    detail["lat"] = Decimal("22.705")
    assert as_json(detail) != as_json(schema_dump(detail))
