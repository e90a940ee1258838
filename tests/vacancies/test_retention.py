"""Retention (QUALITY 8): candidates not chosen lose their contact data and motivation in time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django_q.models import Schedule

from coop.models import AuditEntry, Unit
from members.models import Member
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies import selectors, services, tasks
from vacancies.models import Candidate, Nomination, Vacancy, VotingRound

CONTACT_AND_STORY = ("name", "email", "phone", "motivation", "contribution", "interview_notes")


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


@pytest.fixture
def let_vacancy(cast):
    """Fenna was voted in and confirmed; Joost and Amira were on the ballot but not chosen."""
    vacancy = make_vacancy(cast)
    voting_round = open_round(cast, vacancy)
    fenna, joost, _amira = candidates_of(voting_round)
    services.candidate_note(actor=cast.selection, candidate=joost, notes="Sterk gesprek.")
    voters = Member.objects.filter(user__in=[cast.board, cast.selection, cast.drager])
    for member in voters:
        services.ballot_cast(
            voting_round=voting_round,
            member=member,
            choices={"answers": {str(fenna.pk): "yes", str(joost.pk): "no"}},
        )
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        services.voting_round_close(round_id=voting_round.pk)
    services.nomination_confirm(
        actor=cast.corporation_staff,
        nomination=Nomination.objects.get(vacancy=vacancy),
        group="regular",
        starts_on=vacancy.available_from,
    )
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LET
    return vacancy


def _erase_day(vacancy: Vacancy) -> dt.date:
    return vacancy.closed_on + dt.timedelta(days=settings.COOP_CANDIDATE_RETENTION_DAYS)


def _snapshot(vacancy: Vacancy) -> dict:
    return {
        c.pk: {f: getattr(c, f) for f in (*CONTACT_AND_STORY, "pledged_hours", "erased_at")}
        for c in vacancy.candidates.all()
    }


def test_nothing_is_erased_before_the_retention_date(let_vacancy):
    before = _snapshot(let_vacancy)

    with time_machine.travel(_noon(_erase_day(let_vacancy) - dt.timedelta(days=1))):
        erased = tasks.candidates_purge()

    assert erased == 0
    assert _snapshot(let_vacancy) == before


def test_after_it_the_candidates_not_chosen_are_erased_and_the_tally_stays(let_vacancy):
    voting_round = VotingRound.objects.get(vacancy=let_vacancy)
    tally, digest, winner = voting_round.tally, voting_round.digest, voting_round.winner_id
    chosen = Candidate.objects.get(vacancy=let_vacancy, status=Candidate.Status.CHOSEN)
    chosen_before = _snapshot(let_vacancy)[chosen.pk]

    with time_machine.travel(_noon(_erase_day(let_vacancy))):
        erased = tasks.candidates_purge()

    assert erased == 2
    for candidate in let_vacancy.candidates.exclude(pk=chosen.pk):
        assert all(getattr(candidate, f) == "" for f in CONTACT_AND_STORY)
        assert candidate.pledged_hours is None
        assert candidate.erased_at is not None
        assert 1 <= candidate.household_size <= 12  # not personal on its own; the tally needs it
    assert _snapshot(let_vacancy)[chosen.pk] == chosen_before
    voting_round.refresh_from_db()
    assert (voting_round.tally, voting_round.digest, voting_round.winner_id) == (
        tally,
        digest,
        winner,
    )
    assert selectors.verify_tally(voting_round)
    entry = AuditEntry.objects.get(action="vacancy.candidates_erased")
    assert entry.data["count"] == 2


def test_a_second_run_erases_nothing_more(let_vacancy):
    with time_machine.travel(_noon(_erase_day(let_vacancy))):
        tasks.candidates_purge()
    after_first = _snapshot(let_vacancy)

    with time_machine.travel(_noon(_erase_day(let_vacancy) + dt.timedelta(days=30))):
        assert tasks.candidates_purge() == 0

    assert _snapshot(let_vacancy) == after_first
    assert AuditEntry.objects.filter(action="vacancy.candidates_erased").count() == 1


def test_applicants_of_a_withdrawn_vacancy_are_erased_and_of_an_open_one_never(cast):
    withdrawn = make_vacancy(cast, shortlist=False)
    services.vacancy_withdraw(actor=cast.board, vacancy=withdrawn, reason="Sloop.")
    withdrawn.refresh_from_db()
    unit = Unit.objects.create(
        building=cast.building, number="20", kind=Unit.Kind.REGULAR, rent=Decimal("700.00")
    )
    still_open = make_vacancy(cast, unit=unit, shortlist=False)

    with time_machine.travel(_noon(_erase_day(withdrawn) + dt.timedelta(days=400))):
        erased = services.candidates_purge()

    assert erased == 3
    assert not withdrawn.candidates.exclude(name="").exists()
    assert still_open.candidates.exclude(name="").count() == 3
    assert not still_open.candidates.filter(erased_at__isnull=False).exists()


def test_the_purge_runs_daily_from_a_django_q_schedule(db):
    schedule = Schedule.objects.get(func="vacancies.tasks.candidates_purge")

    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
