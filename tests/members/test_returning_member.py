"""A former member whose account closed after leaving comes back: the board registers them again,
invites them, and accepting reopens their own account (same user, new membership) with a new
password. Someone else's active account is never taken over by an invitation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from coop.exceptions import DomainError
from coop.models import AuditEntry, User
from members import services, tasks
from members.models import Invitation, Member
from tests.conftest import make_user

pytestmark = pytest.mark.frozen_at("2026-06-10T10:00+02:00")

LEFT_ON = dt.date(2026, 6, 10)
BACK_ON = dt.date(2026, 9, 1)
NEW_PASSWORD = "plum-tree-harbour-41"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC), tick=False
    )


def _invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def closed(cast, settings) -> User:
    """Dirk moves out and leaves; the daily job closes his account once the period is over."""
    settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING = 3
    services.member_move_out(
        actor=cast.board, tenancy=cast.drager_member.tenancies.get(), ends_on=LEFT_ON
    )
    with _at(LEFT_ON + dt.timedelta(days=4), hour=1):
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 1}
    user = User.objects.get(pk=cast.drager.pk)
    assert not user.is_active
    return user


def _register_again(cast, user: User) -> Member:
    return services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Dirk Drager",
        email=user.email.upper(),
        group="drager",
        joined_on=BACK_ON,
    )


def test_a_returning_member_is_invited_accepts_and_logs_in_with_the_same_account(
    cast, closed, client, mailoutbox, django_capture_on_commit_callbacks
):
    old_member = Member.objects.get(user=closed)
    with _at(BACK_ON):
        member = _register_again(cast, closed)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_send(actor=cast.board, member=member, language="en")
        [message] = mailoutbox
        assert message.to == [closed.email]

        assert client.get(_invitation_path(message))["Location"] == reverse("account_signup")
        response = client.post(
            reverse("account_signup"),
            {"email": closed.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:dashboard")
        # The same account, open again, linked to the new membership; the old one stays as it was.
        assert User.objects.filter(email__iexact=closed.email).count() == 1
        user = User.objects.get(pk=closed.pk)
        assert user.is_active
        assert client.session[SESSION_KEY] == str(user.pk)
        member.refresh_from_db()
        assert member.user_id == user.pk
        old_member.refresh_from_db()
        assert (old_member.status, old_member.user_id) == (Member.Status.LEFT, user.pk)
        assert EmailAddress.objects.get(user=user, primary=True).verified
        invitation.refresh_from_db()
        assert invitation.accepted_at is not None
        entry = AuditEntry.objects.get(action="invitation.accepted")
        assert entry.actor_id == user.pk
        assert entry.data == {"account_reopened": user.pk}

        # Logged out, the new password works and the dashboard opens.
        client.post(reverse("account_logout"))
        response = client.post(
            reverse("account_login"), {"login": closed.email, "password": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(user.pk)
        assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_board_invites_a_returning_member_in_one_step(cast, closed):
    with _at(BACK_ON):
        invitation = services.member_invite(
            actor=cast.board,
            association=cast.association,
            name="Dirk Drager",
            email=closed.email,
            group="drager",
            joined_on=BACK_ON,
        )
    assert invitation.member.status == Member.Status.ACTIVE
    assert invitation.member.user_id is None
    assert invitation.email == closed.email


def test_an_active_account_cannot_be_invited(cast, mailoutbox):
    """Dirk is an active member with an account: his address cannot be invited for anyone else."""
    # The register holds another address for Dirk, so the board can register his account's.
    Member.objects.filter(pk=cast.drager_member.pk).update(email="dirk.oud@example.org")
    other = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Someone Else",
        email=cast.drager.email,
        group="regular",
        joined_on=LEFT_ON,
    )
    with pytest.raises(DomainError) as raised:
        services.invitation_send(actor=cast.board, member=other)
    assert raised.value.code == "account_email_taken"
    assert not Invitation.objects.filter(member=other).exists()
    assert mailoutbox == []


def test_an_invitation_link_never_takes_over_an_active_account(
    cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    """An account made with the address after the invitation went out stays its owner's:
    signing up through the link neither changes its password nor logs anyone in."""
    member = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="regular",
        joined_on=LEFT_ON,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=member, language="en")
    owner = make_user("nina@example.org", first="Nina", last="Eigen")
    password_before = owner.password

    client.get(_invitation_path(mailoutbox[0]))
    client.post(
        reverse("account_signup"),
        {"email": "nina@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    owner.refresh_from_db()
    assert owner.password == password_before
    assert SESSION_KEY not in client.session
    member.refresh_from_db()
    assert member.user_id is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert User.objects.filter(email__iexact="nina@example.org").count() == 1


def test_accepting_never_reopens_an_account_not_closed_by_leaving(cast, closed):
    """The service itself refuses to reactivate an account that is inactive for another reason
    (here: a staff account of the site) and to link an account that has a running membership."""
    with _at(BACK_ON):
        member = _register_again(cast, closed)
        invitation = services.invitation_send(actor=cast.board, member=member)
        User.objects.filter(pk=closed.pk).update(is_staff=True)
        with pytest.raises(DomainError) as raised:
            services.invitation_accept(invitation=invitation, user=User.objects.get(pk=closed.pk))
        assert raised.value.code == "account_not_reopenable"
        assert not User.objects.get(pk=closed.pk).is_active
        with pytest.raises(DomainError) as raised:
            services.invitation_accept(invitation=invitation, user=cast.board)
        assert raised.value.code in {"invitation_email_mismatch", "account_has_member"}


def test_an_account_switched_off_by_hand_is_not_reopened_by_an_invitation(cast):
    """Only the daily job's closing (its audit entry) makes an account reopenable: an account
    someone switched off on purpose stays off, even when its owner's membership ended."""
    services.member_move_out(
        actor=cast.board, tenancy=cast.drager_member.tenancies.get(), ends_on=LEFT_ON
    )
    assert Member.objects.get(pk=cast.drager_member.pk).status == Member.Status.LEFT
    User.objects.filter(pk=cast.drager.pk).update(is_active=False)
    with _at(BACK_ON):
        member = _register_again(cast, cast.drager)
        with pytest.raises(DomainError):
            services.invitation_send(actor=cast.board, member=member)
    assert not User.objects.get(pk=cast.drager.pk).is_active
