"""Failed verifications count as rework; escalations are counted and recorded, and the closing level kept."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent
from gridgov.cases.workflow import CaseError

pytestmark = pytest.mark.usefixtures("english")


def test_failed_verification_reopens_for_rework(personas, report, drive):
    case = drive(report(), "resolved")
    with pytest.raises(CaseError, match="still wrong"):
        actions.do_verify(personas.worker_a1, case, passed=False, note="")
    case = actions.do_verify(personas.worker_a1, case, passed=False, note="巷尾还有垃圾")
    assert (case.state, case.rework_count, case.resolved_at, case.step) == ("in_progress", 1, None, "handle")
    case = actions.do_resolve(personas.party_a1, case, result="巷尾也已清理")
    case = actions.do_reopen(personas.resident_a1, case, reason="第二天又堆满了")  # the reporter may send it back
    case = actions.do_resolve(personas.party_a1, case, result="加设垃圾桶")
    case = actions.do_verify(personas.worker_a1, case)
    assert (case.state, case.rework_count) == ("closed", 2)
    assert list(CaseEvent.objects.filter(case=case, action="reopen").values_list("data__rework", flat=True)) == [1, 2]


def test_escalations_are_counted_and_the_closing_level_kept(personas, report):
    case = actions.do_escalate(personas.worker_a1, report(), reason="涉及多户")
    case = actions.do_escalate(personas.secretary_a, case, reason="需镇里统筹")
    case = actions.do_accept(personas.town_admin, case)
    case = actions.do_claim(personas.town_admin, actions.do_dispatch(personas.town_admin, case, "U-TO"))
    case = actions.do_resolve(personas.town_admin, case, result="镇里统一处理")
    case = actions.do_verify(personas.secretary_a, case)
    assert (case.escalation_count, case.closed_level) == (2, "town")
    steps = list(CaseEvent.objects.filter(case=case, action="escalate").values_list("data__from_level",
                                                                                      "data__to_level"))
    assert steps == [("grid", "village"), ("village", "town")]


def test_a_case_solved_in_its_grid_closes_at_grid_level(report, drive):
    case = drive(report(), "closed")
    assert (case.escalation_count, case.closed_level, case.rework_count) == (0, "grid", 0)
