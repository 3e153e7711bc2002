"""GET /api/v1/stars/schemes/{year}, GET /api/v1/stars/assessments, POST .../actions: shapes, ranking,
refusals and scoping (a village never sees another's unpublished scores; the outsider sees nothing of A)."""

from decimal import Decimal as D

import pytest

from gridgov.stars import actions
from gridgov.stars.models import Indicator

from .conftest import PERIOD, manual_scores


def test_scheme_of_the_year(personas, scheme, api_client):
    for username in ("town_admin", "secretary_a", "resident_a1"):
        body = api_client(username).get("/api/v1/stars/schemes/2026").json()
        assert body["name"] == "东成镇2026年五星支部创建方案"
        assert [s["name"] for s in body["stars"]] == ["支部过硬星", "产业兴旺星", "生态宜居星", "平安法治星", "文明幸福星"]
        assert body["total_points"] == 100
        assert body["levels"][0] == {"min_total": 90, "min_stars": 5, "label": "五星"}
    industry = body["stars"][1]
    assert industry["threshold"] == 16 and industry["vetoes"][0]["name"] == "集体资产流失或违规举债"
    income = industry["indicators"][0]
    assert income["method"] == "metric" and income["config"]["brackets"] == [[100000, 6], [200000, 9], [500000, 12]]
    assert api_client("town_admin").get("/api/v1/stars/schemes/2025").status_code == 404


