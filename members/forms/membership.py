"""Forms of the member portal; they parse input, the services apply the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.fields import PhoneField
from coop.widgets import DateInput
from members.models import MixGroup


class InviteMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, strip=True)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = PhoneField()
    group = forms.ChoiceField(
        label=_("Group in the mix"),
        choices=MixGroup.choices,
        help_text=_("Vrager, drager or regular tenant; changes later are recorded with a date."),
    )
    joined_on = forms.DateField(
        label=_("Member since"),
        widget=DateInput(),
        initial=timezone.localdate,
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation and e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("A member already registered keeps the language recorded for them."),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, strip=True)
    phone = PhoneField()
    language = forms.ChoiceField(
        label=_("Language of the portal and your e-mails"), choices=settings.LANGUAGES
    )
