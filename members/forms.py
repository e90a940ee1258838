"""Forms of the member portal; they parse input, the services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.widgets import DateInput
from members.models import MixGroup


class InviteMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, strip=True)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.RegexField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        regex=r"^[0-9 +()\-]{6,30}$",
        error_messages={"invalid": _("Enter a phone number with digits, spaces or + only.")},
    )
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
