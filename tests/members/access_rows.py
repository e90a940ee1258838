"""Access-matrix rows for the members portal: dashboard, association, invitations, staff."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from members.models import Invitation
from members.services import member_register
from tests.access import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Row, WrongMethod, everyone, only
from tests.conftest import ROLES, Cast
from tests.members.omklap_helpers import contract_awaiting_a_decision, contract_of_another_client


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


def _without_account(cast: Cast, association=None):
    """A registered resident who has no account yet (and no invitation)."""
    return member_register(
        actor=None,
        association=association or cast.association,
        name="Zonder Account",
        email="zonder@example.org",
        group="regular",
        joined_on=timezone.localdate(),
    )


ROWS: dict[str, Row] = {
    "portal:dashboard": Row(lambda c: reverse("portal:dashboard"), only(ROLES[1:])),
    "portal:member_invite": Row(
        lambda c: reverse("portal:member_invite", args=[_without_account(c).pk]),
        only(("board",), status_ok=REDIRECT),
        method="post",
    ),
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
    "wagtail_login_redirect": Row(
        lambda c: "/admin/login/",
        everyone(FORBIDDEN, anonymous=REDIRECT),
        reason="No role of the cast may enter the admin: logged in, they are told so.",
    ),
    "django_admin_login_redirect": Row(
        lambda c: "/django-admin/login/",
        everyone(FORBIDDEN, anonymous=REDIRECT),
        reason="No role of the cast may enter the admin: logged in, they are told so.",
    ),
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
    "another association's member to invite": Row(
        lambda c: reverse(
            "portal:member_invite", args=[_without_account(c, c.other_association).pk]
        ),
        only(("outsider",), status_ok=REDIRECT),
        method="post",
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
    "portal:member_invite": WrongMethod(
        "get", lambda c: reverse("portal:member_invite", args=[_without_account(c).pk])
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


# Omklap contracts (issue 4). The vrager is the resident of the cast's contract; the board sees
# that it exists; the corporation and the assigned care organisation work on it.


def _contract(cast: Cast) -> int:
    return contract_awaiting_a_decision(cast).pk


def _moment_url(cast: Cast) -> str:
    contract = contract_awaiting_a_decision(cast)
    moment = contract.moments.order_by("due_on").first()
    return reverse("portal:moment_record", args=[contract.pk, moment.pk])


def _decision_url(name: str):
    def url(cast: Cast) -> str:
        contract = contract_awaiting_a_decision(cast)
        decision = contract.decisions.get()
        return reverse(f"portal:{name}", args=[contract.pk, decision.pk])

    return url


def _contract_url(name: str):
    return lambda c: reverse(f"portal:{name}", args=[_contract(c)])


SIDES = ("care_worker", "corporation_staff")

ROWS.update(
    {
        "portal:my_contract": Row(
            lambda c: (_contract(c), reverse("portal:my_contract"))[1],
            everyone(OK, anonymous=REDIRECT, vrager=REDIRECT),
            reason="Everyone may look; the resident is sent on to their own contract.",
        ),
        "portal:contract_detail": Row(
            _contract_url("contract_detail"),
            only(("vrager", "board", "care_worker", "corporation_staff")),
        ),
        "portal:moment_record": Row(_moment_url, only(("care_worker",))),
        "portal:moment_add": Row(_contract_url("moment_add"), only(("care_worker",))),
        "portal:decision_propose": Row(_contract_url("decision_propose"), only(SIDES)),
        "portal:decision_sign": Row(_decision_url("decision_sign"), only(SIDES)),
        "portal:decision_withdraw": Row(_decision_url("decision_withdraw"), only(SIDES)),
        "portal:contract_access_log": Row(
            _contract_url("contract_access_log"), only(("vrager", "care_worker"))
        ),
        "portal:association_contracts": Row(
            lambda c: (_contract(c), reverse("portal:association_contracts", args=["de-kapel"]))[1],
            only(("board",)),
        ),
        "portal:corporation_contracts": Row(
            lambda c: (_contract(c), reverse("portal:corporation_contracts", args=["lindenhof"]))[
                1
            ],
            only(("corporation_staff",)),
        ),
        "portal:caseload": Row(
            lambda c: (_contract(c), reverse("portal:caseload", args=["onderdak"]))[1],
            only(("care_worker",)),
        ),
    }
)

OBJECT_ROWS.update(
    {
        "contract guided by another care organisation": Row(
            lambda c: reverse("portal:contract_detail", args=[contract_of_another_client(c).pk]),
            only(("board", "corporation_staff")),
        ),
        "moment of a contract guided by another care organisation": Row(
            lambda c: (
                lambda contract: reverse(
                    "portal:moment_record", args=[contract.pk, contract.moments.first().pk]
                )
            )(contract_of_another_client(c)),
            only(()),
        ),
        "moment of another contract under one's own contract": Row(
            lambda c: reverse(
                "portal:moment_record",
                args=[_contract(c), contract_of_another_client(c).moments.first().pk],
            ),
            only(()),
        ),
        "contract in another association": Row(
            lambda c: reverse(
                "portal:contract_detail",
                args=[contract_of_another_client(c, other_association=True).pk],
            ),
            only(("corporation_staff", "outsider")),
        ),
        "decision of another contract": Row(
            lambda c: reverse(
                "portal:decision_sign",
                args=[
                    contract_of_another_client(c).pk,
                    contract_awaiting_a_decision(c).decisions.get().pk,
                ],
            ),
            only(()),
            reason="Corporation staff may see both contracts, yet a decision is reached only "
            "under its own contract.",
        ),
        "another care organisation's caseload": Row(
            lambda c: reverse("portal:caseload", args=[c.other_care.slug]), only(())
        ),
        "a care organisation's page as a contract overview": Row(
            lambda c: reverse("portal:corporation_contracts", args=[c.care.slug]), only(())
        ),
        "the corporation's page as a caseload": Row(
            lambda c: reverse("portal:caseload", args=[c.corporation.slug]), only(())
        ),
        "another association's omklap contracts": Row(
            lambda c: reverse("portal:association_contracts", args=[c.other_association.slug]),
            only(("outsider",)),
        ),
        "missing contract": Row(
            lambda c: reverse("portal:contract_detail", args=[999_999]), only(())
        ),
    }
)

WRONG_METHOD.update(
    {
        "portal:my_contract": WrongMethod(
            "post", lambda c: reverse("portal:my_contract"), role="vrager"
        ),
        "portal:contract_detail": WrongMethod(
            "post", _contract_url("contract_detail"), role="care_worker"
        ),
        "portal:moment_record": WrongMethod("put", _moment_url, role="care_worker"),
        "portal:moment_add": WrongMethod("delete", _contract_url("moment_add"), role="care_worker"),
        "portal:decision_propose": WrongMethod(
            "put", _contract_url("decision_propose"), role="corporation_staff"
        ),
        "portal:decision_sign": WrongMethod(
            "delete", _decision_url("decision_sign"), role="corporation_staff"
        ),
        "portal:decision_withdraw": WrongMethod(
            "put", _decision_url("decision_withdraw"), role="care_worker"
        ),
        "portal:contract_access_log": WrongMethod(
            "post", _contract_url("contract_access_log"), role="vrager"
        ),
        "portal:association_contracts": WrongMethod(
            "post", lambda c: reverse("portal:association_contracts", args=["de-kapel"])
        ),
        "portal:corporation_contracts": WrongMethod(
            "post",
            lambda c: reverse("portal:corporation_contracts", args=["lindenhof"]),
            role="corporation_staff",
        ),
        "portal:caseload": WrongMethod(
            "post", lambda c: reverse("portal:caseload", args=["onderdak"]), role="care_worker"
        ),
    }
)

# A member's own profile: every member; staff without a membership have none.
ROWS["portal:profile"] = Row(
    lambda c: reverse("portal:profile"),
    only(("vrager", "drager", "board", "selection", "coordinator", "outsider")),
)
WRONG_METHOD["portal:profile"] = WrongMethod(
    "put", lambda c: reverse("portal:profile"), role="drager"
)
