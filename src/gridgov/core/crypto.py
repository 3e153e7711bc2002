"""Encryption and keyed hashing of personal data (PIPL): ID numbers and phone numbers.

Values are sealed with AES-256-GCM under a key derived from settings.DATA_KEY, and a keyed
HMAC-SHA256 of the normalised value is stored beside them so exact-match search works without
decrypting. Both subkeys come from one master secret through HKDF with distinct labels.

A wrong or lost key is caught, not written with: the database keeps the key's fingerprint
(core.DataKeyCheck, an HMAC of a fixed label under a third derived subkey), recorded at the first
migrate or the first encryption. The start check (core.checks, run by serve, worker, demo and migrate)
refuses a key with another fingerprint, and encrypt() refuses to write under one, so data never end up
under two keys. A database that holds encrypted data but no fingerprint yet (made before the check
existed) is checked by decrypting one stored value.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v1"
_FINGERPRINT_LABEL = b"gridgov data key fingerprint v1"

KEY_MISMATCH = (
    "GRIDGOV_DATA_KEY 与本数据库中个人信息（身份证号、电话）加密所用的密钥不一致，系统拒绝启动："
    "请使用原来的密钥（备份的 GRIDGOV_DATA_KEY 或 var/data.key）。换用新密钥会使已加密的数据无法读取，"
    "并让新数据以另一个密钥加密。 / GRIDGOV_DATA_KEY does not match the key the personal data (ID numbers, "
    "phones) of this database are encrypted under, so gridgov refuses to start: use the original key (the "
    "backed-up GRIDGOV_DATA_KEY or var/data.key). A new key would leave the encrypted data unreadable and "
    "write new data under a second key."
)


class DataKeyMismatch(RuntimeError):
    """The configured data key is not the one the database's personal data are encrypted under."""


def _derive(master: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gridgov", info=label).derive(master.encode())


@functools.cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    return (AESGCM(_derive(master, b"gridgov personal data encryption")),
            _derive(master, b"gridgov personal data search"))


def _aead() -> AESGCM:
    return _keys(settings.DATA_KEY)[0]


def fingerprint(master: str | None = None) -> str:
    """The key's fingerprint (64 hex characters): tells keys apart, reveals nothing of them."""
    return _fingerprint_of(settings.DATA_KEY if master is None else master)


@functools.cache
def _fingerprint_of(master: str) -> str:
    # Cached: every encryption asks for it (ensure_key), and deriving it each time was a tenth of a
    # county import's time.
    return hmac.new(_derive(master, b"gridgov data key fingerprint"), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def _stored_ciphertext(using: str) -> str | None:
    """One encrypted value of the database, if there is any (every SealedValue column is looked at)."""
    from django.apps import apps

    from .sealed import SealedValue

    for model in apps.get_models():
        for attribute in vars(model).values():
            if isinstance(attribute, SealedValue):
                token = (model._base_manager.using(using).exclude(**{attribute.enc_field: ""})
                         .values_list(attribute.enc_field, flat=True).first())
                if token:
                    return token
    return None


def key_problem(using: str = "default", record: bool = False) -> str | None:
    """Why the configured key must not be used with this database (KEY_MISMATCH), or None. With
    `record`, a database without a fingerprint gets the configured key's (after the key has decrypted
    a stored value, if the database holds any)."""
    from .models import DataKeyCheck

    mine = fingerprint()
    stored = DataKeyCheck.objects.using(using).order_by("pk").values_list("fingerprint", flat=True).first()
    if stored is not None:
        return None if hmac.compare_digest(stored, mine) else KEY_MISMATCH
    token = _stored_ciphertext(using)
    if token is not None:
        try:
            decrypt(token)
        except Exception:  # InvalidTag, or a token that is not ours at all
            return KEY_MISMATCH
    if record:
        DataKeyCheck.objects.using(using).create(fingerprint=mine)
    return None


_checked: set[str] = set()


def ensure_key(using: str = "default") -> None:
    """Before the first encryption of a process (and of each key): the key is this database's, or
    DataKeyMismatch. Costs one query per process once the fingerprint is stored."""
    mine = fingerprint()
    if mine in _checked:
        return
    problem = key_problem(using, record=True)
    if problem:
        raise DataKeyMismatch(problem)
    _checked.add(mine)


def encrypt(plaintext: str) -> str:
    master = settings.DATA_KEY
    if _fingerprint_of(master) not in _checked:  # a county's import encrypts two million values
        ensure_key()
    nonce = os.urandom(12)
    sealed = _keys(master)[0].encrypt(nonce, plaintext.encode(), None)
    return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    version, _, payload = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.urlsafe_b64decode(payload)
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash for equality search; the same value always gives the same 64 hex characters."""
    # A copy of an HMAC already keyed, not hmac.digest(): that looks SHA-256 up by name and sets the
    # key again on every call (1.36 against 1.0 µs; a county's import hashes two values a person).
    mac = _search_mac(settings.DATA_KEY).copy()
    mac.update(value.encode())
    return mac.hexdigest()


@functools.cache
def _search_mac(master: str) -> hmac.HMAC:
    return hmac.new(_keys(master)[1], digestmod="sha256")
