"""revoke_automatic: an automatic award is taken back by a reversing entry (the award stays, the balance
moves back), once; nothing else is touched (a hand award, an unknown key), and a balance already spent
keeps the award rather than going negative."""

from gridgov.points import actions, ledger
from gridgov.points.models import Entry
from gridgov.points.public import (
    automatic_stands,
    award_automatic,
    person_balance,
    revoke_automatic,
)


def test_an_automatic_award_is_revoked_once(personas, rules):
    wang = personas.town.wang
    assert award_automatic("case_verified", person=wang, path=wang.path, key="t:1", reason="核实") == "awarded"
    assert automatic_stands("t:1") and person_balance(wang) == 3
    assert revoke_automatic("t:1", "撤销") == "revoked"
    assert person_balance(wang) == 0 and not automatic_stands("t:1")
    reversal = Entry.objects.get(reversal_of__key="t:1")
    assert (reversal.kind, reversal.points, reversal.key) == ("reversal", -3, f"reversal:{reversal.reversal_of_id}")
    assert revoke_automatic("t:1", "撤销") == "reversed"
    assert Entry.objects.count() == 2 and person_balance(wang) == 0
    # The key stays spent: awarding it again earns nothing.
    assert award_automatic("case_verified", person=wang, path=wang.path, key="t:1", reason="核实") == "exists"
    assert revoke_automatic("never", "撤销") == "none" and not automatic_stands("never")
    assert ledger.check() == []


def test_hand_awards_and_spent_points_stay(personas, rules):
    wang = personas.town.wang
    hand = actions.do_award(personas.town_admin, rules.meeting, "参加村民大会", person=wang, key="hand:1")
    assert revoke_automatic(hand.key, "撤销") == "none" and not automatic_stands(hand.key)
    award_automatic("case_verified", person=wang, path=wang.path, key="t:2", reason="核实")
    account = ledger.account_for(person=wang)
    ledger.post(account, Entry.Kind.REDEEM, -8, "兑换", "spend:1")  # 5 + 3 spent
    assert revoke_automatic("t:2", "撤销") == "spent"
    assert automatic_stands("t:2") and person_balance(wang) == 0
    assert not Entry.objects.filter(kind="reversal").exists() and ledger.check() == []
