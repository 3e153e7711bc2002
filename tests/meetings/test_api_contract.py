"""The contract of issue 13's meetings: POST|GET /api/v1/party/meetings, who may record and read, the
lock after the town's days and the late entry, attendees of the organisation only (422)."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.meetings import actions
from gridgov.meetings.actions import MeetingError
from gridgov.meetings.models import Attendance, Meeting

URL = "/api/v1/party/meetings"


def body(party, **kw):
    return {"org": party.group_a1.code, "kind": "group", "date": "2026-03-02", "topic": "学习二十大精神",
            "attendees": [party.wang.pk, party.zhao.pk], "absent": [{"person": party.sun.pk, "reason": "外出务工"}],
            "minutes": "会议记录", **kw}


def test_secretary_records_a_meeting_and_everyone_reads_what_they_may(party, at, api_client):
    at(2026, 3, 4)
    secretary = api_client("secretary_a")
    r = secretary.post(URL, body(party), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["org"], out["kind"], out["present"], out["absent"], out["late"]) == (
        party.group_a1.code, "group", 2, 1, False)
    m = Meeting.objects.get(pk=out["id"])
    assert dict(Attendance.objects.filter(meeting=m).values_list("person_id", "reason")) == {
        party.wang.pk: "", party.zhao.pk: "", party.sun.pk: "migrant"}
    assert AuditEntry.objects.filter(action="meeting.record", object_id=str(m.pk)).count() == 1
    # Lists: the secretary and town staff see it; the member present sees it, one absent too (own);
    # the resident, the grid worker, the department, the auditor-less outsider see nothing.
    for user, count in (("secretary_a", 1), ("town_admin", 1), ("party_a1", 1), ("resident_a1", 0),
                        ("worker_a1", 0), ("department", 0), ("outsider", 0)):
        got = api_client(user).get(URL)
        assert got.status_code == 200 and got.json()["count"] == count, (user, got.content)
    for user, status in (("town_admin", 200), ("party_a1", 200), ("outsider", 404), ("resident_a1", 404)):
        assert api_client(user).get(f"{URL}/{m.pk}").status_code == status, user
    # Filters.
    assert secretary.get(URL, {"kind": "theme_day"}).json()["count"] == 0
    assert secretary.get(URL, {"org": party.group_a1.code, "since": "2026-03-02", "until": "2026-03-02"}).json()[
        "count"] == 1
    assert secretary.get(URL, {"since": "2026-03-03"}).json()["count"] == 0


def test_attendees_must_belong_to_the_organisation(party, at, api_client):
    at(2026, 3, 4)
    secretary = api_client("secretary_a")
    # 周永红 is a member of the branch, not of the grid party group; 钱卫东 is of village B.
    for bad, field in (({"attendees": [party.wang.pk, party.zhou.pk]}, "attendees"),
                       ({"attendees": [party.wang.pk], "absent": [{"person": party.qian.pk, "reason": "病假"}]},
                        "absent"),
                       ({"attendees": [party.wang.pk, party.wang.pk]}, "attendees"),
                       ({"absent": [{"person": party.sun.pk, "reason": "旅游"}]}, "absent"),
                       ({"kind": "nonsense"}, "kind"), ({"topic": " "}, "topic"), ({"date": "2026-03-05"}, "date")):
        r = secretary.post(URL, body(party, **bad), content_type="application/json")
        assert r.status_code == 422, (bad, r.content)
        assert r.json()["errors"][0]["field"] == field, bad
    assert Meeting.objects.count() == Attendance.objects.count() == 0
    # The branch's general meeting takes the members of its groups and its own.
    r = secretary.post(URL, body(party, org=party.branch_a.code, kind="general",
                                 attendees=[party.wang.pk, party.zhou.pk]), content_type="application/json")
    assert r.status_code == 201, r.content


def test_who_may_record(party, at, api_client):
    at(2026, 3, 4)
    payload = body(party)
    for user in ("outsider", "town_admin", "party_a1", "resident_a1", "worker_a1", "department"):
        r = api_client(user).post(URL, payload, content_type="application/json")
        assert r.status_code == 404, (user, r.status_code)
    # The outsider (village B's secretary) records for B, not A.
    r = api_client("outsider").post(URL, body(party, org=party.branch_b.code, kind="theme_day",
                                              attendees=[party.qian.pk], absent=[]), content_type="application/json")
    assert r.status_code == 201
    assert Meeting.objects.count() == 1


def test_a_record_locks_after_the_towns_days_and_a_late_entry_needs_a_reason(party, at, api_client):
    at(2026, 3, 9)  # a meeting of 2 March is on time until the 9th (7 days)
    secretary = api_client("secretary_a")
    assert secretary.post(URL, body(party), content_type="application/json").json()["late"] is False
    at(2026, 3, 10)
    r = secretary.post(URL, body(party), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "late_reason"
    r = secretary.post(URL, body(party, late_reason="记录员生病，补录"), content_type="application/json")
    assert r.status_code == 201 and r.json()["late"] is True and r.json()["late_reason"] == "记录员生病，补录"
    # The town shortens the lock to 3 days: a meeting 4 days ago is late.
    actions.do_set_settings(party.personas.town_admin, party.town.town, 3, False)
    r = secretary.post(URL, body(party, date="2026-03-06"), content_type="application/json")
    assert r.status_code == 422
    with pytest.raises(MeetingError) as exc:
        actions.do_set_settings(party.personas.secretary_a, party.town.town, 3, False)
    assert exc.value.status == 404


def test_rules_are_set_by_town_staff_only(party, api_client):
    payload = {"town": party.town.town.code, "org_kind": "branch", "kind": "lecture", "frequency": "month"}
    assert api_client("secretary_a").post("/api/v1/party/meeting-rules", payload,
                                          content_type="application/json").status_code == 404
    r = api_client("town_admin").post("/api/v1/party/meeting-rules", payload, content_type="application/json")
    assert r.status_code == 200 and r.json()["frequency"] == "month"
    bad = api_client("town_admin").post("/api/v1/party/meeting-rules", {**payload, "frequency": "weekly"},
                                        content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "frequency"
    assert AuditEntry.objects.filter(action="meeting.rule").count() == 1


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_photos_are_added_before_the_lock_and_served_in_scope(party, at, api_client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    at(2026, 3, 4)
    secretary = api_client("secretary_a")
    mid = secretary.post(URL, body(party), content_type="application/json").json()["id"]
    r = secretary.post(f"{URL}/{mid}/photos", {"file": SimpleUploadedFile("a.jpg", _jpeg(), "image/jpeg")})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    bad = secretary.post(f"{URL}/{mid}/photos", {"file": SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")})
    assert bad.status_code == 422
    # The minutes as a PDF: recognised by content, kept under its own name, downloaded rather than shown.
    minutes = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = secretary.post(f"{URL}/{mid}/photos", {"file": SimpleUploadedFile("三月支委会记录.pdf", minutes, "image/jpeg")})
    assert doc.status_code == 201, doc.content
    fake = secretary.post(f"{URL}/{mid}/photos", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 cut off", "application/pdf")})
    assert fake.status_code == 422
    served = login(party.personas.town_admin).get(f"/meetings/photo/{doc.json()['id']}/")
    assert served["Content-Type"] == "application/pdf" and "attachment" in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == minutes
    page = login(party.personas.town_admin).get(f"/meetings/{mid}/").content.decode()
    assert "三月支委会记录.pdf" in page
    assert api_client("outsider").post(f"{URL}/{mid}/photos", {
        "file": SimpleUploadedFile("a.jpg", _jpeg(), "image/jpeg")}).status_code == 404
    p = party.personas
    for user, status in ((p.town_admin, 200), (p.party_a1, 200), (p.outsider, 404), (p.resident_a1, 404)):
        assert login(user).get(f"/meetings/photo/{pid}/").status_code == status, user
    at(2026, 3, 10)  # locked: 2 March + 7 days is over (a fresh token: the idle rule ended the first)
    late = api_client("secretary_a").post(f"{URL}/{mid}/photos", {"file": SimpleUploadedFile("a.jpg", _jpeg(), "image/jpeg")})
    assert late.status_code == 409
    assert AuditEntry.objects.filter(action="meeting.photo").count() == 2
