"""Several workers ticking at once (threads with their own connections on PostgreSQL, where the sweeps
rely on SKIP LOCKED and conditional updates) flag, escalate and notify each case once and deliver each
notice once. SQLite serialises writers, so there the same ticks run one after another."""

import threading
from collections import Counter

import pytest
from django.db import connection

from gridgov.cases import channels, worker  # noqa: F401  (worker registers the sweeps)
from gridgov.cases.models import Case, CaseEvent, Notification, Outbox
from gridgov.core import jobs
from tests.cases.conftest import local

WORKERS = 6
CASES = 12


class CountingChannel(channels.Channel):
    """A delivery channel that remembers every delivery it made."""

    name = "count"

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = Counter()

    def send(self, recipient, message):
        with self.lock:
            self.sent[message.delivery] += 1


@pytest.mark.django_db(transaction=True)
def test_parallel_ticks_do_everything_once(personas, report, clock, settings):
    settings.GRIDGOV_NOTIFY_CHANNELS = "count"
    settings.GRIDGOV_NOTIFY_BATCH = 3
    counting = channels.register(CountingChannel())
    cases = [report(description=f"垃圾 {i}") for i in range(CASES)]
    clock.move_to(local(2026, 3, 2, 12, 1))  # every assessment is overdue
    errors = []

    def tick_until_quiet():
        try:
            while any(jobs.did_something(r) for r in jobs.run_periodic().values()):
                pass
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))

    try:
        if connection.vendor == "postgresql":
            start = threading.Barrier(WORKERS)

            def run():
                try:
                    start.wait()
                    tick_until_quiet()
                finally:
                    connection.close()

            threads = [threading.Thread(target=run) for _ in range(WORKERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for _ in range(WORKERS):
                tick_until_quiet()
    finally:
        channels.REGISTRY.pop("count")

    assert errors == []
    assert Counter(CaseEvent.objects.filter(action__in=["overdue", "escalate"]).values_list("action", flat=True)) == {
        "overdue": CASES, "escalate": CASES}
    assert set(Case.objects.values_list("level", "escalation_count")) == {("village", 1)}
    # The cases' notices (the practice apps' sweeps may tell people of other things in the same ticks).
    notices = Counter(Notification.objects.exclude(kind="reported").filter(case__isnull=False).values_list(
        "case_id", "kind", "user__username"))
    assert set(notices.values()) == {1}
    assert len(notices) == CASES * 4  # overdue: worker, secretary, town admin; escalated: secretary
    rows = set(Outbox.objects.values_list("pk", flat=True))
    assert set(counting.sent) == rows and set(counting.sent.values()) == {1}
    assert not Outbox.objects.exclude(state="sent").exists()
    assert {c.pk for c in cases} == set(Case.objects.values_list("pk", flat=True))
