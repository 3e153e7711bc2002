"""The points and shop API as the issue lists it: paths, fields, statuses (409 with a message when stock
or balance is short), scoping by restrict (the outsider gets 404 or nothing)."""

import pytest

from gridgov.points.models import Account, Claim, Order


@pytest.fixture
def funded(personas, fund):
    return fund(personas.town.zhang, 100)


def test_account_detail_with_balance_and_entries(personas, api_client, funded):
    body = api_client("resident_a1").get(f"/api/v1/points/accounts/{funded.pk}").json()
    assert body["balance"] == 100 and body["unit"] == "person" and body["person"] == personas.town.zhang.pk
    assert body["entry_count"] == 1 and body["entries"][0]["points"] == 100
    assert set(body["entries"][0]) >= {"id", "time", "date", "kind", "points", "rule", "reason", "source", "actor",
                                       "reversal_of", "reversed"}
    assert api_client("outsider").get(f"/api/v1/points/accounts/{funded.pk}").status_code == 404
    assert api_client("secretary_a").get(f"/api/v1/points/accounts/{funded.pk}").status_code == 200
    other = api_client("party_a1").get(f"/api/v1/points/accounts/{funded.pk}")  # another household
    assert other.status_code == 404
    assert api_client("outsider").get("/api/v1/points/accounts").json() == {"items": [], "count": 0}


def test_rules_list_is_scoped(personas, api_client, rules):
    body = api_client("resident_a1").get("/api/v1/points/rules").json()
    codes = {r["code"] for r in body["items"]}
    assert {"MEET", "VOL", "A-CLEAN", "VIOL"} <= codes and body["count"] == len(codes)
    outsider = {r["code"] for r in api_client("outsider").get("/api/v1/points/rules").json()["items"]}
    assert "A-CLEAN" not in outsider  # village A's own rule
    assert "MEET" in outsider  # the town's rules apply in village B too
    worker = {r["code"] for r in api_client("worker_a1").get("/api/v1/points/rules").json()["items"]}
    assert {"MEET", "A-CLEAN"} <= worker


