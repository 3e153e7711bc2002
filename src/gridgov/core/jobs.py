"""Background jobs kept in the database and run by `gridgov worker`.

Nothing lives only in memory: a job is a row, claimed with SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL (SQLite serialises writers, so a plain transaction is enough there), and a restart
picks up whatever is still queued. A job whose worker died while running it is put back in the
queue by requeue_abandoned(): on PostgreSQL the running worker holds a session advisory lock on
the job, which the server drops with the dead connection; on SQLite (one machine, usually one
worker) a job running for longer than ABANDONED_AFTER is taken as abandoned.

Periodic sweeps (@periodic("name")) run in the same loop every `tick` seconds. They keep no timers:
each reads what is due from the database (deadlines, outbox rows) and is idempotent, so a missed
or repeated round, a restart or a second worker changes nothing twice. Apps register them in a
`worker` module, which discover() imports.
"""

import datetime
import logging
import time
import traceback
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .context import acting_as
from .models import Job

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[[Job], dict]] = {}
# name -> function(now) run every tick; returns something small to log (counts).
PERIODIC: dict[str, Callable[[datetime.datetime], object]] = {}
LAST: set[str] = set()  # names of the sweeps that run after the others (see periodic)
ABANDONED_AFTER = datetime.timedelta(hours=6)
_LOCK_SPACE = 0x6A6F62  # first key of the two-key advisory locks: "job"


def handler(kind: str):
    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def periodic(name: str, last: bool = False):
    """Register `func(now)` to run on every tick of the worker (see the module docstring). A sweep marked
    `last` runs after all the others of the tick, whatever the order apps registered in: the delivery of
    notices, so that what any sweep queued in a tick also goes out in it."""
    def register(func):
        PERIODIC[name] = func
        if last:
            LAST.add(name)
        return func

    return register


def discover() -> None:
    """Import every installed app's `worker` module, where periodic sweeps and handlers register."""
    autodiscover_modules("worker")


def run_periodic(now: datetime.datetime | None = None) -> dict:
    """One round of every periodic function, each on its own: a failure is logged and the others run.
    Returns {name: result}, with the exception's type name for a failure."""
    results = {}
    ordered = sorted(PERIODIC.items(), key=lambda item: item[0] in LAST)  # stable: registration order kept
    for name, func in ordered:
        try:
            results[name] = func(now or timezone.now())
        except Exception as exc:  # the next tick tries again; the state it works from is in the database
            # Only the type, as for jobs: a message may quote personal data.
            log.warning("periodic %s failed: %s", name, type(exc).__name__)
            results[name] = type(exc).__name__
    return results


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
        # Taken before the row says "running", so requeue_abandoned() elsewhere never sees it unheld.
        job._advisory_locked = _holds_advisory_locks() and _advisory("pg_try_advisory_lock", job.pk)
        job.state = Job.State.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
        return job


def _advisory(function: str, job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_SPACE, job_id & 0x7FFFFFFF])
        return bool(cursor.fetchone()[0])


def _holds_advisory_locks() -> bool:
    return connection.vendor == "postgresql"


def run(job: Job) -> Job:
    func = HANDLERS.get(job.kind)
    locked = getattr(job, "_advisory_locked", False)
    try:
        try:
            if func is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            with acting_as(job.created_by, job.request_id or None):
                result = func(job)
            job.state, job.result = Job.State.DONE, result
        except Exception as exc:  # a failed job is reported on its row, the worker carries on
            # Only the type in the log: a message may quote the data being processed (personal data).
            log.warning("job %s (%s) failed: %s", job.pk, job.kind, type(exc).__name__)
            job.state = Job.State.FAILED
            job.result = {"error": str(exc), "detail": getattr(exc, "detail", None),
                          "trace": traceback.format_exc(limit=5)}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "result", "finished_at"])
    finally:
        if locked:
            _advisory("pg_advisory_unlock", job.pk)
    return job


def requeue_abandoned(now: datetime.datetime | None = None) -> int:
    """Put back in the queue the jobs marked running whose worker is gone. Returns how many."""
    running = Job.objects.filter(state=Job.State.RUNNING)
    if _holds_advisory_locks():
        abandoned = []
        for job_id in running.values_list("pk", flat=True):
            if _advisory("pg_try_advisory_lock", job_id):  # nobody holds it: its worker is gone
                abandoned.append(job_id)
                _advisory("pg_advisory_unlock", job_id)
        running = running.filter(pk__in=abandoned)
    else:
        running = running.filter(started_at__lt=(now or timezone.now()) - ABANDONED_AFTER)
    count = running.update(state=Job.State.QUEUED, started_at=None)
    if count:
        log.warning("requeued %s abandoned job(s)", count)
    return count


def run_pending(limit: int | None = None) -> int:
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        done += 1
    return done


def did_something(result) -> bool:
    """Whether a periodic function's result reports any work (a non-zero count anywhere in it)."""
    if isinstance(result, dict):
        return any(did_something(v) for v in result.values())
    return bool(result)


def run_once() -> dict:
    """What `gridgov worker --once` does: every queued job, then one round of the periodic functions."""
    return {"jobs": run_pending(), "periodic": run_periodic()}


def work_forever(poll_seconds: float = 1.0, stop: Callable[[], bool] = lambda: False,
                 tick_seconds: float | None = None) -> None:
    """Run jobs as they come and, every `tick_seconds` (None: never), the periodic functions."""
    log.info("worker started, handlers: %s; periodic: %s", ", ".join(sorted(HANDLERS)),
             ", ".join(sorted(PERIODIC)) if tick_seconds else "-")
    requeue_abandoned()
    idle_polls = 0
    next_tick = time.monotonic()
    while not stop():
        if tick_seconds and time.monotonic() >= next_tick:
            results = run_periodic()
            if any(did_something(r) for r in results.values()):
                log.info("periodic: %s", results)
            next_tick = time.monotonic() + tick_seconds
            if stop():
                break
        if run_pending(limit=10) == 0:
            idle_polls += 1
            if idle_polls % 60 == 0:
                requeue_abandoned()
            connection.close()
            wait = poll_seconds if not tick_seconds else max(0.0, min(poll_seconds, next_tick - time.monotonic()))
            time.sleep(wait)
