"""The resident reads their omklap contract in plain words; the others see the facts only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats

from tests.members.omklap_helpers import record_moment, start_contract

pytestmark = pytest.mark.django_db


def _page(client_for, role: str, contract, language: str = "nl") -> str:
    client = client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("portal:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_resident_reads_what_the_contract_is_the_next_talk_and_whom_to_call(cast, client_for):
    contract = start_contract(cast)
    coming = contract.moments.filter(held_on__isnull=True).order_by("due_on").first()

    text = _page(client_for, "vrager", contract)

    assert "Je contract in gewone woorden" in text
    end = formats.date_format(contract.ends_on, "j F Y")
    assert f"tijdelijk contract van {contract.length_months} maanden, tot {end}" in text
    assert f"Je volgende gesprek is rond {formats.date_format(coming.due_on, 'l j F Y')}" in text
    assert "dat heet omklappen" in text
    assert f"Bel of mail je begeleider bij {contract.care_organisation.name}" in text


def test_the_next_talk_is_the_first_not_yet_held(cast, client_for):
    contract = start_contract(cast)
    first, second = contract.moments.order_by("due_on")[:2]
    record_moment(cast, first)

    text = _page(client_for, "vrager", contract, language="en")

    assert f"Your next talk is around {formats.date_format(second.due_on, 'l j F Y')}" in text


@pytest.mark.parametrize("role", ["corporation_staff", "care_worker"])
def test_staff_see_the_contract_without_the_residents_explanation(cast, client_for, role):
    contract = start_contract(cast)

    text = _page(client_for, role, contract)

    assert "Je contract in gewone woorden" not in text
    assert contract.care_organisation.name in text  # the contract's facts are there
