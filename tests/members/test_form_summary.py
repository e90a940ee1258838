"""Forms laid out by hand (the omklap moment) open with the same error summary as the others,
linking to each field with an error; the radio buttons' link lands on the first choice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.members.omklap_helpers import start_contract

pytestmark = pytest.mark.django_db


def test_a_bad_recording_opens_with_a_summary_linking_to_the_fields(cast, client_for):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    response = client_for("care_worker").post(
        reverse("portal:moment_record", args=[contract.pk, moment.pk]),
        {"held_on": moment.due_on.isoformat(), "participants": "Vera", "card": "yellow"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "Er is iets niet goed ingevuld" in summary and 'role="alert"' in summary
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links == ["id_outcome_0"]  # the first of the radio buttons
    for target in links:
        assert f'id="{target}"' in html
    moment.refresh_from_db()
    assert moment.held_on is None
