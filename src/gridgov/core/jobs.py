"""Background jobs kept in the database and run by `gridgov worker`.

Nothing lives only in memory: a job is a row, claimed with SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL (SQLite serialises writers, so a plain transaction is enough there), and a restart
picks up whatever is still queued.
"""

import logging
import time
import traceback
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from .context import acting_as
from .models import Job

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[[Job], dict]] = {}


def handler(kind: str):
    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def enqueue(kind: str, payload: dict, user=None, request_id: str = "") -> Job:
    return Job.objects.create(kind=kind, payload=payload, created_by=user, request_id=request_id)


def set_progress(job: Job, progress: int, total: int | None = None) -> None:
    fields = {"progress": progress}
    if total is not None:
        fields["total"] = total
    Job.objects.filter(pk=job.pk).update(**fields)


def claim_next() -> Job | None:
    with transaction.atomic():
        queued = Job.objects.filter(state=Job.State.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None:
            return None
        job.state = Job.State.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
        return job


def run(job: Job) -> Job:
    func = HANDLERS.get(job.kind)
    try:
        if func is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        with acting_as(job.created_by, job.request_id or None):
            result = func(job)
        job.state, job.result = Job.State.DONE, result
    except Exception as exc:  # a failed job is reported on its row, the worker carries on
        log.warning("job %s failed: %s", job.pk, exc)
        job.state = Job.State.FAILED
        job.result = {"error": str(exc), "detail": getattr(exc, "detail", None),
                      "trace": traceback.format_exc(limit=5)}
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "result", "finished_at"])
    return job


def run_pending(limit: int | None = None) -> int:
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        done += 1
    return done


def work_forever(poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
    log.info("worker started, handlers: %s", ", ".join(sorted(HANDLERS)))
    while not stop():
        if run_pending(limit=10) == 0:
            connection.close()
            time.sleep(poll_seconds)
