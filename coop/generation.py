"""One generation of the data: every committed write makes a new one.

Parts of pages that take long to build (a member's "Voor jou", the corporation's compliance
overview, the omklap overview, a month of a calendar) are kept in the cache under the generation
they were built in, and are only ever served under that same generation. A write is noticed where
it happens, in the SQL the database receives: an INSERT, UPDATE or DELETE on any table except the
sessions', the cache's and the task queue's makes a new generation once its transaction commits,
whether a form, a service, a bulk update, a task or the admin wrote it. So no part is served that
is older than the last change, and nobody has to remember which change touches which page.

Inside a transaction that has written and not yet committed, nothing is read from or stored in the
cache: what that transaction sees is not what the others see (the test suite runs every test in
such a transaction, so it always builds afresh unless a test commits).

Parts also depend on the clock (what is due this week, a vote that is open until a time): an
entry holds for the day it was built on and for ``PART_SECONDS`` at most, so a part is never more
than that behind the clock, and never behind the data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.crypto import get_random_string, salted_hmac

logger = logging.getLogger(__name__)

GENERATION_KEY = "coop:generation"
PART_SECONDS = 60

# SQLite writes "INSERT OR IGNORE INTO" for bulk_create(ignore_conflicts=True) and for every
# many-to-many add.
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE
)
# Writes that change no page part: sessions, the cache itself and the task queue's bookkeeping.
_UNWATCHED_PREFIXES = ("django_session", "django_q_")


# Tables of an app that no kept part shows, named by the app itself (``unwatch``).
_UNWATCHED_TABLES: set[str] = set()


def unwatch(*tables: str) -> None:
    """Writes to these tables make no new generation: no kept part may show what they hold."""
    _UNWATCHED_TABLES.update(tables)


def _unwatched(table: str) -> bool:
    return (
        table.startswith(_UNWATCHED_PREFIXES)
        or table in _UNWATCHED_TABLES
        or table == _cache_table()
    )


def _cache_table() -> str:
    default = settings.CACHES["default"]
    if str(default["BACKEND"]).endswith("DatabaseCache"):
        return str(default["LOCATION"])
    return ""


def new_generation() -> None:
    """Every kept part is built again on its next read: the generation is dropped (one statement
    on the database cache), and the next read starts a new one, a random token never used before."""
    try:
        cache.delete(GENERATION_KEY)
    except DatabaseError:
        # The database cache's table is not there yet (``migrate`` runs before
        # ``createcachetable``): no part can have been kept either. Said once per process,
        # not once per migration.
        level = logging.DEBUG if _told else logging.WARNING
        _told.add("cache table")
        logger.log(level, "No new data generation: the cache table cannot be written.")


_told: set[str] = set()  # what was reported once in this process


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        match = _WRITE.match(sql)
        if match is not None and not _unwatched(match.group(1)):
            wrote(context["connection"])
    return result


def wrote(conn) -> None:
    """After this connection's transaction commits (at once outside one), a new generation."""
    if conn.in_atomic_block and _pending(conn):
        return
    transaction.on_commit(new_generation, using=conn.alias)


def _pending(conn) -> bool:
    """Whether this connection has written in a transaction that has not committed yet."""
    return any(callback is new_generation for _sids, callback, _robust in conn.run_on_commit)


def watch_connection(sender, connection, **kwargs) -> None:
    """Installed on every new database connection (``connection_created``)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def part_key(name: str, *parts: Hashable) -> str:
    """A cache key for a part: its name, the active language, today, and the values it varies
    on, hashed (the key shows no ids or session keys in the cache)."""
    raw = "|".join(
        [name, translation.get_language() or "", timezone.localdate().isoformat(), *map(str, parts)]
    )
    digest = salted_hmac("coop.generation", raw, algorithm="sha256").hexdigest()[:32]
    return f"coop:part:{name}:{digest}"


def remembered[T](key: str, build: Callable[[], T], seconds: int = PART_SECONDS) -> T:
    """What ``build()`` returns, from the cache when it was built under the current generation;
    otherwise built now and kept. ``key`` comes from ``part_key`` and must name everything the
    value varies on (the session or user it is for, the page's own parameters)."""
    if _pending(connection):
        return build()
    found: dict[str, Any] = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return entry[1]
    if generation is None:
        token = get_random_string(16)
        generation = token if cache.add(GENERATION_KEY, token, None) else cache.get(GENERATION_KEY)
    # The generation is read before building: a write that commits while this builds makes a
    # new one, so what is kept here is never served after that write.
    value = build()
    if generation is not None and not _pending(connection):
        cache.set(key, (generation, value), seconds)
    return value
