"""From a final shortlist through a secret vote to the corporation's confirmation."""

from __future__ import annotations

import datetime as dt

import time_machine

from coop.models import AuditEntry
from members.models import Member, Tenancy
from tests.vacancies.conftest import candidates_of
from vacancies import selectors, services
from vacancies.models import Ballot, Nomination, Vacancy, VoteRecord, VotingRound


def _members(cast):
    return {
        m.user.email: m
        for m in Member.objects.filter(
            association=cast.association, user__isnull=False
        ).select_related("user")
    }


def test_a_round_elects_nominates_and_the_corporation_confirms(
    cast, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    fenna, joost, amira = candidates_of(voting_round)
    members = _members(cast)
    yes_for = {fenna.pk: "yes", joost.pk: "no", amira.pk: "abstain"}
    receipts = []
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("bestuur@example.org", "selectie@example.org", "drager@example.org"):
            receipts.append(
                services.ballot_cast(
                    voting_round=voting_round,
                    member=members[email],
                    choices={"answers": {str(k): v for k, v in yes_for.items()}},
                )
            )
    assert VoteRecord.objects.filter(round=voting_round).count() == 3
    assert Ballot.objects.filter(round=voting_round).count() == 3
    assert voting_round.tally is None
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        closed = services.voting_round_close(round_id=voting_round.pk)
    assert closed.status == VotingRound.Status.CLOSED
    assert closed.outcome == VotingRound.Outcome.ELECTED
    assert closed.winner_id == fenna.pk
    assert sorted(closed.tally["receipts"]) == sorted(receipts)
    assert selectors.verify_tally(closed)
    nomination = Nomination.objects.get(vacancy=voting_round.vacancy)
    vacancy = Vacancy.objects.get(pk=voting_round.vacancy_id)
    assert vacancy.status == Vacancy.Status.NOMINATED
    assert vacancy.days_to_nomination == 2  # the round ran for 48 hours
    services.nomination_confirm(
        actor=cast.corporation_staff,
        nomination=nomination,
        group="regular",
        starts_on=vacancy.available_from,
    )
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LET
    member = Member.objects.get(association=cast.association, name="Fenna de Vries")
    assert Tenancy.objects.filter(member=member, unit=vacancy.unit).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "vacancy.reported",
        "vacancy.opened",
        "vacancy.shortlist_final",
        "round.scheduled",
        "round.opened",
        "round.closed",
        "vacancy.nominated",
        "vacancy.let",
    } <= actions


def test_revoting_replaces_the_ballot(cast, voting_round):
    fenna, joost, _amira = candidates_of(voting_round)
    member = cast.drager_member
    first = services.ballot_cast(
        voting_round=voting_round, member=member, choices={"answers": {str(fenna.pk): "yes"}}
    )
    second = services.ballot_cast(
        voting_round=voting_round, member=member, choices={"answers": {str(joost.pk): "yes"}}
    )
    assert first != second
    assert list(Ballot.objects.filter(round=voting_round).values_list("receipt", flat=True)) == [
        second
    ]
    assert VoteRecord.objects.filter(round=voting_round).count() == 1


def test_a_round_without_quorum_ends_without_decision(cast, vacancy):
    from tests.vacancies.conftest import open_round

    voting_round = open_round(cast, vacancy, quorum=90)
    fenna = candidates_of(voting_round)[0]
    services.ballot_cast(
        voting_round=voting_round,
        member=cast.drager_member,
        choices={"answers": {str(fenna.pk): "yes"}},
    )
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        closed = services.voting_round_close(round_id=voting_round.pk)
    assert closed.outcome == VotingRound.Outcome.NO_QUORUM
    assert closed.winner is None
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.SHORTLISTED
