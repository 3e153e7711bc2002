"""ID numbers and phones are stored encrypted, with a keyed hash for search; they decrypt back."""

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from gridgov.core import crypto
from gridgov.org.models import Person


def raw_row(person_id) -> str:
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [person_id])
        return " ".join(str(value) for value in cursor.fetchone())


def test_the_database_row_holds_no_plaintext_id_number_or_phone(town):
    zhang = Person.objects.get(pk=town.zhang.pk)
    id_number, phone = zhang.id_number, zhang.phone
    row = raw_row(zhang.pk)
    for secret in (id_number, id_number[6:14], id_number[-6:], phone, phone[3:]):
        assert secret not in row


def test_values_decrypt_back_from_a_fresh_read(town):
    fresh = Person.objects.get(pk=town.zhang.pk)
    assert fresh.id_number == "445321198112120113"
    assert fresh.phone == "13800000011"
    assert fresh.id_number_enc.startswith("v1:")


def test_the_same_value_encrypts_differently_each_time_but_hashes_the_same():
    assert crypto.encrypt("13800000011") != crypto.encrypt("13800000011")
    assert crypto.blind_index("13800000011") == crypto.blind_index("13800000011")


def test_search_hash_is_keyed_so_it_is_not_a_plain_sha256(town, settings):
    import hashlib

    person = Person.objects.get(pk=town.zhang.pk)
    assert person.id_number_hash != hashlib.sha256(b"445321198112120113").hexdigest()
    before = crypto.blind_index("445321198112120113")
    settings.DATA_KEY = "another installation's key"
    assert crypto.blind_index("445321198112120113") != before


def test_another_key_cannot_decrypt(town, settings):
    token = Person.objects.get(pk=town.zhang.pk).id_number_enc
    settings.DATA_KEY = "another installation's key"
    with pytest.raises(InvalidTag):
        crypto.decrypt(token)


def test_tampered_ciphertext_is_refused(town):
    token = Person.objects.get(pk=town.zhang.pk).id_number_enc
    version, payload = token.split(":")
    flipped = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with pytest.raises((InvalidTag, ValueError)):
        crypto.decrypt(f"{version}:{flipped}")


def test_clearing_a_value_clears_both_columns(town):
    person = Person.objects.get(pk=town.zhang.pk)
    person.phone = ""
    assert (person.phone_enc, person.phone_hash, person.phone) == ("", None, "")


def test_the_search_hash_stays_the_hmac_sha256_stored_rows_were_made_with(settings):
    """Hashes already in a database must still match new ones: HMAC-SHA256 under the derived search key,
    for every key a process has used (the keyed copy is kept per key)."""
    import hashlib
    import hmac

    for key in ("first installation's key", "second installation's key"):
        settings.DATA_KEY = key
        search_key = crypto._derive(key, b"gridgov personal data search")
        for value in ("445321198112120113", "13800000011", "张三"):
            expected = hmac.new(search_key, value.encode(), hashlib.sha256).hexdigest()
            assert crypto.blind_index(value) == crypto.blind_index(value) == expected
