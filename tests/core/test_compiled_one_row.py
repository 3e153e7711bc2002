"""compiled.OneRow runs a queryset's SQL compiled once and answers what the queryset's first row gives:
the same column values, converted by the fields (JSON, dates, encrypted values read back), related
objects of select_related already there, and the row read anew at every call."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core import compiled
from gridgov.core.models import AuditEntry
from gridgov.org.models import ApiToken, User


def _columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _token_query(key_hash):
    return ApiToken.objects.select_related("user", "user__person").filter(key_hash=key_hash)


TOKEN = compiled.OneRow(_token_query, key_hash="-- marker --")


def _issue_token(user, key_hash):
    return ApiToken.objects.create(user=user, key_hash=key_hash, expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))


@pytest.mark.parametrize("username", ["party_a1", "worker_a1"])  # with a person, and without one
def test_the_object_and_its_relations_are_the_querysets(personas, username):
    user = User.objects.get(username=username)
    _issue_token(user, "a" * 64)
    expected = _token_query("a" * 64).first()
    with CaptureQueriesContext(connection) as queries:
        found = TOKEN.get(key_hash="a" * 64)
        # The relations came with the row: reading them asks nothing more.
        person = found.user.person
    assert len(queries) == 1
    assert _columns(found) == _columns(expected) and _columns(found.user) == _columns(expected.user)
    if expected.user.person is None:
        assert person is None
    else:
        assert _columns(person) == _columns(expected.user.person)
        assert person.id_number == expected.user.person.id_number != ""  # decrypted as the ORM decrypts
    assert found._state.adding is False and found._state.db == "default"


def test_each_call_reads_the_row_as_it_is_now(personas):
    token = _issue_token(personas.worker_a1, "b" * 64)
    assert TOKEN.get(key_hash="b" * 64).user.is_active
    User.objects.filter(pk=personas.worker_a1.pk).update(is_active=False)
    assert TOKEN.get(key_hash="b" * 64).user.is_active is False
    token.delete()
    assert TOKEN.get(key_hash="b" * 64) is None
    assert TOKEN.get(key_hash="c" * 64) is None


def test_values_are_converted_by_their_fields(db):
    entry = AuditEntry.objects.create(action="x.test", object_type="core.test", object_id="7",
                                      after={"名": "张三", "n": [1, 2]})
    one = compiled.OneRow(lambda pk: AuditEntry.objects.filter(pk=pk), pk=-987_654)
    found = one.get(pk=entry.pk)
    assert found.after == {"名": "张三", "n": [1, 2]}
    assert isinstance(found.time, datetime.datetime) and found.time == AuditEntry.objects.get(pk=entry.pk).time


def test_a_marker_that_is_not_a_parameter_is_refused(db):
    # A query that never uses its marker as a parameter would silently ignore the value asked for.
    one = compiled.OneRow(lambda pk: AuditEntry.objects.filter(pk=5), pk=-987_654)
    with pytest.raises(RuntimeError, match="marker"):
        one.get(pk=1)
    with pytest.raises(ValueError):
        compiled.OneRow(lambda a, b: AuditEntry.objects.filter(pk=a, object_id=b), a=1, b=1)
