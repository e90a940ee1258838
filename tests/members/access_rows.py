"""Access-matrix rows for the members portal: dashboard, association, invitations, staff."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from members.models import Invitation
from members.services import member_register
from tests.access import NOT_FOUND, REDIRECT, Row, WrongMethod, everyone, only
from tests.conftest import ROLES, Cast


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

WRONG_METHOD: dict[str, WrongMethod] = {
    "portal:dashboard": WrongMethod("post", lambda c: reverse("portal:dashboard")),
    "portal:association_detail": WrongMethod(
        "post", lambda c: reverse("portal:association_detail", args=[c.association.slug])
    ),
    "portal:association_members": WrongMethod(
        "put", lambda c: reverse("portal:association_members", args=[c.association.slug])
    ),
    "portal:invitation_resend": WrongMethod(
        "get", lambda c: reverse("portal:invitation_resend", args=[_invitation(c).pk])
    ),
    "portal:invitation_revoke": WrongMethod(
        "delete", lambda c: reverse("portal:invitation_revoke", args=[_invitation(c).pk])
    ),
    "portal:organisation_detail": WrongMethod(
        "post",
        lambda c: reverse("portal:organisation_detail", args=[c.corporation.slug]),
        role="corporation_staff",
    ),
    "invitation_accept": WrongMethod("post", lambda c: reverse("invitation_accept", args=["x"])),
}
