"""Reads of vacancies and rounds that cross relations."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from coop.counting import Waiting
from coop.models import Association
from members.models import Member
from members.selectors import members_without_account
from vacancies import ballots, tally
from vacancies.models import (
    Candidate,
    Elector,
    Nomination,
    Recusal,
    Vacancy,
    VoteRecord,
    VotingRound,
)

# What a round's page shows of a candidate; contact data, notes and reasons are not read.
BALLOT_CANDIDATE_FIELDS = ("name", "household_size", "pledged_hours", "motivation", "contribution")

# Stands for the one value a query built once takes (see _built_once); never an id.
_ANY_ID = -424242


def ballot_candidates(voting_round: VotingRound) -> list[Candidate]:
    """The candidates on the round's ballot, in the order they applied."""
    sql, params = _with_id(_ballot_candidates_sql(connection.vendor), voting_round.pk)
    return list(Candidate.objects.raw(sql, params))


def without_account_count(association_id: int) -> RawSQL:
    """How many of the association's members cannot vote online yet (members_without_account),
    as a value that another query reads along (``get_round_for(..., without_account=...)``)."""
    sql, params = _with_id(_without_account_sql(connection.vendor), association_id)
    return RawSQL(  # noqa: S611 (the ORM's own SQL, with its parameters)
        f"SELECT COUNT(*) FROM ({sql}) AS without_account",  # noqa: S608
        params,
        output_field=IntegerField(),
    )


@cache
def _ballot_candidates_sql(vendor: str) -> tuple[str, tuple, int]:
    candidates = Candidate.objects.filter(rounds=_ANY_ID).only(*BALLOT_CANDIDATE_FIELDS)
    return _built_once(candidates.order_by("applied_at", "pk"))


@cache
def _without_account_sql(vendor: str) -> tuple[str, tuple, int]:
    members = members_without_account(Association(pk=_ANY_ID))
    return _built_once(members.order_by().values("pk"))


def _built_once(queryset: QuerySet) -> tuple[str, tuple, int]:
    """The SQL the ORM writes for a query that takes one id, and where in its parameters the id
    goes. The ballot page's candidates and count are built once per process: building them
    took about 0.9 ms a page, running them 0.1 ms."""
    sql, params = queryset.query.sql_with_params()
    slots = [i for i, param in enumerate(params) if param == _ANY_ID]
    if len(slots) != 1:
        raise ValueError(f"expected the id once among the parameters: {params!r}")
    return sql, tuple(params), slots[0]


def _with_id(built: tuple[str, tuple, int], pk: int) -> tuple[str, list]:
    sql, params, slot = built
    filled = list(params)
    filled[slot] = pk
    return sql, filled


def rounds_to_open(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(status=VotingRound.Status.SCHEDULED, starts_at__lte=now)
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )


def rounds_to_remind(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(
            status=VotingRound.Status.OPEN,
            reminded_at__isnull=True,
            ends_at__gt=now,
            ends_at__lte=now + dt.timedelta(days=1),
        ).values_list("pk", flat=True)
    )


def rounds_to_close(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(
            status__in=[VotingRound.Status.SCHEDULED, VotingRound.Status.OPEN], ends_at__lte=now
        )
        .order_by("ends_at")
        .values_list("pk", flat=True)
    )


def vacancies_of(association):
    """The association's vacancies, newest first, with their candidate counts."""
    return (
        Vacancy.objects.filter(association=association)
        .select_related("unit__building")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            shortlisted_count=Count(
                "candidates",
                filter=Q(candidates__status=Candidate.Status.SHORTLISTED),
                distinct=True,
            ),
        )
        .order_by("-reported_on", "-pk")
    )


# A closed round stays on the member's dashboard this long (to see the result); after that it
# is found on the vacancy. It keeps the dashboard the same size after years of votes.
RECENTLY_CLOSED = dt.timedelta(days=30)


def rounds_for_member(member: Member, *, now: dt.datetime | None = None):
    """Open and recently closed rounds in which the member is an elector, with their standing."""
    now = now or timezone.now()
    return (
        VotingRound.objects.filter(
            Exists(Elector.objects.filter(round=OuterRef("pk"), member=member))
        )
        .filter(
            Q(status=VotingRound.Status.OPEN)
            | Q(status=VotingRound.Status.CLOSED, closed_at__gte=now - RECENTLY_CLOSED)
        )
        .select_related("vacancy__unit__building")
        .annotate(
            voted=Exists(VoteRecord.objects.filter(round=OuterRef("pk"), member=member)),
            recused=Exists(Recusal.objects.filter(round=OuterRef("pk"), member=member)),
        )
        .order_by("-starts_at")
    )


# -- the count of a round, as closing stores it and verification recounts it ----------------


def _opened_ballots(voting_round: VotingRound, rows) -> list[dict]:
    return [ballots.open_choices(voting_round.pk, b.key, b.sealed_choices) for b in rows]


