"""Accounts end to end: invitation-only sign-up, second factor, admin log-ins, limits, idle time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from coop.models import StaffLink, User
from members import services
from members.models import AssociationRole, Invitation, Member, Role
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "plum-tree-harbour-41"
INVITED_EMAIL = "nina@example.org"


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read allauth's and our messages in English, the source language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def frozen_clock():
    """A code made in one 30-second period must not be checked in the next one."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def code_for(secret: str) -> str:
    """The code an authenticator app with this secret shows right now."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def totp_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return code_for(decrypt(authenticator.data["secret"]))


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email: str = INVITED_EMAIL):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.fixture
def invitation(cast, mailoutbox, django_capture_on_commit_callbacks) -> Invitation:
    """A registered member without an account, invited by the board; the e-mail is sent."""
    member = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email=INVITED_EMAIL,
        group="regular",
        joined_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=member, language="en")
    assert [m.to for m in mailoutbox] == [[INVITED_EMAIL]]
    return invitation


# 1. Sign-up is closed without an invitation.


def test_the_signup_page_is_closed_without_an_invitation(client, cast):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert b"only through an invitation from the board" in response.content
    assert b'name="password1"' not in response.content


def test_a_signup_post_without_an_invitation_creates_no_user(client, cast):
    users_before = User.objects.count()

    response = sign_up(client, "stranger@example.org")

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert logged_in_user_id(client) is None


def test_the_login_page_offers_no_signup_link(client, cast):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert reverse("account_signup").encode() not in response.content
    assert reverse("account_reset_password").encode() in response.content
    assert b"invitation from the board" in response.content


def test_a_password_reset_mails_a_reset_link_to_a_known_address(client, cast, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": cast.vrager.email})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[cast.vrager.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_a_password_reset_for_an_unknown_address_points_to_the_board_not_to_signup(
    client, cast, mailoutbox
):
    client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})

    assert [m.to for m in mailoutbox] == [["stranger@example.org"]]
    body = mailoutbox[0].body
    assert "invitation from the board" in body
    assert "/accounts/signup/" not in body


# 2. A valid invitation leads to an account linked to the member.


def test_an_invited_member_signs_up_and_is_linked_verified_and_logged_in(
    client, invitation, mailoutbox
):
    response = client.get(invitation_path(mailoutbox[0]))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")

    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "account/signup.html" in [t.name for t in page.templates]
    assert INVITED_EMAIL.encode() in page.content
    session_key_before = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = sign_up(client)

    # The invited address is verified already: no verification mail, straight to the portal.
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    user = User.objects.get(email=INVITED_EMAIL)
    assert logged_in_user_id(client) == str(user.pk)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != session_key_before
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.member.user == user
    assert Member.objects.get(pk=invitation.member_id).user_id == user.pk
    assert EmailAddress.objects.filter(user=user, email=INVITED_EMAIL, verified=True).exists()
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_signing_up_with_another_address_than_invited_is_refused(client, invitation, mailoutbox):
    client.get(invitation_path(mailoutbox[0]))

    response = sign_up(client, "someone-else@example.org")

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        f"Sign up with the e-mail address the invitation was sent to: {INVITED_EMAIL}"
    ]
    assert INVITED_EMAIL.encode() in response.content
    assert not User.objects.filter(email="someone-else@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert logged_in_user_id(client) is None


def test_a_used_invitation_link_cannot_be_used_again(client, invitation, mailoutbox):
    path = invitation_path(mailoutbox[0])
    client.get(path)
    sign_up(client)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(path)

    assert response.status_code == 404
    assert b"already been used" in response.content
    assert "account/signup_closed.html" in [
        t.name for t in client.get(reverse("account_signup")).templates
    ]


# 3. Expired, revoked and replaced invitations are refused.


def test_an_expired_invitation_link_is_refused_and_signup_stays_closed(
    client, invitation, mailoutbox
):
    after_expiry = timezone.now() + dt.timedelta(days=settings.COOP_INVITATION_DAYS, hours=1)
    with time_machine.travel(after_expiry, tick=False):
        response = client.get(invitation_path(mailoutbox[0]))

        assert response.status_code == 404
        assert b"This invitation has expired" in response.content
        closed = client.get(reverse("account_signup"))
        assert "account/signup_closed.html" in [t.name for t in closed.templates]
        sign_up(client)

    assert not User.objects.filter(email=INVITED_EMAIL).exists()


def test_an_invitation_opened_in_time_cannot_be_used_after_it_expired(
    client, invitation, mailoutbox
):
    client.get(invitation_path(mailoutbox[0]))
    after_expiry = timezone.now() + dt.timedelta(days=settings.COOP_INVITATION_DAYS, hours=1)

    with time_machine.travel(after_expiry, tick=False):
        response = sign_up(client)

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert not User.objects.filter(email=INVITED_EMAIL).exists()


def test_a_revoked_invitation_link_is_refused(client, cast, invitation, mailoutbox):
    services.invitation_revoke(actor=cast.board, invitation=invitation)

    response = client.get(invitation_path(mailoutbox[0]))

    assert response.status_code == 404
    assert b"This invitation has been revoked" in response.content
    assert "account/signup_closed.html" in [
        t.name for t in client.get(reverse("account_signup")).templates
    ]


def test_a_revoked_invitation_cannot_finish_a_signup_that_was_already_started(
    client, cast, invitation, mailoutbox
):
    client.get(invitation_path(mailoutbox[0]))
    services.invitation_revoke(actor=cast.board, invitation=invitation)

    sign_up(client)

    assert not User.objects.filter(email=INVITED_EMAIL).exists()


def test_after_a_resend_only_the_new_link_works(
    client, cast, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = invitation_path(mailoutbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor=cast.board, invitation=invitation, language="en")
    new_path = invitation_path(mailoutbox[1])
    assert new_path != old_path

    old = client.get(old_path)
    assert old.status_code == 404
    assert b"This invitation link is not valid" in old.content

    new = client.get(new_path)
    assert new.status_code == 302
    assert new["Location"] == reverse("account_signup")
    sign_up(client)
    assert Member.objects.get(pk=invitation.member_id).user.email == INVITED_EMAIL


# 4. Staff roles must set up a second factor; plain members need not.


def _member_without_totp(cast, role: str, email: str) -> User:
    user = make_user(email)
    member = Member.objects.create(
        association=cast.association,
        user=user,
        name="Bea Nieuw",
        email=user.email,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    AssociationRole.objects.create(member=member, role=role, starts_on=member.joined_on)
    return user


def _editor_without_totp(cast) -> User:
    """A Wagtail editor: Wagtail's Moderators group gives admin access and page rights."""
    user = make_user("redactie-nieuw@example.org")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def _staff_without_totp(organisation, email: str) -> User:
    user = make_user(email)
    StaffLink.objects.create(
        organisation=organisation,
        user=user,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    return user


STAFF_WITHOUT_TOTP = {
    "board member": lambda cast: _member_without_totp(
        cast, Role.BOARD, "bestuur-nieuw@example.org"
    ),
    "selection committee": lambda cast: _member_without_totp(
        cast, Role.SELECTION, "selectie-nieuw@example.org"
    ),
    "Wagtail editor": _editor_without_totp,
    "care worker": lambda cast: _staff_without_totp(cast.care, "zorg-nieuw@example.org"),
    "corporation staff": lambda cast: _staff_without_totp(
        cast.corporation, "corporatie-nieuw@example.org"
    ),
}


@pytest.mark.parametrize("kind", STAFF_WITHOUT_TOTP)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, cast, kind, frozen_clock):
    user = STAFF_WITHOUT_TOTP[kind](cast)
    assert not Authenticator.objects.filter(user=user).exists()

    login = log_in(client, user.email)
    assert login.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before a second factor can be added.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 302
    assert setup["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate = client.get(setup["Location"])
    assert b"Set up a second factor first" in reauthenticate.content
    response = client.post(
        setup["Location"], {"password": PASSWORD, "next": reverse("mfa_activate_totp")}
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200

    client.post(reverse("mfa_activate_totp"), {"code": code_for(client.session["mfa.totp.secret"])})

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_plain_member_without_a_second_factor_reaches_the_portal(client, cast):
    assert not Authenticator.objects.filter(user=cast.vrager).exists()

    log_in(client, cast.vrager.email)
    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert logged_in_user_id(client) == str(cast.vrager.pk)


# 5. Logging in with a second factor.


def test_a_user_with_totp_is_not_logged_in_until_the_code_is_entered(client, cast, frozen_clock):
    response = log_in(client, cast.board.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None
    dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("account_login"))

    page = client.get(reverse("mfa_authenticate"))
    _assert_product_page(page)
    assert b'name="code"' in page.content

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(cast.board)})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert logged_in_user_id(client) == str(cast.board.pk)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_wrong_totp_code_keeps_the_user_out(client, cast, frozen_clock):
    log_in(client, cast.care_worker.email)

    response = client.post(
        reverse("mfa_authenticate"), {"code": wrong_code(totp_code(cast.care_worker))}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert logged_in_user_id(client) is None
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_wrong_password_does_not_reach_the_totp_step(client, cast):
    response = log_in(client, cast.board.email, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("mfa_authenticate")).status_code == 302
    assert logged_in_user_id(client) is None


# 6. Admin log-ins cannot skip the second factor.


@pytest.mark.parametrize(
    ("path", "expected_next"),
    [
        ("/admin/login/", "/admin/"),
        ("/admin/login/?next=/admin/pages/", "/admin/pages/"),
        ("/django-admin/login/?next=/django-admin/", "/django-admin/"),
        ("/_util/login/?next=/besloten/", "/besloten/"),
    ],
)
def test_admin_login_pages_send_users_to_the_one_login_with_a_second_factor(
    client, db, path, expected_next
):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={expected_next}"


def test_an_admin_login_page_ignores_a_next_parameter_to_another_site(client, db):
    response = client.get("/admin/login/?next=https://evil.example.com/")

    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"


@pytest.mark.parametrize(
    ("login_path", "admin_path"),
    [("/admin/login/", "/admin/"), ("/django-admin/login/", "/django-admin/")],
)
def test_posting_a_password_to_an_admin_login_does_not_log_in(
    client, superuser, login_path, admin_path
):
    response = client.post(
        f"{login_path}?next={admin_path}",
        {"username": superuser.email, "password": PASSWORD, "next": admin_path},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert logged_in_user_id(client) is None
    admin = client.get(admin_path, follow=True)
    assert admin.redirect_chain
    assert admin.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "account/login.html" in [t.name for t in admin.templates]


def test_a_superuser_reaches_the_admin_only_after_the_totp_step(client, superuser, frozen_clock):
    log_in(client, superuser.email)
    assert logged_in_user_id(client) is None

    client.post(reverse("mfa_authenticate"), {"code": totp_code(superuser)})

    assert logged_in_user_id(client) == str(superuser.pk)
    assert client.get("/admin/").status_code == 200


# 7. Login rate limits (database cache, shared by all processes).


def _limit(action: str, per: str) -> int:
    """The amount of the ``per`` rule of an ACCOUNT_RATE_LIMITS entry, e.g. 5 of '5/5m/key'."""
    for rule in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _duration, rule_per = rule.split("/")
        if rule_per == per:
            return int(amount)
    raise AssertionError(f"no {per} rule for {action}")


def test_after_too_many_failed_logins_even_the_right_password_is_refused(client, cast):
    attempts = _limit("login_failed", "key")
    for _ in range(attempts):
        refused = log_in(client, cast.vrager.email, "not-the-password")
        assert "Too many failed login attempts" not in str(refused.context["form"].errors)

    response = log_in(client, cast.vrager.email)

    assert response.status_code == 200
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert logged_in_user_id(client) is None
    # Another account from the same address is not locked by this one's failures.
    assert log_in(client, cast.drager.email).status_code == 302
    assert logged_in_user_id(client) == str(cast.drager.pk)


def test_repeated_failed_logins_end_in_http_429(client, cast):
    allowed = _limit("login", "ip")

    statuses = [
        log_in(client, cast.vrager.email, "not-the-password").status_code
        for _ in range(allowed + 1)
    ]

    assert statuses[:allowed] == [200] * allowed
    assert statuses[allowed] == 429
    assert logged_in_user_id(client) is None


# 8. Staff are logged out after a short idle time.


def test_a_board_member_idle_too_long_is_logged_out_on_the_next_request(client, cast):
    idle = settings.COOP_STAFF_IDLE_SECONDS
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(cast.board)
        assert client.get(reverse("portal:dashboard")).status_code == 200

        traveller.shift(idle - 5)
        assert client.get(reverse("portal:dashboard")).status_code == 200

        traveller.shift(idle + 1)
        response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/portal/"
    assert logged_in_user_id(client) is None


def test_a_plain_member_is_not_logged_out_for_being_idle(client, cast):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(cast.vrager)
        assert client.get(reverse("portal:dashboard")).status_code == 200

        traveller.shift(settings.COOP_STAFF_IDLE_SECONDS * 4)
        response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert logged_in_user_id(client) == str(cast.vrager.pk)


# 9. The session key is rotated at login.


def test_the_session_key_changes_at_login(client, cast):
    session = client.session
    session["probe"] = "before login"
    session.save()
    key_before = client.cookies[settings.SESSION_COOKIE_NAME].value

    log_in(client, cast.vrager.email)

    key_after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert logged_in_user_id(client) == str(cast.vrager.pk)
    assert key_after != key_before
    assert not SessionStore().exists(key_before)


def test_the_session_key_changes_when_the_totp_step_completes(client, cast, frozen_clock):
    log_in(client, cast.board.email)
    key_at_totp_step = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(reverse("mfa_authenticate"), {"code": totp_code(cast.board)})

    assert logged_in_user_id(client) == str(cast.board.pk)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_at_totp_step


# The account pages render in the product's own frame.


def _assert_product_page(response) -> None:
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="site-header"' in content
    assert "/static/css/site.css" in content
    assert 'href="/accounts/signup/"' not in content


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_anonymous_account_pages_render_in_the_product_frame(client, cast, url_name):
    _assert_product_page(client.get(reverse(url_name)))


@pytest.mark.parametrize(
    "url_name",
    [
        "account_logout",
        "account_reauthenticate",
        "account_change_password",
        "account_email",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
    ],
)
def test_logged_in_account_pages_render_in_the_product_frame(client, cast, url_name):
    RecoveryCodes.activate(cast.vrager)
    log_in(client, cast.vrager.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse(url_name))

    _assert_product_page(response)
    assert b'class="button' in response.content


def test_the_dutch_login_page_renders(client, cast):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = client.get(reverse("account_login"))

    _assert_product_page(response)
    assert b'<html lang="nl">' in response.content
