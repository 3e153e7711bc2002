"""Who may do what: volunteers for themselves, organisers for their activities, staff in their scope;
residents see the activities open to them; outsiders and the auditor get 404 like a missing activity;
every write leaves an audit row."""

import datetime

import pytest

from gridgov.core.models import AuditEntry
from gridgov.org.actions import do_create_user
from gridgov.volunteers import actions
from gridgov.volunteers.actions import VolunteerError
from gridgov.volunteers.models import Activity, Signup
from tests.cases.conftest import local


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_outsiders_and_the_auditor_get_404(vol, api_client, resident_b):
    a = vol.activity
    do_create_user(None, "auditor", "auditor", vol.t.town.code, password="Grid-Test-2026")
    for username in ("outsider", "resident_b1", "auditor", "department"):
        client = api_client(username)
        assert client.get(f"/api/v1/volunteers/activities/{a.pk}").status_code == 404, username
        assert client.get("/api/v1/volunteers/activities").json()["count"] == 0, username
        refused = 403 if username == "auditor" else 404  # the core refuses every write of the auditor first
        for path in ("signups", "close", "signups/cancel"):
            assert _post(client, f"/api/v1/volunteers/activities/{a.pk}/{path}").status_code == refused, (username, path)
        assert _post(client, f"/api/v1/volunteers/activities/{a.pk}/attendance",
                     {"person": vol.t.zhang.pk}).status_code == refused, username
        assert client.get("/api/v1/volunteers/stats", {"scope": vol.t.village_a.code}).status_code == 404
    assert api_client("auditor").post("/api/v1/volunteers/register", {"consent": True},
                                      content_type="application/json").status_code == 403
    assert not Signup.objects.exists()


def test_residents_see_what_is_open_to_them(vol, api_client, resident_b):
    p = vol.p
    start = local(2026, 3, 5, 9)
    town_wide = actions.do_create_activity(p.town_admin, vol.team, "全镇植树", start, start + datetime.timedelta(hours=2),
                                           quota=50, audience="town")
    members = actions.do_create_activity(p.town_admin, vol.team, "队内学习", start, start + datetime.timedelta(hours=2),
                                         quota=50, audience="team")
    b = api_client("resident_b1")
    assert [x["id"] for x in b.get("/api/v1/volunteers/activities").json()["items"]] == [town_wide.pk]
    a1 = api_client("resident_a1")
    assert {x["id"] for x in a1.get("/api/v1/volunteers/activities").json()["items"]} == {vol.activity.pk, town_wide.pk}
    assert a1.get(f"/api/v1/volunteers/activities/{members.pk}").status_code == 404
    actions.do_join(p.resident_a1, vol.team)
    assert a1.get(f"/api/v1/volunteers/activities/{members.pk}").status_code == 200
    # 刘德明 of B signs up for the town-wide one after registering; not before.
    assert _post(b, f"/api/v1/volunteers/activities/{town_wide.pk}/signups").status_code == 403
    _post(b, "/api/v1/volunteers/register", {"consent": True})
    assert _post(b, f"/api/v1/volunteers/activities/{town_wide.pk}/signups").status_code == 201


def test_organisers_are_the_leader_and_staff_of_the_scope(vol, api_client):
    p, t, a = vol.p, vol.t, vol.activity
    # A resident who is not the leader cannot take attendance, close or see the code.
    with pytest.raises(VolunteerError) as refused:
        actions.do_attendance(p.resident_a1, a, t.chen.pk)
    assert refused.value.status == 404
    assert api_client("resident_a1").get(f"/api/v1/volunteers/activities/{a.pk}").json()["code"] is None
    assert api_client("secretary_a").get(f"/api/v1/volunteers/activities/{a.pk}").json()["code"] == a.code
    assert api_client("town_admin").get(f"/api/v1/volunteers/activities/{a.pk}").json()["code"] == a.code
    with pytest.raises(VolunteerError) as refused:
        actions.do_signup(p.resident_a1, a, t.chen.pk)
    assert refused.value.status == 403
    # The leader cannot sign up someone of another town (no such person for them).
    with pytest.raises(VolunteerError) as refused:
        actions.do_signup(p.secretary_a, a, t.liu.pk)
    assert refused.value.status == 404


def test_every_write_is_audited(vol):
    p, t, a = vol.p, vol.t, vol.activity
    actions.do_signup(p.resident_a1, a)
    actions.do_cancel(p.resident_a1, a)
    actions.do_signup(p.resident_a1, a)
    vol.clock.move_to(local(2026, 3, 3, 9, 5))
    actions.do_check_in_with_code(p.resident_a1, a, a.code)
    actions.do_attendance(p.party_a1, a, t.chen.pk, check_in=local(2026, 3, 3, 9, 0))
    vol.clock.move_to(local(2026, 3, 3, 12, 5))
    actions.do_close(p.party_a1, a)
    codes = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    for code in ("volunteer.team", "volunteer.register", "volunteer.join", "volunteer.activity", "volunteer.signup",
                 "volunteer.cancel", "volunteer.check_in", "volunteer.walk_in", "volunteer.attendance",
                 "volunteer.check_out", "volunteer.close", "volunteer.points"):
        assert code in codes, code
    assert Activity.objects.get(pk=a.pk).state == "closed"
