"""Claiming from the order pool is exclusive: with 20 party members claiming at once on PostgreSQL (each
thread its own connection), exactly one wins and every other gets a 409. SQLite serialises writers,
so there the same claims run one after another and must give the same answer."""

import threading

import pytest
from django.db import connection

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.workflow import CaseError

CLAIMERS = 20


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_twenty_claimers_wins(personas, report, more_party_members):
    members = more_party_members(CLAIMERS)
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    winners, refusals, errors = [], [], []

    def claim(user):
        try:
            actions.do_claim(user, case.pk)
            winners.append(user)
        except CaseError as exc:
            refusals.append(exc.status)
        except Exception as exc:  # anything else is a failure of the test, reported below
            errors.append(repr(exc))

    if connection.vendor == "postgresql":
        start = threading.Barrier(CLAIMERS)

        def run(user):
            try:
                start.wait()
                claim(user)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(user,)) for user in members]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for user in members:
            claim(user)

    assert errors == []
    assert len(winners) == 1
    assert refusals == [409] * (CLAIMERS - 1)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.in_pool, case.assignee) == ("in_progress", False, winners[0])
    assert CaseEvent.objects.filter(case=case, action="claim").count() == 1
