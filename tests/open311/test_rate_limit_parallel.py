"""The rate-limit counter under parallel requests of one key (as from several web processes): every
request is counted once and exactly GRIDGOV_OPEN311_RATE_LIMIT of them get through. On PostgreSQL the
requests run in threads with a connection each; SQLite serialises writers (and its in-memory test
database cannot wait for a lock), so there they run one after another and must give the same answer."""

import threading

from django.db import connection
from django.utils import timezone

from gridgov.open311 import actions
from gridgov.open311.models import RateWindow

HITS = 8


def test_parallel_requests_share_one_counter(transactional_db, personas, settings):
    settings.GRIDGOV_OPEN311_RATE_LIMIT = 5
    settings.GRIDGOV_OPEN311_RATE_WINDOW_SECONDS = 3600
    key, _secret = actions.do_issue_key(None, "parallel", personas.town.town)
    now = timezone.now()
    results, errors = [], []

    def hit():
        try:
            results.append(actions.count_request(key, now))
        except Exception as exc:  # a failure of the test, reported below
            errors.append(repr(exc))

    if connection.vendor == "postgresql":
        start = threading.Barrier(HITS)

        def run():
            try:
                start.wait()
                hit()
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(HITS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for _ in range(HITS):
            hit()
    assert errors == []
    assert len(results) == HITS
    assert sum(1 for r in results if r is None) == 5
    assert RateWindow.objects.get(key=key).count == HITS
