"""The board's quick invite form asks the language of the invitation: it goes out in it, and
the member keeps it for their later e-mails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import Member


def _form(**extra) -> dict:
    data = {
        "name": "Emma English",
        "email": "emma@example.net",
        "phone": "",
        "group": "regular",
        "joined_on": timezone.localdate().isoformat(),
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Invitation to Woonvereniging De Kapel"),
        ("nl", "Uitnodiging voor Woonvereniging De Kapel"),
    ],
)
def test_the_invitation_goes_out_in_the_language_chosen_on_the_form(
    cast, client_for, django_capture_on_commit_callbacks, language, subject
):
    client = client_for("board")
    # The board member reads the portal in the other language: the form's choice wins.
    client.cookies["django_language"] = "nl" if language == "en" else "en"
    url = reverse("portal:association_members", args=[cast.association.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(language=language))
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == [subject]
    assert Member.objects.get(email="emma@example.net").language == language


def test_the_form_offers_dutch_and_english_with_the_sites_language_first(cast, client_for):
    client = client_for("board")
    response = client.get(reverse("portal:association_members", args=[cast.association.slug]))
    field = response.context["form"]["language"]
    assert [value for value, _label in field.field.choices] == ["nl", "en"]
    assert field.value() == "nl"


def test_an_unknown_language_is_refused_and_nothing_is_sent(
    cast, client_for, django_capture_on_commit_callbacks
):
    url = reverse("portal:association_members", args=[cast.association.slug])
    before = Member.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("board").post(url, _form(language="fr"))
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert Member.objects.count() == before
    assert mail.outbox == []
