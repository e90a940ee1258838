"""The administrator is no back door: no web form runs a named function, shows a second-factor
secret, sets someone's password or address, or makes a superuser (QUALITY 6)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse
from django_q.models import Schedule

from coop.models import User
from tests.conftest import PASSWORD, add_totp

NEW_PASSWORD = "taken-over-by-admin-77"


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# django-q2: no schedule, task or queue screen.


def test_the_schedule_add_form_does_not_exist(admin_client):
    assert admin_client.get("/django-admin/django_q/schedule/add/").status_code == 404


def test_posting_a_schedule_that_names_a_function_creates_nothing(admin_client):
    before = Schedule.objects.count()

    response = admin_client.post(
        "/django-admin/django_q/schedule/add/",
        {
            "name": "backdoor",
            "func": "os.makedirs",
            "args": "'/tmp/owned'",
            "schedule_type": "O",
            "repeats": "-1",
        },
    )

    assert response.status_code == 404
    assert Schedule.objects.count() == before
    assert not Schedule.objects.filter(func="os.makedirs").exists()


@pytest.mark.parametrize("model", ["schedule", "success", "failure", "ormq"])
def test_no_django_q_screen_is_left(admin_client, model):
    assert admin_client.get(f"/django-admin/django_q/{model}/").status_code == 404


def test_the_admin_index_lists_neither_tasks_nor_authenticators(admin_client):
    response = admin_client.get("/django-admin/")

    assert response.status_code == 200
    assert b"django_q" not in response.content
    assert b"/mfa/" not in response.content


# Second factors and e-mail addresses of others.


def test_no_admin_screen_shows_a_second_factor_secret(admin_client, cast):
    authenticator = Authenticator.objects.get(user=cast.board, type=Authenticator.Type.TOTP)

    assert admin_client.get("/django-admin/mfa/authenticator/").status_code == 404
    change = f"/django-admin/mfa/authenticator/{authenticator.pk}/change/"
    assert admin_client.get(change).status_code == 404
    assert (
        admin_client.post(
            f"/django-admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}
        ).status_code
        == 404
    )
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_e_mail_addresses_are_listed_but_cannot_be_added_changed_or_verified(admin_client, cast):
    address = EmailAddress.objects.get(user=cast.board)
    listing = admin_client.get("/django-admin/account/emailaddress/")
    assert listing.status_code == 200
    assert cast.board.email.encode() in listing.content

    added = admin_client.post(
        "/django-admin/account/emailaddress/add/",
        {"user": cast.board.pk, "email": "mine@evil.example", "verified": "on", "primary": "on"},
    )
    changed = admin_client.post(
        f"/django-admin/account/emailaddress/{address.pk}/change/",
        {"user": cast.board.pk, "email": "mine@evil.example", "verified": "on", "primary": "on"},
    )
    admin_client.post(
        "/django-admin/account/emailaddress/",
        {"action": "make_verified", "_selected_action": [address.pk]},
    )

    assert added.status_code == 403
    assert changed.status_code == 403
    assert not EmailAddress.objects.filter(email="mine@evil.example").exists()
    address.refresh_from_db()
    assert address.email == cast.board.email


# Wagtail's user screens: no password, no address, no superuser.


def _edit_data(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_user_edit_form_has_no_password_or_superuser_field(admin_client, cast):
    response = admin_client.get(reverse("wagtailusers_users:edit", args=[cast.board.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert "password1" not in form.fields and "is_superuser" not in form.fields
    assert form.fields["email"].disabled


def test_an_administrator_cannot_set_a_staff_members_password_or_address(admin_client, cast):
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[cast.board.pk]),
        _edit_data(
            cast.board,
            email="mine@evil.example",
            password1=NEW_PASSWORD,
            password2=NEW_PASSWORD,
            is_superuser="on",
        ),
    )

    assert response.status_code == 302  # saved: the other fields were fine
    cast.board.refresh_from_db()
    assert cast.board.check_password(PASSWORD)
    assert not cast.board.check_password(NEW_PASSWORD)
    assert cast.board.email == "bestuur@example.org"
    assert not cast.board.is_superuser


def test_a_user_made_in_the_wagtail_admin_has_no_password_and_is_no_superuser(admin_client):
    editors = Group.objects.get(name="Moderators")

    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "redacteur@example.org",
            "first_name": "Rik",
            "last_name": "Redacteur",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
            "groups": [editors.pk],
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="redacteur@example.org")
    assert not user.has_usable_password()
    assert not user.is_superuser and not user.is_staff
    assert list(user.groups.all()) == [editors]


def test_a_name_with_a_bidi_override_is_refused_in_the_wagtail_user_form(admin_client, cast):
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[cast.board.pk]),
        _edit_data(cast.board, last_name="Bestuur\u202e"),
    )

    assert response.status_code == 200
    assert "last_name" in response.context["form"].errors
    cast.board.refresh_from_db()
    assert cast.board.last_name == "Bestuur"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/password_reset/",
        "/admin/password_reset/done/",
        "/admin/password_reset/confirm/MQ/set-password/",
    ],
)
def test_wagtails_password_reset_goes_to_the_rate_limited_one(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password")


def test_wagtails_own_password_reset_form_takes_no_post(client, cast, mailoutbox):
    response = client.post("/admin/password_reset/", {"email": cast.board.email})

    assert response.status_code == 302
    assert mailoutbox == []


# Wagtail editors: admin access, page rights, a second factor, no user management.


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user(email="redactie@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_an_editor_without_a_second_factor_is_sent_to_set_one_up(client, editor):
    client.force_login(editor)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_editor_with_a_second_factor_edits_pages_but_manages_no_users(client, editor, cast):
    add_totp(editor)
    client.force_login(editor)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    users = client.get(reverse("wagtailusers_users:index"))
    edit = client.post(
        reverse("wagtailusers_users:edit", args=[cast.board.pk]),
        _edit_data(cast.board, first_name="Overgenomen"),
    )

    assert users.status_code == 302  # Wagtail sends users without the permission away
    assert edit.status_code == 302
    cast.board.refresh_from_db()
    assert cast.board.first_name == "Bram"
