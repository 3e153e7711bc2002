"""Correcting a meeting's record before it locks (do_edit, PATCH /api/v1/party/meetings/{id}, the page):
attendance, counts and the attendance points follow; a locked record answers 409; nobody but the
organisation's secretary reaches it (404); bad input names its field; nothing changes on a refusal;
the lock across month and year ends, and a date moved past its lock makes a late entry."""

import datetime

import pytest

from gridgov.core.models import AuditEntry
from gridgov.meetings import actions
from gridgov.meetings.actions import MeetingError
from gridgov.meetings.models import Attendance, Meeting
from gridgov.points import actions as points_actions
from gridgov.points.models import Entry
from gridgov.points.public import person_balance

D = datetime.date
URL = "/api/v1/party/meetings"


@pytest.fixture
def recorded(party, at):
    """Group A1's meeting of 3 March 2026, entered on the 4th with the points rule on: 王 and 赵 present,
    孙 away for work."""
    at(2026, 3, 4)
    points_actions.do_save_rule(party.personas.town_admin, party.town.town, code="MEETING", name="参加组织生活",
                                points=2, auto="meeting_attended")
    return actions.do_record(party.personas.secretary_a, party.group_a1, "group", D(2026, 3, 3), "学习",
                             attendees=[party.wang.pk, party.zhao.pk],
                             absent=[{"person": party.sun.pk, "reason": "migrant"}], minutes="记录")


def state(meeting) -> tuple:
    m = Meeting.objects.get(pk=meeting.pk)
    return (m.date, m.topic, m.place, m.host_id, m.minutes, m.resolutions, m.late, m.late_reason, m.present_count,
            m.absent_count, m.migrant_count,
            sorted(Attendance.objects.filter(meeting=m).values_list("person_id", "present", "reason", "date")),
            Entry.objects.count(), AuditEntry.objects.filter(action="meeting.edit").count())


def test_a_correction_recomputes_attendance_counts_and_points(party, recorded):
    p, m = party, recorded
    assert [person_balance(x) for x in (p.wang, p.zhao, p.sun)] == [2, 2, 0]
    # 赵 was ticked by mistake (sick); 孙 did come after all.
    actions.do_edit(p.personas.secretary_a, m, attendees=[p.wang.pk, p.sun.pk],
                    absent=[{"person": p.zhao.pk, "reason": "病假"}], minutes="更正记录")
    m.refresh_from_db()
    assert (m.present_count, m.absent_count, m.migrant_count, m.minutes) == (2, 1, 0, "更正记录")
    assert dict(Attendance.objects.filter(meeting=m).values_list("person_id", "reason")) == {
        p.wang.pk: "", p.sun.pk: "", p.zhao.pk: "sick"}
    assert [person_balance(x) for x in (p.wang, p.zhao, p.sun)] == [2, 0, 2]
    taken = Entry.objects.get(kind="reversal")
    assert (taken.person_id, taken.points, taken.reversal_of.key) == (p.zhao.pk, -2, f"meeting:{m.pk}:{p.zhao.pk}")
    row = AuditEntry.objects.get(action="meeting.edit", object_id=str(m.pk))
    assert row.before == {"minutes": "记录", "present": sorted([p.wang.pk, p.zhao.pk]), "absent": [p.sun.pk],
                          "absent_reasons": {str(p.sun.pk): "migrant"}}
    assert row.after == {"minutes": "更正记录", "present": sorted([p.wang.pk, p.sun.pk]), "absent": [p.zhao.pk],
                         "absent_reasons": {str(p.zhao.pk): "sick"}}
    # Only one list given: the other keeps its own. 赵 ticked again earns again (a fresh key); nobody twice.
    actions.do_edit(p.personas.secretary_a, m, attendees=[p.wang.pk, p.sun.pk, p.zhao.pk])
    m.refresh_from_db()
    assert (m.present_count, m.absent_count) == (3, 0)
    assert [person_balance(x) for x in (p.wang, p.zhao, p.sun)] == [2, 2, 2]
    assert f"meeting:{m.pk}:{p.zhao.pk}:2" in set(Entry.objects.values_list("key", flat=True))
    actions.do_edit(p.personas.secretary_a, m, absent=[{"person": p.sun.pk, "reason": "外出务工", "note": "广州"}])
    m.refresh_from_db()
    assert (m.present_count, m.absent_count, m.migrant_count) == (2, 1, 1)
    assert [person_balance(x) for x in (p.wang, p.zhao, p.sun)] == [2, 2, 0]
    # Nothing changed, nothing written.
    audits = AuditEntry.objects.filter(action="meeting.edit").count()
    actions.do_edit(p.personas.secretary_a, m, topic="学习")
    assert AuditEntry.objects.filter(action="meeting.edit").count() == audits


