"""The corporation's side: the list of nominations and the confirm or refuse decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Member, Tenancy
from tests.vacancies.access_rows import _nomination
from vacancies.models import Candidate, Nomination, Vacancy


@pytest.fixture
def nomination(cast) -> Nomination:
    return _nomination(cast)


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_corporation_sees_the_nominees_contact_data_and_the_board_does_not(
    cast, client_for, nomination
):
    url = reverse("vacancies:nomination_detail", args=[nomination.pk])
    candidate = nomination.candidate
    text = _en(client_for("corporation_staff")).get(url).content.decode()
    assert candidate.email in text and candidate.phone in text
    assert 'name="action" value="confirm"' in text and 'value="refuse"' in text
    text = _en(client_for("board")).get(url).content.decode()
    assert candidate.name in text
    assert candidate.email not in text and candidate.phone not in text
    assert 'name="action"' not in text


def test_the_board_cannot_decide_on_a_nomination(cast, client_for, nomination):
    response = client_for("board").post(
        reverse("vacancies:nomination_detail", args=[nomination.pk]),
        {"action": "refuse", "reason": "Nee.", "confirmed": "yes"},
    )
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING


def test_confirming_asks_for_a_confirmation_then_lets_the_unit(cast, client_for, nomination):
    client = _en(client_for("corporation_staff"))
    url = reverse("vacancies:nomination_detail", args=[nomination.pk])
    data = {
        "action": "confirm",
        "group": "drager",
        "starts_on": nomination.vacancy.available_from.isoformat(),
    }
    too_early = nomination.vacancy.available_from - dt.timedelta(days=1)
    response = client.post(url, {**data, "starts_on": too_early.isoformat(), "confirmed": "yes"})
    assert response.status_code == 400
    assert "cannot start before the unit is available" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Yes, confirm" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    response = client.post(url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.CONFIRMED
    member = Member.objects.get(name=nomination.candidate.name)
    assert Tenancy.objects.filter(member=member, unit=nomination.vacancy.unit).exists()
    assert Vacancy.objects.get(pk=nomination.vacancy_id).status == Vacancy.Status.LET


def test_refusing_needs_a_reason_and_a_confirmation(cast, client_for, nomination):
    client = _en(client_for("corporation_staff"))
    url = reverse("vacancies:nomination_detail", args=[nomination.pk])
    response = client.post(url, {"action": "refuse", "reason": "", "confirmed": "yes"})
    assert response.status_code == 400
    response = client.post(url, {"action": "refuse", "reason": "Inkomen boven de grens."})
    assert response.status_code == 200 and "Yes, refuse" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    response = client.post(
        url, {"action": "refuse", "reason": "Inkomen boven de grens.", "confirmed": "yes"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REFUSED
    assert nomination.candidate.__class__.objects.get(pk=nomination.candidate_id).status == (
        Candidate.Status.REFUSED
    )
    text = _en(client_for("board")).get(url).content.decode()
    assert "Inkomen boven de grens." in text


def test_the_nomination_list_shows_pending_with_days_waiting_and_decided_below(
    cast, client_for, nomination
):
    Nomination.objects.filter(pk=nomination.pk).update(
        nominated_at=timezone.now() - dt.timedelta(days=4)
    )
    url = reverse("vacancies:nomination_list", args=[cast.corporation.slug])
    client = _en(client_for("corporation_staff"))
    text = client.get(url).content.decode()
    assert nomination.candidate.name in text
    assert '<td class="num">4</td>' in text
    assert "No decided nominations yet." in text


def test_the_nomination_list_has_an_empty_state(cast, client_for):
    url = reverse("vacancies:nomination_list", args=[cast.corporation.slug])
    text = _en(client_for("corporation_staff")).get(url).content.decode()
    assert "No nominations are waiting" in text
