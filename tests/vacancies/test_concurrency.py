"""Real concurrent casts on PostgreSQL: one member one vote, 100 at once, casts racing the close.

Threads are released together by a barrier; each uses its own database connection and closes
it at the end. A ``DomainError`` (``RoundClosed`` is one) is a clean refusal; anything else is a
failure, the equivalent of a 500 (QUALITY reliability 1 and 2).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import Unit
from members.models import Member
from members.services import member_register
from tests.conftest import make_user
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies import ballots, selectors, services
from vacancies.models import Ballot, VoteRecord, VotingRound

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and MVCC need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("flushable_protected_rows"),
]

TRIALS = 3
# PostgreSQL's default max_connections is 100 and other test runs share the server: a race
# holds at most 50 connections at once (plus the test's own).
MAX_THREADS = 50


def _race(count: int, action: Callable[[int], object]) -> list[tuple[str, object]]:
    """Run ``action(i)`` in ``count`` threads released together; what each one got."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, object]] = [("not run", None)] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = ("ok", action(i))
        except DomainError as refusal:
            results[i] = ("refused", refusal)
        except Exception as error:
            results[i] = ("failed", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def _failures(results) -> list:
    return [r for r in results if r[0] not in ("ok", "refused")]


def _register(cast, count: int) -> list[Member]:
    """``count`` new members of the association with an account, registered before any round
    opens: they are electors (only members with an account vote online)."""
    today = timezone.localdate()
    members = []
    for n in range(count):
        member = member_register(
            actor=cast.board,
            association=cast.association,
            name=f"Lid {n:03d}",
            email=f"lid{n:03d}@example.net",
            group="regular",
            joined_on=today,
        )
        member.user = make_user(member.email)
        member.save(update_fields=["user"])
        members.append(member)
    return members


def _vacancies(cast, count: int):
    """A vacancy with a final shortlist per trial, each on a unit of its own."""
    units = [
        Unit.objects.create(
            building=cast.building, number=f"C{n}", kind=Unit.Kind.REGULAR, rent=650
        )
        for n in range(count)
    ]
    return [make_vacancy(cast, unit=unit) for unit in units]


def _answers(voting_round: VotingRound, index: int) -> dict:
    candidates = candidates_of(voting_round)
    chosen = candidates[index % len(candidates)]
    return {"answers": {str(c.pk): "yes" if c == chosen else "no" for c in candidates}}


def _members_who_log_in(cast) -> list[Member]:
    return list(
        Member.objects.filter(association=cast.association, user__isnull=False).select_related(
            "user"
        )
    )[:TRIALS]


def _twenty_casts(voting_round: VotingRound, member: Member) -> list[tuple[str, object]]:
    """Twenty casts for one member at once, each with other choices."""
    return _race(
        20,
        lambda i: services.ballot_cast(
            voting_round=voting_round, member=member, choices=_answers(voting_round, i)
        ),
    )


def test_twenty_casts_for_one_member_give_one_vote_record_and_one_ballot(cast, voting_round):
    for trial, member in enumerate(_members_who_log_in(cast), start=1):
        results = _twenty_casts(voting_round, member)
        assert _failures(results) == []
        receipts = [value for status, value in results if status == "ok"]
        assert receipts, "at least one cast must get through"
        assert VoteRecord.objects.filter(round=voting_round, member=member).count() == 1
        assert VoteRecord.objects.filter(round=voting_round).count() == trial
        assert Ballot.objects.filter(round=voting_round).count() == trial
        # The ballot that stays is one of the casts that were answered with a receipt.
        assert set(Ballot.objects.values_list("receipt", flat=True)) & set(receipts)


def test_twenty_casts_for_one_member_send_one_receipt_e_mail_for_the_ballot_that_stands(
    cast, voting_round, mailoutbox
):
    for member in _members_who_log_in(cast):
        mailoutbox.clear()
        results = _twenty_casts(voting_round, member)
        assert _failures(results) == []
        answered = [value for status, value in results if status == "ok"]
        assert len(answered) == 20  # every cast got a receipt page
        seal = ballots.seal_for(voting_round.pk, member.pk)
        standing = Ballot.objects.get(round=voting_round, seal=seal).receipt
        assert standing in answered
        assert [m.to for m in mailoutbox] == [[member.user.email]]
        assert standing in mailoutbox[0].body
        assert not [r for r in answered if r != standing and r in mailoutbox[0].body]


def test_a_hundred_members_casting_at_once_give_a_hundred_votes(cast):
    members = _register(cast, 100)
    rounds = [open_round(cast, vacancy) for vacancy in _vacancies(cast, TRIALS)]
    per_thread = len(members) // MAX_THREADS
    for voting_round in rounds:
        # Fifty connections, each casting for two members straight after the barrier.
        def cast_two(i: int, voting_round=voting_round) -> list[str]:
            return [
                services.ballot_cast(
                    voting_round=voting_round, member=m, choices=_answers(voting_round, i)
                )
                for m in members[i * per_thread : (i + 1) * per_thread]
            ]

        results = _race(MAX_THREADS, cast_two)
        assert _failures(results) == []
        assert [status for status, _value in results] == ["ok"] * MAX_THREADS
        receipts = {r for _status, value in results for r in value}
        assert len(receipts) == 100
        assert VoteRecord.objects.filter(round=voting_round).count() == 100
        assert Ballot.objects.filter(round=voting_round).count() == 100
        assert set(Ballot.objects.filter(round=voting_round).values_list("receipt", flat=True)) == (
            receipts
        )


def test_fifty_casts_racing_the_close_are_each_counted_or_told_the_round_closed(cast):
    members = _register(cast, 50)
    rounds = [open_round(cast, vacancy) for vacancy in _vacancies(cast, TRIALS)]
    for voting_round in rounds:
        after_end = voting_round.ends_at + dt.timedelta(seconds=1)

        def act(i: int, voting_round=voting_round, after_end=after_end):
            if i == len(members):
                return services.voting_round_close(round_id=voting_round.pk, now=after_end)
            return services.ballot_cast(
                voting_round=voting_round,
                member=members[i],
                choices=_answers(voting_round, i),
            )

        results = _race(len(members) + 1, act)
        assert _failures(results) == []
        closing = results[-1]
        assert closing[0] == "ok" and closing[1].status == VotingRound.Status.CLOSED
        casts = results[:-1]
        refusals = [value for status, value in casts if status == "refused"]
        assert all(isinstance(value, services.RoundClosed) for value in refusals)
        receipts = sorted(value for status, value in casts if status == "ok")
        closed = VotingRound.objects.get(pk=voting_round.pk)
        counted = closed.tally["turnout"]
        assert counted == VoteRecord.objects.filter(round=closed).count()
        assert counted == Ballot.objects.filter(round=closed).count()
        assert counted == len(receipts) == len(members) - len(refusals)
        assert closed.tally["receipts"] == receipts
        assert selectors.verify_tally(closed)


def test_after_the_close_all_ballots_share_one_transaction_and_none_a_cast_s(cast, voting_round):
    """PostgreSQL's xmin would tie a ballot to the transaction (and so the vote record) of its
    cast; the close rewrites every ballot in its own transaction (STACK.md)."""
    members = list(Member.objects.filter(association=cast.association, user__isnull=False))
    for i, member in enumerate(members):
        services.ballot_cast(
            voting_round=voting_round, member=member, choices=_answers(voting_round, i)
        )
    services.voting_round_close(
        round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM vacancies_ballot WHERE round_id = %s",
            [voting_round.pk],
        )
        ballot_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT xmin::text FROM vacancies_voterecord WHERE round_id = %s", [voting_round.pk]
        )
        record_xmins = [row[0] for row in cursor.fetchall()]
    assert len(record_xmins) == len(members) == 5
    assert len(set(record_xmins)) == len(members)  # sanity: each cast was its own transaction
    assert len(ballot_xmins) == 1
    assert not ballot_xmins & set(record_xmins)
