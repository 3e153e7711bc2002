"""A case outside the actor's scope does not exist for them: every action answers 404 and changes nothing."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.workflow import TRANSITIONS, CaseError
from tests.cases.action_calls import call
from tests.cases.test_refusals_wrong_actor import WRONG_ACTORS

pytestmark = pytest.mark.usefixtures("english")

STATE_OF = {**{a: s for a, (s, _u) in WRONG_ACTORS.items()}, "comment": "in_progress"}


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_the_secretary_of_another_village_gets_404(personas, cfg, report, drive, action):
    assert set(STATE_OF) == set(TRANSITIONS)
    case = drive(report(), STATE_OF[action])
    if action == "approve_extension":
        actions.do_extend(personas.party_a1, case, 2, reason="材料未齐")
    if action == "answer_supervision":
        actions.do_supervise(personas.secretary_a, case, note="请加快")
    state, events = case.state, CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseError, match="No such case") as refused:
        call(action, personas.outsider, case, personas, cfg)
    assert refused.value.status == 404
    assert Case.objects.get(pk=case.pk).state == state
    assert CaseEvent.objects.filter(case=case).count() == events


def test_party_members_of_another_village_cannot_see_or_claim_the_pool(personas, report, more_party_members):
    (member_b,) = more_party_members(1, personas.town.b1)
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    with pytest.raises(CaseError) as refused:
        actions.do_claim(member_b, case)
    assert refused.value.status == 404
    assert Case.objects.get(pk=case.pk).in_pool


def test_the_reporters_neighbour_does_not_see_the_case(personas, report, more_party_members):
    (neighbour,) = more_party_members(1, personas.town.a1)
    case = report()  # not in the pool: only the reporter and staff see it
    with pytest.raises(CaseError) as refused:
        actions.do_comment(neighbour, case, text="我也看到了")
    assert refused.value.status == 404
