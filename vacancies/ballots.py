"""Ballot secrecy: encrypted choices, seals and receipt codes, keyed outside the database.

The ballot key (settings.COOP_BALLOT_KEY) never enters the database. Two subkeys are derived
from it: one encrypts a ballot's choices (AES-GCM, bound to the round and the ballot's key so a
ciphertext cannot be moved to another ballot), the other makes the seal, a keyed hash of round
and member that lets a member's next cast find and replace their ballot. A database dump alone
holds neither the choices nor anything that names the member of a ballot.

AES-GCM keeps the plaintext's length, so every ballot of a round is padded to one size before
it is encrypted: the longest choice the round's method and candidates allow. The stored size
then says nothing about the choice, not even how many candidates were marked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from coop.crypto import derive_key
from vacancies.tally import METHOD_APPROVAL, METHOD_YES_NO, YES_NO_ANSWERS

_NONCE_BYTES = 12
_PADDING = b" "
# Receipt codes avoid characters that are easily confused (0/O, 1/I/L).
_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class BallotKeyError(Exception):
    """A ballot cannot be opened with the configured key (changed key or altered row)."""


def _encryption_key() -> bytes:
    return derive_key(settings.COOP_BALLOT_KEY, b"coop ballot choices v1")


def _seal_key() -> bytes:
    return derive_key(settings.COOP_BALLOT_KEY, b"coop ballot seal v1")


def new_ballot_key() -> str:
    return secrets.token_hex(16)


def new_receipt() -> str:
    code = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(12))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def seal_for(round_id: int, member_id: int) -> str:
    message = f"{round_id}:{member_id}".encode()
    return hmac.new(_seal_key(), message, hashlib.sha256).hexdigest()


def new_seal_placeholder() -> str:
    """What replaces a seal at close: random, shaped like a seal, computable from nothing."""
    return secrets.token_hex(32)


def _associated_data(round_id: int, ballot_key: str) -> bytes:
    return f"{round_id}:{ballot_key}".encode()


def _encode(choices: dict) -> bytes:
    return json.dumps(choices, sort_keys=True, separators=(",", ":")).encode()


def padded_size(method: str, candidate_ids: Iterable[int]) -> int:
    """The plaintext size of every ballot of a round: its longest canonical choice.

    Yes/no ballots answer every candidate (the longest answer, "abstain", for all); approval and
    ranked ballots are longest when they name every candidate (in any order: same length).
    """
    ids = sorted(str(pk) for pk in candidate_ids)
    if method == METHOD_YES_NO:
        return len(_encode({"answers": dict.fromkeys(ids, max(YES_NO_ANSWERS, key=len))}))
    if method == METHOD_APPROVAL:
        return len(_encode({"approved": ids}))
    return len(_encode({"ranking": ids}))


def seal_choices(round_id: int, ballot_key: str, choices: dict, *, size: int) -> bytes:
    """Encrypt canonical choices padded to ``size`` (see ``padded_size``)."""
    plain = _encode(choices)
    if len(plain) > size:
        raise ValueError(f"a ballot of {len(plain)} bytes does not fit the round's {size}")
    # JSON ignores trailing white space, so the padded plaintext is still the same JSON.
    plain = plain.ljust(size, _PADDING)
    nonce = secrets.token_bytes(_NONCE_BYTES)
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
    # Ballots sealed before padding was introduced have no padding: rstrip leaves them as they are.
    return json.loads(plain.rstrip(_PADDING))
