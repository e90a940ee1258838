"""Account rules for allauth: sign-up only through a valid invitation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from coop.exceptions import DomainError
from members.models import Invitation
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
