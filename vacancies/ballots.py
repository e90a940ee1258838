"""Ballot secrecy: encrypted choices, seals and receipt codes, keyed outside the database.

The ballot key (settings.COOP_BALLOT_KEY) never enters the database. Two subkeys are derived
from it: one encrypts a ballot's choices (AES-GCM, bound to the round and the ballot's key so a
ciphertext cannot be moved to another ballot), the other makes the seal, a keyed hash of round
and member that lets a member's next cast find and replace their ballot. A database dump alone
holds neither the choices nor anything that names the member of a ballot.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12
# Receipt codes avoid characters that are easily confused (0/O, 1/I/L).
_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class BallotKeyError(Exception):
    """A ballot cannot be opened with the configured key (changed key or altered row)."""


@cache
def _subkey(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


def _encryption_key() -> bytes:
    return _subkey(settings.COOP_BALLOT_KEY, b"coop ballot choices v1")


def _seal_key() -> bytes:
    return _subkey(settings.COOP_BALLOT_KEY, b"coop ballot seal v1")


def new_ballot_key() -> str:
    return secrets.token_hex(16)


def new_receipt() -> str:
    code = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(12))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def seal_for(round_id: int, member_id: int) -> str:
    message = f"{round_id}:{member_id}".encode()
    return hmac.new(_seal_key(), message, hashlib.sha256).hexdigest()


def _associated_data(round_id: int, ballot_key: str) -> bytes:
    return f"{round_id}:{ballot_key}".encode()


def seal_choices(round_id: int, ballot_key: str, choices: dict) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = json.dumps(choices, sort_keys=True, separators=(",", ":")).encode()
    return nonce + AESGCM(_encryption_key()).encrypt(
        nonce, plain, _associated_data(round_id, ballot_key)
    )


def open_choices(round_id: int, ballot_key: str, sealed: bytes) -> dict:
    sealed = bytes(sealed)
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        plain = AESGCM(_encryption_key()).decrypt(
            nonce, ciphertext, _associated_data(round_id, ballot_key)
        )
    except InvalidTag as error:
        raise BallotKeyError(f"ballot {ballot_key} of round {round_id} cannot be opened") from error
    return json.loads(plain)
