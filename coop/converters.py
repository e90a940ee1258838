"""URL converters: an id in a path is a database id or no URL at all."""

from __future__ import annotations

# The largest id a database integer holds (signed 64 bits, PostgreSQL's bigint and SQLite's
# INTEGER alike).
MAX_ID = 2**63 - 1


class IdConverter:
    """Like Django's ``int``, but a number beyond 64 bits matches no URL (404) instead of
    reaching the database, where SQLite raises OverflowError (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is beyond a database id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
