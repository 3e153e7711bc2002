"""The transition table is complete for the contract and consistent with itself and with allowed_actions()."""

import pytest

from gridgov.cases import workflow
from gridgov.cases.models import FINAL_STATES, State
from gridgov.cases.workflow import TRANSITIONS, CaseError

CONTRACT_ACTIONS = ["accept", "reject", "merge", "dispatch", "publish", "claim", "return", "escalate", "transfer",
                    "extend", "approve_extension", "suspend", "resume", "resolve", "verify", "reopen", "rate",
                    "supervise", "comment"]
CONTRACT_STATES = ["reported", "accepted", "dispatched", "in_progress", "suspended", "resolved", "closed",
                   "rejected", "merged"]
ROLES = {workflow.REPORTER, workflow.ASSESSOR, workflow.STAFF, workflow.SUPERVISOR, workflow.HANDLER,
         workflow.POOL_MEMBER, workflow.VIEWER}


def test_every_contract_action_and_state_is_in_the_table():
    assert set(CONTRACT_ACTIONS) <= set(TRANSITIONS)
    assert set(CONTRACT_STATES) <= set(State.values)


def test_rows_name_known_states_and_roles():
    for name, t in TRANSITIONS.items():
        assert t.sources and t.sources <= set(State.values), name
        assert t.target is None or t.target in State.values, name
        assert t.who and set(t.who) <= ROLES, name
        assert name in workflow.ACTION_LABELS


def test_final_states_allow_only_the_record_and_the_rating():
    for state in FINAL_STATES:
        allowed = {name for name, t in TRANSITIONS.items() if state in t.sources}
        assert allowed <= {"comment", "rate"}, (state, allowed)
    assert {name for name, t in TRANSITIONS.items() if "closed" in t.sources} == {"comment", "rate"}


def test_every_open_state_can_be_left():
    for state in set(State.values) - set(FINAL_STATES):
        leaving = [t for t in TRANSITIONS.values() if state in t.sources and t.target not in (None, state)]
        assert leaving, state


def test_closing_needs_verification():
    assert [name for name, t in TRANSITIONS.items() if t.target == State.CLOSED] == ["verify"]
    assert TRANSITIONS["verify"].sources == {State.RESOLVED}


@pytest.mark.parametrize("state", ["reported", "accepted", "dispatched", "in_progress", "suspended", "resolved",
                                   "closed", "rejected"])
def test_allowed_actions_agree_with_check(personas, report, drive, state):
    case = drive(report(), state)
    for user in [personas.town_admin, personas.secretary_a, personas.worker_a1, personas.party_a1,
                 personas.resident_a1, personas.department, personas.outsider]:
        allowed = set(workflow.allowed_actions(user, case))
        for action in TRANSITIONS:
            try:
                workflow.check(action, user, case)
                passes = True
            except CaseError:
                passes = False
            assert passes == (action in allowed), (state, user.username, action)
