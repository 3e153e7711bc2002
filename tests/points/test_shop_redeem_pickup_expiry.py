"""The shop: redeem takes stock and points in one transaction and gives a pickup code; the clerk confirms
pickup by code; unclaimed orders expire and refund once; sanctioned accounts cannot redeem."""

import datetime

import pytest
from django.utils import timezone

from gridgov.org.actions import do_create_user
from gridgov.points import actions, ledger
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Account, Entry, Order, Product

from ..conftest import PASSWORD  # noqa: F401


def test_redeem_takes_stock_and_points_and_gives_a_code(personas, shop, fund):
    account = fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.oil, 2)
    account.refresh_from_db()
    assert (order.points, order.state, len(order.code), order.account) == (60, "placed", 8, account)
    assert account.balance == 40
    assert Product.objects.get(pk=shop.oil.pk).stock == 3
    entry = Entry.objects.get(key=f"order:{order.pk}")
    assert (entry.kind, entry.points) == ("redeem", -60)
    assert ledger.check() == []


def test_short_stock_or_balance_is_a_409_and_writes_nothing(personas, shop, fund):
    fund(personas.town.zhang, 100)
    with pytest.raises(LedgerError) as exc:
        actions.do_redeem(personas.resident_a1, shop.oil, 6)
    assert exc.value.status == 409
    with pytest.raises(LedgerError) as exc:
        actions.do_redeem(personas.resident_a1, shop.oil, 4)  # 120 points, 100 available
    assert exc.value.status == 409
    assert Order.objects.count() == 0 and Product.objects.get(pk=shop.oil.pk).stock == 5
    assert Account.objects.get(person=personas.town.zhang).balance == 100


def test_other_villages_shop_and_inactive_products_are_refused(personas, shop, fund):
    fund(personas.town.zhang, 100)
    with pytest.raises(LedgerError) as exc:  # village B's shop is not visible to village A's resident
        actions.do_redeem(personas.resident_a1, shop.rice, 1)
    assert exc.value.status == 404
    actions.do_save_product(personas.secretary_a, shop.shop, "洗衣皂", 5, 100, is_active=False, product=shop.soap)
    with pytest.raises(LedgerError) as exc:
        actions.do_redeem(personas.resident_a1, shop.soap, 1)
    assert exc.value.status == 409


def test_sanction_suspends_redemption(personas, shop, rules, fund):
    fund(personas.town.zhang, 100)
    actions.do_award(personas.secretary_a, rules.violation, "违规搭建", person=personas.town.zhang)
    with pytest.raises(LedgerError) as exc:
        actions.do_redeem(personas.resident_a1, shop.soap, 1)
    assert exc.value.status == 409
    later = timezone.now() + datetime.timedelta(days=31)
    order = actions.do_redeem(personas.resident_a1, shop.soap, 1, now=later)
    assert order.state == "placed"


def test_pickup_by_code_by_the_clerks_of_the_village(personas, shop, fund):
    fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.soap, 1)
    with pytest.raises(LedgerError) as exc:  # the resident does not confirm their own pickup
        actions.do_pickup(personas.resident_a1, code=order.code, shop=shop.shop)
    assert exc.value.status == 404
    with pytest.raises(LedgerError) as exc:  # village B's secretary is not a clerk here
        actions.do_pickup(personas.outsider, code=order.code, shop=shop.shop)
    assert exc.value.status == 404
    with pytest.raises(LedgerError) as exc:
        actions.do_pickup(personas.secretary_a, code="00000000" if order.code != "00000000" else "1",
                          shop=shop.shop)
    assert exc.value.status == 404
    done = actions.do_pickup(personas.worker_a1, code=order.code, shop=shop.shop)  # a grid worker of the village
    assert (done.state, done.closed_by) == ("picked_up", personas.worker_a1)
    with pytest.raises(LedgerError) as exc:
        actions.do_pickup(personas.secretary_a, order=order, code=order.code)
    assert exc.value.status == 409


def test_an_attached_clerk_may_confirm_pickups(personas, shop, fund):
    clerk = do_create_user(None, "clerk_a", "resident", personas.town.a2.code)
    fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.soap, 1)
    with pytest.raises(LedgerError):
        actions.do_pickup(clerk, code=order.code, shop=shop.shop)
    actions.do_set_clerk(personas.secretary_a, shop.shop, clerk)
    assert actions.do_pickup(clerk, code=order.code, shop=shop.shop).state == "picked_up"
    assert list(actions.clerk_shops(clerk)) == [shop.shop]


def test_unclaimed_orders_expire_and_refund_once(personas, shop, fund, settings):
    settings.GRIDGOV_POINTS_PICKUP_DAYS = 3
    account = fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.oil, 1)
    assert actions.expire_orders(order.expires_at - datetime.timedelta(seconds=1)) == 0
    assert actions.expire_orders(order.expires_at) == 1
    assert actions.expire_orders(order.expires_at + datetime.timedelta(days=1)) == 0
    order.refresh_from_db()
    account.refresh_from_db()
    assert order.state == "expired" and account.balance == 100
    assert Product.objects.get(pk=shop.oil.pk).stock == 5
    assert Entry.objects.filter(key=f"order:{order.pk}:refund", points=30).count() == 1
    with pytest.raises(LedgerError):  # an expired order cannot be picked up
        actions.do_pickup(personas.secretary_a, order=order, code=order.code)
    assert ledger.check() == []


def test_cancel_refunds(personas, shop, fund):
    account = fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.oil, 1)
    with pytest.raises(LedgerError) as exc:
        actions.do_cancel_order(personas.outsider, order)
    assert exc.value.status == 404
    actions.do_cancel_order(personas.resident_a1, order)
    account.refresh_from_db()
    assert account.balance == 100 and Order.objects.get(pk=order.pk).state == "cancelled"
    with pytest.raises(LedgerError):
        actions.do_cancel_order(personas.resident_a1, order)


def test_year_end_clear_and_carry(personas, fund):
    account = fund(personas.town.zhang, 40)
    assert actions.settle_year(2026, "carry") == 0
    assert actions.settle_year(2026, "clear") == 1
    assert actions.settle_year(2026, "clear") == 0
    account.refresh_from_db()
    assert account.balance == 0 and Entry.objects.get(key=f"settle:2026:{account.pk}").points == -40
