"""Hours and points worked out by hand, the rule's cap, closing twice, the cut-off for sign-up and cancelling."""

import datetime

import pytest

from gridgov.core.models import AuditEntry
from gridgov.points.public import person_balance
from gridgov.volunteers import actions
from gridgov.volunteers.actions import VolunteerError
from gridgov.volunteers.models import Signup
from tests.cases.conftest import local


def _at(vol, *args):
    vol.clock.move_to(local(2026, 3, *args))


def test_hours_and_points_by_hand(vol):
    """Activity 09:00-12:00 at 2 points an hour. 张建国 in 08:40 (counts from 09:00), out 11:40: 2 h 40 min,
    5 points (5.33 rounded down). 陈丽华 ticked in 10:15, still in at the close: out at 12:00, 1 h 45 min, 3
    points. 李秀英 in 09:00 out 12:30 but corrected to 2 h (left for an hour): 4 points. Cap: 20 a month."""
    p, t, a = vol.p, vol.t, vol.activity
    actions.do_signup(p.resident_a1, a)
    _at(vol, 3, 8, 40)
    actions.do_check_in_with_code(p.resident_a1, a, a.code)
    _at(vol, 3, 10, 15)
    actions.do_attendance(p.party_a1, a, t.chen.pk, check_in=local(2026, 3, 3, 10, 15))
    actions.do_attendance(p.party_a1, a, t.zhang_wife.pk, check_in=local(2026, 3, 3, 9, 0))
    _at(vol, 3, 11, 40)
    zhang = actions.do_check_in_with_code(p.resident_a1, a, a.code)
    assert zhang.minutes == 160
    with pytest.raises(VolunteerError) as refused:
        actions.do_attendance(p.party_a1, a, t.zhang_wife.pk, hours=2)
    assert refused.value.field == "reason"
    _at(vol, 3, 12, 30)
    actions.do_attendance(p.party_a1, a, t.zhang_wife.pk, check_out=local(2026, 3, 3, 12, 30), hours=2,
                          reason="中途离开一小时")
    wife = Signup.objects.get(activity=a, person=t.zhang_wife)
    assert (wife.minutes, wife.corrected, wife.walk_in) == (120, True, True)
    assert AuditEntry.objects.filter(action="volunteer.correct", object_id=str(wife.pk)).exists()
    counts = actions.do_close(p.party_a1, a)
    assert counts == {"awarded": 12, "exists": 0, "capped": 0, "none": 0}
    chen = Signup.objects.get(activity=a, person=t.chen)
    assert (chen.check_out, chen.minutes, chen.points) == (local(2026, 3, 3, 12, 0), 105, 3)
    assert [person_balance(x) for x in (t.zhang, t.chen, t.zhang_wife)] == [5, 3, 4]
    # Closing again awards nothing twice.
    assert actions.do_close(p.secretary_a, a) == {"awarded": 0, "exists": 12, "capped": 0, "none": 0}
    assert [person_balance(x) for x in (t.zhang, t.chen, t.zhang_wife)] == [5, 3, 4]
    assert AuditEntry.objects.filter(action="volunteer.close").count() == 1
    with pytest.raises(VolunteerError) as refused:
        actions.do_attendance(p.party_a1, a, t.chen.pk, hours=3, reason="x")
    assert refused.value.status == 409


def test_per_activity_points_under_the_cap(vol):
    """5 points per activity, cap 20 a month: the fifth activity in March earns nothing; April starts again."""
    p, t = vol.p, vol.t
    done = []
    for day in (3, 5, 10, 17, 24, 31 + 7):
        start = local(2026, 3, 1, 9) + datetime.timedelta(days=day - 1)
        a = actions.do_create_activity(p.secretary_a, vol.team, f"巡河{day}", start, start + datetime.timedelta(hours=1),
                                       quota=5, points=5)
        actions.do_signup(p.resident_a1, a)
        vol.clock.move_to(start + datetime.timedelta(minutes=5))
        actions.do_check_in_with_code(p.resident_a1, a, a.code)
        vol.clock.move_to(start + datetime.timedelta(hours=2))
        done.append(actions.do_close(p.secretary_a, a))
        vol.clock.move_to(start + datetime.timedelta(hours=3))
    assert [d["awarded"] for d in done] == [5, 5, 5, 5, 0, 5]
    assert done[4]["capped"] == 5
    assert person_balance(t.zhang) == 25
    assert list(Signup.objects.filter(person=t.zhang).order_by("activity__start").values_list("points", flat=True)
                ) == [5, 5, 5, 5, 0, 5]


def test_closing_before_the_start_is_refused_and_without_a_rule_nothing_is_awarded(vol):
    p, a = vol.p, vol.activity
    with pytest.raises(VolunteerError) as refused:
        actions.do_close(p.party_a1, a)
    assert refused.value.status == 409
    vol.rule.is_active = False
    vol.rule.save()
    actions.do_signup(p.resident_a1, a)
    _at(vol, 3, 9, 0)
    actions.do_check_in_with_code(p.resident_a1, a, a.code)
    _at(vol, 3, 12, 0)
    assert actions.do_close(p.party_a1, a)["none"] == 6
    assert person_balance(vol.t.zhang) == 0


def test_cancel_before_the_cut_off_only(vol):
    """Sign-up and cancelling close at 08:00 on the day (an hour before the start)."""
    p, a = vol.p, vol.activity
    actions.do_signup(p.resident_a1, a)
    _at(vol, 3, 7, 59)
    actions.do_cancel(p.resident_a1, a)
    assert Signup.objects.get(activity=a, person=vol.t.zhang).state == "cancelled"
    actions.do_signup(p.resident_a1, a)  # signs up again before the cut-off
    _at(vol, 3, 8, 0)
    with pytest.raises(VolunteerError) as refused:
        actions.do_cancel(p.resident_a1, a)
    assert refused.value.status == 409
    assert Signup.objects.get(activity=a, person=vol.t.zhang).state == "signed"
    actions.do_register(p.party_a1, True)
    with pytest.raises(VolunteerError) as refused:
        actions.do_signup(p.party_a1, a)
    assert refused.value.status == 409
    # The organiser may still add someone after the cut-off.
    assert actions.do_signup(p.secretary_a, a, vol.t.chen.pk).state == "signed"


def test_the_code_works_only_around_the_activity(vol):
    p, a = vol.p, vol.activity
    actions.do_signup(p.resident_a1, a)
    _at(vol, 3, 7, 59)
    with pytest.raises(VolunteerError) as refused:
        actions.do_check_in_with_code(p.resident_a1, a, a.code)
    assert refused.value.status == 409
    _at(vol, 3, 13, 1)
    with pytest.raises(VolunteerError):
        actions.do_check_in_with_code(p.resident_a1, a, a.code)
    assert Signup.objects.get(activity=a, person=vol.t.zhang).check_in is None
