"""Forms of the member portal; they validate input, the services apply the rules."""

from __future__ import annotations

import datetime as dt

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

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the member's full name."))
        return name

    def clean_joined_on(self) -> dt.date:
        joined_on = self.cleaned_data["joined_on"]
        today = timezone.localdate()
        if joined_on > today + dt.timedelta(days=366):
            raise forms.ValidationError(_("The date lies more than a year ahead."))
        if joined_on.year < 1950:
            raise forms.ValidationError(_("Enter a date after 1950."))
        return joined_on
