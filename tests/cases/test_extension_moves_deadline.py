"""An approved extension moves the deadline by working time; a refused one does not; a request needs a reason."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import ExtensionRequest, Notification
from gridgov.cases.workflow import CaseError
from tests.cases.conftest import local

pytestmark = pytest.mark.usefixtures("english")


def test_approved_extension_in_hours(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    assert case.deadline == local(2026, 3, 3, 11, 0)
    request = actions.do_extend(personas.party_a1, case, 4, reason="垃圾车周二才来")
    assert request.unit == "h"  # the category's unit
    assert Notification.objects.filter(case=case, kind="extension_requested", user=personas.secretary_a).exists()
    decided = actions.do_approve_extension(personas.secretary_a, case)
    case.refresh_from_db()
    assert decided.state == "approved" and case.deadline == local(2026, 3, 3, 17, 0)  # +4 working hours over lunch
    assert Notification.objects.filter(case=case, kind="extension_decided", user=personas.party_a1).exists()


def test_approved_extension_in_days(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    actions.do_extend(personas.party_a1, case, 2, reason="需协调", unit="d")
    actions.do_approve_extension(personas.worker_a1, case)  # the grid worker assessed it: may decide
    case.refresh_from_db()
    assert case.deadline == local(2026, 3, 5, 17, 30)  # two workdays after Tuesday


def test_refused_extension_keeps_the_deadline(personas, report, drive, clock):
    case = drive(report(), "in_progress")
    actions.do_extend(personas.party_a1, case, 4, reason="理由")
    actions.do_approve_extension(personas.town_admin, case, approved=False)
    case.refresh_from_db()
    assert case.deadline == local(2026, 3, 3, 11, 0)


@pytest.mark.parametrize("amount, unit, reason, message", [
    (0, "h", "理由", "between 1 and"),
    (1000, "h", "理由", "between 1 and"),
    ("many", "h", "理由", "between 1 and"),
    (2, "w", "理由", "working hours"),
    (2, "h", "", "reason"),
])
def test_bad_requests_are_refused(personas, report, drive, amount, unit, reason, message):
    case = drive(report(), "in_progress")
    with pytest.raises(CaseError, match=message):
        actions.do_extend(personas.party_a1, case, amount, reason=reason, unit=unit)
    assert not ExtensionRequest.objects.exists()


def test_nothing_to_decide(personas, report, drive):
    with pytest.raises(CaseError, match="waiting for a decision"):
        actions.do_approve_extension(personas.town_admin, drive(report(), "in_progress"))


def test_a_pending_request_is_withdrawn_when_the_case_is_resolved(personas, report, drive):
    case = drive(report(), "in_progress")
    request = actions.do_extend(personas.party_a1, case, 4, reason="理由")
    actions.do_resolve(personas.party_a1, case, result="提前完成")
    assert ExtensionRequest.objects.get(pk=request.pk).state == "refused"