def test_awards(personas, api_client, rules):
    client = api_client("worker_a1")
    response = client.post("/api/v1/points/awards", {"person": personas.town.zhang.pk, "rule": "MEET",
                                                     "reason": "参加村民大会"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["points"] == 5 and response.json()["rule"] == "MEET"
    response = client.post("/api/v1/points/awards", {"person": personas.town.zhang.pk, "rule": "VOL", "reason": "x"},
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "rule"
    response = api_client("outsider").post("/api/v1/points/awards", {"person": personas.town.zhang.pk,
                                                                      "rule": "MEET", "reason": "x"},
                                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "person"
    response = api_client("secretary_a").post("/api/v1/points/awards", {"household": personas.town.house_a1.pk,
                                                                         "rule": rules.clean.pk, "reason": "美丽庭院"},
                                              content_type="application/json")
    assert response.status_code == 201
    response = client.post("/api/v1/points/awards", {"person": personas.town.zhang.pk, "rule": "MEET", "reason": ""},
                           content_type="application/json")
    assert response.status_code == 422


def test_award_with_a_key_is_not_repeated(personas, api_client, rules):
    from gridgov.points.models import Entry

    client = api_client("worker_a1")
    body = {"person": personas.town.zhang.pk, "rule": "MEET", "reason": "村民大会", "key": "meeting-2026-05-zhang"}
    first = client.post("/api/v1/points/awards", body, content_type="application/json").json()
    again = client.post("/api/v1/points/awards", body, content_type="application/json").json()
    assert first["id"] == again["id"] and Entry.objects.count() == 1
    assert Account.objects.get(person=personas.town.zhang).balance == 5


def test_claim_and_review(personas, api_client, rules):
    response = api_client("resident_a1").post("/api/v1/points/claims", {"rule": "VOL", "evidence": "参加义务植树"},
                                              content_type="application/json")
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["state"] == "submitted" and claim["person"] == personas.town.zhang.pk and claim["points"] == 10
    url = f"/api/v1/points/claims/{claim['id']}/review"
    assert api_client("outsider").post(url, {"decision": "approve"}, content_type="application/json").status_code == 404
    response = api_client("worker_a1").post(url, {"decision": "approve"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "reviewed"
    response = api_client("worker_a1").post(url, {"decision": "approve"}, content_type="application/json")
    assert response.status_code == 403
    response = api_client("secretary_a").post(url, {"decision": "reject"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = api_client("secretary_a").post(url, {"decision": "approve"}, content_type="application/json")
    assert response.json()["state"] == "publicised" and response.json()["publicity_until"]
    assert Claim.objects.get(pk=claim["id"]).state == "publicised"


def test_products_create_and_list(personas, api_client, shop):
    client = api_client("secretary_a")
    response = client.post("/api/v1/shop/products", {"name": "酱油", "price": 8, "stock": 20, "shop": shop.shop.pk},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["price"] == 8
    response = api_client("outsider").post("/api/v1/shop/products", {"name": "x", "price": 8, "stock": 2,
                                                                      "shop": shop.shop.pk},
                                           content_type="application/json")
    assert response.status_code == 422
    response = api_client("resident_a1").post("/api/v1/shop/products", {"name": "x", "price": 8, "stock": 2,
                                                                         "shop": shop.shop.pk},
                                              content_type="application/json")
    assert response.status_code == 404
    names = {p["name"] for p in api_client("resident_a1").get("/api/v1/shop/products").json()["items"]}
    assert names == {"花生油 1L", "洗衣皂", "酱油"}  # village B's rice is not on their shelf


def test_orders_409_when_short_and_pickup(personas, api_client, shop, funded):
    client = api_client("resident_a1")
    response = client.post("/api/v1/shop/orders", {"product": shop.oil.pk, "quantity": 6},
                           content_type="application/json")
    assert response.status_code == 409 and response.json()["detail"]
    response = client.post("/api/v1/shop/orders", {"product": shop.oil.pk, "quantity": 4},
                           content_type="application/json")
    assert response.status_code == 409 and response.json()["detail"]
    response = client.post("/api/v1/shop/orders", {"product": shop.oil.pk, "quantity": 2},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["points"] == 60 and order["state"] == "placed" and len(order["code"]) == 8
    assert Account.objects.get(pk=funded.pk).balance == 40
    url = f"/api/v1/shop/orders/{order['id']}/pickup"
    assert api_client("outsider").post(url, {"code": order["code"]}, content_type="application/json").status_code == 404
    staff_view = api_client("secretary_a").get("/api/v1/shop/orders").json()["items"][0]
    assert staff_view["code"] is None  # the code is the resident's to show
    wrong = api_client("secretary_a").post(url, {"code": "x"}, content_type="application/json")
    assert wrong.status_code == 422
    response = api_client("secretary_a").post(url, {"code": order["code"]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "picked_up"
    assert Order.objects.get(pk=order["id"]).state == "picked_up"
    again = api_client("secretary_a").post(url, {"code": order["code"]}, content_type="application/json")
    assert again.status_code == 409


def test_ranking(personas, api_client, rules):
    from gridgov.points import actions

    actions.do_award(personas.secretary_a, rules.meeting, "会", person=personas.town.chen)
    actions.do_award(personas.outsider, rules.meeting, "会", person=personas.town.liu)
    body = api_client("resident_a1").get("/api/v1/points/ranking").json()
    assert body == {"items": [{"rank": 1, "name": "陈*华", "grid": "碧塘第二网格", "points": 5}], "count": 1}
    assert api_client("secretary_a").get(f"/api/v1/points/ranking?scope={personas.town.a1.code}").json() == {
        "items": [], "count": 0}
    assert api_client("outsider").get(f"/api/v1/points/ranking?scope={personas.town.a2.code}").status_code == 404
    town = api_client("town_admin").get("/api/v1/points/ranking").json()
    assert [r["name"] for r in town["items"]] == ["陈*华", "刘*明"] and town["count"] == 2
    assert api_client("department").get("/api/v1/points/ranking").status_code == 404


def test_ranking_pages_keep_the_ranks_of_the_whole_list(personas, api_client, rules):
    """Page 2 of the ranking carries the ranks the accounts have in the whole list, ties included."""
    from gridgov.points import actions

    town = personas.town
    for person in (town.chen, town.chen, town.zhang, town.zhang, town.wang, town.liu):
        actions.do_award(personas.town_admin, rules.meeting, "会", person=person)
    client = api_client("town_admin")
    whole = client.get("/api/v1/points/ranking").json()
    assert [(r["name"], r["rank"], r["points"]) for r in whole["items"]] == [
        ("陈*华", 1, 10), ("张*国", 1, 10), ("王*强", 3, 5), ("刘*明", 3, 5)]
    pages = [client.get("/api/v1/points/ranking", {"page_size": 3, "page": n}).json() for n in (1, 2, 3)]
    assert [p["count"] for p in pages] == [4, 4, 4]
    assert pages[0]["items"] + pages[1]["items"] == whole["items"]
    assert pages[2]["items"] == []


def test_claim_photo(personas, api_client, rules, settings, tmp_path):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client = api_client("resident_a1")
    claim = client.post("/api/v1/points/claims", {"rule": "VOL", "evidence": "清理河道"},
                        content_type="application/json").json()
    url = f"/api/v1/points/claims/{claim['id']}/photo"
    bad = client.post(url, {"file": io.BytesIO(b"not an image")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "photo"
    image = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(image, "PNG")
    image.seek(0)
    image.name = "river.png"
    response = client.post(url, {"file": image})
    assert response.status_code == 200 and response.json()["has_photo"] is True
    assert api_client("outsider").post(url, {"file": io.BytesIO(b"x")}).status_code == 404
    api_client("worker_a1").post(f"/api/v1/points/claims/{claim['id']}/review", {"decision": "approve"},
                                 content_type="application/json")
    image.seek(0)
    assert client.post(url, {"file": image}).status_code == 409
