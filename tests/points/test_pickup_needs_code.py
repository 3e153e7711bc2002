"""Issue 17, finding 2: a pickup (核销) needs the order's code on every path — the action, the API and the
web page; an empty or wrong code is refused with a message and the order stays waiting."""

import pytest

from gridgov.points import actions
from gridgov.points.ledger import LedgerError
from gridgov.points.models import Order


def test_pickup_without_the_code_is_refused_and_changes_nothing(personas, shop, fund, api_client, login, english):
    fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.soap, 1)
    for code in ("", "   ", None):
        with pytest.raises(LedgerError) as exc:
            actions.do_pickup(personas.secretary_a, order=order, code=code)
        assert exc.value.status == 400 and exc.value.field == "code"
    url = f"/api/v1/shop/orders/{order.pk}/pickup"
    client = api_client("secretary_a")
    response = client.post(url, {"code": ""}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "code", "message": "Enter the pickup code the resident shows.",
                                          "type": "value_error"}]
    wrong = "1" + order.code[1:] if order.code[0] != "1" else "2" + order.code[1:]
    assert client.post(url, {"code": wrong}, content_type="application/json").status_code == 422
    login(personas.secretary_a).post("/points/pickup/", {"code": " ", "shop": shop.shop.pk})
    assert Order.objects.get(pk=order.pk).state == "placed"
    assert client.post(url, {"code": order.code}, content_type="application/json").json()["state"] == "picked_up"


def test_the_refusal_reads_in_chinese(personas, shop, fund, api_client):
    fund(personas.town.zhang, 100)
    order = actions.do_redeem(personas.resident_a1, shop.soap, 1)
    response = api_client("secretary_a").post(f"/api/v1/shop/orders/{order.pk}/pickup", {"code": ""},
                                              content_type="application/json")
    assert response.json()["errors"][0]["message"] == "请输入居民出示的取货码。"
