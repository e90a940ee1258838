"""Keys derived from secrets in the environment, and short texts encrypted with them (AES-GCM)."""

from __future__ import annotations

import base64
import pickle
import secrets
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext cannot be opened with the configured key (changed key or altered value)."""


@cache
def derive_key(secret: str, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose: one secret never keys two different uses."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def encrypt_text(key: bytes, text: str, *, prefix: str) -> str:
    """``prefix`` + URL-safe base64 of nonce and ciphertext; the prefix names format and key."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, text.encode(), prefix.encode())
    return prefix + base64.urlsafe_b64encode(sealed).decode("ascii")


def decrypt_text(key: bytes, value: str, *, prefix: str) -> str:
    if not value.startswith(prefix):
        raise DecryptionError("the value was not encrypted with this format")
    try:
        sealed = base64.urlsafe_b64decode(value[len(prefix) :].encode("ascii"))
        nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        return AESGCM(key).decrypt(nonce, ciphertext, prefix.encode()).decode()
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("the value cannot be opened with the configured key") from error


def seal_object(key: bytes, value: object, *, prefix: str) -> str:
    """A Python value kept where others may read it (a cache): pickled and encrypted, so a copy
    shows nothing and an altered copy is refused rather than unpickled."""
    text = base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("ascii")
    return encrypt_text(key, text, prefix=prefix)


def open_object(key: bytes, sealed: str, *, prefix: str) -> object:
    """The value ``seal_object`` sealed; raises DecryptionError when it was not sealed with
    ``key`` (only then is it unpickled: what was sealed here is all that is ever unpickled)."""
    return pickle.loads(base64.b64decode(decrypt_text(key, sealed, prefix=prefix)))  # noqa: S301


@dataclass(frozen=True)
class Sealer:
    """Values sealed for one purpose (``seal_object``) under a key derived from the secret key.

    ``prefix`` names the format and the key: a value sealed under one prefix never opens under
    another. The key is derived when used, not at import: the secret key may change (tests, a key
    rotation), and a value sealed under the old one then no longer opens."""

    purpose: bytes
    prefix: str

    def _key(self) -> bytes:
        return derive_key(settings.SECRET_KEY, self.purpose)

    def seal(self, value: object) -> str:
        return seal_object(self._key(), value, prefix=self.prefix)

    def open(self, sealed: str) -> object:
        """The value ``seal`` sealed; raises DecryptionError when it cannot be opened."""
        return open_object(self._key(), sealed, prefix=self.prefix)
