"""Every URL of the project has a row saying what each role of the cast gets (QUALITY 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from members.models import Invitation
from members.services import member_register
from tests.conftest import ROLES, Cast

OK, REDIRECT, NOT_FOUND, NOT_ALLOWED = 200, 302, 404, 405


@dataclass
class Row:
    """Expected status per role for one URL; ``roles`` must name every role of the cast."""

    url: Callable[[Cast], str]
    roles: dict[str, int]
    method: str = "get"
    reason: str = ""
    extra: dict = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


def only(allowed: tuple[str, ...], status_ok: int = OK) -> dict[str, int]:
    """Anonymous is sent to log in; the allowed roles get ``status_ok``; others get 404."""
    return {
        role: REDIRECT if role == "anonymous" else (status_ok if role in allowed else NOT_FOUND)
        for role in ROLES
    }


def _invitation(cast: Cast):
    member = member_register(
        actor=cast.board,
        association=cast.association,
        name="Nieuw Lid",
        email="nieuw@example.org",
        group="regular",
        joined_on=timezone.localdate(),
    )
    now = timezone.now()
    return Invitation.objects.create(
        association=cast.association,
        member=member,
        email=member.email,
        token_hash="x" * 64,
        invited_by=cast.board,
        sent_at=now,
        expires_at=now + dt.timedelta(days=3),
    )


# Named URLs of the project's own views.
ROWS: dict[str, Row] = {
    "portal:dashboard": Row(lambda c: reverse("portal:dashboard"), only(ROLES[1:])),
    "portal:association_detail": Row(
        lambda c: reverse("portal:association_detail", args=[c.association.slug]),
        only(("vrager", "drager", "board", "selection", "coordinator", "corporation_staff")),
    ),
    "portal:association_members": Row(
        lambda c: reverse("portal:association_members", args=[c.association.slug]),
        only(("board",)),
    ),
    "portal:invitation_revoke": Row(
        lambda c: reverse("portal:invitation_revoke", args=[_invitation(c).pk]),
        only(("board",)),
    ),
    "portal:invitation_resend": Row(
        lambda c: reverse("portal:invitation_resend", args=[_invitation(c).pk]),
        only(("board",), status_ok=REDIRECT),
        method="post",
    ),
    "portal:organisation_detail": Row(
        lambda c: reverse("portal:organisation_detail", args=[c.corporation.slug]),
        only(("corporation_staff",)),
    ),
    "invitation_accept": Row(
        lambda c: reverse("invitation_accept", args=["not-a-valid-token"]),
        everyone(NOT_FOUND),
        reason="An unknown token is refused for everyone; valid tokens are tested separately.",
    ),
    "set_language": Row(
        lambda c: reverse("set_language"),
        everyone(REDIRECT),
        method="post",
        extra={"language": "en", "next": "/"},
    ),
    "wagtail_login_redirect": Row(lambda c: "/admin/login/", everyone(REDIRECT)),
    "django_admin_login_redirect": Row(lambda c: "/django-admin/login/", everyone(REDIRECT)),
    "page_privacy_login_redirect": Row(lambda c: "/_util/login/", everyone(REDIRECT)),
}

# Extra rows: the same view reached with another object, to prove object-level access.
OBJECT_ROWS: dict[str, Row] = {
    "care organisation page": Row(
        lambda c: reverse("portal:organisation_detail", args=[c.care.slug]),
        only(("care_worker",)),
    ),
    "other association": Row(
        lambda c: reverse("portal:association_detail", args=[c.other_association.slug]),
        only(("corporation_staff", "outsider")),
    ),
    "other association's members": Row(
        lambda c: reverse("portal:association_members", args=[c.other_association.slug]),
        only(("outsider",)),
    ),
    "missing association": Row(
        lambda c: reverse("portal:association_detail", args=["does-not-exist"]),
        only(()),
    ),
}

# Whole URL trees of third-party apps, covered by one sample URL each.
PREFIX_ROWS: dict[str, Row] = {
    "accounts/": Row(
        lambda c: reverse("account_login"),
        everyone(REDIRECT, anonymous=OK),
        reason="allauth's own pages (log-in, sign-up, e-mail, second factor), tested in "
        "tests/members/test_accounts.py; logged-in users are sent on from the log-in page.",
    ),
    "admin/": Row(
        lambda c: "/admin/",
        everyone(REDIRECT),
        reason="Wagtail admin, for trusted staff only: nobody in the cast has admin access, so "
        "everyone is sent to log in.",
    ),
    "django-admin/": Row(
        lambda c: "/django-admin/",
        everyone(REDIRECT),
        reason="Django admin for platform administrators; nobody in the cast is staff.",
    ),
    "documents/": Row(
        lambda c: "/documents/999/missing.pdf",
        everyone(NOT_FOUND),
        reason="Wagtail documents are served by id; a missing one is 404 for everyone.",
    ),
    "": Row(
        lambda c: "/",
        everyone(OK),
        reason="Wagtail serves the public pages; the home page is public.",
    ),
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            for name, sub in _walk(pattern.url_patterns, route):
                yield (f"{namespace}:{name}" if namespace and name else name), sub
        elif isinstance(pattern, URLPattern):
            yield pattern.name, route


def _row_for(name: str | None, route: str) -> str | None:
    if name in ROWS:
        return name
    for prefix in sorted(PREFIX_ROWS, key=len, reverse=True):
        if prefix and route.startswith(prefix):
            return prefix
    return "" if _served_by_wagtail(route) else None


def _served_by_wagtail(route: str) -> bool:
    """Wagtail's page serving and page-privacy helpers, mounted at the root."""
    return route.startswith(("^((?:", "_util/"))


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = [
        (name, route)
        for name, route in _walk(get_resolver().url_patterns)
        if _row_for(name, route) is None
    ]
    assert missing == [], f"URLs without a row in the access matrix: {missing}"


