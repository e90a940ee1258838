"""Account texts in Dutch and in the 'je' register: password checks and allauth's e-mails."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db


def test_the_password_checks_speak_dutch_to_je():
    with translation.override("nl"):
        with pytest.raises(ValidationError) as refused:
            validate_password("12345")
        help_texts = password_validators_help_texts()
    assert refused.value.messages == [
        "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.",
        "Dit wachtwoord is te algemeen.",
        "Dit wachtwoord bevat alleen cijfers.",
    ]
    assert help_texts[1] == "Je wachtwoord moet minstens 10 tekens lang zijn."
    for text in help_texts:
        assert text.startswith("Je wachtwoord") and " uw " not in text


def test_allauth_e_mails_greet_without_the_site_address(client, cast, mailoutbox):
    client.cookies["django_language"] = "nl"
    client.post(reverse("account_reset_password"), {"email": cast.vrager.email})

    body = mailoutbox[0].body
    assert body.startswith("Hallo,\n")
    assert "Hallo van" not in body and "Bedankt voor het gebruik" not in body
    assert body.rstrip().endswith("Met vriendelijke groet,\nSamen wonen")
    assert not mailoutbox[0].subject.startswith("[")


def test_no_dutch_text_addresses_the_reader_as_u():
    """One register: 'je' and 'jouw', never the formal 'u' and 'uw'."""
    catalogue = (settings.BASE_DIR / "locale/nl/LC_MESSAGES/django.po").read_text()
    formal = re.compile(r"\b(u|uw|U|Uw)\b")
    found = [
        entry.split("msgstr", 1)[1].strip()
        for entry in catalogue.split("\n\n")
        if "msgstr" in entry and formal.search(entry.split("msgstr", 1)[1])
    ]
    assert found == []


MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


def test_a_message_shows_a_dutch_date_not_an_iso_one(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for("corporation_staff")
    client.cookies["django_language"] = "nl"
    starts_on = timezone.localdate() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("setup:staff", args=[cast.corporation.slug]),
            {
                "first_name": "Nina",
                "last_name": "Nieuw",
                "email": "nina@example.org",
                "language": "nl",
                "starts_on": starts_on.isoformat(),
            },
            follow=True,
        )
    text = response.content.decode()
    month = MONTHS.split()[starts_on.month - 1]
    assert f"nina@example.org heeft toegang vanaf {starts_on.day} {month} {starts_on.year}" in text
    assert starts_on.isoformat() not in text.split("nina@example.org heeft toegang")[1][:40]
    assert starts_on.strftime("%d-%m-%Y") not in text
