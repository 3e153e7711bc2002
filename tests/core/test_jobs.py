"""Background jobs live in the database: a queued job waits for a worker, runs once, and a failure is
written on its row. A job whose worker died is put back in the queue."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from gridgov.core import jobs
from gridgov.core.context import current_actor, current_request_id
from gridgov.core.models import Job

seen = []


@jobs.handler("test.record")
def record_job(job):
    seen.append((job.payload["n"], current_actor(), current_request_id()))
    jobs.set_progress(job, 1, total=1)
    return {"doubled": job.payload["n"] * 2}


@jobs.handler("test.explode")
def explode(job):
    raise RuntimeError("the spreadsheet had no sheets")


@pytest.fixture(autouse=True)
def clear_seen():
    seen.clear()


def test_enqueued_job_runs_its_handler_as_its_creator_and_records_the_result(personas):
    job = jobs.enqueue("test.record", {"n": 21}, user=personas.town_admin, request_id="req-abcdef12")

    assert jobs.run_pending() == 1

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.result == {"doubled": 42}
    assert (job.progress, job.total) == (1, 1)
    assert job.started_at and job.finished_at
    assert seen == [(21, personas.town_admin, "req-abcdef12")]


def test_a_failing_job_is_recorded_on_its_row_and_the_next_job_still_runs(db):
    failing = jobs.enqueue("test.explode", {})
    later = jobs.enqueue("test.record", {"n": 1})

    assert jobs.run_pending() == 2

    failing.refresh_from_db()
    later.refresh_from_db()
    assert failing.state == Job.State.FAILED
    assert failing.result["error"] == "the spreadsheet had no sheets"
    assert "RuntimeError" in failing.result["trace"]
    assert later.state == Job.State.DONE


def test_an_unknown_kind_fails_with_a_message_instead_of_vanishing(db):
    job = jobs.enqueue("test.nobody-handles-this", {})
    jobs.run_pending()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "no handler" in job.result["error"]


def test_a_queued_job_waits_until_a_worker_runs_it_and_runs_only_once(db):
    job = jobs.enqueue("test.record", {"n": 5})
    # No worker yet (a restart, say): the row is all there is, and it is still queued.
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED

    assert jobs.run_pending() == 1
    assert jobs.run_pending() == 0
    assert [n for n, _actor, _rid in seen] == [5]


def test_jobs_run_in_the_order_they_were_queued(db):
    for n in (3, 1, 2):
        jobs.enqueue("test.record", {"n": n})
    jobs.run_pending(limit=2)
    assert [n for n, _a, _r in seen] == [3, 1]
    jobs.run_pending()
    assert [n for n, _a, _r in seen] == [3, 1, 2]


def test_failures_are_logged_without_the_message_which_may_hold_personal_data(db, caplog):
    jobs.enqueue("test.explode", {})
    jobs.run_pending()
    assert "RuntimeError" in caplog.text
    assert "no sheets" not in caplog.text


def _running(started_at):
    return Job.objects.create(kind="test.record", payload={"n": 9}, state=Job.State.RUNNING, started_at=started_at)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_is_queued_again_and_a_live_one_is_left_alone():
    now = timezone.now()
    dead = _running(now - jobs.ABANDONED_AFTER - datetime.timedelta(minutes=1))
    alive = _running(now)
    if connection.vendor == "postgresql":
        # A live worker holds the advisory lock on its job from another connection.
        held, release = threading.Event(), threading.Event()

        def worker():
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [jobs._LOCK_SPACE, alive.pk])
                held.set()
                release.wait(10)
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [jobs._LOCK_SPACE, alive.pk])
            connections["default"].close()

        thread = threading.Thread(target=worker)
        thread.start()
        held.wait(10)
        try:
            requeued = jobs.requeue_abandoned()
        finally:
            release.set()
            thread.join()
    else:
        requeued = jobs.requeue_abandoned()

    assert requeued == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == Job.State.QUEUED and dead.started_at is None
    assert alive.state == Job.State.RUNNING
    assert jobs.run_pending() == 1
    assert [n for n, _a, _r in seen] == [9]
