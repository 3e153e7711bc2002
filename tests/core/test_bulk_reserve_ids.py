"""bulk.reserve_ids on PostgreSQL: a table this transaction holds exclusively (a first import's) gets its
ids as one block of the sequence; otherwise one nextval() each. Either way nobody is given them again."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gridgov.core import bulk
from gridgov.org.models import Household

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")


def _sequence_state():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('org_household', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT seqincrement FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence])
        step = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        return step, cursor.fetchone()[0]


def _block_taken(sent) -> bool:
    return any("INCREMENT BY 4999" in q["sql"] or "INCREMENT BY 1499" in q["sql"] for q in sent.captured_queries)


def _lock():
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE org_household IN ACCESS EXCLUSIVE MODE")


@pytest.mark.django_db
def test_a_table_held_exclusively_gets_one_block_and_the_sequence_goes_on_after_it():
    with transaction.atomic():
        _lock()
        with CaptureQueriesContext(connection) as sent:
            ids = bulk.reserve_ids(Household, 5000)
        step, following = _sequence_state()
    assert _block_taken(sent)
    assert ids == list(range(ids[0], ids[0] + 5000))
    assert step == 1 and following == ids[-1] + 1


@pytest.mark.django_db
def test_a_table_not_held_gets_ids_one_by_one():
    with transaction.atomic(), CaptureQueriesContext(connection) as sent:
        ids = bulk.reserve_ids(Household, 1500)
        step, following = _sequence_state()
    assert not _block_taken(sent)
    assert len(set(ids)) == 1500 and step == 1 and following > max(ids)


@pytest.mark.django_db
def test_a_sequence_with_another_step_keeps_it():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER SEQUENCE org_household_id_seq INCREMENT BY 3")
        _lock()
        ids = bulk.reserve_ids(Household, 1200)
        step, _following = _sequence_state()
        with connection.cursor() as cursor:
            cursor.execute("ALTER SEQUENCE org_household_id_seq INCREMENT BY 1")
    assert step == 3 and len(set(ids)) == 1200 and ids[1] - ids[0] == 3


@pytest.mark.django_db
def test_ids_of_a_block_are_written_and_never_given_again(town):
    with transaction.atomic():
        _lock()
        ids = bulk.reserve_ids(Household, 1000)
        made = [bulk.instance(Household, id=pk, number=f"HB{pk}", address="一巷", grid_id=town.a1.pk,
                              path=town.a1.path) for pk in ids]
        bulk.insert(made)
    assert Household.objects.filter(pk__in=ids).count() == 1000
    assert Household.objects.create(number="HB-after", address="二巷", grid=town.a1, path=town.a1.path).pk > ids[-1]
