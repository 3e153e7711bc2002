"""Encryption and keyed hashing of personal data (PIPL): ID numbers and phone numbers.

Values are sealed with AES-256-GCM under a key derived from settings.DATA_KEY, and a keyed
HMAC-SHA256 of the normalised value is stored beside them so exact-match search works without
decrypting. Both subkeys come from one master secret through HKDF with distinct labels.
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


def _derive(master: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gridgov", info=label).derive(master.encode())


@functools.cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    return (AESGCM(_derive(master, b"gridgov personal data encryption")),
            _derive(master, b"gridgov personal data search"))


def _aead() -> AESGCM:
    return _keys(settings.DATA_KEY)[0]


def _mac_key() -> bytes:
    return _keys(settings.DATA_KEY)[1]


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, plaintext.encode(), None)
    return f"{_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    version, _, payload = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.urlsafe_b64decode(payload)
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash for equality search; the same value always gives the same 64 hex characters."""
    return hmac.new(_mac_key(), value.encode(), hashlib.sha256).hexdigest()
