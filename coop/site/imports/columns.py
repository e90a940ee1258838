"""The columns of the two imports, their headers in Dutch and English, and the reading of a
cell's text into what the services take (a choice's value, a date, an amount)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import TextChoices
from django.utils import translation

from coop.models import Unit
from coop.site.imports.reading import Column, normalise_header
from members.models import MixGroup, Tenancy

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("building", "Gebouw", ("gebouw", "complex", "building", "building name"), True),
    Column("street_address", "Adres", ("adres", "straat", "address", "street address")),
    Column("postal_code", "Postcode", ("postcode", "postal code", "zip code", "zip")),
    Column("city", "Plaats", ("plaats", "woonplaats", "stad", "city", "town")),
    Column(
        "number",
        "Huisnummer",
        ("huisnummer", "eenheid", "nummer", "woning", "number", "unit", "house number"),
        True,
    ),
    Column("kind", "Soort", ("soort", "type", "kind", "soort woning", "unit kind"), True),
    Column("rent", "Huur", ("huur", "kale huur", "huurprijs", "rent", "monthly rent")),
)

RESIDENT_COLUMNS: tuple[Column, ...] = (
    Column("first_name", "Voornaam", ("voornaam", "first name", "given name")),
    Column("last_name", "Achternaam", ("achternaam", "last name", "surname", "family name")),
    Column("name", "Naam", ("naam", "volledige naam", "name", "full name")),
    Column("email", "E-mail", ("e-mail", "email", "e-mailadres", "email address")),
    Column("phone", "Telefoon", ("telefoon", "telefoonnummer", "phone", "phone number")),
    Column("building", "Gebouw", ("gebouw", "complex", "building")),
    Column("unit", "Woning", ("woning", "eenheid", "huisnummer", "unit", "home"), True),
    Column(
        "starts_on",
        "Huur vanaf",
        ("huur vanaf", "ingangsdatum", "startdatum", "tenancy start", "start date", "from"),
        True,
    ),
    Column(
        "ends_on",
        "Huur tot",
        ("huur tot", "einddatum", "tenancy end", "end date", "until"),
    ),
    Column(
        "tenancy_kind",
        "Soort huur",
        ("soort huur", "huursoort", "soort huurovereenkomst", "tenancy kind", "kind of tenancy"),
    ),
    Column("group", "Groep", ("groep", "mixgroep", "groep in de mix", "group", "mix group"), True),
    Column("language", "Taal", ("taal", "language")),
)
# A resident's name: one column 'Naam', or 'Voornaam' and 'Achternaam'.
RESIDENT_NAME_COLUMNS = (("first_name", "last_name"), ("name",))

# Words people write for a choice besides its value and its labels in both languages.
_EXTRA_WORDS: dict[type[TextChoices], dict[str, tuple[str, ...]]] = {
    Unit.Kind: {
        "regular": ("regulier", "reguliere woning", "gewoon", "normaal"),
        "drager": ("drager", "dragerwoning"),
        "omklap": ("omklap", "omklapwoning"),
    },
    Tenancy.Kind: {
        "regular": ("regulier", "gewoon", "normaal"),
        "omklap": ("omklap", "omklaphuur"),
    },
    MixGroup: {
        "regular": ("regulier", "regular", "reguliere huurder"),
    },
}
_LANGUAGES = {
    "nl": ("nl", "nederlands", "dutch", "nld"),
    "en": ("en", "engels", "english", "eng"),
}


def choice(text: str, choices: type[TextChoices]) -> str | None:
    """The value of ``choices`` that ``text`` names (value or label, Dutch or English, any
    case), or None."""
    wanted = normalise_header(text)
    if not wanted:
        return None
    for value, label in choices.choices:
        words = {value, str(label), *_EXTRA_WORDS.get(choices, {}).get(value, ())}
        for language in ("nl", "en"):
            with translation.override(language):
                words.add(str(label))
        if wanted in {normalise_header(word) for word in words}:
            return value
    return None


def language(text: str) -> str | None:
    """'nl' or 'en' for what a cell says ('Nederlands', 'English', 'EN'); None if neither."""
    wanted = normalise_header(text)
    for code, words in _LANGUAGES.items():
        if wanted in words:
            return code
    return None


_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def date(text: str) -> dt.date | None:
    """A date written as 2025-06-29 (as a spreadsheet's date cell reads) or 29-06-2025,
    29/6/2025 or 29.06.2025; None when it is no date."""
    text = text.strip()
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def amount(text: str) -> str:
    """An amount as the services read it: '€ 1.250,50' and '1250.50' are both '1250.50'."""
    text = text.replace("€", "").replace("EUR", "").replace(" ", "").strip()
    # The separator written last is the decimal one: '1.250,50' in Dutch, '1,250.50' in English.
    if text.rfind(",") > text.rfind("."):
        return text.replace(".", "").replace(",", ".")
    if _THOUSANDS.fullmatch(text):  # '1.250': a Dutch amount of euros, not 1.25
        return text.replace(".", "")
    return text.replace(",", "")
