"""The cache table read as someone holding a database dump would: ``pg_dump`` of the table,
every layer of base64 and zlib opened, and no name, address or phone of a member found in it.

The other cache tests read the table with the cache's own library (pickle); this one does not,
so it holds whatever the cache stores and however it stores it."""

from __future__ import annotations

import base64
import binascii
import os
import pickle
import re
import shutil
import subprocess
import zlib

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from coop.models import User
from members.models import Member

# The dump only shows what was committed: this test commits, and restores the data the
# migrations made after its flush, as every committing test of the suite does.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="reads the cache table with pg_dump: needs PostgreSQL (set DATABASE_URL)",
    ),
]

FIRST, LAST = "Wilhelmina", "Zuiderduijn"
EMAIL = "w.zuiderduijn.k7q@voorbeeld.example"
PHONE = "06-83742951"
PERSONAL = (FIRST, LAST, EMAIL, PHONE)
# Stored in the cache as a kept part would be without its encryption (compressed, pickled,
# base64 twice): the reader below must find it, or it could not have found anything else.
CANARY = "Kanarie Ongesloten 5519"

_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{16,}={0,2}")
# What a zlib stream starts with at each compression level.
_ZLIB_HEADER = re.compile(rb"\x78[\x01\x5e\x9c\xda]")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache table is not emptied with the database between committing tests."""
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.clear()
    yield
    cache.clear()


def _pg_dump(*tables: str) -> str:
    """The data of ``tables`` as ``pg_dump`` writes it, from the test database."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is not installed: install the PostgreSQL client (postgresql-client)")
    db = connection.settings_dict
    command = [pg_dump, "--data-only", f"--dbname={db['NAME']}"]
    for option, value in (("host", db["HOST"]), ("port", db["PORT"]), ("username", db["USER"])):
        if value:
            command.append(f"--{option}={value}")
    command += [f"--table={table}" for table in tables]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _b64decode(run: bytes) -> bytes | None:
    run = run.rstrip(b"=").replace(b"-", b"+").replace(b"_", b"/")
    if len(run) % 4 == 1:
        run = run[:-1]  # a character too many for any whole byte
    try:
        return base64.b64decode(run + b"=" * (-len(run) % 4), validate=True)
    except binascii.Error:
        return None


def _layers(data: bytes, depth: int = 0) -> list[bytes]:
    """``data`` and everything readable inside it without a key: each base64 run decoded (from
    each of its first four characters, in case it starts mid-run), and each zlib stream
    decompressed, over and over."""
    found = [data]
    if depth == 6:
        return found
    for match in _ZLIB_HEADER.finditer(data):
        try:
            inflated = zlib.decompressobj().decompress(data[match.start() :])
        except zlib.error:
            continue
        if inflated:
            found += _layers(inflated, depth + 1)
    for match in _BASE64_RUN.finditer(data):
        for skip in range(4):
            decoded = _b64decode(match.group()[skip:])
            if decoded:
                found += _layers(decoded, depth + 1)
    return found


def _found_in(dump: str, texts: tuple[str, ...]) -> set[str]:
    layers = [layer.lower() for layer in _layers(dump.encode())]
    return {text for text in texts if any(text.lower().encode() in layer for layer in layers)}


def test_a_dump_of_the_cache_table_shows_nothing_of_a_member_the_pages_showed(cast):
    user, member = cast.drager, cast.drager_member
    user.first_name, user.last_name, user.email = FIRST, LAST, EMAIL
    user.save(update_fields=["first_name", "last_name", "email"])
    member.name, member.email, member.phone = f"{FIRST} {LAST}", EMAIL, PHONE
    member.save(update_fields=["name", "email", "phone"])
    client = Client()
    client.force_login(user)
    # The dashboard keeps its cards as a part; its first load also keeps the session's viewer,
    # which holds the member (name, address, phone).
    for _ in range(2):
        response = client.get(reverse("portal:dashboard"))
        assert response.status_code == 200
        assert f"{FIRST} {LAST}" in response.content.decode()
    cache.set(
        "coop:test:canary",
        "p2:"
        + base64.urlsafe_b64encode(
            base64.b64encode(pickle.dumps(zlib.compress(CANARY.encode(), 1)))
        ).decode(),
    )

    table = settings.CACHES["default"]["LOCATION"]
    viewer_key = cache.make_key(f"coop:viewer:{client.session.session_key}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT cache_key FROM {connection.ops.quote_name(table)}"  # noqa: S608
        )
        keys = {key for (key,) in cursor.fetchall()}
    assert viewer_key in keys
    assert any(":coop:part:" in key for key in keys)

    dump = _pg_dump(table)
    assert viewer_key in dump
    assert _found_in(dump, (*PERSONAL, CANARY)) == {CANARY}
    # The same reader finds every one of them in a dump of the tables they belong to.
    assert _found_in(_pg_dump(User._meta.db_table, Member._meta.db_table), PERSONAL) == set(
        PERSONAL
    )