def test_patch_answers_the_meeting_as_get_does(party, recorded, api_client):
    secretary = api_client("secretary_a")
    r = secretary.patch(f"{URL}/{recorded.pk}", {"topic": "学习党章", "host": party.wang.pk, "place": "村委会"},
                        content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json() == secretary.get(f"{URL}/{recorded.pk}").json()
    assert (r.json()["topic"], r.json()["host"], r.json()["present"]) == ("学习党章", party.wang.pk, 2)
    r = secretary.patch(f"{URL}/{recorded.pk}", {"host": None, "kind": "group", "org": party.group_a1.code},
                        content_type="application/json")
    assert r.status_code == 200 and r.json()["host"] is None
    row = AuditEntry.objects.filter(action="meeting.edit").first()
    assert row.after == {"host_id": None}


def test_nobody_else_reaches_it_and_a_locked_record_stays(party, recorded, at, api_client):
    before = state(recorded)
    for user in ("outsider", "resident_a1", "town_admin", "party_a1", "worker_a1", "department"):
        r = api_client(user).patch(f"{URL}/{recorded.pk}", {"topic": "改"}, content_type="application/json")
        assert r.status_code == 404, (user, r.status_code)
    assert api_client("secretary_a").patch(f"{URL}/999999", {"topic": "改"},
                                           content_type="application/json").status_code == 404
    with pytest.raises(MeetingError) as exc:
        actions.do_edit(party.personas.outsider, recorded, topic="改")
    assert exc.value.status == 404
    assert state(recorded) == before
    at(2026, 3, 11)  # 3 March + 7 days: the 10th was the last day
    r = api_client("secretary_a").patch(f"{URL}/{recorded.pk}", {"topic": "改"}, content_type="application/json")
    assert r.status_code == 409 and "2026-03-11" in r.json()["detail"]
    assert state(recorded) == before


def test_bad_input_names_its_field_and_changes_nothing(party, recorded, api_client):
    p = party
    before = state(recorded)
    secretary = api_client("secretary_a")
    for bad, field in (({"attendees": [p.wang.pk, p.zhou.pk]}, "attendees"),  # 周 is the branch's, not the group's
                       ({"absent": [{"person": p.qian.pk, "reason": "病假"}]}, "absent"),  # village B
                       ({"absent": [{"person": p.sun.pk, "reason": "旅游"}]}, "absent"),
                       ({"attendees": [p.wang.pk], "absent": [{"person": p.wang.pk, "reason": "sick"}]}, "attendees"),
                       ({"attendees": []}, "attendees"), ({"topic": " "}, "topic"), ({"topic": None}, "topic"),
                       ({"host": p.qian.pk}, "host"), ({"kind": "lecture"}, "kind"), ({"org": p.branch_a.code}, "org"),
                       ({"date": "2026-03-05"}, "date"), ({"date": None}, "date"), ({"minutes": "长" * 5001}, "minutes"),
                       ({"date": "2026-02-20"}, "late_reason")):
        r = secretary.patch(f"{URL}/{recorded.pk}", bad, content_type="application/json")
        assert r.status_code == 422, (bad, r.content)
        assert r.json()["errors"][0]["field"] == field, (bad, r.json())
    assert state(recorded) == before


@pytest.mark.parametrize("held, entered, lock_days, last", [
    (D(2026, 1, 31), D(2026, 2, 2), 7, D(2026, 2, 7)),  # a month end
    (D(2026, 12, 31), D(2027, 1, 2), 7, D(2027, 1, 7)),  # a year end
    (D(2026, 12, 29), D(2026, 12, 30), 3, D(2027, 1, 1)),  # locks on New Year's Day
    (D(2028, 2, 26), D(2028, 2, 27), 3, D(2028, 2, 29)),  # a leap day
])
def test_the_lock_around_its_boundary(party, at, held, entered, lock_days, last):
    at(entered.year, entered.month, entered.day)
    if lock_days != 7:
        actions.do_set_settings(party.personas.town_admin, party.town.town, lock_days, False)
    m = actions.do_record(party.personas.secretary_a, party.group_a1, "group", held, "学习",
                          attendees=[party.wang.pk])
    assert actions.editable_until(m) == last
    at(last.year, last.month, last.day, 23)
    assert not actions.is_locked(m)
    actions.do_edit(party.personas.secretary_a, m, topic="最后一天更正")
    after = last + datetime.timedelta(days=1)
    at(after.year, after.month, after.day, 0)
    assert actions.is_locked(m)
    with pytest.raises(MeetingError) as exc:
        actions.do_edit(party.personas.secretary_a, m, topic="锁定后")
    assert exc.value.status == 409 and after.isoformat() in exc.value.message
    assert Meeting.objects.get(pk=m.pk).topic == "最后一天更正"


def test_a_moved_date_keeps_the_lock(party, at):
    sec = party.personas.secretary_a
    at(2027, 1, 2)
    m = actions.do_record(sec, party.group_a1, "group", D(2026, 12, 30), "年终总结", attendees=[party.wang.pk])
    at(2027, 1, 5)
    # Not later than the day it was entered (it had been held by then): no keeping a record open by re-dating.
    with pytest.raises(MeetingError) as exc:
        actions.do_edit(sec, m, date=D(2027, 1, 3))
    assert exc.value.field == "date" and "2027-01-02" in exc.value.message
    actions.do_edit(sec, m, date=D(2027, 1, 1))  # moves into 2027Q1, on time; locks a day later than before
    m.refresh_from_db()
    assert (m.date, m.late, actions.editable_until(m)) == (D(2027, 1, 1), False, D(2027, 1, 8))
    assert set(Attendance.objects.filter(meeting=m).values_list("date", flat=True)) == {D(2027, 1, 1)}
    # Back to a day whose lock has passed: a late entry, with its reason, and locked at once.
    with pytest.raises(MeetingError) as exc:
        actions.do_edit(sec, m, date=D(2026, 12, 28))
    assert exc.value.field == "late_reason"
    actions.do_edit(sec, m, date=D(2026, 12, 28), late_reason="日期记错")
    m.refresh_from_db()
    assert (m.late, m.late_reason, actions.is_locked(m)) == (True, "日期记错", True)
    with pytest.raises(MeetingError) as exc:
        actions.do_edit(sec, m, date=D(2027, 1, 1))
    assert exc.value.status == 409


def test_the_secretary_corrects_on_the_page(party, recorded, at, login):
    p, m = party, recorded
    secretary = login(p.personas.secretary_a)
    page = secretary.get(f"/meetings/{m.pk}/").content.decode()
    assert f'href="/meetings/{m.pk}/edit/"' in page and 'id="locked-note"' not in page
    assert ">修改</a>" in page and "可修改至 2026-03-10" in page
    for user in (p.personas.town_admin, p.personas.party_a1):
        assert 'id="edit-meeting"' not in login(user).get(f"/meetings/{m.pk}/").content.decode()
    for user in (p.personas.outsider, p.personas.town_admin, p.personas.party_a1, p.personas.resident_a1):
        assert login(user).get(f"/meetings/{m.pk}/edit/").status_code == 404, user
    form = secretary.get(f"/meetings/{m.pk}/edit/").content.decode()
    assert "修改会议记录" in form and "保存修改" in form
    # Filled with the record: its date, topic, minutes, 王 and 赵 ticked, 孙 away for work; the kind stays.
    assert 'value="2026-03-03"' in form and 'value="学习"' in form and "记录</textarea>" in form
    assert f'value="{p.zhao.pk}" id="present-{p.zhao.pk}" checked' in form
    assert f'value="{p.sun.pk}" id="present-{p.sun.pk}">' in form and 'value="migrant" selected' in form
    assert 'name="kind"' not in form and 'id="choose-org"' not in form
    r = secretary.post(f"/meetings/{m.pk}/edit/", {
        "org": p.group_a1.code, "date": "2026-03-03", "topic": "学习党章", "present": [p.wang.pk, p.sun.pk],
        f"reason_{p.zhao.pk}": "personal", "minutes": "记录"})
    assert r.status_code == 302 and r["Location"] == f"/meetings/{m.pk}/"
    m.refresh_from_db()
    assert (m.topic, m.present_count, m.absent_count, m.migrant_count) == ("学习党章", 2, 1, 0)
    assert person_balance(p.zhao) == 0 and person_balance(p.sun) == 2
    bad = secretary.post(f"/meetings/{m.pk}/edit/", {"date": "2026-03-03", "topic": " ", "present": [p.wang.pk]})
    assert bad.status_code == 200 and Meeting.objects.get(pk=m.pk).topic == "学习党章"
    at(2026, 3, 11)
    secretary = login(p.personas.secretary_a)  # a fresh session: the idle rule ended the first
    page = secretary.get(f"/meetings/{m.pk}/").content.decode()
    assert 'id="edit-meeting"' not in page and 'id="locked-note"' in page
    assert "已于 2026-03-11 锁定" in page and "2026-03-10" in page
    assert secretary.get(f"/meetings/{m.pk}/edit/")["Location"] == f"/meetings/{m.pk}/"
    assert secretary.post(f"/meetings/{m.pk}/edit/", {"date": "2026-03-03", "topic": "锁后",
                                                      "present": [p.wang.pk]}).status_code == 302
    assert Meeting.objects.get(pk=m.pk).topic == "学习党章"
