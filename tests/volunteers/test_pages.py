"""The pages: a resident registers with consent, signs up, checks in and out with the code and reads their
record; the organiser ticks, adds a walk-in, shows the code and closes; staff keep teams, publish and read
the figures; outsiders get 404."""

from gridgov.volunteers.models import Activity, Signup, Team, Volunteer
from tests.cases.conftest import local


def test_resident_pages(vol, login):
    t, a = vol.t, vol.activity
    from gridgov.org.actions import do_create_user
    account = do_create_user(None, "chen", "resident", t.a2.code, password="Grid-Test-2026", person=t.chen)
    chen = login(account)
    page = chen.get("/volunteers/")
    assert page.status_code == 200 and "清理河道" in page.content.decode()
    # Signing up unregistered leads to the consent page, then back.
    r = chen.post(f"/volunteers/{a.pk}/signup/")
    assert r.status_code == 302 and "/volunteers/register/" in r.url
    assert "2026-1" in chen.get(r.url).content.decode()
    assert chen.post("/volunteers/register/", {"version": "2026-1"}).status_code == 200  # no consent: refused
    assert not Volunteer.objects.filter(person=t.chen).exists()
    r = chen.post("/volunteers/register/", {"version": "2026-1", "consent": "yes", "next": f"/volunteers/{a.pk}/"})
    assert r.status_code == 302 and r.url == f"/volunteers/{a.pk}/"
    chen.post(f"/volunteers/{a.pk}/signup/")
    assert Signup.objects.get(activity=a, person=t.chen).state == "signed"
    vol.clock.move_to(local(2026, 3, 3, 9, 0))
    chen = login(account)  # a new session the next day (the idle rule ends the first)
    body = chen.get(f"/volunteers/{a.pk}/checkin/?code={a.code}", follow=True).content.decode()
    assert f'value="{a.code}"' in body
    chen.post(f"/volunteers/{a.pk}/checkin/", {"code": a.code})
    vol.clock.move_to(local(2026, 3, 3, 10, 30))
    chen = login(account)
    chen.post(f"/volunteers/{a.pk}/checkin/", {"code": a.code})
    assert Signup.objects.get(activity=a, person=t.chen).minutes == 90
    assert "1.5" in chen.get("/volunteers/me/").content.decode()
    assert chen.get(f"/volunteers/{a.pk}/attendance/").status_code == 404
    assert chen.get(f"/volunteers/{a.pk}/code/").status_code == 404


def test_organiser_and_staff_pages(vol, login):
    p, t, a = vol.p, vol.t, vol.activity
    leader = login(p.party_a1)
    code_page = leader.get(f"/volunteers/{a.pk}/code/").content.decode()
    assert a.code in code_page
    # The QR code is the check-in link with the code filled in, drawn into the page (no outside service).
    from gridgov.core import qr

    assert str(qr.svg(f"http://testserver/volunteers/{a.pk}/checkin/?code={a.code}", box_size=10)) in code_page
    vol.clock.move_to(local(2026, 3, 3, 9, 10))
    leader = login(p.party_a1)
    page = leader.get(f"/volunteers/{a.pk}/attendance/", {"q": "陈"}).content.decode()
    assert f'id="walk-in-{t.chen.pk}"' in page
    leader.post(f"/volunteers/{a.pk}/attendance/", {"op": "walk_in", "person": t.chen.pk})
    vol.clock.move_to(local(2026, 3, 3, 11, 10))
    leader = login(p.party_a1)
    leader.post(f"/volunteers/{a.pk}/attendance/", {"op": "out", "person": t.chen.pk})
    s = Signup.objects.get(activity=a, person=t.chen)
    assert (s.walk_in, s.minutes) == (True, 120)
    leader.post(f"/volunteers/{a.pk}/attendance/", {"op": "hours", "person": t.chen.pk, "hours": "1.5",
                                                    "reason": "提前离开"})
    assert Signup.objects.get(pk=s.pk).minutes == 90
    vol.clock.move_to(local(2026, 3, 3, 12, 10))
    leader = login(p.party_a1)
    leader.post(f"/volunteers/{a.pk}/close/")
    assert Activity.objects.get(pk=a.pk).state == "closed"
    assert Signup.objects.get(pk=s.pk).points == 3

    staff = login(p.secretary_a)
    staff.post("/volunteers/teams/", {"name": "碧塘村青年志愿队", "region": t.village_a.code, "kind": "youth"})
    assert Team.objects.filter(name="碧塘村青年志愿队", path=t.village_a.path).exists()
    r = staff.post("/volunteers/new/", {"team": vol.team.pk, "title": "敬老院探访", "day": "2026-03-08",
                                        "start": "14:00", "end": "16:00", "quota": "8", "points": "3",
                                        "points_per": "activity", "audience": "town", "cutoff": "2"})
    created = Activity.objects.get(title="敬老院探访")
    assert r.status_code == 302 and created.audience_path == t.town.path
    assert created.signup_until == local(2026, 3, 8, 12, 0)
    stats = staff.get("/volunteers/stats/", {"since": "2026-03-01", "until": "2026-03-31"}).content.decode()
    assert "figures" in stats
    outsider = login(p.outsider)
    for path in (f"/volunteers/{a.pk}/", f"/volunteers/{a.pk}/attendance/", f"/volunteers/{a.pk}/code/"):
        assert outsider.get(path).status_code == 404
    assert outsider.get("/volunteers/stats/", {"scope": t.village_a.code}).status_code == 404
    assert login(p.department).get("/volunteers/").status_code == 404
