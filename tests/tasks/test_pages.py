"""The pages: the town issues through the form and reads the board (red overdue), the village signs and
completes with a photo, the town accepts; files are served only to those who may see them."""

import datetime

import pytest

from gridgov.tasks.models import Assignment, File

from .conftest import assignment_of, local, png


def test_issue_sign_complete_with_a_photo_accept(personas, clock, login):
    town = personas.town
    admin, secretary = login(personas.town_admin), login(personas.secretary_a)
    assert admin.get("/tasks/").url == "/tasks/board/"
    assert admin.get("/tasks/new/").status_code == 200
    r = admin.post("/tasks/new/", {"kind": "task", "title": "排查危房", "content": "逐户排查", "deadline": "2026-03-04",
                                   "evidence_required": "1", "villages": [town.village_a.code]})
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Assignment.objects.get()
    assert a.village == town.village_a and a.task.evidence_required
    assert secretary.get("/tasks/").url == "/tasks/mine/"
    assert "排查危房" in secretary.get("/tasks/mine/").content.decode()
    secretary.post(f"/tasks/a/{a.pk}/act/", {"action": "sign"})
    page = secretary.get(f"/tasks/a/{a.pk}/").content.decode()
    assert 'id="complete-form"' in page and 'accept="image/*' in page
    r = secretary.post(f"/tasks/a/{a.pk}/act/", {"action": "complete", "note": "已排查"})
    a.refresh_from_db()
    assert a.state == "signed"  # refused: no evidence
    secretary.post(f"/tasks/a/{a.pk}/act/", {"action": "complete", "note": "已排查", "files": [png()]})
    a.refresh_from_db()
    assert a.state == "completed"
    photo = File.objects.get()
    served = secretary.get(f"/tasks/files/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert admin.get(f"/tasks/files/{photo.pk}/").status_code == 200
    assert login(personas.outsider).get(f"/tasks/files/{photo.pk}/").status_code == 404
    assert login(personas.resident_a1).get(f"/tasks/files/{photo.pk}/").status_code == 404
    assert 'id="accept-task"' in admin.get(f"/tasks/a/{a.pk}/").content.decode()
    admin.post(f"/tasks/a/{a.pk}/act/", {"action": "accept"})
    a.refresh_from_db()
    assert a.state == "accepted"


def test_the_board_shows_overdue_in_red(personas, issue, clock, login):
    issue(deadline=datetime.date(2026, 3, 3))
    clock.move_to(local(2026, 3, 4, 9, 0))
    admin = login(personas.town_admin)
    page = admin.get("/tasks/board/", {"month": "2026-03"}).content.decode()
    assert 'id="overdue-total">2<' in page and "s-overdue" in page
    listed = admin.get("/tasks/list/", {"month": "2026-03", "state": "overdue"}).content.decode()
    assert listed.count('class="clock-overdue"') == 2
    acc = admin.get("/tasks/accountability/", {"month": "2026-03"}).content.decode()
    assert "碧塘村" in acc and "都斛村" in acc


@pytest.mark.parametrize("who, status", [("secretary_a", 200), ("outsider", 404), ("worker_a1", 404),
                                         ("party_a1", 404), ("resident_a1", 404), ("department", 404)])
def test_who_opens_the_assignment_page(personas, issue, login, who, status):
    a = assignment_of(issue(), personas.town.village_a)
    client = login(getattr(personas, who))
    assert client.get(f"/tasks/a/{a.pk}/").status_code == status
    assert client.get("/tasks/board/").status_code == (200 if who in ("secretary_a", "outsider") else 404)
    assert client.get("/tasks/new/").status_code == 404


@pytest.mark.parametrize("who, shows", [("town_admin", True), ("secretary_a", True), ("resident_a1", False),
                                        ("worker_a1", False)])
def test_the_home_box_and_menu(personas, login, who, shows):
    page = login(getattr(personas, who)).get("/").content.decode()
    assert ('id="tasks-box"' in page) == shows
    assert ("/tasks/board/" in page or "/tasks/mine/" in page) == shows
