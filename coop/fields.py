"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms

from coop.converters import MAX_ID


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
        return super()._check_values(value)
