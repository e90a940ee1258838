"""The viewer of a session, kept in the cache under a version every change of standing bumps.

Loading the viewer (membership, roles, organisations, second factor) costs two queries that
take longer to build than to run, on every page. A session keeps the viewer it loaded as long
as nothing that decides a standing changed since: a membership, a role, a staff link, an
association or organisation, a second factor, a group or permission (the receivers below bump
the one version for all of them) and the day (roles and links start and end on a date).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from coop.crypto import DecryptionError, Sealer

if TYPE_CHECKING:
    from members.access import Viewer

VERSION_KEY = "coop:viewer:version"
# A cached viewer is only ever served under the version it was loaded under; the time-out
# just lets entries of sessions that ended go.
ENTRY_SECONDS = 3600


def _entry_key(session_key: str) -> str:
    return f"coop:viewer:{session_key}"


def cached_viewer(request, load: Callable[[object], Viewer]) -> Viewer:
    """The session's viewer from the cache (one cache read), or ``load(user)`` stored there."""
    user = request.user
    session_key = request.session.session_key
    if session_key is None:
        return load(user)
    key = _entry_key(session_key)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    day = timezone.localdate().isoformat()
    entry = found.get(key)
    viewer = None
    if (
        version is not None
        and entry is not None
        and entry["version"] == version
        and entry["day"] == day
        and entry["user"] == user.pk
    ):
        viewer = _open(entry["viewer"])
    if viewer is not None:
        viewer.user = user
        if viewer.member is not None:
            viewer.member.user = user
        return viewer
    if version is None:
        cache.add(VERSION_KEY, get_random_string(16), None)
        version = cache.get(VERSION_KEY)
    # Read the version before loading: a change committed meanwhile bumps it again, so what
    # is stored here is never served under a version that came after the change.
    viewer = load(user)
    if version is not None:
        # The account itself is not stored (it is loaded with the session anyway).
        stored = dataclasses.replace(viewer, user=None)
        if viewer.member is not None:
            stored.member = copy.copy(viewer.member)
            stored.member._state = copy.copy(viewer.member._state)
            stored.member._state.fields_cache = {
                k: v for k, v in viewer.member._state.fields_cache.items() if k != "user"
            }
        cache.set(
            key,
            {"version": version, "day": day, "user": user.pk, "viewer": _seal(stored)},
            ENTRY_SECONDS,
        )
    return viewer


# The viewer holds the member's name, address and phone: it is encrypted in the cache (a copy of
# the cache table or of Redis shows nothing), under a key derived from the secret key.
_VIEWERS = Sealer(b"coop.viewer-cache", "v1:")


def _seal(viewer: Viewer) -> str:
    return _VIEWERS.seal(viewer)


def _open(sealed: str) -> Viewer | None:
    """The kept viewer, or None when it cannot be opened (the secret key changed)."""
    try:
        return cast("Viewer", _VIEWERS.open(sealed))
    except DecryptionError:
        return None


def _bump() -> None:
    cache.set(VERSION_KEY, get_random_string(16), None)


def viewers_changed() -> None:
    """Every cached viewer is loaded again on its next request.

    Bumped at once (the rest of this request and transaction sees the change) and again after
    commit, so a viewer loaded by another request before the commit is not kept."""
    _bump()
    transaction.on_commit(_bump)


def _changed(sender, **kwargs) -> None:
    viewers_changed()


def _authenticator_saved(sender, created: bool, **kwargs) -> None:
    # Logging in saves the authenticator (its last use): only a new one changes a standing.
    if created:
        viewers_changed()


def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        viewers_changed()


def connect_receivers() -> None:
    """Whatever decides a standing bumps the version, whichever screen or service saves it."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from coop.models import Association, Organisation, StaffLink, User
    from members.models import AssociationRole, Member

    for model in (Member, AssociationRole, StaffLink, Association, Organisation):
        post_save.connect(_changed, sender=model, dispatch_uid=f"viewer-save-{model.__name__}")
    post_save.connect(_authenticator_saved, sender=Authenticator, dispatch_uid="viewer-save-mfa")
    for model in (Member, AssociationRole, StaffLink, Association, Organisation, Authenticator):
        post_delete.connect(_changed, sender=model, dispatch_uid=f"viewer-del-{model.__name__}")
    for model in (Group, Permission):
        post_delete.connect(_changed, sender=model, dispatch_uid=f"viewer-del-{model.__name__}")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"viewer-m2m-{through.__name__}"
        )
