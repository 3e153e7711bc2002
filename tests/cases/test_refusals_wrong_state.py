"""An action from a state the table does not list answers 409 with a message and changes nothing."""

import pytest

from gridgov.cases.models import Case, CaseEvent, State
from gridgov.cases.workflow import TRANSITIONS, CaseError
from gridgov.core.audit import snapshot
from gridgov.core.models import AuditEntry
from tests.cases.action_calls import call

pytestmark = pytest.mark.usefixtures("english")

STATES = ["reported", "accepted", "dispatched", "in_progress", "suspended", "resolved", "closed", "rejected",
          "merged"]
WRONG = [(action, state) for action, t in TRANSITIONS.items() for state in STATES if state not in t.sources]


@pytest.mark.parametrize("action, state", WRONG)
def test_wrong_state_is_refused_and_nothing_changes(personas, cfg, report, drive, action, state):
    case = drive(report(), state)
    before = snapshot(Case.objects.get(pk=case.pk), [f.attname for f in Case._meta.concrete_fields])
    events = CaseEvent.objects.filter(case=case).count()
    audits = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count()
    actor = personas.resident_a1 if action == "rate" else personas.town_admin
    with pytest.raises(CaseError, match="A case that is") as refused:
        call(action, actor, case, personas, cfg)
    assert refused.value.status == 409
    assert State(case.state).label.lower() in refused.value.message
    assert snapshot(Case.objects.get(pk=case.pk), [f.attname for f in Case._meta.concrete_fields]) == before
    assert CaseEvent.objects.filter(case=case).count() == events
    assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == audits
