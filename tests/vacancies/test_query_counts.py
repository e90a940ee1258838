"""Vacancy pages keep the same query count with 10 and with 500 rows (QUALITY performance 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import Unit
from members.models import Member
from tests.helpers import assert_flat_query_count, count_queries, expected_queries
from tests.vacancies.conftest import CANDIDATES, make_vacancy, open_round
from vacancies.models import (
    Ballot,
    Candidate,
    Elector,
    Nomination,
    Vacancy,
    VoteRecord,
    VotingRound,
)


def _add_candidates(vacancy: Vacancy, target: int, *, voting_round: VotingRound | None = None):
    """Grow the vacancy (and the round's ballot) to ``target`` candidates, in bulk."""
    have = vacancy.candidates.count()
    if have >= target:
        return
    now = timezone.now()
    added = Candidate.objects.bulk_create(
        Candidate(
            vacancy=vacancy,
            status=Candidate.Status.SHORTLISTED,
            name=f"Kandidaat {i}",
            email=f"kandidaat{i}@example.net",
            phone="06-12345678",
            household_size=1 + i % 4,
            motivation="Ik woon graag samen met buren die elkaar helpen.",
            contribution="Tuin en maaltijden.",
            pledged_hours=Decimal("4"),
            applied_at=now + dt.timedelta(seconds=i),
        )
        for i in range(have, target)
    )
    if voting_round is not None:
        voting_round.candidates.add(*added)


def _add_electors(cast, voting_round: VotingRound, target: int) -> None:
    have = Member.objects.filter(name__startswith="Kiezer ").count()
    if have >= target:
        return
    members = Member.objects.bulk_create(
        Member(association=cast.association, name=f"Kiezer {i}", joined_on=timezone.localdate())
        for i in range(have, target)
    )
    Elector.objects.bulk_create(Elector(round=voting_round, member=m) for m in members)


def _add_vacancies(cast, target: int, *, nominated: bool = False) -> None:
    """Vacancies of fresh units; with ``nominated``, each with a closed round and a nomination."""
    have = Vacancy.objects.filter(unit__number__startswith="V").count()
    if have >= target:
        return
    today = timezone.localdate()
    units = Unit.objects.bulk_create(
        Unit(building=cast.building, number=f"V{i}", kind="regular", rent=Decimal("600"))
        for i in range(have, target)
    )
    status = Vacancy.Status.NOMINATED if nominated else Vacancy.Status.OPEN
    vacancies = Vacancy.objects.bulk_create(
        Vacancy(
            association=cast.association,
            unit=u,
            route="cooptation",
            status=status,
            profile="Een buur die meedoet.",
            available_from=today,
            reported_on=today - dt.timedelta(days=30),
            nominated_on=today if nominated else None,
        )
        for u in units
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(vacancy=v, name=f"Genomineerde {v.pk}", household_size=2, status="nominated")
        for v in vacancies
    )
    if not nominated:
        return
    now = timezone.now()
    rounds = VotingRound.objects.bulk_create(
        VotingRound(
            vacancy=v,
            number=1,
            method="yes_no",
            quorum_percent=50,
            tie_break="earliest_application",
            starts_at=now - dt.timedelta(days=3),
            ends_at=now - dt.timedelta(days=1),
            status="closed",
            outcome="elected",
            digest="0" * 64,
            winner=c,
        )
        for v, c in zip(vacancies, candidates, strict=True)
    )
    Nomination.objects.bulk_create(
        Nomination(vacancy=v, candidate=c, round=r, nominated_at=now - dt.timedelta(days=i % 9))
        for i, (v, c, r) in enumerate(zip(vacancies, candidates, rounds, strict=True))
    )


def test_the_ballot_page_has_a_flat_query_count(cast, client_for, voting_round):
    client = client_for("drager")
    url = reverse("vacancies:round_detail", args=[voting_round.pk])

    def grow(n: int) -> None:
        _add_candidates(voting_round.vacancy, n, voting_round=voting_round)
        _add_electors(cast, voting_round, n)

    # session, user, viewer (cached), the round with the viewer's standing (elector, voted,
    # recused) and how many members have no account yet (they cannot vote online), the
    # candidates on the ballot
    queries = assert_flat_query_count(lambda: client.get(url), grow, queries=5)
    assert queries == 5


@pytest.mark.parametrize("method", ["yes_no", "approval", "ranked"])
def test_the_ballot_page_needs_as_many_queries_for_2_as_for_8_candidates(cast, client_for, method):
    voting_round = open_round(cast, make_vacancy(cast, candidates=CANDIDATES[:2]), method=method)
    client = client_for("drager")
    url = reverse("vacancies:round_detail", args=[voting_round.pk])
    shown = []

    def fetch():
        response = client.get(url)
        shown.append(response.content.decode().count('<fieldset class="candidate">'))
        return response

    def grow(n: int) -> None:
        _add_candidates(voting_round.vacancy, n, voting_round=voting_round)

    # session, user, viewer (cached), the round with the voter's standing and the count of
    # members without an account, the candidates: nothing per candidate on the ballot
    assert assert_flat_query_count(fetch, grow, queries=5, small=2, large=8) == 5
    assert shown == [2, 2, 8, 8]  # the voter saw a ballot of 2, then of 8 candidates


def test_the_closed_round_page_has_a_flat_query_count(cast, client_for, voting_round):
    from vacancies import services

    client = client_for("board")
    url = reverse("vacancies:round_detail", args=[voting_round.pk])
    grown = {"closed": False}

    def grow(n: int) -> None:
        _add_candidates(voting_round.vacancy, n, voting_round=voting_round)
        _add_electors(cast, voting_round, n)
        if not grown["closed"]:
            services.voting_round_close(
                round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
            )
            grown["closed"] = True

    # session, user, viewer (cached), the round with standing and winner, the candidates; the
    # result and the receipts come from the stored tally
    assert_flat_query_count(lambda: client.get(url), grow, queries=5)


def test_the_vacancy_page_has_a_flat_query_count(cast, client_for, vacancy):
    open_round(cast, vacancy)
    client = client_for("board")
    url = reverse("vacancies:vacancy_detail", args=[vacancy.pk])
    # session, user, viewer (cached), the vacancy with unit and
    # association, the building's mix with the leaving resident's group (mix monitor),
    # candidates with their nomination, the rounds with their winner
    queries = assert_flat_query_count(
        lambda: client.get(url),
        lambda n: _add_candidates(vacancy, n),
        queries=7,
    )
    assert queries == 7


def test_the_vacancy_list_has_a_flat_query_count(cast, client_for):
    client = client_for("board")
    url = reverse("vacancies:vacancy_list", args=[cast.association.slug])
    # session, user, viewer (cached), vacancies with unit, building and candidate counts
    assert_flat_query_count(
        lambda: client.get(url),
        lambda n: _add_vacancies(cast, n),
        queries=4,
    )


def test_the_nomination_list_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")
    url = reverse("vacancies:nomination_list", args=[cast.corporation.slug])
    # session, user, viewer (cached), nominations with
    # vacancy, association, unit, building and candidate
    assert_flat_query_count(
        lambda: client.get(url),
        lambda n: _add_vacancies(cast, n, nominated=True),
        queries=4,
    )


def test_the_dashboard_with_votes_has_a_flat_query_count(cast, client_for):
    client = client_for("drager")

    def grow(n: int) -> None:
        while VotingRound.objects.count() < n:
            unit = Unit.objects.create(
                building=cast.building,
                number=f"R{VotingRound.objects.count()}",
                kind="regular",
                rent=Decimal("600"),
            )
            voting_round = open_round(cast, make_vacancy(cast, unit=unit))
            if VotingRound.objects.count() > 2:
                # Past the first two, the rounds are closed ones the dashboard still lists:
                # the count must not grow with a member's voting history either.
                VotingRound.objects.filter(pk=voting_round.pk).update(
                    status=VotingRound.Status.CLOSED,
                    closed_at=timezone.now(),
                    outcome=VotingRound.Outcome.NO_QUORUM,
                    digest="0" * 64,
                )

    # session, user, viewer (cached), home, the member's rounds with their standing, "Voor jou"
    # (every count in one query), and the activities card's queries; the same with 1 and with
    # 30 rounds, 28 of them closed
    assert_flat_query_count(
        lambda: client.get(reverse("portal:dashboard")),
        grow,
        queries=8,
        small=1,
        large=30,
    )


# Transaction control is left out of the count: inside a test case's transaction the
# service's atomic block becomes a SAVEPOINT and its RELEASE, in a request a BEGIN and COMMIT.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


def test_casting_a_vote_needs_few_queries(cast, client_for, voting_round):
    client = client_for("drager")
    client.get(reverse("vacancies:round_detail", args=[voting_round.pk]))  # warm-up
    cast_url = reverse("vacancies:ballot_cast", args=[voting_round.pk])
    first = voting_round.candidates.order_by("applied_at").first()
    _n, sql, response = count_queries(lambda: client.post(cast_url, {f"c{first.pk}": "yes"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("vacancies:ballot_receipt", args=[voting_round.pk])
    statements = [q for q in sql if not q.startswith(_TRANSACTION_CONTROL)]
    # session, user, viewer (cached), the round with the viewer's standing; the service: the
    # locked round, the ballot's candidates with the standing under the lock, the vote
    # record, the ballot; on PostgreSQL also the shared advisory lock on the ballot's seal
    # (SQLite runs one writing transaction at a time and needs none).
    assert len(statements) == expected_queries({"sqlite": 8, "postgresql": 9}), "\n".join(
        statements
    )
    assert statements[-1].startswith('INSERT INTO "vacancies_ballot"')


def test_a_revote_replaces_the_ballot_in_one_statement(cast, client_for, voting_round):
    client = client_for("drager")
    cast_url = reverse("vacancies:ballot_cast", args=[voting_round.pk])
    first, second = voting_round.candidates.order_by("applied_at")[:2]
    client.post(cast_url, {f"c{first.pk}": "yes"})
    _n, sql, response = count_queries(lambda: client.post(cast_url, {f"c{second.pk}": "yes"}))
    assert response.status_code == 302
    statements = [q for q in sql if not q.startswith(_TRANSACTION_CONTROL)]
    # As the first cast, but no vote record, and the ballot is replaced by one UPDATE.
    assert len(statements) == expected_queries({"sqlite": 7, "postgresql": 8}), "\n".join(
        statements
    )
    assert statements[-1].startswith('UPDATE "vacancies_ballot"')
    assert not [q for q in statements if q.startswith(("INSERT", "DELETE"))]
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert VoteRecord.objects.filter(round=voting_round).count() == 1
