"""Withdrawing consent (个人信息保护法 gives it as a right): the registration goes, with the audit row
keeping what was agreed to and when; the teams are left and sign-ups for activities not yet begun are
cancelled; hours served and points earned stay; volunteering again needs a new consent."""

import datetime

from gridgov.core.models import AuditEntry
from gridgov.volunteers import actions
from gridgov.volunteers.models import Membership, Signup, Volunteer

from .conftest import local


def test_withdrawing_through_the_api_and_registering_again(vol, api_client, login):
    p, a = vol.p, vol.activity
    actions.do_join(p.resident_a1, vol.team)
    actions.do_signup(p.resident_a1, a)
    served = actions.do_create_activity(p.party_a1, vol.team, "植树", local(2026, 3, 4, 8, 0), local(2026, 3, 4, 10, 0),
                                        quota=5, points=1, signup_until=local(2026, 3, 4, 7, 0))
    # a sign-up already checked in and counted: work done, never cancelled
    old = Signup.objects.create(activity=served, person=vol.t.zhang, check_in=served.start, check_out=served.end,
                                minutes=120, points=1, path=served.path)
    client = api_client("resident_a1")
    r = client.post("/api/v1/volunteers/withdraw")
    assert r.status_code == 200 and r.json() == {"cancelled": 1, "teams_left": 1}
    assert not Volunteer.objects.filter(person=vol.t.zhang).exists()
    assert not Membership.objects.filter(person=vol.t.zhang).exists()
    assert Signup.objects.get(activity=a, person=vol.t.zhang).state == Signup.State.CANCELLED
    old.refresh_from_db()
    assert old.state == Signup.State.SIGNED and old.minutes == 120  # work done stays on the record
    entry = AuditEntry.objects.get(action="volunteer.withdraw")
    assert entry.after is None and entry.before["consent_version"] == actions.CONSENT_VERSION
    assert client.get("/api/v1/volunteers/me").json()["volunteer"] is None
    assert client.post(f"/api/v1/volunteers/activities/{a.pk}/signups", {},
                       content_type="application/json").status_code in (403, 409)
    assert client.post("/api/v1/volunteers/withdraw").status_code == 404  # nothing left to withdraw
    again = client.post("/api/v1/volunteers/register", {"consent": True, "version": actions.CONSENT_VERSION},
                        content_type="application/json")
    assert again.status_code == 201
    assert login(p.outsider).post("/volunteers/withdraw/").status_code in (302, 404)
    assert Volunteer.objects.filter(person=vol.t.zhang).exists()  # the outsider changed nothing


def test_the_record_page_offers_it_and_the_button_withdraws(vol, login):
    page = login(vol.p.resident_a1)
    assert 'action="/volunteers/withdraw/"' in page.get("/volunteers/me/").content.decode()
    assert page.post("/volunteers/withdraw/").status_code == 302
    assert not Volunteer.objects.filter(person=vol.t.zhang).exists()
    assert 'action="/volunteers/withdraw/"' not in page.get("/volunteers/me/").content.decode()
    vol.clock.shift(datetime.timedelta(minutes=1))
