"""An actor who may see the case but holds none of the roles the table names answers 409 and changes nothing."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.workflow import CaseError
from gridgov.core.audit import snapshot
from tests.cases.action_calls import call

pytestmark = pytest.mark.usefixtures("english")

# action -> (state to drive the case to, accounts that see the case but may not take the action)
WRONG_ACTORS = {
    "accept": ("reported", ["resident_a1", "department"]),
    "reject": ("reported", ["resident_a1", "department"]),
    "merge": ("reported", ["resident_a1", "department"]),
    "escalate": ("reported", ["resident_a1", "department"]),
    "dispatch": ("accepted", ["resident_a1", "department"]),
    "publish": ("accepted", ["resident_a1", "department"]),
    "transfer": ("dispatched", ["resident_a1", "party_a1", "department"]),
    "claim": ("dispatched", ["worker_a1", "resident_a1", "department", "town_admin"]),
    "return": ("in_progress", ["worker_a1", "resident_a1", "department"]),
    "extend": ("in_progress", ["worker_a1", "resident_a1", "town_admin"]),
    "approve_extension": ("in_progress", ["party_a1", "resident_a1", "department"]),
    "suspend": ("in_progress", ["resident_a1", "department"]),
    "resume": ("suspended", ["resident_a1", "department"]),
    "resolve": ("in_progress", ["worker_a1", "resident_a1", "town_admin", "department"]),
    "verify": ("resolved", ["party_a1", "department"]),
    "reopen": ("resolved", ["party_a1", "department"]),
    "rate": ("closed", ["worker_a1", "party_a1", "town_admin"]),
    "supervise": ("in_progress", ["party_a1", "resident_a1", "department"]),
    "answer_supervision": ("in_progress", ["resident_a1", "department"]),
    "add_photo": ("in_progress", ["department"]),
}
CASES = [(action, state, username) for action, (state, users) in WRONG_ACTORS.items() for username in users]


@pytest.mark.parametrize("action, state, username", CASES)
def test_wrong_actor_is_refused_and_nothing_changes(personas, cfg, report, drive, action, state, username):
    case = drive(report(), state)
    if action == "approve_extension":
        actions.do_extend(personas.party_a1, case, 2, reason="材料未齐")
    if action == "answer_supervision":
        actions.do_supervise(personas.secretary_a, case, note="请加快")
    fields = [f.attname for f in Case._meta.concrete_fields]
    before = snapshot(Case.objects.get(pk=case.pk), fields)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseError, match="You may not") as refused:
        call(action, getattr(personas, username), case, personas, cfg)
    assert refused.value.status == 409
    assert snapshot(Case.objects.get(pk=case.pk), fields) == before
    assert CaseEvent.objects.filter(case=case).count() == events


def test_nobody_decides_on_their_own_extension(personas, report, drive):
    case = drive(report(), "in_progress")
    case = actions.do_return(personas.party_a1, case, reason="自己处理")
    case = actions.do_claim(personas.worker_a1, actions.do_dispatch(personas.worker_a1, case, "worker_a1"))
    actions.do_extend(personas.worker_a1, case, 2, reason="材料未齐")
    with pytest.raises(CaseError, match="your own extension"):
        actions.do_approve_extension(personas.worker_a1, case)
    assert actions.do_approve_extension(personas.secretary_a, case).state == "approved"
