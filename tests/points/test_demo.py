"""The points demo loads on the test town (also 东成镇 with 碧塘村 and 都斛村) and keeps the ledger whole."""

from gridgov.points import demo, ledger
from gridgov.points.models import Account, Board, Claim, Rule, Shop


def test_demo_loads_rules_awards_claims_and_shops(personas):
    line = demo.build()
    assert f"积分细则 {len(demo.RULES)} 条" in line
    assert Rule.objects.count() == len(demo.RULES)
    assert set(Shop.objects.values_list("region__name", flat=True)) == {"碧塘村", "都斛村"}
    assert Account.objects.filter(balance__gt=0).exists()
    assert Claim.objects.exists() and Board.objects.filter(region=personas.town.village_a).exists()
    assert ledger.check() == []
    assert demo.build() == ""  # loaded once; a second run adds nothing
