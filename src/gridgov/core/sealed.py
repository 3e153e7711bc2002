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
        enc, digest = self.seal(value)
        setattr(instance, self.enc_field, enc)
        setattr(instance, self.hash_field, digest)

    def seal(self, value, digest: str | None = None, normalized: bool = False) -> tuple[str, str | None]:
        """The two column values for a plaintext: (ciphertext, blind index), or ("", None) for none.
        `digest`: its blind index when the caller has it already (an import looked the person up by it);
        `normalized`: the caller has normalised the value already (an import's checks did)."""
        if not normalized:
            value = self.normalize(value) if value else ""
        if not value:
            return "", None
        return crypto.encrypt(value), digest or crypto.blind_index(value)

    def hash_of(self, value: str) -> str:
        return crypto.blind_index(self.normalize(value))
