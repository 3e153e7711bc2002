"""Hand awards: who may award which rule, caps per period (refused, never clipped), deductions with
sanctions, reversals by a new entry, and the ledger always matching the balances."""

import datetime

import pytest
from django.utils import translation

from gridgov.core.models import AuditEntry
from gridgov.points import actions, ledger
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Account, Entry


def test_staff_award_writes_an_entry_and_moves_the_balance(personas, rules):
    entry = actions.do_award(personas.worker_a1, rules.meeting, "参加3月村民大会", person=personas.town.zhang)
    account = Account.objects.get(person=personas.town.zhang)
    assert (entry.points, entry.kind, entry.rule, entry.actor) == (5, "award", rules.meeting, personas.worker_a1)
    assert account.balance == 5 and account.path == personas.town.zhang.path
    assert AuditEntry.objects.filter(action="points.award", object_id=str(entry.pk)).exists()
    assert ledger.check() == []


def test_cap_per_month_refuses_the_award_beyond_it(personas, rules):
    zhang = personas.town.zhang
    actions.do_award(personas.worker_a1, rules.meeting, "第一次", person=zhang)
    actions.do_award(personas.worker_a1, rules.meeting, "第二次", person=zhang)
    with pytest.raises(LedgerError) as exc:
        actions.do_award(personas.worker_a1, rules.meeting, "第三次", person=zhang)
    assert exc.value.status == 409
    assert Account.objects.get(person=zhang).balance == 10
    # a reversal gives the room back
    first = Entry.objects.filter(account__person=zhang).order_by("id").first()
    actions.do_reverse(personas.secretary_a, first, "重复登记")
    actions.do_award(personas.worker_a1, rules.meeting, "第三次", person=zhang)
    assert Account.objects.get(person=zhang).balance == 10


def test_cap_resets_with_the_next_month(personas, rules):
    zhang = personas.town.zhang
    may = datetime.datetime(2026, 5, 31, 12, tzinfo=datetime.timezone.utc)
    for n in range(2):
        actions.do_award(personas.worker_a1, rules.meeting, f"五月{n}", person=zhang, now=may)
    actions.do_award(personas.worker_a1, rules.meeting, "六月", person=zhang, now=may + datetime.timedelta(days=1))
    assert Account.objects.get(person=zhang).balance == 15


def test_roles_and_scope_of_awards(personas, rules):
    town = personas.town
    with pytest.raises(LedgerError) as exc:  # the rule is the village secretary's to award
        actions.do_award(personas.worker_a1, rules.clean, "庭院整洁", household=town.house_a1)
    assert exc.value.status == 403
    with pytest.raises(LedgerError) as exc:  # village B's secretary cannot reach village A's people
        actions.do_award(personas.outsider, rules.meeting, "x", person=town.zhang)
    assert exc.value.status == 404
    with pytest.raises(LedgerError) as exc:  # a rule that needs review is claimed, not awarded
        actions.do_award(personas.secretary_a, rules.volunteer, "x", person=town.zhang)
    assert exc.value.status == 400
    with pytest.raises(LedgerError) as exc:  # residents award nothing
        actions.do_award(personas.resident_a1, rules.meeting, "x", person=town.zhang)
    assert exc.value.status == 403
    a_only = actions.do_save_rule(personas.town_admin, town.village_a, code="A-ONLY", name="碧塘村规", points=2,
                                  award_roles=["town_admin"])
    with pytest.raises(LedgerError) as exc:  # village A's rule does not apply in village B
        actions.do_award(personas.town_admin, a_only, "x", person=town.liu)
    assert exc.value.status == 400
    assert Entry.objects.count() == 0


def test_household_rule_goes_to_the_household_account(personas, rules):
    entry = actions.do_award(personas.secretary_a, rules.clean, "美丽庭院", person=personas.town.zhang_wife)
    assert entry.account.household == personas.town.house_a1 and entry.person == personas.town.zhang_wife
    assert Account.objects.get(pk=entry.account_id).balance == 20


def test_deduction_stops_at_zero_and_suspends_redemption(personas, rules, fund):
    zhang = personas.town.zhang
    fund(zhang, 4)
    entry = actions.do_award(personas.secretary_a, rules.violation, "乱倒垃圾", person=zhang)
    account = Account.objects.get(person=zhang)
    assert entry.points == -4 and account.balance == 0
    assert account.suspended_until == ledger.local_date(entry.time) + datetime.timedelta(days=30)
    assert ledger.check() == []


def test_reversal_is_a_new_entry_and_only_once(personas, rules):
    entry = actions.do_award(personas.worker_a1, rules.meeting, "登记错人", person=personas.town.zhang)
    with pytest.raises(LedgerError):
        actions.do_reverse(personas.secretary_a, entry, "")
    reversal = actions.do_reverse(personas.secretary_a, entry, "登记错人")
    assert (reversal.points, reversal.reversal_of, reversal.kind) == (-5, entry, "reversal")
    entry.refresh_from_db()
    assert entry.points == 5  # the original is untouched
    with pytest.raises(LedgerError):
        actions.do_reverse(personas.secretary_a, entry, "再来一次")
    with pytest.raises(LedgerError):
        actions.do_reverse(personas.secretary_a, reversal, "反冲正")
    with pytest.raises(LedgerError) as exc:
        actions.do_reverse(personas.outsider, entry, "x")
    assert exc.value.status == 404
    assert Account.objects.get(person=personas.town.zhang).balance == 0
    assert ledger.check() == []


def test_reversing_spent_points_is_refused_with_a_chinese_message(personas, rules, shop):
    entry = actions.do_award(personas.worker_a1, rules.meeting, "x", person=personas.town.zhang)
    actions.do_redeem(personas.resident_a1, shop.soap, 1)
    with translation.override("zh-hans"), pytest.raises(LedgerError) as exc:
        actions.do_reverse(personas.secretary_a, entry, "错误")
    assert "积分" in str(exc.value.message)
    assert ledger.check() == []


def test_balance_never_negative_in_the_database(personas, fund):
    from django.db import IntegrityError, transaction

    account = fund(personas.town.zhang, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)


def test_rebuild_restores_the_sum_of_entries(personas, fund):
    account = fund(personas.town.zhang, 8)
    Account.objects.filter(pk=account.pk).update(balance=2)  # a damaged row (restore from an old backup)
    assert ledger.check() == [(account.pk, 2, 8)]
    assert ledger.rebuild(account) == 8
    assert ledger.check() == []


def test_reversing_a_sanction_lifts_the_suspension(personas, rules, fund):
    zhang = personas.town.zhang
    fund(zhang, 30)
    entry = actions.do_award(personas.secretary_a, rules.violation, "误记", person=zhang)
    assert Account.objects.get(person=zhang).suspended_until is not None
    actions.do_reverse(personas.secretary_a, entry, "登记错人")
    account = Account.objects.get(person=zhang)
    assert account.suspended_until is None and account.balance == 30
