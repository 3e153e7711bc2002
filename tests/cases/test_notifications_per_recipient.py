"""Each notification is worded for the one who gets it: along every transition of the loop, who is
told what, in the site language (Chinese). The reporter hears that their problem waits for the check,
the grid worker that it is theirs to check; the handler that an overdue case is theirs to act on, the
supervisors that a case of their area is overdue."""

import datetime

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Notification
from gridgov.org import actions as org_actions

from tests.conftest import PASSWORD


def told(case, kind) -> dict[str, str]:
    return dict(Notification.objects.filter(case=case, kind=kind).values_list("user__username", "text"))


def test_report_accept_dispatch_claim(personas, report):
    case = report()
    n = case.number
    assert told(case, "reported") == {"worker_a1": f"您的网格有新事件 {n}：垃圾清运"}
    actions.do_accept(personas.worker_a1, case)
    assert told(case, "accepted") == {"resident_a1": f"您反映的事件 {n} 已受理"}
    actions.do_dispatch(personas.worker_a1, case, "party_a1")
    assert told(case, "dispatched") == {"party_a1": f"事件 {n} 已派遣给您：垃圾清运"}
    actions.do_claim(personas.party_a1, case)
    assert told(case, "claimed") == {"resident_a1": f"您反映的事件 {n} 正在处置中"}


def test_resolve_reads_as_waiting_to_the_reporter_and_as_a_task_to_the_verifier(personas, report, drive):
    case = drive(report(), "resolved")
    n = case.number
    assert told(case, "resolved") == {
        "resident_a1": f"您反映的问题（事件 {n}）已办结，等待核查",
        "worker_a1": f"事件 {n} 已办结，请核查",
    }


def test_rework_then_close(personas, report, drive):
    case = drive(report(), "resolved")
    n = case.number
    actions.do_verify(personas.worker_a1, case, passed=False, note="还有垃圾")
    assert told(case, "reopened") == {"party_a1": f"事件 {n} 核查未通过，需要返工"}
    actions.do_resolve(personas.party_a1, case, result="已全部清运")
    actions.do_verify(personas.worker_a1, case)
    assert told(case, "closed") == {"resident_a1": f"您反映的事件 {n} 已结案，请对处置结果进行评价"}


def test_reject_and_merge_tell_the_reporter(personas, report):
    rejected = actions.do_reject(personas.worker_a1, report(), reason="不属于受理范围")
    assert told(rejected, "rejected") == {"resident_a1": f"您反映的事件 {rejected.number} 不予受理：不属于受理范围"}
    kept = report()
    merged = actions.do_merge(personas.worker_a1, report(), kept)
    assert told(merged, "merged") == {"resident_a1": f"您反映的事件 {merged.number} 已与事件 {kept.number} 合并处置"}


def test_pool_return_and_escalation(personas, report):
    case = actions.do_accept(personas.worker_a1, report())
    n = case.number
    actions.do_publish(personas.worker_a1, case)
    assert told(case, "published") == {"party_a1": f"接单大厅有新订单：事件 {n}，垃圾清运"}
    actions.do_claim(personas.party_a1, case)
    actions.do_return(personas.party_a1, case, reason="外出")
    assert told(case, "returned") == {"worker_a1": f"事件 {n} 被退回：外出"}
    actions.do_escalate(personas.worker_a1, case, reason="需村里协调")
    assert told(case, "escalated") == {"secretary_a": f"事件 {n} 已上报给您研判：垃圾清运"}


def test_extension_and_supervision(personas, report, drive):
    case = drive(report(), "in_progress")
    n = case.number
    actions.do_extend(personas.party_a1, case, 4, reason="需要等垃圾车")
    approvers = {name: f"事件 {n} 有延期申请待审批" for name in ("worker_a1", "secretary_a", "town_admin")}
    assert told(case, "extension_requested") == approvers
    actions.do_approve_extension(personas.worker_a1, case, approved=True)
    assert set(told(case, "extension_decided")) == {"party_a1"}
    assert told(case, "extension_decided")["party_a1"].startswith(f"您对事件 {n} 提交的延期申请")
    actions.do_supervise(personas.secretary_a, case, note="请今天内处理")
    assert told(case, "supervised") == {"party_a1": f"事件 {n} 收到督办：请今天内处理"}
    actions.do_answer_supervision(personas.party_a1, case, answer="下午清运")
    assert told(case, "supervision_answered") == {"secretary_a": f"您对事件 {n} 的督办已有回复"}


def test_clock_sweeps_tell_the_handler_and_the_supervisors_apart(personas, report, drive, clock):
    # 8 working hours to handle from Monday 10:00 (08:30-12:00, 14:00-17:30): due Tuesday 11:00,
    # due soon from Tuesday 09:24 (80 %).
    case = drive(report(), "in_progress")
    n = case.number
    clock.shift(datetime.timedelta(days=1))  # Tuesday 10:00
    actions.mark_clocks()
    assert set(told(case, "due_soon")) == {"party_a1"}
    assert told(case, "due_soon")["party_a1"].startswith(f"事件 {n} 即将超期")
    clock.shift(datetime.timedelta(days=1))  # Wednesday 10:00: past the limit
    actions.mark_clocks()
    assert told(case, "overdue") == {
        "party_a1": f"您负责的事件 {n} 已超期，请尽快办理",
        "secretary_a": f"辖区内事件 {n} 已超期",
        "town_admin": f"辖区内事件 {n} 已超期",
    }


def test_someone_in_two_audiences_is_told_once_in_the_words_of_the_task(personas, report, drive):
    # The grid worker reported a problem of their own grid: at resolution they are reporter and verifier.
    case = drive(report(actor=personas.worker_a1), "resolved")
    assert told(case, "resolved") == {"worker_a1": f"事件 {case.number} 已办结，请核查"}


def test_a_second_grid_worker_verifies_too(personas, report, drive):
    org_actions.do_create_user(None, "worker_a1b", "grid_worker", personas.town.a1.code, password=PASSWORD)
    case = drive(report(), "resolved")
    texts = told(case, "resolved")
    assert texts["worker_a1b"] == texts["worker_a1"] == f"事件 {case.number} 已办结，请核查"


def test_a_notice_with_several_audiences_must_say_whom_it_is_for(personas, report):
    from gridgov.cases import routing

    case = report()
    with pytest.raises(ValueError):
        routing.notify([personas.worker_a1], case, "resolved", case.created_at)