def test_list_with_stars_and_rank(personas, quarter, api_client, advance):
    # A and B end with the same total and stars: the village code decides (A's code is lower).
    advance(quarter.a, "submitted")
    advance(quarter.b, "submitted")
    response = api_client("town_admin").get(f"/api/v1/stars/assessments?period={PERIOD}&scope={personas.town.town.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    a, b = body["items"]
    assert a["total"] == b["total"] and a["stars_earned"] == b["stars_earned"]
    assert (a["village"]["name"], a["rank"]) == ("碧塘村", 1) and (b["village"]["name"], b["rank"]) == ("都斛村", 2)
    assert [s["code"] for s in a["stars"]] == ["branch", "industry", "ecology", "safety", "civility"]
    assert set(a["stars"][0]) == {"code", "name", "score", "threshold", "earned", "vetoed", "nominated"}
    # B gains a reward: it moves ahead.
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")
    actions.do_add_entry(personas.town_admin, quarter.b, vanguard, 1, "党员带头抢险")
    items = api_client("town_admin").get(f"/api/v1/stars/assessments?period={PERIOD}").json()["items"]
    assert [(i["village"]["name"], i["rank"]) for i in items] == [("都斛村", 1), ("碧塘村", 2)]


def test_bad_period_and_unknown_scope(personas, quarter, api_client):
    client = api_client("town_admin")
    response = client.get("/api/v1/stars/assessments?period=2026-3")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period"
    assert client.get("/api/v1/stars/assessments?period=2026Q1&scope=999999999999").status_code == 404


def test_a_village_does_not_see_another_villages_unpublished_scores(personas, quarter, api_client, advance):
    outsider = api_client("outsider")  # secretary of village B
    listed = outsider.get(f"/api/v1/stars/assessments?period={PERIOD}").json()["items"]
    assert [i["village"]["name"] for i in listed] == ["都斛村"]
    assert outsider.get(f"/api/v1/stars/assessments/{quarter.a.pk}").status_code == 404
    assert outsider.get(f"/api/v1/stars/assessments?period={PERIOD}&scope={personas.town.village_a.code}").status_code == 404
    response = outsider.post(f"/api/v1/stars/assessments/{quarter.a.pk}/actions", {"action": "submit"},
                             content_type="application/json")
    assert response.status_code == 404
    for step in ("submitted", "reviewed", "confirmed"):
        advance(quarter.a, step)
        assert outsider.get(f"/api/v1/stars/assessments/{quarter.a.pk}").status_code == 404
    advance(quarter.a, "published")
    # Published: visible town-wide, but still not B's to act on.
    assert outsider.get(f"/api/v1/stars/assessments/{quarter.a.pk}").json()["allowed_actions"] == []


def test_residents_see_only_their_own_villages_published_result(personas, quarter, api_client, advance):
    resident = api_client("resident_a1")
    assert resident.get(f"/api/v1/stars/assessments?period={PERIOD}").json()["count"] == 0
    advance(quarter.b, "published")
    assert resident.get(f"/api/v1/stars/assessments?period={PERIOD}").json()["count"] == 0
    advance(quarter.a, "published")
    items = resident.get(f"/api/v1/stars/assessments?period={PERIOD}").json()["items"]
    assert [i["village"]["name"] for i in items] == ["碧塘村"]
    detail = resident.get(f"/api/v1/stars/assessments/{quarter.a.pk}").json()
    assert detail["allowed_actions"] == ["object"]


def test_submit_and_review_through_the_api(personas, quarter, api_client, county_admin):
    a = quarter.a
    scores = [{"indicator": pk, "points": float(points), "evidence": evidence}
              for pk, (points, evidence) in manual_scores(a).items()]
    secretary = api_client("secretary_a")
    assert secretary.get(f"/api/v1/stars/assessments/{a.pk}").json()["allowed_actions"] == ["submit"]
    response = secretary.post(f"/api/v1/stars/assessments/{a.pk}/actions",
                              {"action": "submit", "scores": scores, "stars": ["branch"]},
                              content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["nominated"] == ["branch"]
    meetings = next(s for s in body["scores"] if s["code"] == "branch.meetings")
    assert meetings["self_points"] == 7 and meetings["evidence"] == "会议记录、照片"
    income = next(s for s in body["scores"] if s["code"] == "industry.income")
    assert income["records"]["source"] == "stars.collective_income"
    # Again: the state refuses.
    again = secretary.post(f"/api/v1/stars/assessments/{a.pk}/actions", {"action": "submit"},
                           content_type="application/json")
    assert again.status_code == 409 and again.json()["detail"]
    # The secretary may not review; the town may.
    team = next(s for s in body["scores"] if s["code"] == "branch.team")
    review = {"action": "review", "scores": [{"indicator": team["indicator"], "points": 3, "reason": "分工不明"}]}
    assert secretary.post(f"/api/v1/stars/assessments/{a.pk}/actions", review,
                          content_type="application/json").status_code == 403
    town = api_client("town_admin")
    missing_reason = {"action": "review", "scores": [{"indicator": team["indicator"], "points": 3}]}
    response = town.post(f"/api/v1/stars/assessments/{a.pk}/actions", missing_reason, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == f"reason_{team['indicator']}"
    response = town.post(f"/api/v1/stars/assessments/{a.pk}/actions", review, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "reviewed"
    assert next(s for s in response.json()["scores"] if s["code"] == "branch.team")["points"] == 3
    assert town.post(f"/api/v1/stars/assessments/{a.pk}/actions", {"action": "confirm"},
                     content_type="application/json").status_code == 403
    county = api_client("county_admin")
    assert county.post(f"/api/v1/stars/assessments/{a.pk}/actions", {"action": "confirm"},
                       content_type="application/json").json()["state"] == "confirmed"
    published = town.post(f"/api/v1/stars/assessments/{a.pk}/actions", {"action": "publish"},
                          content_type="application/json").json()
    assert published["state"] == "published" and published["publicity_until"]
    objected = api_client("resident_a1").post(f"/api/v1/stars/assessments/{a.pk}/actions",
                                              {"action": "object", "text": "环境得分偏高"},
                                              content_type="application/json").json()
    objection = objected["objections"][0]["id"]
    assert town.post(f"/api/v1/stars/assessments/{a.pk}/actions", {"action": "answer", "text": ""},
                     content_type="application/json").status_code == 422
    answered = town.post(f"/api/v1/stars/assessments/{a.pk}/actions",
                         {"action": "answer", "objection": objection, "text": "已核实"},
                         content_type="application/json").json()
    assert answered["objections"][0]["answer"] == "已核实"


@pytest.mark.usefixtures("english")
def test_messages_in_english_and_chinese(personas, quarter, api_client):
    client = api_client("town_admin")
    response = client.post(f"/api/v1/stars/assessments/{quarter.a.pk}/actions", {"action": "publish"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["detail"] == "This assessment is Draft; publish is not possible now."


def test_message_in_chinese(personas, quarter, api_client):
    response = api_client("town_admin").post(f"/api/v1/stars/assessments/{quarter.a.pk}/actions",
                                             {"action": "publish"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"] == "该考评当前为草稿，现在不能公示。"
    # Refused, so nothing changed: still the draft of a quarter without records, whose points are the bases
    # of the dynamic indicators (branch 5, ecology 4, safety 4); no metric has a figure.
    after = api_client("town_admin").get(f"/api/v1/stars/assessments/{quarter.a.pk}").json()
    assert (after["state"], D(str(after["total"]))) == ("draft", D("13"))


def test_the_three_endpoints_are_documented(personas, api_client):
    schema = api_client("town_admin").get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/stars/schemes/{year}"]
    assert {p["name"] for p in paths["/api/v1/stars/assessments"]["get"]["parameters"]} >= {"period", "scope", "page"}
    actions = paths["/api/v1/stars/assessments/{assessment_id}/actions"]["post"]
    assert set(actions["responses"]) >= {"200", "403", "404", "409", "422"}


def test_state_filter_keeps_the_towns_ranks(personas, quarter, api_client, advance, login):
    advance(quarter.b, "submitted")  # B's full manual points put it first
    client = api_client("town_admin")
    everything = client.get(f"/api/v1/stars/assessments?period={PERIOD}").json()["items"]
    assert [(i["village"]["name"], i["rank"]) for i in everything] == [("都斛村", 1), ("碧塘村", 2)]
    drafts = client.get(f"/api/v1/stars/assessments?period={PERIOD}&state=draft").json()
    assert [(i["village"]["name"], i["rank"]) for i in drafts["items"]] == [("碧塘村", 2)] and drafts["count"] == 1
    assert client.get("/api/v1/stars/assessments?state=bogus").status_code == 422
    rows = login(personas.town_admin).get(f"/stars/?period={PERIOD}&state=draft").context["rows"]
    assert [(a.village.name, a.rank) for a in rows] == [("碧塘村", 2)]


def test_rewards_and_incomes_through_the_api(personas, quarter, api_client, advance):
    vanguard = Indicator.objects.get(star__scheme=quarter.scheme, code="branch.vanguard")
    town = api_client("town_admin")
    response = town.post(f"/api/v1/stars/assessments/{quarter.a.pk}/entries",
                         {"indicator": vanguard.pk, "points": -1.5, "reason": "主题党日缺席"},
                         content_type="application/json")
    assert response.status_code == 201 and response.json()["approver"] == "town_admin"
    detail = town.get(f"/api/v1/stars/assessments/{quarter.a.pk}").json()
    assert next(s for s in detail["scores"] if s["code"] == "branch.vanguard")["points"] == 3.5  # base 5 - 1.5
    assert api_client("secretary_a").post(f"/api/v1/stars/assessments/{quarter.a.pk}/entries",
                                          {"indicator": vanguard.pk, "points": 2, "reason": "自加"},
                                          content_type="application/json").status_code == 403
    assert api_client("outsider").post(f"/api/v1/stars/assessments/{quarter.a.pk}/entries",
                                       {"indicator": vanguard.pk, "points": 2, "reason": "x"},
                                       content_type="application/json").status_code == 404
    code = personas.town.village_a.code
    put = api_client("secretary_a").put(f"/api/v1/stars/incomes/{code}/2026", {"amount": 560000, "evidence": "审计报告"},
                                        content_type="application/json")
    assert put.status_code == 200 and put.json()["amount"] == 560000
    assert api_client("outsider").put(f"/api/v1/stars/incomes/{code}/2026", {"amount": 1, "evidence": "x"},
                                      content_type="application/json").status_code == 404
    advance(quarter.a, "reviewed")
    assert quarter.a.scores.get(indicator__code="industry.income").points == 12  # 50万+
    late = town.post(f"/api/v1/stars/assessments/{quarter.a.pk}/entries",
                     {"indicator": vanguard.pk, "points": 1, "reason": "迟到的表扬"}, content_type="application/json")
    assert late.status_code == 409
