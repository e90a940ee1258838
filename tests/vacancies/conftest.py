"""Vacancy fixtures on top of the cast: a vacancy with a final shortlist, and an open round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from coop.models import Unit
from vacancies import services
from vacancies.models import Candidate, Vacancy, VotingRound

CANDIDATES = (
    ("Fenna de Vries", "fenna@example.net", "Ik kook graag voor de hele gang."),
    ("Joost Bakker", "joost@example.net", "Ik help met klussen en de tuin."),
    ("Amira El Idrissi", "amira@example.net", "Ik geef taalles aan buren."),
)


def empty_unit(cast, number: str = "8", kind: str = Unit.Kind.REGULAR) -> Unit:
    """A unit of the cast's building that nobody rents, so a vacancy can be reported for it."""
    unit, _ = Unit.objects.get_or_create(
        building=cast.building, number=number, defaults={"kind": kind, "rent": Decimal("690.00")}
    )
    return unit


def make_vacancy(cast, *, unit=None, candidates=CANDIDATES, shortlist=True) -> Vacancy:
    """A co-optation vacancy of an empty regular unit, with candidates, shortlisted, final."""
    now = timezone.now()
    if unit is None:
        unit, _ = Unit.objects.get_or_create(
            building=cast.building,
            number="7",
            defaults={"kind": Unit.Kind.REGULAR, "rent": Decimal("690.00")},
        )
    vacancy = services.vacancy_report(
        actor=cast.board, unit=unit, available_from=timezone.localdate() + dt.timedelta(days=30)
    )
    services.vacancy_open_applications(
        actor=cast.selection,
        vacancy=vacancy,
        profile="Iemand die graag meedoet met de tuin en de maaltijden.",
        closes_at=now + dt.timedelta(days=14),
        volunteer_priority=True,
    )
    for i, (name, email, motivation) in enumerate(candidates):
        # A minute apart, so the earliest-application tie-break has an order to go by.
        with time_machine.travel(now + dt.timedelta(minutes=i), tick=False):
            services.candidate_apply(
                vacancy=vacancy,
                name=name,
                email=email,
                phone="06-1234567" + str(i),
                household_size=1 + i % 3,
                motivation=motivation,
                contribution="Koken en klussen.",
                pledged_hours="8",
            )
    if shortlist:
        for candidate in vacancy.candidates.order_by("applied_at"):
            services.candidate_shortlist(
                actor=cast.selection, candidate=candidate, shortlisted=True
            )
        with time_machine.travel(now + dt.timedelta(days=15), tick=False):
            services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
    vacancy.refresh_from_db()
    return vacancy


def open_round(
    cast,
    vacancy: Vacancy,
    *,
    method="yes_no",
    quorum=50,
    tie_break="earliest_application",
    hours=48,
) -> VotingRound:
    now = timezone.now()
    return services.voting_round_schedule(
        actor=cast.board,
        vacancy=vacancy,
        method=method,
        quorum_percent=quorum,
        tie_break=tie_break,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=hours),
    )


def candidates_of(voting_round: VotingRound) -> list[Candidate]:
    return list(voting_round.candidates.order_by("applied_at"))


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return make_vacancy(cast)


@pytest.fixture
def voting_round(cast, vacancy) -> VotingRound:
    return open_round(cast, vacancy)