def tally_record(voting_round: VotingRound, ballot_rows, *, turnout: int, recused: int) -> dict:
    """What the stored tally says and rests on; the digest is taken over this record."""
    choices = _opened_ballots(voting_round, ballot_rows)
    on_ballot = sorted(voting_round.candidates.all(), key=lambda c: (c.applied_at, c.pk))
    seed = (voting_round.tally or {}).get("lot_seed") or secrets.token_hex(16)
    result = tally.count(
        method=voting_round.method,
        candidates=[tally.CandidateOnBallot(c.pk, i) for i, c in enumerate(on_ballot)],
        ballots=choices,
        tie_break=voting_round.tie_break,
        seed=seed,
    )
    base = (voting_round.electorate_size or 0) - recused
    quorum = tally.quorum_met(
        turnout=turnout, base=base, quorum_percent=voting_round.quorum_percent
    )
    if not quorum:
        outcome = VotingRound.Outcome.NO_QUORUM
    elif result["winner"] is None:
        outcome = VotingRound.Outcome.NO_DECISION
    else:
        outcome = VotingRound.Outcome.ELECTED
    return {
        "round": voting_round.pk,
        "method": voting_round.method,
        "quorum_percent": voting_round.quorum_percent,
        "tie_break": voting_round.tie_break,
        "candidates": [c.pk for c in on_ballot],
        "electorate": voting_round.electorate_size or 0,
        "recused": recused,
        "turnout": turnout,
        "quorum_met": quorum,
        "lot_seed": seed,
        "ballots": tally.canonical_ballots(choices),
        "receipts": sorted(b.receipt for b in ballot_rows),
        "result": result,
        "outcome": str(outcome),
    }


class TallyCheck(NamedTuple):
    verified: bool
    digest: str  # recomputed from the stored ballots ("" for a round that is not closed)


def tally_check(voting_round: VotingRound) -> TallyCheck:
    """Recount a closed round from its stored ballots and compare with the stored tally."""
    if voting_round.status != VotingRound.Status.CLOSED:
        return TallyCheck(False, "")
    rows = list(voting_round.ballots.all())
    record = tally_record(
        voting_round,
        rows,
        turnout=VoteRecord.objects.filter(round=voting_round).count(),
        recused=Recusal.objects.filter(round=voting_round).count(),
    )
    recounted = tally.digest(record)
    elected = record["outcome"] == VotingRound.Outcome.ELECTED
    # The digest alone would not notice an edited tally, outcome or winner: compare them too.
    verified = (
        recounted == voting_round.digest
        and {k: v for k, v in record.items() if k != "ballots"} == voting_round.tally
        and record["outcome"] == voting_round.outcome
        and voting_round.winner_id == (record["result"]["winner"] if elected else None)
    )
    return TallyCheck(verified, recounted)


def verify_tally(voting_round: VotingRound) -> bool:
    return tally_check(voting_round).verified


def next_in_ranking(vacancy: Vacancy) -> Candidate | None:
    """The best-ranked candidate of the last decided round who is still available."""
    last = vacancy.rounds.filter(outcome=VotingRound.Outcome.ELECTED).order_by("-number").first()
    if last is None:
        return None
    available = {c.pk: c for c in vacancy.candidates.filter(status=Candidate.Status.SHORTLISTED)}
    assert last.tally is not None, "an elected round has its tally"
    for pk in last.tally["result"]["ranking"]:
        if pk in available:
            return available[pk]
    return None


# -- what waits for someone, for the dashboard's "For you" (counted together with the rest) ----


def rounds_to_vote(member: Member, *, now: dt.datetime | None = None) -> Waiting:
    """Open rounds the member may still vote in and has not (nor stepped out): the one that
    closes first (its ``pk``, ``ends_at``) and how many there are."""
    now = now or timezone.now()
    rounds = (
        VotingRound.objects.filter(status=VotingRound.Status.OPEN, ends_at__gt=now)
        .filter(Exists(Elector.objects.filter(round=OuterRef("pk"), member=member)))
        .exclude(Exists(VoteRecord.objects.filter(round=OuterRef("pk"), member=member)))
        .exclude(Exists(Recusal.objects.filter(round=OuterRef("pk"), member=member)))
        .order_by("ends_at", "pk")
    )
    return Waiting(rounds, ("pk", "ends_at"))


def applications_to_shortlist(association, *, now: dt.datetime | None = None) -> Waiting:
    """Applications on vacancies whose application period has ended and whose shortlist is not
    made yet: the vacancy that closed first (``vacancy_id``) and how many applications."""
    now = now or timezone.now()
    candidates = Candidate.objects.filter(
        status=Candidate.Status.APPLIED,
        vacancy__association=association,
        vacancy__status=Vacancy.Status.OPEN,
        vacancy__applications_close_at__lte=now,
    ).order_by("vacancy__applications_close_at", "vacancy_id", "pk")
    return Waiting(candidates, ("vacancy_id",))


def vacancies_awaiting_a_round(association) -> Waiting:
    """Vacancies with a final shortlist and no round running: the one available first (its
    ``pk``, ``available_from``) and how many."""
    vacancies = Vacancy.objects.filter(
        association=association, status=Vacancy.Status.SHORTLISTED
    ).order_by("available_from", "pk")
    return Waiting(vacancies, ("pk", "available_from"))


def nominations_waiting(corporation) -> Waiting:
    """Nominations the corporation has not decided on: the oldest (``nominated_at``) and how
    many."""
    nominations = Nomination.objects.filter(
        status=Nomination.Status.PENDING, vacancy__association__corporation=corporation
    ).order_by("nominated_at", "pk")
    return Waiting(nominations, ("pk", "nominated_at"))
