"""Random walks through the workflow, by random personas, never break the case's invariants, and a refused
action never changes anything. Each step draws either one of the actions some persona may take now
(so walks go deep into the loop) or any action by anyone (so refusals are exercised too)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.cases.models import FINAL_STATES, LEVEL_ORDER, Case, CaseEvent, ExtensionRequest, State, Supervision
from gridgov.cases.workflow import TRANSITIONS, CaseError, allowed_actions
from gridgov.core.audit import snapshot
from tests.cases.action_calls import call

ACTORS = ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "department", "outsider"]
FIELDS = [f.attname for f in Case._meta.concrete_fields]
STATE_EVENTS = set(TRANSITIONS) | {"report"}
ANY_PAIRS = sorted((action, who) for action in TRANSITIONS for who in ACTORS)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def check_invariants(case: Case) -> None:
    events = list(CaseEvent.objects.filter(case=case).order_by("time", "pk"))
    actions = [e.action for e in events]
    assert case.state in State.values
    assert not (case.in_pool and case.assignee_id)
    assert (case.deadline is None) == (case.state in FINAL_STATES)
    assert (case.paused_at is not None) == (case.state == State.SUSPENDED)
    assert case.rework_count == actions.count("reopen")
    assert case.escalation_count == actions.count("escalate")
    assert case.level == LEVEL_ORDER[case.escalation_count]  # accept is never given a level here
    assert (case.closed_at is not None) == (case.state == State.CLOSED) == bool(case.closed_level)
    assert (case.merged_into_id is not None) == (case.state == State.MERGED)
    assert case.late_steps == 0  # time stands still in these walks
    assert case.extension_pending == ExtensionRequest.objects.filter(case=case, state="pending").exists()
    assert case.open_supervisions == Supervision.objects.filter(case=case, answered_at__isnull=True).count()
    last = [e for e in events if e.action in STATE_EVENTS][-1]
    assert last.to_state == case.state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_walks_keep_the_invariants(personas, cfg, report, media, data):
    case = report()
    for _step in range(data.draw(st.integers(0, 40), label="steps")):
        allowed: dict[str, list[str]] = {}
        for who in ACTORS:
            for action in allowed_actions(getattr(personas, who), case):
                allowed.setdefault(action, []).append(who)
        if allowed and data.draw(st.booleans(), label="an allowed action"):
            action = data.draw(st.sampled_from(sorted(allowed)), label="action")
            who = data.draw(st.sampled_from(allowed[action]), label="actor")
        else:
            action, who = data.draw(st.sampled_from(ANY_PAIRS), label="action, actor")
        before = snapshot(case, FIELDS)
        try:
            call(action, getattr(personas, who), case, personas, cfg)
        except CaseError as refused:
            assert refused.status in (400, 404, 409)
            assert snapshot(Case.objects.get(pk=case.pk), FIELDS) == before
        case = Case.objects.get(pk=case.pk)
        check_invariants(case)
