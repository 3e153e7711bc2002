"""Every transition of the table, taken by an actor allowed to, does what it says."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, ExtensionRequest, Notification, Supervision
from gridgov.cases.workflow import CaseError

pytestmark = pytest.mark.usefixtures("english")


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", "from_state", "to_state"))


def test_accept_sets_priority_and_may_hand_down_but_not_up(personas, report):
    case = actions.do_accept(personas.worker_a1, report(), priority="urgent")
    assert (case.state, case.priority, case.level) == ("accepted", "urgent", "grid")
    assert case.accepted_at is not None
    with pytest.raises(CaseError, match="escalate"):
        actions.do_accept(personas.worker_a1, report(), level="village")
    town_case = report()
    for _i in range(2):
        town_case = actions.do_escalate(personas.town_admin, town_case, reason="重大")
    town_case = actions.do_accept(personas.town_admin, town_case, level="village")
    assert (town_case.state, town_case.level) == ("accepted", "village")


def test_reject_needs_a_reason_and_stops_the_clock(personas, report):
    case = report()
    with pytest.raises(CaseError, match="reason"):
        actions.do_reject(personas.worker_a1, case, reason=" ")
    case = actions.do_reject(personas.worker_a1, case, reason="不属于受理范围")
    assert (case.state, case.deadline, case.clock()) == ("rejected", None, None)
    assert Notification.objects.filter(case=case, user=personas.resident_a1, kind="rejected").exists()


def test_merge_closes_a_duplicate_into_an_open_case(personas, report, drive):
    target = report()
    duplicate = actions.do_merge(personas.worker_a1, report(), target.pk)
    assert (duplicate.state, duplicate.merged_into) == ("merged", target)
    assert CaseEvent.objects.filter(case=target, action="merged_in", data__case=duplicate.pk).exists()
    with pytest.raises(CaseError, match="itself"):
        actions.do_merge(personas.worker_a1, target, target)
    closed = drive(report(), "closed")
    with pytest.raises(CaseError, match="open case"):
        actions.do_merge(personas.worker_a1, report(), closed)


def test_dispatch_to_a_person_or_a_unit(personas, report, cfg):
    case = actions.do_accept(personas.worker_a1, report())
    case = actions.do_dispatch(personas.worker_a1, case, "party_a1")
    assert (case.state, case.assignee, case.unit, case.in_pool) == ("dispatched", personas.party_a1, None, False)
    assert Notification.objects.filter(case=case, user=personas.party_a1, kind="dispatched").exists()
    village_case = actions.do_escalate(personas.worker_a1, report(), reason="村里处理")
    village_case = actions.do_accept(personas.secretary_a, village_case)
    village_case = actions.do_dispatch(personas.secretary_a, village_case, "U-A")
    assert (village_case.unit, village_case.assignee) == (cfg.village_a_committee, None)


@pytest.mark.parametrize("to, message, status", [
    ("nobody", "No user or unit", 400),
    ("outsider", "cannot handle cases of this place", 400),
    ("resident_a1", "cannot handle cases of this place", 400),
    ("U-ZZ", "escalate the case first", 409),
    ("", "Say whom", 400),
])
def test_dispatch_refuses_targets_that_cannot_take_the_case(personas, report, to, message, status):
    case = actions.do_accept(personas.worker_a1, report())
    with pytest.raises(CaseError, match=message) as refused:
        actions.do_dispatch(personas.worker_a1, case, to)
    assert refused.value.status == status
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_publish_offers_the_case_to_the_party_members_of_its_village_only(personas, report, more_party_members):
    in_village_a = more_party_members(2, personas.town.a2)
    in_village_b = more_party_members(1, personas.town.b1)
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    assert (case.state, case.in_pool, case.assignee) == ("dispatched", True, None)
    told = set(Notification.objects.filter(case=case, kind="published").values_list("user__username", flat=True))
    assert told == {"party_a1"} | {u.username for u in in_village_a}
    assert not told & {u.username for u in in_village_b}


def test_claim_signs_for_a_dispatched_case_or_takes_it_from_the_pool(personas, report, drive):
    case = actions.do_claim(personas.party_a1, drive(report(), "dispatched"))
    assert (case.state, case.assignee) == ("in_progress", personas.party_a1)
    pooled = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    pooled = actions.do_claim(personas.party_a1, pooled)
    assert (pooled.state, pooled.assignee, pooled.in_pool) == ("in_progress", personas.party_a1, False)


def test_a_unit_member_signs_for_the_units_case(personas, report):
    case = actions.do_escalate(personas.worker_a1, report(), reason="村里处理")
    case = actions.do_dispatch(personas.secretary_a, actions.do_accept(personas.secretary_a, case), "U-A")
    case = actions.do_claim(personas.secretary_a, case)
    assert (case.state, case.assignee.username, case.unit.code) == ("in_progress", "secretary_a", "U-A")


def test_return_gives_the_case_back_for_dispatch(personas, report, drive):
    case = actions.do_return(personas.party_a1, drive(report(), "in_progress"), reason="不是我的片区")
    assert (case.state, case.assignee, case.unit, case.in_pool) == ("accepted", None, None, False)
    assert Notification.objects.filter(case=case, user=personas.worker_a1, kind="returned").exists()


def test_escalate_hands_the_case_to_the_next_level_for_a_new_assessment(personas, report, drive):
    case = actions.do_escalate(personas.worker_a1, drive(report(), "in_progress"),
                               reason="涉及多户，需要村委协调")
    assert (case.state, case.level, case.escalation_count, case.assignee) == ("reported", "village", 1, None)
    with pytest.raises(CaseError, match="may not"):
        actions.do_accept(personas.worker_a1, case)  # the grid no longer assesses it
    case = actions.do_escalate(personas.secretary_a, case, reason="需镇里统筹")
    case = actions.do_escalate(personas.town_admin, case, reason="需职能部门")
    assert (case.level, case.escalation_count) == ("department", 3)
    with pytest.raises(CaseError, match="further"):
        actions.do_escalate(personas.town_admin, case, reason="再上报")
    assert [e[0] for e in events(case)].count("escalate") == 3


def test_transfer_moves_a_case_between_units_of_the_same_level(personas, report):
    case = report()
    for _i in range(3):
        case = actions.do_escalate(personas.town_admin, case, reason="部门处理")
    case = actions.do_dispatch(personas.department, actions.do_accept(personas.department, case), "U-ZZ")
    case = actions.do_transfer(personas.department, case, "U-SF", reason="属司法所职责")
    assert (case.state, case.unit.code) == ("dispatched", "U-SF")
    with pytest.raises(CaseError, match="same level"):
        actions.do_transfer(personas.town_admin, case, "U-TO")
    with pytest.raises(CaseError, match="already with"):
        actions.do_transfer(personas.town_admin, case, "U-SF")


def test_resolve_needs_a_result_and_starts_verification(personas, report, drive):
    case = drive(report(), "in_progress")
    with pytest.raises(CaseError, match="what was done"):
        actions.do_resolve(personas.party_a1, case, result="")
    case = actions.do_resolve(personas.party_a1, case, result="已清运完毕")
    assert (case.state, case.step) == ("resolved", "verify") and case.resolved_at is not None
    told = set(Notification.objects.filter(case=case, kind="resolved").values_list("user__username", flat=True))
    assert told == {"worker_a1", "resident_a1"}


def test_verify_closes_the_case_at_its_level_on_time(personas, report, drive):
    case = actions.do_verify(personas.worker_a1, drive(report(), "resolved"))
    assert (case.state, case.closed_level, case.closed_on_time, case.deadline) == ("closed", "grid", True, None)


def test_the_reporter_may_verify_too(personas, report, drive):
    case = actions.do_verify(personas.resident_a1, drive(report(), "resolved"))
    assert case.state == "closed"


def test_rate_once_by_the_reporter(personas, report, drive):
    case = drive(report(), "closed")
    with pytest.raises(CaseError, match="satisfied, basic or dissatisfied"):
        actions.do_rate(personas.resident_a1, case, "great")
    case = actions.do_rate(personas.resident_a1, case, "basic")
    assert (case.rating, case.rating_auto) == ("basic", False)
    with pytest.raises(CaseError, match="rated already"):
        actions.do_rate(personas.resident_a1, case, "satisfied")


def test_supervise_and_answer(personas, report, drive):
    case = drive(report(), "in_progress")
    order = actions.do_supervise(personas.secretary_a, case, note="请今天内处理")
    assert order.due > order.created_at
    assert Notification.objects.filter(case=case, user=personas.party_a1, kind="supervised").exists()
    answered = actions.do_answer_supervision(personas.party_a1, case, answer="下午清运")
    assert answered.pk == order.pk and answered.answered_by == personas.party_a1
    assert Notification.objects.filter(case=case, user=personas.secretary_a, kind="supervision_answered").exists()
    with pytest.raises(CaseError, match="waiting for an answer"):
        actions.do_answer_supervision(personas.party_a1, case, answer="again")
    assert Supervision.objects.filter(case=case, answered_at__isnull=True).count() == 0


def test_comment_by_anyone_who_sees_the_case_in_any_state(personas, report, drive):
    case = drive(report(), "closed")
    event = actions.do_comment(personas.resident_a1, case, text="谢谢！")
    assert (event.action, event.note, event.from_state, event.to_state) == ("comment", "谢谢！", "closed", "closed")


def test_extension_request_then_decision(personas, report, drive):
    case = drive(report(), "in_progress")
    request = actions.do_extend(personas.party_a1, case, 4, reason="需要等垃圾车")
    with pytest.raises(CaseError, match="already waiting"):
        actions.do_extend(personas.party_a1, case, 2, reason="again")
    decided = actions.do_approve_extension(personas.worker_a1, case, approved=False, note="不批准")
    assert decided.pk == request.pk and decided.state == "refused"
    assert ExtensionRequest.objects.get(pk=request.pk).decided_by == personas.worker_a1
