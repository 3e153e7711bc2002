"""Exactly once where a person can tell (issue 17): an `Idempotency-Key` on API POSTs
(core/idempotency.py), a report's own `client_id` (cases do_report), and the delivery id that stays the
same when the outbox sends a notification again after a crash between sending and marking it sent.
On PostgreSQL the parallel tests fire real requests at once from threads with their own connections."""

import datetime
import threading
import uuid

import pytest
from django.db import connection

from gridgov.cases import actions, channels
from gridgov.cases.models import Case, CaseDay, CaseEvent, Notification, Outbox
from gridgov.core.models import AuditEntry, IdempotencyKey
from gridgov.core.worker import sweep_idempotency_keys

from .conftest import POINT_A1

pytestmark = pytest.mark.usefixtures("cfg", "clock", "english")


def body(**fields):
    return {"category": "0101", "description": "路灯坏了", "lat": POINT_A1[0], "lng": POINT_A1[1], **fields}


def post(client, key=None, **fields):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/cases", body(**fields), content_type="application/json", **headers)


def test_a_repeated_key_answers_the_first_answer_and_creates_nothing(api_client):
    client = api_client("resident_a1")
    first = post(client, "k-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = post(client, "k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert Case.objects.count() == 1
    # The stored answer is encrypted: the description is not readable in the table.
    assert "路灯" not in IdempotencyKey.objects.get().body
    # Another body under the same key is refused, naming the header.
    other = post(client, "k-1", description="井盖丢了")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    # Another caller's key of the same name is their own.
    assert post(api_client("worker_a1"), "k-1").status_code == 201
    assert Case.objects.count() == 2


def test_a_refused_request_keeps_no_key_and_bad_keys_are_refused(api_client):
    client = api_client("resident_a1")
    assert post(client, "k-2", category="9999").status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert post(client, "k-2").status_code == 201
    assert post(client, "no spaces allowed").status_code == 400
    assert post(client, "x" * 65).status_code == 400
    assert Case.objects.count() == 1


def test_a_key_still_running_answers_409_and_a_dead_one_is_taken_over(api_client, personas, clock):
    client = api_client("resident_a1")
    first = post(client, "k-3")  # to learn the scope and fingerprint this caller and body have
    row = IdempotencyKey.objects.get(key="k-3")
    row.done, row.status, row.body = False, None, ""
    row.save()
    running = post(client, "k-3")
    assert running.status_code == 409 and "Idempotency-Key" in running.json()["detail"]
    assert Case.objects.count() == 1 and first.status_code == 201
    clock.shift(datetime.timedelta(minutes=11))  # its request died without an answer
    assert post(client, "k-3").status_code == 201
    assert Case.objects.count() == 2


def test_the_sweep_deletes_expired_keys_and_an_expired_key_is_new_again(api_client, clock, settings):
    settings.IDEMPOTENCY_HOURS = 2
    client = api_client("resident_a1")
    assert post(client, "k-4").status_code == 201
    clock.shift(datetime.timedelta(hours=1))
    assert sweep_idempotency_keys() == 0 and post(client, "k-4")["Idempotent-Replayed"] == "true"
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    assert sweep_idempotency_keys() == 1 and not IdempotencyKey.objects.exists()
    assert post(client, "k-4").status_code == 201 and Case.objects.count() == 2


def test_secrets_are_never_stored(api_client, personas):
    client = api_client("town_admin")
    case = actions.do_report(personas.resident_a1, "0101", "路灯坏了", lat=POINT_A1[0], lng=POINT_A1[1],
                             reporter_phone="13912345678")
    for _ in range(2):
        assert client.post(f"/api/v1/cases/{case.pk}/reveal_phone", {}, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="k-5").status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_client_id_returns_the_first_case(api_client, personas):
    client, cid = api_client("resident_a1"), str(uuid.uuid4())
    first = post(client, client_id=cid)
    again = post(client, client_id=cid)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Case.objects.count() == 1
    assert Case.objects.get().client_id == uuid.UUID(cid)
    # Another account's report with the same client_id is another report.
    assert post(api_client("worker_a1"), client_id=cid).status_code == 201
    assert post(client, client_id="not-a-uuid").status_code == 422
    assert Case.objects.count() == 2


def test_the_web_report_form_carries_a_client_id(login, personas):
    page = login(personas.resident_a1).get("/cases/report/")
    assert page.status_code == 200 and b'name="client_id"' in page.content


def _at_once(calls):
    """Run the callables at once (PostgreSQL, each thread its own connection) or in turn (SQLite)."""
    results, errors = [], []

    def one(call):
        try:
            results.append(call())
        except Exception as exc:
            errors.append(repr(exc))

    if connection.vendor != "postgresql":
        for call in calls:
            one(call)
        return results, errors
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            one(call)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_with_one_key_create_once(api_client):
    client = api_client("resident_a1")
    answers, errors = _at_once([lambda: post(client, "k-par")] * 8)
    assert errors == []
    made = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a]
    assert len(made) == 1
    assert all(a.status_code == 409 or a["Idempotent-Replayed"] == "true" for a in answers if a not in made)
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reporter, told", [("resident_a1", 1), ("worker_a1", 0)])
def test_parallel_reports_with_one_client_id_write_once(personas, reporter, told):
    # A resident's report tells the grid worker (inbox rows and the report in one transaction); a grid
    # worker's own tells nobody, and on PostgreSQL is one statement outside any transaction. Either way the
    # twins fail whole: one case, one event, one audit row, counted once, its inbox rows written once.
    cid = uuid.uuid4()
    actor = getattr(personas, reporter)
    cases, errors = _at_once([lambda: actions.do_report(actor, "0101", "路灯坏了", lat=POINT_A1[0],
                                                        lng=POINT_A1[1], client_id=cid)] * 8)
    assert errors == [] and len({c.pk for c in cases}) == 1 and Case.objects.count() == 1
    assert sorted(c.repeated for c in cases) == [False] + [True] * 7
    assert CaseEvent.objects.count() == 1 and Notification.objects.count() == told
    assert AuditEntry.objects.filter(action="case.report").count() == 1
    assert CaseDay.objects.get().reported == 1


class Crash(BaseException):
    """The worker process dying: not an Exception, so no channel-failure handling catches it."""


class CrashAfterSend(channels.Channel):
    name = "crash_after_send"

    def __init__(self):
        self.sent, self.crash = [], True

    def send(self, recipient, message):
        self.sent.append(message.delivery)
        if self.crash:
            raise Crash


def test_a_redelivery_after_a_crash_between_send_and_mark_carries_the_same_id(personas, report, settings, caplog):
    channel = channels.register(CrashAfterSend())
    try:
        settings.GRIDGOV_NOTIFY_CHANNELS = "crash_after_send"
        report()
        row = Outbox.objects.get()
        now = datetime.datetime.now(datetime.UTC)
        with pytest.raises(Crash):
            channels.deliver_outbox(now)
        assert Outbox.objects.get().state == Outbox.Delivery.PENDING  # sent, never marked
        channel.crash = False
        lease_over = now + datetime.timedelta(seconds=301)
        assert channels.deliver_outbox(lease_over)["sent"] == 1
        assert channel.sent == [row.pk, row.pk]
        # The log channel's line and the SMS gateway's JSON carry the same id.
        message = channels.Message.from_outbox(Outbox.objects.get())
        with caplog.at_level("INFO", logger="gridgov.notify"):
            channels.LogChannel().send(personas.town_admin, message)
        assert f"delivery={row.pk} " in caplog.text
    finally:
        channels.REGISTRY.pop("crash_after_send", None)
