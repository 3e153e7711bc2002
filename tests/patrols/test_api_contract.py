"""The contract of issue 12 for patrols: start, check in (located, counted or flagged), finish, the
list, a case from a patrol, entered by hand, the week's compliance, the rule; every write audited."""

import datetime

from gridgov.core.models import AuditEntry
from gridgov.patrols.models import CheckIn, Patrol, PatrolCase

from .conftest import POINT_A1, POINT_A2, POINT_B1, POINT_NOWHERE, local


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_a_patrol_through_two_grids_and_out_of_them(personas, worker, clock, api_client):
    client = api_client("worker_a1")
    r = _post(client, "/api/v1/patrols", {})
    assert r.status_code == 201
    pid = r.json()["id"]
    answers = []
    for lat, lng in (POINT_A1, POINT_A2, POINT_B1, POINT_NOWHERE):
        r = _post(client, f"/api/v1/patrols/{pid}/checkins", {"lat": lat, "lng": lng, "accuracy": 12.5})
        assert r.status_code == 201, r.content
        answers.append((r.json()["grid"], r.json()["counted"]))
    town = personas.town
    assert answers == [(town.a1.code, True), (town.a2.code, True), (town.b1.code, False), (None, False)]
    assert CheckIn.objects.filter(patrol_id=pid).count() == 4  # the outside ones are kept, flagged
    r = _post(client, f"/api/v1/patrols/{pid}/finish")
    assert r.status_code == 200
    assert r.json()["state"] == "finished" and r.json()["grids"] == [town.a1.code, town.a2.code]
    assert _post(client, f"/api/v1/patrols/{pid}/checkins", {"lat": 22.705, "lng": 112.305}).status_code == 409
    listed = client.get("/api/v1/patrols", {"grid": town.a2.code}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pid
    assert client.get("/api/v1/patrols", {"grid": town.b1.code}).json()["count"] == 0
    actions = set(AuditEntry.objects.filter(object_type__startswith="patrols.").values_list("action", flat=True))
    assert actions == {"patrol.start", "patrol.checkin", "patrol.finish"}
    week = api_client("secretary_a").get("/api/v1/patrols/compliance",
                                         {"scope": town.village_a.code, "week": "2026-W10"}).json()
    assert week["week"] == "2026-W10" and week["count"] == 2
    assert week["items"][0] == {"grid": town.a1.code, "name": town.a1.name, "patrols": 1, "meets_weekly": False,
                                "covered_half_month": True}


def test_bad_input_and_other_peoples_patrols(personas, worker, clock, api_client):
    client = api_client("worker_a1")
    pid = _post(client, "/api/v1/patrols").json()["id"]
    r = _post(client, f"/api/v1/patrols/{pid}/checkins", {"lat": 95, "lng": 112.3})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "lat"
    assert _post(client, f"/api/v1/patrols/{pid}/checkins", {"lng": 112.3}).status_code == 422
    for who in ("secretary_a", "town_admin", "resident_a1", "outsider"):
        other = api_client(who)
        assert _post(other, f"/api/v1/patrols/{pid}/checkins", {"lat": 22.705, "lng": 112.305}).status_code == 404
        assert _post(other, "/api/v1/patrols").status_code == 403
    assert api_client("outsider").get(f"/api/v1/patrols/{pid}").status_code == 404
    assert api_client("secretary_a").get(f"/api/v1/patrols/{pid}").status_code == 200
    r = api_client("worker_a1").get("/api/v1/patrols/compliance", {"week": "2026-W60"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "week"


def test_a_problem_found_becomes_a_linked_case(personas, worker, cfg, clock, api_client, login):
    client = api_client("worker_a1")
    pid = _post(client, "/api/v1/patrols").json()["id"]
    _post(client, f"/api/v1/patrols/{pid}/checkins", {"lat": POINT_A2[0], "lng": POINT_A2[1]})
    r = _post(client, f"/api/v1/patrols/{pid}/case", {"category": cfg.garbage.code, "description": "巷口垃圾堆积"})
    assert r.status_code == 201
    from gridgov.cases.models import Case
    from gridgov.cases.origins import origin_of

    case = Case.objects.get(pk=r.json()["id"])
    assert case.channel == "patrol" and case.grid == personas.town.a2  # the last located grid
    assert PatrolCase.objects.filter(patrol_id=pid, case=case).exists()
    _label, url = origin_of(case, personas.secretary_a)
    assert url == f"/patrols/{pid}/"
    assert origin_of(case, personas.outsider) is None


def test_a_patrol_entered_by_hand(personas, worker, clock, api_client):
    client = api_client("worker_a1")
    town = personas.town
    body = {"started_at": local(2026, 2, 27, 9, 0).isoformat(), "finished_at": local(2026, 2, 27, 10, 0).isoformat(),
            "grids": [town.a1.code, town.a2.code], "reason": "手机没电"}
    assert _post(client, "/api/v1/patrols/by-hand", {**body, "reason": ""}).status_code == 422
    assert _post(client, "/api/v1/patrols/by-hand", {**body, "grids": [town.b1.code]}).status_code == 404
    future = {**body, "finished_at": local(2026, 3, 3, 10, 0).isoformat()}
    assert _post(client, "/api/v1/patrols/by-hand", future).status_code == 422
    r = _post(client, "/api/v1/patrols/by-hand", body)
    assert r.status_code == 201
    patrol = Patrol.objects.get(pk=r.json()["id"])
    assert patrol.by_hand and patrol.reason == "手机没电" and patrol.day == datetime.date(2026, 2, 27)
    detail = client.get(f"/api/v1/patrols/{patrol.pk}").json()
    assert detail["by_hand"] and detail["grids"] == [town.a1.code, town.a2.code]
    assert AuditEntry.objects.filter(action="patrol.by_hand", object_id=str(patrol.pk)).exists()


def test_the_town_sets_its_rule(personas, clock, api_client):
    town = personas.town
    r = _post(api_client("town_admin"), "/api/v1/patrols/rule",
              {"town": town.town.code, "weekly_count": 2, "half_month_count": 1})
    assert r.status_code == 200 and r.json()["weekly_count"] == 2
    for who in ("secretary_a", "worker_a1", "outsider"):
        assert _post(api_client(who), "/api/v1/patrols/rule", {"town": town.town.code}).status_code == 404
    assert AuditEntry.objects.filter(action="patrol.rule").count() == 1
    week = api_client("town_admin").get("/api/v1/patrols/compliance", {"week": "2026-W10"}).json()
    assert week["weekly_count"] == 2 and week["count"] == 4
