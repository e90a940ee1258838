"""Building blocks of the access matrix (QUALITY 4): rows per URL, statuses per role.

Each app keeps its rows in ``tests/<app>/access_rows.py`` with three dicts: ``ROWS`` (named
URLs), ``OBJECT_ROWS`` (the same views reached with another object) and ``WRONG_METHOD``
(the method each portal view refuses, with the role that tries it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import ROLES, Cast

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


@dataclass
class Row:
    """Expected status per role for one URL; ``roles`` must name every role of the cast."""

    url: Callable[[Cast], str]
    roles: dict[str, int]
    method: str = "get"
    reason: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class WrongMethod:
    """A view refuses ``method`` with 405, tried by ``role`` (who may use the view)."""

    method: str
    url: Callable[[Cast], str]
    role: str = "board"


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


def only(allowed: tuple[str, ...], status_ok: int = OK) -> dict[str, int]:
    """Anonymous is sent to log in; the allowed roles get ``status_ok``; others get 404."""
    return {
        role: REDIRECT if role == "anonymous" else (status_ok if role in allowed else NOT_FOUND)
        for role in ROLES
    }


def refused(row: Row) -> list[str]:
    """The roles a GET row refuses: 404 or 403, or anonymous sent to log in."""
    return [
        role
        for role, status in row.roles.items()
        if status in (NOT_FOUND, FORBIDDEN) or (role == "anonymous" and status == REDIRECT)
    ]
