"""The monthly meeting issues tasks that link back to it; the quarterly inspection is scored per village
on its pages and through the API, and ranks the villages; only the town's staff reach either."""

import datetime

from gridgov.core.models import AuditEntry
from gridgov.tasks.models import Inspection, Meeting, Score, Task


def test_a_monthly_meeting_issues_tasks(personas, clock, login, api_client):
    admin = login(personas.town_admin)
    r = admin.post("/tasks/meetings/new/", {"date": "2026-03-02", "topic": "三月工作部署",
                                            "attendees": [personas.town_admin.pk, personas.secretary_a.pk],
                                            "other_attendees": "各村支书", "minutes": "部署春季环境整治"})
    assert r.status_code == 302
    meeting = Meeting.objects.get()
    assert sorted(meeting.attendees.values_list("username", flat=True)) == ["secretary_a", "town_admin"]
    assert 'id="issue-from-meeting"' in admin.get(f"/tasks/meetings/{meeting.pk}/").content.decode()
    r = admin.post(f"/tasks/new/?meeting={meeting.pk}", {"kind": "task", "title": "春季环境整治", "days": "5",
                                                        "all": "1", "meeting": meeting.pk})
    assert r.status_code == 302 and r.url == f"/tasks/meetings/{meeting.pk}/"
    task = Task.objects.get()
    assert task.meeting == meeting and task.deadline == datetime.date(2026, 3, 9)
    assert "春季环境整治" in admin.get(f"/tasks/meetings/{meeting.pk}/").content.decode()
    a = task.assignments.get(village=personas.town.village_a)
    assert "三月工作部署" in login(personas.secretary_a).get(f"/tasks/a/{a.pk}/").content.decode()
    # Through the API: a meeting, then a task naming it.
    client = api_client("town_admin")
    r = client.post("/api/v1/tasks/meetings", {"date": "2026-02-27", "topic": "二月例会", "other_attendees": "镇班子成员"},
                    content_type="application/json")
    assert r.status_code == 201
    r = client.post("/api/v1/tasks", {"title": "防汛检查", "days": 2, "meeting": r.json()["id"]},
                    content_type="application/json")
    assert r.status_code == 201 and Task.objects.get(pk=r.json()["id"]).meeting.topic == "二月例会"
    assert client.post("/api/v1/tasks/meetings", {"date": "2026-03-09", "topic": "未来"},
                       content_type="application/json").status_code == 422
    # Villages and others do not reach the town's meetings.
    for who in ("secretary_a", "outsider", "resident_a1"):
        page = login(getattr(personas, who))
        assert page.get(f"/tasks/meetings/{meeting.pk}/").status_code == 404
        assert page.get("/tasks/meetings/new/").status_code == 404
    assert api_client("secretary_a").post("/api/v1/tasks/meetings", {"date": "2026-03-02", "topic": "x",
                                                                     "other_attendees": "y"},
                                          content_type="application/json").status_code == 403
    assert AuditEntry.objects.filter(action="task.meeting").count() == 2


def test_an_inspection_scored_on_its_page_and_through_the_api(personas, clock, login, api_client):
    admin, t = login(personas.town_admin), personas.town
    r = admin.post("/tasks/inspections/new/", {"quarter": "2026Q1", "title": "一季度督查",
                                               "items": "组织建设|60\n环境整治|40\n"})
    inspection = Inspection.objects.get()
    assert r.url == f"/tasks/inspections/{inspection.pk}/"
    first, second = inspection.items.all()
    admin.post(f"/tasks/inspections/{inspection.pk}/score/", {"village": t.village_a.code, f"points_{first.pk}": "55",
                                                               f"note_{first.pk}": "台账齐全",
                                                               f"points_{second.pk}": "30"})
    assert Score.objects.filter(village=t.village_a).count() == 2
    client = api_client("town_admin")
    r = client.post(f"/api/v1/tasks/inspections/{inspection.pk}/scores",
                    {"village": t.village_b.code, "scores": [{"item": first.pk, "points": 60},
                                                             {"item": second.pk, "points": 39.5}]},
                    content_type="application/json")
    assert r.status_code == 200
    assert [(row["rank"], row["village"], row["points"]) for row in r.json()] == [
        (1, t.village_b.code, 99.5), (2, t.village_a.code, 85.0)]
    page = admin.get(f"/tasks/inspections/{inspection.pk}/").content.decode()
    table = page[page.index('id="inspection-ranking"'):]
    assert table.index("都斛村") < table.index("碧塘村") and 'id="score-form"' in page
    r = client.post("/api/v1/tasks/inspections", {"quarter": "2026Q1", "title": "又一次", "items": [
        {"title": "x", "max_points": 10}]}, content_type="application/json")
    assert r.status_code == 409
    assert client.post("/api/v1/tasks/inspections", {"quarter": "2026-1", "title": "x", "items": []},
                       content_type="application/json").status_code == 422
    r = client.post(f"/api/v1/tasks/inspections/{inspection.pk}/scores",
                    {"village": t.village_a.code, "scores": [{"item": first.pk, "points": 70}]},
                    content_type="application/json")
    assert r.status_code == 422 and Score.objects.get(village=t.village_a, item=first).points == 55
    for who in ("secretary_a", "outsider", "worker_a1"):
        assert login(getattr(personas, who)).get(f"/tasks/inspections/{inspection.pk}/").status_code == 404
        assert api_client(who).post(f"/api/v1/tasks/inspections/{inspection.pk}/scores",
                                    {"village": t.village_a.code, "scores": [{"item": first.pk, "points": 1}]},
                                    content_type="application/json").status_code == 404
