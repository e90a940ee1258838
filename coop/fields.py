"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.cleaning import check_date_window, clean_phone
from coop.converters import MAX_ID
from coop.exceptions import DomainError


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id; an id beyond 64 bits is an invalid choice.

    Django looks the ids up with ``pk__in``, where SQLite raises OverflowError (a 500) for a
    number it cannot hold.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                oversized = abs(int(str(pk))) > MAX_ID
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if oversized:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        # A private method of Django's field that the stubs do not list.
        return super()._check_values(value)  # type: ignore[misc]


class PhoneField(forms.CharField):
    """An optional phone number, by the rule the services apply (``coop.cleaning.clean_phone``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone number (optional)"))
        super().__init__(max_length=30, required=False, **kwargs)

    def clean(self, value):
        try:
            return clean_phone(super().clean(value))
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


def in_date_window(value, **window):
    """A form's check of the one date window (``coop.cleaning.check_date_window``)."""
    try:
        check_date_window(value, field="", **window)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from None
    return value
