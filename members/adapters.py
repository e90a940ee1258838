"""Account rules for allauth: sign-up only through a valid invitation; second-factor secrets
encrypted at rest."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from coop.crypto import decrypt_text, derive_key, encrypt_text
from coop.exceptions import DomainError
from members.models import Invitation
from members.selectors.membership import closed_account_for
from members.services import invitation_accept

SESSION_INVITATION = "coop_invitation_id"
SESSION_INVITATION_EMAIL = "coop_invitation_email"


def pending_invitation(request) -> Invitation | None:
    pk = request.session.get(SESSION_INVITATION)
    if pk is None:
        return None
    invitation = Invitation.objects.pending().filter(pk=pk).first()
    if invitation is None or invitation.is_expired:
        return None
    return invitation


class InvitationAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        invitation = pending_invitation(request) if request is not None else None
        if invitation is not None and invitation.email.lower() != email.lower():
            raise forms.ValidationError(
                _("Sign up with the e-mail address the invitation was sent to: %(email)s")
                % {"email": invitation.email}
            )
        return email

    def save_user(self, request, user, form, commit=True):
        invitation = pending_invitation(request)
        if invitation is None:
            raise ImmediateHttpResponse(self._refusal(request, _("Sign-up is by invitation only.")))
        user.language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        try:
            # The account and the link to the member are made together or not at all.
            with transaction.atomic():
                user = super().save_user(request, user, form, commit=True)
                invitation_accept(invitation=invitation, user=user)
        except DomainError as error:
            raise ImmediateHttpResponse(self._refusal(request, error.message)) from error
        request.session.pop(SESSION_INVITATION, None)
        request.session.pop(SESSION_INVITATION_EMAIL, None)
        return user

    @staticmethod
    def _refusal(request, message: str):
        return render(request, "members/invitation_invalid.html", {"message": message}, status=400)


class InvitationSignupForm(SignupForm):
    """Sign-up through an invitation. A former member whose account was closed after leaving
    signs up with the invited address again: that account is reopened with the new password
    (its owner comes back), instead of a second one being made. Any other account with the
    address is treated as allauth does."""

    closed_account = None

    def validate_unique_email(self, value: str) -> str:
        request = get_adapter().request
        invitation = pending_invitation(request) if request is not None else None
        if invitation is not None and invitation.email.lower() == value.lower():
            self.closed_account = closed_account_for(value)
            if self.closed_account is not None:
                self.account_already_exists = False
                return value
        return super().validate_unique_email(value)

    def save(self, request):
        if self.closed_account is None:
            return super().save(request)
        adapter = get_adapter(request)
        user = adapter.save_user(request, self.closed_account, self)
        self.custom_signup(request, user)
        # The invitation arrived at this address: it is the account's verified, primary one.
        adapter.unstash_verified_email(request)
        email = self.cleaned_data["email"]
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        updated = EmailAddress.objects.filter(user=user, email__iexact=email).update(
            verified=True, primary=True
        )
        if not updated:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user


# Stored second-factor secrets (TOTP keys, the seed of the recovery codes) start with this.
MFA_CIPHER_PREFIX = "aesgcm1:"


def _mfa_key() -> bytes:
    return derive_key(settings.COOP_MFA_KEY, b"coop mfa secrets v1")


def encrypt_mfa_secret(text: str) -> str:
    return encrypt_text(_mfa_key(), text, prefix=MFA_CIPHER_PREFIX)


def decrypt_mfa_secret(value: str) -> str:
    return decrypt_text(_mfa_key(), value, prefix=MFA_CIPHER_PREFIX)


class EncryptingMFAAdapter(DefaultMFAAdapter):
    """allauth stores second-factor secrets as given (STACK.md pitfall 16); these are encrypted
    with MFA_KEY, which is not in the database, so a dump alone gives nobody's second factor."""

    def encrypt(self, text: str) -> str:
        return encrypt_mfa_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_mfa_secret(encrypted_text)
