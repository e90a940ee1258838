"""Cleaning free text from people: one place for the rules every service applies."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.exceptions import DomainError

# A date further from today than this is a typing mistake (2052 for 2025), not a plan or history.
DATE_WINDOW_YEARS = 2

_PHONE = re.compile(r"[0-9 +()\-]{6,30}")
_BLANK_LINES = re.compile(r"\n{3,}")
# Control characters (C0 and C1) other than tab and newline have no place in what people write.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(
    value: str, *, field: str, max_length: int, required: bool, multiline: bool = False
) -> str:
    """Trimmed text within ``max_length``; DomainError naming ``field`` otherwise.

    One-line fields collapse all whitespace; multi-line fields keep their line breaks, tabs and
    indentation (spaces at line ends and more than one blank line in a row go). Control
    characters are refused in both, before any whitespace is folded away.
    """
    if not isinstance(value, str):
        raise DomainError(_("Enter text."), code="text_not_a_string", field=field)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(value):
        raise DomainError(
            _("The text contains characters that are not allowed."),
            code="text_forbidden_characters",
            field=field,
        )
    if multiline:
        value = "\n".join(line.rstrip() for line in value.split("\n"))
        value = _BLANK_LINES.sub("\n\n", value).strip()
    else:
        value = " ".join(value.split())
    if required and not value:
        raise DomainError(_("This field is required."), code="required", field=field)
    if len(value) > max_length:
        raise DomainError(
            _("Use at most %(max)s characters.") % {"max": max_length},
            code="text_too_long",
            field=field,
        )
    return value


def clean_name(value: str, *, field: str = "name", max_length: int = 200) -> str:
    """A person's name: clean text without invisible or direction-changing characters.

    Format characters (Unicode category Cf: zero-width spaces and joiners, bidi marks,
    overrides and isolates, soft hyphens) are invisible, so a name holding them can look like
    someone else's or turn the text around it (a ballot, an e-mail) right to left.
    """
    name = clean_text(value, field=field, max_length=max_length, required=True)
    if any(unicodedata.category(char) == "Cf" for char in name):
        raise DomainError(
            _(
                "A name cannot contain invisible characters or characters that change "
                "the writing direction."
            ),
            code="name_forbidden_characters",
            field=field,
        )
    return name


def clean_email(value: str, *, field: str = "email", required: bool = False) -> str:
    email = clean_text(value, field=field, max_length=254, required=required).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                _("Enter a valid e-mail address."), code="email_invalid", field=field
            ) from None
    return email


def clean_phone(value: str, *, field: str = "phone") -> str:
    """An optional phone number: digits, spaces, +, - and brackets, 6 to 30 of them."""
    phone = clean_text(value, field=field, max_length=30, required=False)
    if phone and not _PHONE.fullmatch(phone):
        raise DomainError(
            _("Enter a phone number with digits, spaces or + only."),
            code="phone_invalid",
            field=field,
        )
    return phone


def check_date_window(
    day: dt.date | dt.datetime,
    *,
    field: str,
    years_back: int | None = DATE_WINDOW_YEARS,
    years_ahead: int | None = DATE_WINDOW_YEARS,
) -> None:
    """Refuse a date (or a moment's local day) more than so many years from today.

    ``None`` leaves that side open (the past of a contract, the future of nothing).
    """
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day)
    today = timezone.localdate()
    if years_back is not None and day < today - dt.timedelta(days=366 * years_back):
        raise DomainError(
            ngettext(
                "Enter a date at most %(years)s year ago.",
                "Enter a date at most %(years)s years ago.",
                years_back,
            )
            % {"years": years_back},
            code="date_too_far_back",
            field=field,
        )
    if years_ahead is not None and day > today + dt.timedelta(days=366 * years_ahead):
        raise DomainError(
            ngettext(
                "Enter a date at most %(years)s year ahead.",
                "Enter a date at most %(years)s years ahead.",
                years_ahead,
            )
            % {"years": years_ahead},
            code="date_too_far_ahead",
            field=field,
        )


# Spreadsheets run a cell that starts with one of these as a formula (or a command, in a CSV).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as written and never runs as a formula."""
    return "'" + text if text[:1] in FORMULA_START else text
