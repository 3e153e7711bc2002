"""Reporting: routed to the small grid by point or chosen grid, at grid level, with a number, a clock,
a timeline entry, an audit row, a sealed phone and a notice to the grid's worker."""

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, Notification, Outbox
from gridgov.cases.workflow import CaseError
from gridgov.core.models import AuditEntry
from tests.cases.conftest import MONDAY_10, POINT_A1, POINT_B1

pytestmark = pytest.mark.usefixtures("english")


def test_a_point_routes_the_case_to_its_small_grid(personas, report):
    case = report(point=POINT_B1)
    assert case.grid == personas.town.b1 and case.path == personas.town.b1.path


def test_the_point_wins_over_the_chosen_grid_and_the_grid_is_the_fallback(personas, report):
    assert report(point=POINT_A1, grid=personas.town.b2).grid == personas.town.a1
    assert report(point=(22.0, 112.0), grid=personas.town.b2.code).grid == personas.town.b2
    assert report(point=None, grid=personas.town.a2).grid == personas.town.a2


@pytest.mark.parametrize("kwargs, message", [
    ({"point": (22.0, 112.0)}, "outside every grid"),
    ({"point": None}, "choose your grid"),
    ({"point": None, "grid": "445321104201000"}, "small grid"),
    ({"point": None, "grid": "445321104201999"}, "No grid"),
    ({"point": (95.0, 112.0)}, "not a valid latitude"),
    ({"description": "   "}, "Describe"),
    ({"reporter_phone": "12345"}, "Phone must be"),
    ({"channel": "carrier pigeon"}, "Unknown channel"),
])
def test_bad_reports_are_refused_with_a_message(report, kwargs, message):
    before = Case.objects.count()
    with pytest.raises(CaseError, match=message) as refused:
        report(**kwargs)
    assert refused.value.status == 400
    assert Case.objects.count() == before


def test_only_an_active_subcategory_takes_reports(report, cfg):
    with pytest.raises(CaseError, match="subcategory"):
        report(category=cfg.env)
    actions.do_update_category(None, cfg.garbage, is_active=False)
    with pytest.raises(CaseError, match="subcategory"):
        report(category="0101")


def test_a_new_case_starts_at_the_grid_with_its_assessment_clock(personas, report, cfg):
    case = report(category=cfg.neighbours)  # its usual handling level is the village
    assert (case.state, case.level, case.channel) == ("reported", "grid", "resident")
    assert case.number == f"20260302-{case.pk:06d}"
    assert case.reporter == personas.town.zhang and case.reporter_user == personas.resident_a1
    assert case.created_at == MONDAY_10 and case.step_started_at == MONDAY_10
    assert case.deadline is not None and case.due_soon_at < case.deadline


def test_the_phone_is_stored_sealed_and_masked(report):
    case = report(reporter_phone="13912345678")
    stored = Case.objects.values("reporter_phone_enc", "reporter_phone_hash").get(pk=case.pk)
    assert "13912345678" not in str(stored)
    assert Case.objects.get(pk=case.pk).reporter_phone == "13912345678"
    assert case.reporter_phone_masked == "139****5678"
    audit = AuditEntry.objects.get(action="case.report", object_id=str(case.pk))
    assert "13912345678" not in str(audit.after)


def test_a_grid_worker_reports_on_patrol_or_for_a_resident(personas, report):
    patrol = report(actor=personas.worker_a1)
    assert (patrol.channel, patrol.reporter, patrol.reporter_user) == ("patrol", None, personas.worker_a1)
    proxy = report(actor=personas.worker_a1, reporter_person=personas.town.zhang_wife)
    assert (proxy.channel, proxy.reporter) == ("proxy", personas.town.zhang_wife)


def test_only_staff_report_for_someone_else_and_only_in_their_scope(personas, report):
    with pytest.raises(CaseError) as refused:
        report(actor=personas.resident_a1, reporter_person=personas.town.chen)
    assert refused.value.status == 403
    with pytest.raises(CaseError):
        report(actor=personas.worker_a1, reporter_person=personas.town.chen)  # lives in A2


def test_the_report_is_on_the_timeline_in_the_audit_log_and_in_the_workers_inbox(personas, report):
    case = report()
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.to_state, event.actor) == ("report", "reported", personas.resident_a1)
    assert AuditEntry.objects.filter(action="case.report", object_id=str(case.pk), path=case.path).exists()
    note = Notification.objects.get(case=case)
    assert note.user == personas.worker_a1 and note.kind == "reported"
    assert Outbox.objects.filter(notification=note, channel="log", state="pending").count() == 1