ALL_ROWS = {**ROWS, **OBJECT_ROWS, **{f"prefix {k!r}": v for k, v in PREFIX_ROWS.items()}}


@pytest.mark.parametrize("row_name", sorted(ALL_ROWS))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(row_name, role, cast, client_for):
    row = ALL_ROWS[row_name]
    url = row.url(cast)
    client = client_for(role)
    response = getattr(client, row.method)(url, row.extra)
    expected = row.roles[role]
    assert response.status_code == expected, (
        f"{role} on {row_name} ({url}): {response.status_code}, expected {expected}"
    )
    if role == "anonymous" and row_name.startswith("portal:") and expected == REDIRECT:
        assert response["Location"].startswith("/accounts/login/")


# Portal views and the method they refuse.
WRONG_METHOD = {
    "portal:dashboard": ("post", lambda c: reverse("portal:dashboard")),
    "portal:association_detail": (
        "post",
        lambda c: reverse("portal:association_detail", args=[c.association.slug]),
    ),
    "portal:association_members": (
        "put",
        lambda c: reverse("portal:association_members", args=[c.association.slug]),
    ),
    "portal:invitation_resend": (
        "get",
        lambda c: reverse("portal:invitation_resend", args=[_invitation(c).pk]),
    ),
    "portal:invitation_revoke": (
        "delete",
        lambda c: reverse("portal:invitation_revoke", args=[_invitation(c).pk]),
    ),
    "portal:organisation_detail": (
        "post",
        lambda c: reverse("portal:organisation_detail", args=[c.corporation.slug]),
    ),
    "invitation_accept": ("post", lambda c: reverse("invitation_accept", args=["x"])),
}


@pytest.mark.parametrize("name", sorted(WRONG_METHOD))
def test_views_refuse_the_wrong_method(name, cast, client_for):
    method, url = WRONG_METHOD[name]
    role = "corporation_staff" if name == "portal:organisation_detail" else "board"
    response = getattr(client_for(role), method)(url(cast))
    assert response.status_code == NOT_ALLOWED


def test_every_portal_view_has_a_wrong_method_test():
    portal_names = {name for name in ROWS if name.startswith("portal:")}
    assert portal_names <= set(WRONG_METHOD)
