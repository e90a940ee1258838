"""The ballot page says in plain words what happens to a vote."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.vacancies.conftest import open_round

pytestmark = pytest.mark.django_db


def test_the_ballot_says_what_happens_to_my_vote(cast, vacancy, client_for):
    voting_round = open_round(cast, vacancy)
    client = client_for("drager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    text = client.get(reverse("vacancies:round_detail", args=[voting_round.pk])).content.decode()

    assert "Wat gebeurt er met mijn stem?" in text
    assert "Alleen je laatste stem telt." in text
    assert "Staat jouw code erbij? Dan is jouw stem meegeteld." in text
