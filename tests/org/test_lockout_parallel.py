"""Issue 17, finding 11: 40 wrong passwords for one account at once check at most LOGIN_FAILURE_LIMIT
(5) of them before the lock holds; before the fix at least 8 were checked, as every attempt read the
row unlocked before the first failure was written.

On PostgreSQL the 40 attempts run in 40 threads, each with its own connection, released together by a
barrier; the password check is slowed (50 ms, a stand-in for PBKDF2) so they overlap. SQLite runs
writers one at a time, so there the attempts are made one after another: the same answer, but serial."""

import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection

from gridgov.core.models import AuditEntry
from gridgov.org.models import User

N = 40


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_the_limit(personas, monkeypatch):
    checked, lock = [], threading.Lock()
    real_check = User.check_password

    def slow_check(self, raw):
        with lock:
            checked.append(raw)
        time.sleep(0.05)
        return real_check(self, raw)

    monkeypatch.setattr(User, "check_password", slow_check)
    answers, errors = [], []

    def attempt():
        try:
            answers.append(authenticate(None, username="worker_a1", password="Wrong-Pass-99"))
        except Exception as exc:  # any failure fails the test below
            errors.append(repr(exc))

    if connection.vendor == "postgresql":
        start = threading.Barrier(N)

        def run():
            try:
                start.wait()
                attempt()
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(N)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for _ in range(N):
            attempt()

    assert errors == []
    assert answers == [None] * N
    assert len(checked) <= settings.LOGIN_FAILURE_LIMIT == 5
    worker = User.objects.get(username="worker_a1")
    assert worker.locked_until is not None
    assert AuditEntry.objects.filter(action="account.lock", object_id=str(worker.pk)).count() == 1
