"""The pages: the secretary records a meeting (members ticked, absent with a reason), the list and the
meeting, a member's own meetings, the board, an organisation's members, the rules, the report and its
.xlsx (text written as text); who sees what (outsiders 404)."""

import io

from openpyxl import load_workbook

from gridgov.meetings import actions
from gridgov.meetings.models import Attendance, Meeting, MeetingRule


def test_the_secretary_records_on_the_page_and_others_read(party, at, login):
    at(2026, 3, 4)
    p = party.personas
    secretary = login(p.secretary_a)
    page = secretary.get("/meetings/record/", {"org": party.group_a1.code})
    assert page.status_code == 200 and "赵国华" in page.content.decode() and "周永红" not in page.content.decode()
    r = secretary.post("/meetings/record/", {
        "org": party.group_a1.code, "kind": "theme_day", "date": "2026-03-01", "topic": "=HYPERLINK(\"x\")学习",
        "present": [party.wang.pk, party.zhao.pk], f"reason_{party.sun.pk}": "sick", "minutes": "讨论"})
    m = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/meetings/{m.pk}/"
    assert dict(Attendance.objects.values_list("person_id", "reason")) == {
        party.wang.pk: "", party.zhao.pk: "", party.sun.pk: "sick"}
    assert "孙桂兰" in secretary.get(f"/meetings/{m.pk}/").content.decode()
    for user, status in ((p.town_admin, 200), (p.party_a1, 200), (p.outsider, 404), (p.resident_a1, 404),
                         (p.worker_a1, 404)):
        assert login(user).get(f"/meetings/{m.pk}/").status_code == status, user
    assert login(p.outsider).get("/meetings/record/", {"org": party.group_a1.code}).content.count(
        "赵国华".encode()) == 0
    for user in (p.resident_a1, p.worker_a1, p.department, p.town_admin, p.party_a1):
        assert login(user).get("/meetings/record/").status_code == 404, user
    mine = login(p.party_a1).get("/meetings/").content.decode()
    assert "学习" in mine and "board" not in mine.split("meeting-list")[0].split("<h1>")[1]
    assert login(p.resident_a1).get("/meetings/").status_code == 404
    # Board, organisation page, report and xlsx for staff; nothing for members, residents, outsiders' scope.
    admin = login(p.town_admin)
    board = admin.get("/meetings/board/", {"period": "2026Q1"})
    assert board.status_code == 200 and "碧塘第一网格党小组" in board.content.decode()
    assert admin.get(f"/meetings/org/{party.group_a1.code}/", {"period": "2026Q1"}).status_code == 200
    assert login(p.outsider).get(f"/meetings/org/{party.group_a1.code}/").status_code == 404
    assert login(p.outsider).get("/meetings/board/", {"scope": p.town.village_a.code}).status_code == 404
    assert login(p.party_a1).get("/meetings/board/").status_code == 404
    assert admin.get("/meetings/report/", {"period": "2026Q1"}).status_code == 200
    book = admin.get("/meetings/report.xlsx", {"period": "2026Q1"})
    ws = load_workbook(io.BytesIO(book.content)).active
    names = [row[1] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert "碧塘第一网格党小组" in names


def test_town_staff_set_the_rules_on_the_page(party, login):
    p = party.personas
    assert login(p.secretary_a).get("/meetings/rules/").status_code == 404
    admin = login(p.town_admin)
    assert admin.get("/meetings/rules/").status_code == 200
    lecture = actions.kinds_for(p.town.town).get(code="lecture")
    r = admin.post("/meetings/rules/", {"what": "rules", f"f_branch_{lecture.pk}": "month"})
    assert r.status_code == 302
    assert list(MeetingRule.objects.values_list("org_kind", "frequency")) == [("branch", "month")]
    admin.post("/meetings/rules/", {"what": "settings", "lock_days": "5", "count_migrants": "1"})
    assert actions.settings_for(p.town.town) == (5, True)
    admin.post("/meetings/rules/", {"what": "kind", "code": "joint", "name": "党建联席会"})
    assert actions.kinds_for(p.town.town).filter(code="joint").exists()
