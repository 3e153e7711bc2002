"""Hypothesis: after any sequence of awards, deductions, claims, redemptions, pickups, cancellations,
expiries and reversals, every balance equals the sum of its entries, no balance or stock is negative,
and each product's stock plus what its live orders hold equals what was put on the shelf."""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gridgov.points import actions, ledger
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Account, Entry, Order, Product

PEOPLE = ("zhang", "zhang_wife", "wang", "chen")
OPS = st.one_of(
    st.tuples(st.just("award"), st.sampled_from(PEOPLE), st.sampled_from(["meeting", "clean", "violation"])),
    st.tuples(st.just("claim"), st.sampled_from(PEOPLE), st.booleans()),
    st.tuples(st.just("redeem"), st.sampled_from(PEOPLE), st.sampled_from(["oil", "soap"]), st.integers(1, 4)),
    st.tuples(st.just("pickup"), st.integers(0, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("expire"), st.integers(0, 20)),
    st.tuples(st.just("reverse"), st.integers(0, 40)),
)


class _Rollback(Exception):
    pass


def _check_invariants(initial_stock):
    assert ledger.check() == []
    assert not Account.objects.filter(balance__lt=0).exists()
    for product in Product.objects.all():
        held = Order.objects.filter(product=product, state__in=["placed", "picked_up"]) \
            .aggregate(s=Sum("quantity"))["s"] or 0
        assert product.stock >= 0 and product.stock + held == initial_stock[product.pk]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, max_size=25))
def test_balances_always_equal_the_sum_of_entries(personas, rules, shop, settings_for_ledger, ops):
    p, town = personas, personas.town
    users = {"zhang": p.resident_a1, "wang": p.party_a1}
    try:
        with transaction.atomic():  # each example starts from the same town and is rolled back
            initial_stock = dict(Product.objects.values_list("pk", "stock"))
            for person in ("zhang", "wang", "chen"):
                ledger.post(ledger.account_for(person=getattr(town, person)), Entry.Kind.AWARD, 40, "start",
                            f"start:{person}")
            later = timezone.now()
            for op in ops:
                later += datetime.timedelta(hours=1)
                try:
                    with transaction.atomic():
                        _apply(op, p, town, rules, shop, users, later)
                    event(f"{op[0]} done")
                except LedgerError:
                    pass  # a refusal writes nothing, which the invariants check too
                _check_invariants(initial_stock)
            raise _Rollback
    except _Rollback:
        pass


def _apply(op, p, town, rules, shop, users, now):
    kind = op[0]
    if kind == "award":
        person = getattr(town, op[1])
        actions.do_award(p.secretary_a, getattr(rules, op[2]), "hypothesis", person=person, now=now)
    elif kind == "claim":
        claim = actions.do_file_claim(p.worker_a1, getattr(town, op[1]), rules.volunteer, "evidence", now=now)
        actions.do_review_claim(p.worker_a1, claim, True, now=now)
        actions.do_review_claim(p.secretary_a, claim, op[2], "异议成立", now=now)
        actions.make_claims_count(now)
    elif kind == "redeem":
        user = users.get(op[1])
        if user is not None:
            actions.do_redeem(user, getattr(shop, op[2]), op[3], now=now)
    elif kind in ("pickup", "cancel", "expire"):
        orders = list(Order.objects.order_by("pk"))
        if not orders:
            return
        order = orders[op[1] % len(orders)]
        if kind == "pickup":
            actions.do_pickup(p.secretary_a, order=order, code=order.code, now=now)
        elif kind == "cancel":
            actions.do_cancel_order(p.secretary_a, order, now=now)
        else:
            actions.expire_orders(order.expires_at)
    elif kind == "reverse":
        entries = list(Entry.objects.filter(kind__in=["award", "deduction"], rule__isnull=False).order_by("pk"))
        if entries:
            actions.do_reverse(p.secretary_a, entries[op[1] % len(entries)], "hypothesis")
