"""Claiming from the order pool is exclusive: with 20 party members claiming at once on PostgreSQL (each
thread its own connection), exactly one wins and every other gets a 409.

Two safeguards make it so, and each holds alone: the row lock (actions._lock, SELECT ... FOR UPDATE)
serialises the claimers, and the conditional UPDATE (actions._take_from_pool) takes the case only while
it is still in the pool. On PostgreSQL each is disabled in turn and the race is run against the other.

On SQLite these are not races: SQLite serialises writers, so test_exactly_one_of_twenty_claimers_wins
runs its claims one after another there (and must give the same answer), and the single-safeguard
tests are skipped (serially neither safeguard is ever needed)."""

import threading

import pytest
from django.db import connection

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, State
from gridgov.cases.workflow import CaseError

CLAIMERS = 20
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race only on PostgreSQL: SQLite serialises writers, so its claims run one after another and "
           "neither safeguard alone is ever tested there (the 20-claimer test runs serially on SQLite)")


def _claim_race(members, case) -> tuple[list, list, list]:
    """Every member claims the case: at once, each on its own connection (PostgreSQL), or one after
    another (SQLite). Returns (winners, refusal statuses, unexpected errors)."""
    winners, refusals, errors = [], [], []

    def claim(user):
        try:
            actions.do_claim(user, case.pk)
            winners.append(user)
        except CaseError as exc:
            refusals.append(exc.status)
        except Exception as exc:  # anything else is a failure of the test, reported by the caller
            errors.append(repr(exc))

    if connection.vendor == "postgresql":
        start = threading.Barrier(len(members))

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
    return winners, refusals, errors


def _assert_one_winner(case, winners, refusals, errors) -> None:
    assert errors == []
    assert len(winners) == 1
    assert refusals == [409] * (CLAIMERS - 1)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.in_pool, case.assignee) == ("in_progress", False, winners[0])
    assert CaseEvent.objects.filter(case=case, action="claim").count() == 1


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_twenty_claimers_wins(personas, report, more_party_members):
    members = more_party_members(CLAIMERS)
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    _assert_one_winner(case, *_claim_race(members, case))


def _unlocked(actor, case) -> Case:
    """actions._lock without FOR UPDATE: the same visibility check, the row read as it stands."""
    pk = case.pk if isinstance(case, Case) else case
    if actor is not None and not actions.restrict(actor, actions.VIEW, Case.objects.filter(pk=pk)).exists():
        raise CaseError("No such case.", status=404)
    found = Case.objects.select_related("category").filter(pk=pk).first()
    if found is None:
        raise CaseError("No such case.", status=404)
    return found


def _unconditional(case, actor, now) -> bool:
    """actions._take_from_pool without its conditions: takes the case whatever its state."""
    Case.objects.filter(pk=case.pk).update(in_pool=False, assignee=actor, state=State.IN_PROGRESS, updated_at=now)
    return True


@POSTGRESQL_ONLY
@pytest.mark.parametrize("disabled", ["row lock", "conditional update"])
@pytest.mark.django_db(transaction=True)
def test_each_safeguard_alone_keeps_one_winner(personas, report, more_party_members, monkeypatch, disabled):
    members = more_party_members(CLAIMERS)
    case = actions.do_publish(personas.worker_a1, actions.do_accept(personas.worker_a1, report()))
    if disabled == "row lock":
        monkeypatch.setattr(actions, "_lock", _unlocked)
    else:
        monkeypatch.setattr(actions, "_take_from_pool", _unconditional)
    _assert_one_winner(case, *_claim_race(members, case))
