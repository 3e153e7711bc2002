"""The inbox through the API: the caller's notifications only, unread first; marking read by ids (others'
ids are ignored) or all at once."""

import pytest

from gridgov.cases.models import Notification

pytestmark = pytest.mark.usefixtures("clock")


def inbox(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 200
    return response.json()


def test_unread_first_then_newest(api_client, personas, report, drive, clock):
    first = report()
    clock.shift(60)
    second = report(description="第二宗")
    worker = api_client("worker_a1")
    body = inbox(worker)
    assert body["count"] == 2 and [n["case"] for n in body["items"]] == [second.pk, first.pk]
    assert all(n["kind"] == "reported" and n["read_at"] is None for n in body["items"])
    newest = body["items"][0]["id"]
    marked = worker.post("/api/v1/notifications/read", {"ids": [newest]}, content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert [n["case"] for n in inbox(worker)["items"]] == [first.pk, second.pk]  # the unread one comes first


def test_marking_read_touches_only_ones_own(api_client, personas, report):
    report()
    workers_note = Notification.objects.get(user=personas.worker_a1)
    resident = api_client("resident_a1")
    assert resident.post("/api/v1/notifications/read", {"ids": [workers_note.pk]},
                         content_type="application/json").json() == {"marked": 0}
    assert inbox(resident)["count"] == 0
    workers_note.refresh_from_db()
    assert workers_note.read_at is None


def test_no_ids_marks_all_unread(api_client, personas, report, drive):
    case = drive(report(), "accepted")
    resident = api_client("resident_a1")
    assert inbox(resident)["count"] == 1
    assert resident.post("/api/v1/notifications/read", {}, content_type="application/json").json() == {"marked": 1}
    assert inbox(resident)["items"][0]["read_at"] is not None
    assert case.pk == inbox(resident)["items"][0]["case"]
