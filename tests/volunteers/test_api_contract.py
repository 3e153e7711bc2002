"""The contract of /api/v1/volunteers/...: register, teams, activities, sign-ups (409 when full or closed),
attendance, close (points once), as issue 15 writes it."""

import datetime

from gridgov.points.public import person_balance
from gridgov.volunteers.models import Signup, Volunteer
from tests.cases.conftest import local


def test_register_then_sign_up_check_in_and_close(vol, api_client):
    t = vol.t
    chen = api_client("town_admin")
    # A resident of A2 (陈丽华) with an account, registering on the phone with consent.
    from gridgov.org.actions import do_create_user
    do_create_user(None, "chen", "resident", t.a2.code, password="Grid-Test-2026", person=t.chen)
    me = api_client("chen")
    assert me.post("/api/v1/volunteers/register", {"consent": False}, content_type="application/json"
                   ).status_code == 422
    r = me.post("/api/v1/volunteers/register", {"consent": True, "version": "2026-1"},
                content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["consent_version"] == "2026-1" and r.json()["channel"] == "self"
    assert me.post("/api/v1/volunteers/register", {"consent": True}, content_type="application/json"
                   ).status_code == 200
    record = me.get("/api/v1/volunteers/me").json()
    assert record["volunteer"]["person"] == t.chen.pk and "2026-1" == record["consent_version"]

    listed = me.get("/api/v1/volunteers/activities").json()
    assert [a["id"] for a in listed["items"]] == [vol.activity.pk] and listed["count"] == 1
    r = me.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/signups", content_type="application/json")
    assert r.status_code == 201, r.content
    detail = me.get(f"/api/v1/volunteers/activities/{vol.activity.pk}").json()
    assert detail["taken"] == 1 and detail["code"] is None and detail["mine"]["state"] == "signed"

    organiser = api_client("party_a1")  # 王志强 leads the team
    code = organiser.get(f"/api/v1/volunteers/activities/{vol.activity.pk}").json()["code"]
    assert code and len(code) == 6
    vol.clock.move_to(local(2026, 3, 3, 8, 50))
    assert me.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/checkin", {"code": "000000" if code != "000000"
                   else "111111"}, content_type="application/json").status_code == 422
    r = me.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/checkin", {"code": code},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["check_in"] is not None
    vol.clock.move_to(local(2026, 3, 3, 11, 30))
    r = me.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/checkin", {"code": code},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["hours"] == 2.5  # 09:00 (the start, not 08:50) to 11:30

    # The organiser adds a walk-in (the resident of A1 who did not sign up) and ticks them in and out.
    r = organiser.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/attendance",
                       {"person": t.zhang.pk, "check_in": local(2026, 3, 3, 9, 30).isoformat(),
                        "check_out": local(2026, 3, 3, 11, 0).isoformat()}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["walk_in"] and r.json()["hours"] == 1.5

    vol.clock.move_to(local(2026, 3, 3, 12, 30))
    r = organiser.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/close", content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "closed" and r.json()["awarded"] == 5 + 3
    r = chen.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/close", content_type="application/json")
    assert r.status_code == 200 and r.json()["awarded"] == 0 and r.json()["exists"] == 8
    assert person_balance(t.chen) == 5 and person_balance(t.zhang) == 3
    record = me.get("/api/v1/volunteers/me").json()
    assert (record["activities"], record["hours"], record["points"]) == (1, 2.5, 5)
    # Closed: no more sign-ups.
    assert api_client("resident_a1").post(f"/api/v1/volunteers/activities/{vol.activity.pk}/signups",
                                          content_type="application/json").status_code == 409


def test_full_activity_answers_409_and_the_organiser_signs_up_a_resident(vol, api_client):
    t = vol.t
    staff = api_client("secretary_a")
    for person in (t.zhang_wife, t.chen, t.wang):
        r = staff.post(f"/api/v1/volunteers/activities/{vol.activity.pk}/signups", {"person": person.pk},
                       content_type="application/json")
        assert r.status_code == 201, r.content
    assert Volunteer.objects.get(person=t.zhang_wife).channel == "organiser"  # registered on the way
    r = api_client("resident_a1").post(f"/api/v1/volunteers/activities/{vol.activity.pk}/signups",
                                       content_type="application/json")
    assert r.status_code == 409 and r.json()["detail"]
    assert Signup.objects.filter(activity=vol.activity).count() == 3


def test_teams_and_activities_are_created_by_whom_they_may(vol, api_client):
    t = vol.t
    staff = api_client("secretary_a")
    r = staff.post("/api/v1/volunteers/teams", {"name": "碧塘村银龄志愿队", "region": t.village_a.code, "kind": "senior"},
                   content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "senior" and r.json()["region"] == t.village_a.code
    assert api_client("outsider").post("/api/v1/volunteers/teams", {"name": "x", "region": t.village_a.code},
                                       content_type="application/json").status_code == 404
    teams = staff.get("/api/v1/volunteers/teams").json()
    assert teams["count"] == 2
    start = local(2026, 3, 10, 14, 0)
    body = {"team": vol.team.pk, "title": "敬老院探访", "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(), "quota": 5, "points": 3}
    r = staff.post("/api/v1/volunteers/activities", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["points_per"] == "activity" and r.json()["taken"] == 0
    assert staff.post("/api/v1/volunteers/activities", {**body, "end": body["start"]},
                      content_type="application/json").json()["errors"][0]["field"] == "end"
    # A resident who leads no team cannot publish; an outsider does not see the team.
    assert api_client("resident_a1").post("/api/v1/volunteers/activities", body,
                                          content_type="application/json").status_code == 404
    assert api_client("outsider").post("/api/v1/volunteers/activities", body,
                                       content_type="application/json").status_code == 404
    # A resident joins the team of their village.
    r = api_client("resident_a1").post(f"/api/v1/volunteers/teams/{vol.team.pk}/members",
                                       content_type="application/json")
    assert r.status_code == 201
