"""The rows of an upload kept between its preview and its confirmation, in the session under a
random key (never in the page: the rows come back from the server, not from the browser)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils import timezone

_PREFIX = "import:"
# A preview left longer than this is uploaded again: the register may have changed meanwhile.
KEEP = dt.timedelta(hours=2)


def stash(session, *, kind: str, association_id: int, **data: Any) -> str:
    """Keep an upload's rows and preview; one upload per session at a time."""
    for key in [key for key, _value in session.items() if key.startswith(_PREFIX)]:
        del session[key]
    token = secrets.token_urlsafe(16)
    session[_PREFIX + token] = {
        "kind": kind,
        "association": association_id,
        "at": timezone.now().isoformat(),
        **data,
    }
    return token


def fetch(session, token: str, *, kind: str, association_id: int) -> dict[str, Any] | None:
    """The kept upload, when it is this import's and recent enough; None otherwise."""
    data = session.get(_PREFIX + token)
    if not data or data["kind"] != kind or data["association"] != association_id:
        return None
    if timezone.now() - dt.datetime.fromisoformat(data["at"]) > KEEP:
        drop(session, token)
        return None
    return data


def update(session, token: str, data: dict[str, Any]) -> None:
    session[_PREFIX + token] = data


def drop(session, token: str) -> None:
    session.pop(_PREFIX + token, None)
