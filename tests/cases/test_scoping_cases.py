"""Who sees which cases through restrict(): staff their subtree, departments the town, residents their own
reports, party members their orders and their village's pool; the outsider nothing of village A."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case
from gridgov.cases.workflow import CaseError
from gridgov.core.models import AuditEntry
from gridgov.core.scoping import EXPORT, VIEW, VIEW_PERSONAL, restrict
from tests.cases.conftest import POINT_B1


@pytest.fixture
def spread(personas, report):
    """One case in A1 by the resident, one in A2 by the grid worker, one in B1, one pooled in A2."""
    p = personas
    s = {
        "a1": report(),
        "a2": report(actor=p.secretary_a, point=None, grid=p.town.a2),
        "b1": report(actor=p.outsider, point=POINT_B1),
    }
    pooled = report(actor=p.secretary_a, point=None, grid=p.town.a2)
    s["pool"] = actions.do_publish(p.secretary_a, actions.do_accept(p.secretary_a, pooled))
    return s


def seen(user, spread, action=VIEW):
    ids = set(restrict(user, action, Case).values_list("pk", flat=True))
    return {name for name, case in spread.items() if case.pk in ids}


def test_each_persona_sees_its_part(personas, spread):
    p = personas
    assert seen(p.town_admin, spread) == {"a1", "a2", "b1", "pool"}
    assert seen(p.department, spread) == {"a1", "a2", "b1", "pool"}
    assert seen(p.secretary_a, spread) == {"a1", "a2", "pool"}
    assert seen(p.worker_a1, spread) == {"a1"}
    assert seen(p.resident_a1, spread) == {"a1"}
    assert seen(p.party_a1, spread) == {"pool"}  # the pool of village A
    assert seen(p.outsider, spread) == {"b1"}


def test_a_party_member_sees_the_orders_they_took(personas, spread):
    actions.do_claim(personas.party_a1, spread["pool"])
    actions.do_dispatch(personas.worker_a1, actions.do_accept(personas.worker_a1, spread["a1"]), "party_a1")
    assert seen(personas.party_a1, spread) == {"pool", "a1"}


def test_exports_and_full_phones_are_for_staff(personas, spread):
    assert seen(personas.secretary_a, spread, EXPORT) == {"a1", "a2", "pool"}
    assert seen(personas.resident_a1, spread, EXPORT) == set()
    assert seen(personas.worker_a1, spread, VIEW_PERSONAL) == {"a1"}
    assert seen(personas.department, spread, VIEW_PERSONAL) == set()


def test_revealing_the_reporters_phone_is_audited(personas, report):
    case = report(reporter_phone="13912345678")
    assert actions.do_reveal_reporter_phone(personas.worker_a1, case) == "13912345678"
    assert AuditEntry.objects.filter(action="case.reveal_phone", actor=personas.worker_a1,
                                     object_id=str(case.pk)).count() == 1
    for user in (personas.department, personas.outsider, personas.party_a1):
        with pytest.raises(CaseError) as refused:
            actions.do_reveal_reporter_phone(user, case)
        assert refused.value.status == 403
    assert AuditEntry.objects.filter(action="case.reveal_phone").count() == 1
