"""A task's life through the contract's API: issued to villages, signed, progress, completed with
evidence, returned, completed again, accepted; each refusal (409 for a state that does not allow the
action, 422 for completing without required evidence, 403 for the wrong side); notices and audit rows."""

import datetime

import pytest

from gridgov.cases.models import Notification, Outbox
from gridgov.core.models import AuditEntry
from gridgov.tasks import actions
from gridgov.tasks.actions import TaskError
from gridgov.tasks.models import Assignment, File

from .conftest import assignment_of, png


def _act(client, pk, action, note=""):
    return client.post(f"/api/v1/tasks/{pk}/actions", {"action": action, "note": note},
                       content_type="application/json")


def test_the_whole_life_of_a_task_through_the_api(personas, clock, api_client):
    town, admin, secretary = personas.town, api_client("town_admin"), api_client("secretary_a")
    r = admin.post("/api/v1/tasks", {"title": "清理村道两侧垃圾", "content": "春季环境整治", "deadline": "2026-03-06",
                                     "villages": "all", "evidence_required": True}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["deadline"] == "2026-03-06" and body["due_at"].startswith("2026-03-06T09:30:00")  # 17:30 local
    assert [a["village"] for a in body["assignments"]] == [town.village_a.code, town.village_b.code]
    pk = body["assignments"][0]["id"]
    # Village A's secretary was told (and the outsider, B's secretary, of B's own assignment).
    told = Notification.objects.filter(kind="task_issued").values_list("user__username", flat=True)
    assert sorted(told) == ["outsider", "secretary_a"]
    assert Outbox.objects.filter(notification__kind="task_issued").count() == 2

    listed = secretary.get("/api/v1/tasks").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk and listed["items"][0]["state"] == "issued"

    assert _act(secretary, pk, "complete").status_code == 409  # not signed yet
    assert _act(secretary, pk, "sign").json()["state"] == "signed"
    assert _act(secretary, pk, "sign").status_code == 409  # twice
    assert _act(secretary, pk, "progress").status_code == 422  # a note is needed
    assert _act(secretary, pk, "progress", "已清理一半").json()["state"] == "in_progress"
    assert _act(admin, pk, "accept").status_code == 409  # not completed
    r = _act(secretary, pk, "complete")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "evidence"
    assert Assignment.objects.get(pk=pk).state == "in_progress"  # the refusal changed nothing
    r = secretary.post(f"/api/v1/tasks/{pk}/evidence", {"file": png()})
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg"  # re-encoded, no EXIF
    assert _act(admin, pk, "complete").status_code == 403  # the town does not complete for the village
    clock.move_to(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC))
    admin, secretary = api_client("town_admin"), api_client("secretary_a")  # the idle rule ended the first tokens
    r = _act(secretary, pk, "complete", "已全部清理")
    assert r.status_code == 200 and r.json()["state"] == "completed" and not r.json()["late"]
    assert Notification.objects.filter(kind="task_completed", user=personas.town_admin).count() == 1
    assert _act(secretary, pk, "accept").status_code == 403  # the village does not accept its own
    assert _act(admin, pk, "return").status_code == 422  # a note is needed
    r = _act(admin, pk, "return", "照片看不清")
    assert r.json()["state"] == "in_progress" and r.json()["returns"] == 1
    assert Notification.objects.filter(kind="task_returned", user=personas.secretary_a).count() == 1
    # The evidence went with the first completion: a second one needs new evidence.
    assert _act(secretary, pk, "complete").status_code == 422
    secretary.post(f"/api/v1/tasks/{pk}/evidence", {"file": png("again.png")})
    clock.move_to(datetime.datetime(2026, 3, 6, 10, 0, tzinfo=datetime.UTC))  # 18:00 local: after 17:30
    admin, secretary = api_client("town_admin"), api_client("secretary_a")
    r = _act(secretary, pk, "complete", "重新拍照")
    assert r.json()["late"] is True
    assert _act(admin, pk, "accept").json()["state"] == "accepted"
    for action in ("sign", "progress", "complete", "accept", "return"):
        assert _act(admin if action in ("accept", "return") else secretary, pk, action, "x").status_code == 409
    detail = secretary.get(f"/api/v1/tasks/{pk}").json()
    assert [e["action"] for e in detail["events"]] == ["sign", "progress", "complete", "return", "complete",
                                                       "accept"]
    assert len(detail["events"][2]["files"]) == 1 and len(detail["events"][4]["files"]) == 1
    actions_logged = list(AuditEntry.objects.filter(action__startswith="task.").order_by("id")
                          .values_list("action", flat=True))
    assert actions_logged == ["task.issue", "task.sign", "task.progress", "task.evidence", "task.complete",
                              "task.return", "task.evidence", "task.complete", "task.accept"]


def test_a_weekly_hint_and_a_task_without_evidence(personas, issue):
    hint = issue(kind="hint", title="本周注意防汛", content="检查山塘水库")
    a = assignment_of(hint, personas.town.village_a)
    actions.do_act(personas.secretary_a, a, "sign")
    assert actions.do_act(personas.secretary_a, a, "complete").state == "completed"
    with pytest.raises(TaskError) as refused:
        issue(kind="hint", evidence_required=True)
    assert refused.value.field == "evidence_required"
    assert Notification.objects.filter(kind="task_hint").count() == 2


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),
    ({"deadline": "2026-03-07"}, "deadline"),  # a Saturday
    ({"deadline": "2026-02-27"}, "deadline"),  # passed
    ({"villages": ["445321104299"]}, "villages"),
    ({"villages": []}, "villages"),
    ({"kind": "order"}, "kind"),
    ({"deadline": None, "days": 0}, "days"),
])
def test_bad_input_issues_nothing(personas, clock, api_client, body, field):
    payload = {"title": "清理村道", "deadline": "2026-03-06", "villages": "all", **body}
    r = api_client("town_admin").post("/api/v1/tasks", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.content
    assert not Assignment.objects.exists() and not AuditEntry.objects.filter(action="task.issue").exists()


def test_evidence_is_checked_by_its_content(personas, issue, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = assignment_of(issue(evidence_required=True), personas.town.village_a)
    client = api_client("secretary_a")
    assert client.post(f"/api/v1/tasks/{a.pk}/evidence", {"file": png()}).status_code == 409  # sign first
    actions.do_act(personas.secretary_a, a, "sign")
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    r = client.post(f"/api/v1/tasks/{a.pk}/evidence", {"file": fake})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    pdf = SimpleUploadedFile("report.exe", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    r = client.post(f"/api/v1/tasks/{a.pk}/evidence", {"file": pdf})
    assert r.status_code == 201 and r.json() == {"id": r.json()["id"], "name": "report.pdf",
                                                 "content_type": "application/pdf"}
    assert File.objects.count() == 1
