"""Values sealed for one purpose under a key derived from the secret key (coop.crypto.Sealer)."""

from __future__ import annotations

import zlib

import pytest
from django.conf import settings

from coop.crypto import DecryptionError, Sealer, derive_key, open_object, seal_object
from coop.templatetags import parts
from members import viewer_cache

SEALER = Sealer(b"coop.test-purpose", "t1:")


def test_a_sealed_value_opens_as_it_was_and_shows_nothing():
    sealed = SEALER.seal({"name": "Jan de Vries", "phone": "0612345678"})
    assert sealed.startswith("t1:")
    assert "Jan" not in sealed
    assert SEALER.open(sealed) == {"name": "Jan de Vries", "phone": "0612345678"}


def test_it_keeps_the_format_of_a_key_derived_from_the_secret_key_for_its_purpose():
    # Values sealed before the Sealer existed open with it, and the other way round.
    key = derive_key(settings.SECRET_KEY, b"coop.test-purpose")
    assert SEALER.open(seal_object(key, [1, 2, 3], prefix="t1:")) == [1, 2, 3]
    assert open_object(key, SEALER.seal([1, 2, 3]), prefix="t1:") == [1, 2, 3]


def test_a_value_sealed_for_another_purpose_or_prefix_is_refused():
    sealed = SEALER.seal("hello")
    with pytest.raises(DecryptionError):
        Sealer(b"coop.other-purpose", "t1:").open(sealed)
    with pytest.raises(DecryptionError):
        Sealer(b"coop.test-purpose", "t2:").open(sealed)


def test_an_altered_value_is_refused():
    sealed = SEALER.seal("hello")
    altered = sealed[:-4] + ("AAAA" if sealed[-4:] != "AAAA" else "BBBB")
    with pytest.raises(DecryptionError):
        SEALER.open(altered)


def test_the_key_follows_the_secret_key_when_used(settings):
    settings.SECRET_KEY = "the-old-secret-key-" + "x" * 40
    sealed = SEALER.seal("hello")
    settings.SECRET_KEY = "the-new-secret-key-" + "y" * 40
    with pytest.raises(DecryptionError):
        SEALER.open(sealed)
    assert SEALER.open(SEALER.seal("hello")) == "hello"


def test_a_part_kept_before_the_sealer_still_opens():
    key = derive_key(settings.SECRET_KEY, b"coop.page-parts")
    kept = seal_object(key, zlib.compress(b"<p>Hallo</p>", 1), prefix="p2:")
    assert parts._open(kept) == "<p>Hallo</p>"
    assert parts._open(parts._seal("<p>Hallo</p>")) == "<p>Hallo</p>"


def test_a_viewer_kept_before_the_sealer_still_opens_and_another_key_gives_none(settings):
    key = derive_key(settings.SECRET_KEY, b"coop.viewer-cache")
    kept = seal_object(key, {"viewer": "kept"}, prefix="v1:")
    assert viewer_cache._open(kept) == {"viewer": "kept"}
    settings.SECRET_KEY = "a-rotated-secret-key-" + "z" * 40
    assert viewer_cache._open(kept) is None
