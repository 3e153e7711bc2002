"""Claims: filed with evidence → reviewed by the grid → approved by the village → published for N days
→ counted by the sweep, once. Rejections need a reason; nobody reviews their own claim; the approver is
not the reviewer; outsiders see nothing."""

import datetime

import pytest
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.points import actions, ledger
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Account, Entry


def _file(personas, rules, evidence="3月8日参加村道清扫志愿活动，网格员可证明"):
    return actions.do_file_claim(personas.resident_a1, personas.town.zhang, rules.volunteer, evidence)


def test_the_whole_flow_counts_after_publicity_and_only_once(personas, rules, settings):
    settings.GRIDGOV_POINTS_PUBLICITY_DAYS = 5
    claim = _file(personas, rules)
    assert claim.state == "submitted" and claim.path == personas.town.zhang.path
    claim = actions.do_review_claim(personas.worker_a1, claim, True)
    assert claim.state == "reviewed" and claim.reviewed_by == personas.worker_a1
    claim = actions.do_review_claim(personas.secretary_a, claim, True)
    assert claim.state == "publicised"
    assert claim.publicity_until - claim.approved_at == datetime.timedelta(days=5)
    assert actions.make_claims_count(claim.publicity_until - datetime.timedelta(seconds=1)) == {"counted": 0,
                                                                                                "rejected": 0}
    assert Entry.objects.count() == 0
    assert actions.make_claims_count(claim.publicity_until) == {"counted": 1, "rejected": 0}
    assert actions.make_claims_count(claim.publicity_until + datetime.timedelta(days=1))["counted"] == 0
    claim.refresh_from_db()
    assert claim.state == "effective" and claim.entry.points == 10 and claim.entry.key == f"claim:{claim.pk}"
    assert Account.objects.get(person=personas.town.zhang).balance == 10
    actions_logged = set(AuditEntry.objects.filter(object_type="points.claim", object_id=str(claim.pk))
                         .values_list("action", flat=True))
    assert actions_logged == {"points.claim_filed", "points.claim_reviewed", "points.claim_approved",
                              "points.claim_counted"}
    assert ledger.check() == []


def test_rejections_need_a_reason_at_every_step(personas, rules):
    claim = _file(personas, rules)
    with pytest.raises(LedgerError) as exc:
        actions.do_review_claim(personas.worker_a1, claim, False, "")
    assert exc.value.status == 400 and exc.value.field == "reason"
    claim = actions.do_review_claim(personas.worker_a1, claim, False, "当天未参加活动")
    assert (claim.state, claim.reject_reason) == ("rejected", "当天未参加活动")
    with pytest.raises(LedgerError) as exc:
        actions.do_review_claim(personas.secretary_a, claim, True)
    assert exc.value.status == 409
    # an objection during publicity: the village takes it back, with a reason
    claim = _file(personas, rules)
    actions.do_review_claim(personas.worker_a1, claim, True)
    actions.do_review_claim(personas.secretary_a, claim, True)
    claim = actions.do_review_claim(personas.secretary_a, claim, False, "公示期间收到异议，经核实不属实")
    assert claim.state == "rejected"
    assert actions.make_claims_count(timezone.now() + datetime.timedelta(days=30))["counted"] == 0
    assert Entry.objects.count() == 0


def test_refusals(personas, rules, settings):
    claim = _file(personas, rules)
    with pytest.raises(LedgerError) as exc:  # a resident does not review
        actions.do_review_claim(personas.resident_a1, claim, True)
    assert exc.value.status == 404
    with pytest.raises(LedgerError) as exc:  # village B sees nothing of it
        actions.do_review_claim(personas.outsider, claim, True)
    assert exc.value.status == 404
    claim = actions.do_review_claim(personas.worker_a1, claim, True)
    with pytest.raises(LedgerError) as exc:  # the grid worker does not approve
        actions.do_review_claim(personas.worker_a1, claim, True)
    assert exc.value.status == 403
    # the reviewer cannot also approve (four eyes)
    claim2 = _file(personas, rules)
    actions.do_review_claim(personas.secretary_a, claim2, True)
    with pytest.raises(LedgerError) as exc:
        actions.do_review_claim(personas.secretary_a, claim2, True)
    assert exc.value.status == 403
    # nobody reviews their own claim: a grid worker files for himself and may not review it
    from gridgov.org.actions import do_create_person, do_create_user

    zhao = do_create_person(None, name="赵卫东", grid=personas.town.a1)
    worker_self = do_create_user(None, "worker_zhao", "grid_worker", personas.town.a1.code)
    worker_self.person = zhao  # staff accounts may be tied to their person
    worker_self.save(update_fields=["person"])
    own = actions.do_file_claim(worker_self, zhao, rules.volunteer, "参加防汛值守")
    with pytest.raises(LedgerError) as exc:
        actions.do_review_claim(worker_self, own, True)
    assert exc.value.status == 403


def test_filing_refusals(personas, rules):
    town = personas.town
    with pytest.raises(LedgerError) as exc:  # evidence is required
        actions.do_file_claim(personas.resident_a1, town.zhang, rules.volunteer, "  ")
    assert exc.value.field == "evidence"
    with pytest.raises(LedgerError) as exc:  # a resident claims only for themselves
        actions.do_file_claim(personas.resident_a1, town.chen, rules.volunteer, "x")
    assert exc.value.status == 404
    with pytest.raises(LedgerError) as exc:  # a deduction is not claimed
        actions.do_file_claim(personas.worker_a1, town.zhang, rules.violation, "x")
    assert exc.value.status == 400
    with pytest.raises(LedgerError) as exc:  # outsiders cannot file for village A's people
        actions.do_file_claim(personas.outsider, town.zhang, rules.volunteer, "x")
    assert exc.value.status == 404
    # the grid worker files for a resident of the grid
    claim = actions.do_file_claim(personas.worker_a1, town.zhang, rules.volunteer, "代为申报：协助疫苗接种登记")
    assert claim.filed_by == personas.worker_a1 and claim.person == town.zhang


def test_claim_beyond_the_cap_is_rejected_when_it_would_count(personas, rules, settings):
    settings.GRIDGOV_POINTS_PUBLICITY_DAYS = 0
    capped = actions.do_save_rule(personas.town_admin, personas.town.town, code="CAP", name="好人好事", points=10,
                                  needs_review=True, cap=10, cap_period="year")
    first = actions.do_file_claim(personas.resident_a1, personas.town.zhang, capped, "拾金不昧")
    second = actions.do_file_claim(personas.resident_a1, personas.town.zhang, capped, "帮扶孤寡老人")
    for claim in (first, second):
        actions.do_review_claim(personas.worker_a1, claim, True)
        actions.do_review_claim(personas.secretary_a, claim, True)
    assert actions.make_claims_count() == {"counted": 1, "rejected": 1}
    second.refresh_from_db()
    assert second.state == "rejected" and second.reject_reason
    assert Account.objects.get(person=personas.town.zhang).balance == 10
