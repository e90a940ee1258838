"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (2026-12-11): browsers show a
    value in the Dutch format (11-12-2026) as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format=ISO_DATE)
