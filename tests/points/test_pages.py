"""The points pages per role: they answer, show only what is in scope, and their forms go through the
actions (redeem, pickup, claims, awards, rules, products, board links, exports)."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.core.models import AuditEntry
from gridgov.points import actions
from gridgov.points.models import Board, Claim, Entry, Order, Product, Rule


@pytest.mark.parametrize("persona", ["town_admin", "secretary_a", "worker_a1", "party_a1", "resident_a1", "outsider"])
def test_pages_answer_for_each_role(personas, login, rules, shop, persona):
    client = login(getattr(personas, persona))
    for url in ["/points/", "/points/shop/", "/points/orders/", "/points/claims/", "/points/claims/new/",
                "/points/ranking/", "/points/rules/", "/points/box/"]:
        assert client.get(url).status_code == 200, url
    staff = persona in ("town_admin", "secretary_a", "outsider")
    for url in ["/points/products/", "/points/ledger.xlsx", "/points/orders.xlsx"]:
        assert client.get(url).status_code == (200 if staff else 403), url


def test_department_sees_no_points(personas, login):
    client = login(personas.department)
    assert client.get("/points/").status_code == 403
    assert client.get("/points/box/").content == b""


def test_resident_redeems_on_the_web_and_the_clerk_picks_up(personas, login, shop, fund):
    fund(personas.town.zhang, 50)
    resident = login(personas.resident_a1)
    page = resident.get("/points/shop/").content.decode()
    assert "花生油 1L" in page and "大米" not in page  # village B's shelf is not shown
    response = resident.post(f"/points/shop/{shop.oil.pk}/redeem/", {"quantity": 1}, follow=True)
    order = Order.objects.get()
    assert order.code in response.content.decode()
    clerk = login(personas.secretary_a)
    assert order.code not in clerk.get("/points/orders/").content.decode()  # the code is the resident's
    assert login(personas.outsider).get("/points/pickup/").status_code == 200  # a clerk of village B's shop
    login(personas.outsider).post("/points/pickup/", {"code": order.code, "shop": shop.shop_b.pk})
    assert Order.objects.get().state == "placed"
    response = clerk.post("/points/pickup/", {"code": order.code, "shop": shop.shop.pk}, follow=True)
    assert Order.objects.get().state == "picked_up" and "花生油" in response.content.decode()
    assert login(personas.party_a1).get("/points/pickup/").status_code == 403


def test_redeem_short_balance_shows_a_message(personas, login, shop, fund, english):
    fund(personas.town.zhang, 10)
    response = login(personas.resident_a1).post(f"/points/shop/{shop.oil.pk}/redeem/", {"quantity": 1}, follow=True)
    assert "Not enough points" in response.content.decode()
    assert Order.objects.count() == 0


def test_claim_on_the_web_through_review_and_approval(personas, login, rules):
    resident = login(personas.resident_a1)
    resident.post("/points/claims/new/", {"rule": rules.volunteer.pk, "evidence": "参加河道清理"})
    claim = Claim.objects.get()
    assert claim.person == personas.town.zhang
    assert login(personas.outsider).get("/points/claims/").content.decode().count("参加河道清理") == 0
    login(personas.worker_a1).post(f"/points/claims/{claim.pk}/approve/")
    login(personas.secretary_a).post(f"/points/claims/{claim.pk}/reject/", {"reason": ""})
    claim.refresh_from_db()
    assert claim.state == "reviewed"  # a rejection without a reason changes nothing
    login(personas.secretary_a).post(f"/points/claims/{claim.pk}/approve/")
    claim.refresh_from_db()
    assert claim.state == "publicised"


def test_staff_files_a_claim_with_a_photo(personas, login, rules, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "evidence.jpg"
    login(personas.worker_a1).post("/points/claims/new/", {
        "rule": rules.volunteer.pk, "person": personas.town.zhang_wife.pk, "evidence": "协助疫苗接种", "photo": buffer})
    claim = Claim.objects.get()
    assert claim.photo and claim.person == personas.town.zhang_wife
    assert login(personas.secretary_a).get(f"/points/claims/{claim.pk}/photo/").status_code == 200
    assert login(personas.outsider).get(f"/points/claims/{claim.pk}/photo/").status_code == 404


def test_award_rules_and_products_forms(personas, login, rules, shop):
    secretary = login(personas.secretary_a)
    secretary.post("/points/award/", {"rule": rules.meeting.pk, "person": personas.town.zhang.pk, "reason": "村民大会"})
    assert Entry.objects.get().points == 5
    statement = secretary.get(f"/points/accounts/{Entry.objects.get().account_id}/")
    assert statement.status_code == 200 and "村民大会" in statement.content.decode()
    assert login(personas.outsider).get(f"/points/accounts/{Entry.objects.get().account_id}/").status_code == 404
    secretary.post(f"/points/entries/{Entry.objects.get().pk}/reverse/", {"reason": "登记错误"})
    assert Entry.objects.filter(kind="reversal").count() == 1
    secretary.post("/points/rules/", {"scope": personas.town.village_a.pk, "code": "A-GOOD", "name": "好人好事",
                                      "points": 8, "unit": "person", "sanction_days": 0,
                                      "award_roles": ["village_secretary"]})
    assert Rule.objects.filter(code="A-GOOD", path=personas.town.village_a.path).exists()
    secretary.post(f"/points/products/{shop.shop.pk}/new/", {"name": "毛巾", "price": 6, "stock": 30,
                                                             "is_active": "on"})
    assert Product.objects.filter(name="毛巾", shop=shop.shop).exists()
    assert login(personas.outsider).post(f"/points/products/{shop.shop.pk}/new/",
                                         {"name": "x", "price": 1, "stock": 1}).status_code == 404


def test_board_link_is_secret_rotatable_and_masks_names(personas, login, rules):
    actions.do_award(personas.worker_a1, rules.meeting, "村民大会", person=personas.town.zhang)
    secretary = login(personas.secretary_a)
    secretary.post(f"/points/board/{personas.town.village_a.pk}/rotate/")
    board = Board.objects.get(region=personas.town.village_a)
    page = login(personas.secretary_a).get("/points/ranking/").content.decode()
    assert board.token in page
    from django.test import Client

    anonymous = Client()
    content = anonymous.get(f"/points/board/{board.token}/").content.decode()
    assert "张*国" in content and "张建国" not in content
    assert anonymous.get("/points/board/not-the-token/").status_code == 404
    assert login(personas.outsider).post(f"/points/board/{personas.town.village_a.pk}/rotate/").status_code == 404
    old = board.token
    secretary.post(f"/points/board/{personas.town.village_a.pk}/rotate/")
    assert anonymous.get(f"/points/board/{old}/").status_code == 404
    assert AuditEntry.objects.filter(action="points.board_link").count() == 2
    assert old not in str(list(AuditEntry.objects.values_list("before", "after")))


def test_excel_exports_are_scoped_and_audited(personas, login, rules, shop, fund):
    actions.do_award(personas.worker_a1, rules.meeting, "村民大会", person=personas.town.zhang)
    actions.do_award(personas.outsider, rules.meeting, "都斛村民大会", person=personas.town.liu)
    fund(personas.town.zhang, 30)
    actions.do_redeem(personas.resident_a1, shop.soap, 2)
    response = login(personas.secretary_a).get("/points/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3  # header, the award, the deposit, the redemption: village A only
    assert {r[3] for r in rows[1:]} == {"张*国"} and "都斛村民大会" not in str(rows)
    orders = load_workbook(io.BytesIO(login(personas.secretary_a).get("/points/orders.xlsx").content)).active
    order_rows = list(orders.iter_rows(values_only=True))
    assert len(order_rows) == 2 and order_rows[1][3] == "洗衣皂" and order_rows[1][5] == 10
    outsider_rows = list(load_workbook(io.BytesIO(login(personas.outsider).get("/points/orders.xlsx").content))
                         .active.iter_rows(values_only=True))
    assert len(outsider_rows) == 1
    assert AuditEntry.objects.filter(action__in=["points.export_ledger", "points.export_orders"]).count() == 3


def test_home_box_is_loaded_after_the_page(personas, login, fund, django_assert_max_num_queries):
    fund(personas.town.zhang, 12)
    client = login(personas.resident_a1)
    assert 'hx-get="/points/box/"' in client.get("/").content.decode()
    client.get("/points/box/")
    # session, user, the box's one query, and the session save that renews the idle timeout (3)
    with django_assert_max_num_queries(6):
        content = client.get("/points/box/").content.decode()
    assert 'id="points-mine">12<' in content


def test_rule_edit_clerks_and_export_window(personas, login, rules, shop):
    secretary = login(personas.secretary_a)
    page = secretary.get("/points/rules/").content.decode()
    assert f"/points/rules/{rules.clean.pk}/" in page and f"/points/rules/{rules.meeting.pk}/" not in page
    assert secretary.get(f"/points/rules/{rules.meeting.pk}/").status_code == 404  # the town's rule
    secretary.post(f"/points/rules/{rules.clean.pk}/", {
        "scope": personas.town.village_a.pk, "code": "A-CLEAN", "name": "环境卫生评比", "points": 15,
        "unit": "household", "sanction_days": 0, "award_roles": ["village_secretary"]})
    rules.clean.refresh_from_db()
    assert (rules.clean.points, rules.clean.is_active) == (15, False)
    assert login(personas.outsider).get(f"/points/rules/{rules.clean.pk}/").status_code == 404
    from gridgov.org.actions import do_create_user

    keeper = do_create_user(None, "keeper_a", "resident", personas.town.a2.code)
    do_create_user(None, "keeper_b", "resident", personas.town.b1.code)
    secretary.post(f"/points/products/{shop.shop.pk}/clerks/", {"username": "keeper_b"})  # another village's
    secretary.post(f"/points/products/{shop.shop.pk}/clerks/", {"username": "keeper_a"})
    assert list(shop.shop.clerks.values_list("username", flat=True)) == ["keeper_a"]
    assert login(keeper).get("/points/pickup/").status_code == 200
    secretary.post(f"/points/products/{shop.shop.pk}/clerks/", {"username": "keeper_a", "remove": "1"})
    assert not shop.shop.clerks.exists()
    response = secretary.get("/points/ledger.xlsx?since=2020-01-01&until=2020-12-31")
    assert response["Content-Disposition"].endswith('points-ledger-20200101-20201231.xlsx"')


def test_accounts_list_is_scoped_and_costs_the_same_for_more_rows(personas, login, rules, fund,
                                                                   django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fund(personas.town.zhang, 5)
    fund(personas.town.liu, 7)
    actions.do_award(personas.secretary_a, rules.clean, "清洁户", household=personas.town.house_a2)
    client = login(personas.secretary_a)
    page = client.get("/points/accounts/").content.decode()
    assert "张建国" in page and "陈丽华" in page and "刘德明" not in page
    assert "刘德明" in login(personas.outsider).get("/points/accounts/").content.decode()
    assert login(personas.resident_a1).get("/points/accounts/").status_code == 403
    assert "陈丽华" not in client.get("/points/accounts/?q=张").content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get("/points/accounts/")
    for person in (personas.town.zhang_wife, personas.town.wang, personas.town.chen):
        fund(person, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/points/accounts/")


def test_counter_redemption_for_a_resident_without_a_login(personas, login, shop, fund):
    account = fund(personas.town.chen, 40)  # 陈丽华 has no account to log in with
    secretary = login(personas.secretary_a)
    page = secretary.get(f"/points/accounts/{account.pk}/").content.decode()
    assert 'id="counter-form"' in page and "大米" not in page  # village B's goods are not offered
    secretary.post(f"/points/accounts/{account.pk}/redeem/", {"product": shop.oil.pk, "quantity": 1})
    order = Order.objects.get()
    assert (order.account_id, order.placed_by) == (account.pk, personas.secretary_a)
    assert login(personas.worker_a1).post(f"/points/accounts/{account.pk}/redeem/",
                                          {"product": shop.oil.pk, "quantity": 1}).status_code == 404
    assert login(personas.outsider).post(f"/points/accounts/{account.pk}/redeem/",
                                         {"product": shop.rice.pk, "quantity": 1}).status_code == 404
    assert Order.objects.count() == 1
