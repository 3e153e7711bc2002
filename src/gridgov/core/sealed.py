"""A model attribute that keeps a personal identifier encrypted, with a keyed hash for search."""

from . import crypto


class SealedValue:
    """Descriptor over two real columns: `<name>_enc` (ciphertext) and `<name>_hash` (blind index).

    Assigning the plaintext fills both, so bulk_create and bulk_update work on the real columns;
    reading decrypts on demand. The plaintext never reaches the database or the logs.
    """

    def __init__(self, normalize=str.strip):
        self.normalize = normalize

    def __set_name__(self, owner, name):
        self.name = name
        self.enc_field = f"{name}_enc"
        self.hash_field = f"{name}_hash"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        token = getattr(instance, self.enc_field)
        return crypto.decrypt(token) if token else ""

    def __set__(self, instance, value):
        value = self.normalize(value) if value else ""
        setattr(instance, self.enc_field, crypto.encrypt(value) if value else "")
        setattr(instance, self.hash_field, crypto.blind_index(value) if value else None)

    def hash_of(self, value: str) -> str:
        return crypto.blind_index(self.normalize(value))
