"""Ballots at rest: what a row holds, revoting, receipts, the closed-round trigger, verify_tally."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings

from members.models import Member
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import ballots, selectors, services
from vacancies.models import Ballot, VoteRecord, VotingRound

OTHER_KEY = "another-ballot-key-from-a-different-installation-5f2e"


def _electors(cast) -> list[Member]:
    """The cast's members of the association who log in, in a stable order."""
    return list(
        Member.objects.filter(association=cast.association, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    )


def _yes_for(candidate, *others) -> dict:
    answers = {str(candidate.pk): "yes"} | {str(o.pk): "no" for o in others}
    return {"answers": answers}


def _close(voting_round: VotingRound) -> VotingRound:
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        return services.voting_round_close(round_id=voting_round.pk)


@pytest.fixture
def closed_round(cast, voting_round) -> VotingRound:
    fenna, joost, amira = candidates_of(voting_round)
    for member in _electors(cast)[:3]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices=_yes_for(fenna, joost, amira)
        )
    return _close(voting_round)


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_tally", *args, stdout=out)
    return out.getvalue()


def _verify_fails(*args: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_tally", *args, stdout=out)
    return out.getvalue()


# -- what a ballot row is ----------------------------------------------------------------------


def test_a_ballot_row_has_no_member_link_and_no_timestamp():
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"key", "round", "seal", "receipt", "sealed_choices"}
    related = {f.related_model for f in fields.values() if f.is_relation}
    assert related == {VotingRound}
    assert not [
        f for f in fields.values() if f.get_internal_type() in ("DateTimeField", "DateField")
    ]
    assert Ballot._meta.pk.name == "key"


def test_the_ballot_key_is_random_and_not_a_counter(cast, voting_round):
    fenna = candidates_of(voting_round)[0]
    for member in _electors(cast)[:3]:
        services.ballot_cast(voting_round=voting_round, member=member, choices=_yes_for(fenna))
    keys = list(Ballot.objects.filter(round=voting_round).values_list("key", flat=True))
    assert len(set(keys)) == 3
    assert all(len(k) == 32 and int(k, 16) > 10**20 for k in keys)


def test_the_stored_choices_are_encrypted_and_bound_to_the_key(cast, voting_round):
    fenna, joost, amira = candidates_of(voting_round)
    choices = _yes_for(fenna, joost, amira)
    services.ballot_cast(voting_round=voting_round, member=cast.drager_member, choices=choices)
    ballot = Ballot.objects.get(round=voting_round)
    sealed = bytes(ballot.sealed_choices)
    for plain in (b"yes", b"answers", str(fenna.pk).encode() + b'":', json.dumps(choices).encode()):
        assert plain not in sealed
    opened = ballots.open_choices(voting_round.pk, ballot.key, sealed)
    assert opened["answers"][str(fenna.pk)] == "yes"
    with override_settings(COOP_BALLOT_KEY=OTHER_KEY), pytest.raises(ballots.BallotKeyError):
        ballots.open_choices(voting_round.pk, ballot.key, sealed)
    # Moved to another ballot key or another round, the ciphertext does not open either.
    with pytest.raises(ballots.BallotKeyError):
        ballots.open_choices(voting_round.pk, ballots.new_ballot_key(), sealed)
    with pytest.raises(ballots.BallotKeyError):
        ballots.open_choices(voting_round.pk + 1, ballot.key, sealed)


def test_the_same_choices_encrypt_differently_each_time():
    choices = {"approved": ["1", "2"]}
    size = ballots.padded_size("approval", [1, 2])
    first = ballots.seal_choices(1, "a" * 32, choices, size=size)
    assert first != ballots.seal_choices(1, "a" * 32, choices, size=size)


def test_the_seal_differs_per_member_and_round_and_needs_the_key(cast, voting_round):
    member, other = cast.drager_member, cast.vrager_member
    seal = ballots.seal_for(voting_round.pk, member.pk)
    assert seal != ballots.seal_for(voting_round.pk, other.pk)
    assert seal != ballots.seal_for(voting_round.pk + 1, member.pk)
    message = f"{voting_round.pk}:{member.pk}".encode()
    assert seal not in {hashlib.sha256(message).hexdigest(), hashlib.sha3_256(message).hexdigest()}
    with override_settings(COOP_BALLOT_KEY=OTHER_KEY):
        assert ballots.seal_for(voting_round.pk, member.pk) != seal
    services.ballot_cast(
        voting_round=voting_round,
        member=member,
        choices=_yes_for(candidates_of(voting_round)[0]),
    )
    assert Ballot.objects.get(round=voting_round).seal == seal


def test_revoting_replaces_the_ballot_under_the_same_seal_with_a_new_key_and_receipt(
    cast, voting_round
):
    fenna, joost, _amira = candidates_of(voting_round)
    member = cast.drager_member
    first = services.ballot_cast(voting_round=voting_round, member=member, choices=_yes_for(fenna))
    before = Ballot.objects.get(round=voting_round)
    second = services.ballot_cast(voting_round=voting_round, member=member, choices=_yes_for(joost))
    after = Ballot.objects.get(round=voting_round)
    assert (first, second) == (before.receipt, after.receipt)
    assert after.seal == before.seal
    assert after.key != before.key and after.receipt != before.receipt
    opened = ballots.open_choices(voting_round.pk, after.key, after.sealed_choices)
    assert opened["answers"][str(joost.pk)] == "yes"
    assert VoteRecord.objects.filter(round=voting_round, member=member).count() == 1


def _receipt_mails(mailoutbox, user) -> list[str]:
    return [m.body for m in mailoutbox if m.to == [user.email]]


def test_a_burst_of_revotes_sends_one_receipt_e_mail_for_the_ballot_that_stands(
    cast, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    fenna, joost, amira = candidates_of(voting_round)
    member = cast.drager_member
    # The e-mails go out after the last cast committed, as when casts come in a burst: by
    # then the first two ballots were replaced, so their receipts are not sent.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        replaced = [
            services.ballot_cast(voting_round=voting_round, member=member, choices=_yes_for(c))
            for c in (fenna, joost)
        ]
        standing = services.ballot_cast(
            voting_round=voting_round, member=member, choices=_yes_for(amira)
        )
    assert len(callbacks) == 3
    assert Ballot.objects.get(round=voting_round).receipt == standing
    bodies = _receipt_mails(mailoutbox, cast.drager)
    assert len(bodies) == 1
    assert standing in bodies[0]
    assert not any(receipt in bodies[0] for receipt in replaced)


def test_a_revote_after_the_receipt_e_mail_went_out_gets_an_e_mail_of_its_own(
    cast, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    fenna, joost, _amira = candidates_of(voting_round)
    member = cast.drager_member
    receipts = []
    for candidate in (fenna, joost):
        with django_capture_on_commit_callbacks(execute=True):
            receipts.append(
                services.ballot_cast(
                    voting_round=voting_round, member=member, choices=_yes_for(candidate)
                )
            )
    bodies = _receipt_mails(mailoutbox, cast.drager)
    assert len(bodies) == 2
    assert receipts[0] in bodies[0] and receipts[1] in bodies[1]
    # The e-mail tells that a later vote replaces this one.
    assert "telt alleen de nieuwe" in bodies[0] or "only the new one counts" in bodies[0]


def test_a_receipt_e_mail_that_goes_out_after_the_close_is_still_sent(
    cast, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.ballot_cast(
            voting_round=voting_round,
            member=cast.drager_member,
            choices=_yes_for(candidates_of(voting_round)[0]),
        )
        closed = _close(voting_round)
    assert closed.tally["receipts"] == [receipt]  # counted, though its seal was wiped
    bodies = _receipt_mails(mailoutbox, cast.drager)
    assert [receipt in body for body in bodies].count(True) == 1


def test_the_round_closed_e_mail_carries_the_digest(
    cast, voting_round, django_capture_on_commit_callbacks, mailoutbox
):
    fenna, joost, amira = candidates_of(voting_round)
    for member in _electors(cast)[:3]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices=_yes_for(fenna, joost, amira)
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = _close(voting_round)
    assert len(closed.digest) == 64
    electors = sorted(m.user.email for m in _electors(cast))
    to_electors = [m for m in mailoutbox if m.to[0] in electors]  # not the nomination's
    assert sorted(a for m in to_electors for a in m.to) == electors
    assert all(closed.digest in m.body for m in to_electors)


def test_the_database_refuses_a_second_vote_record_for_a_member(cast, voting_round):
    services.ballot_cast(
        voting_round=voting_round,
        member=cast.drager_member,
        choices=_yes_for(candidates_of(voting_round)[0]),
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        VoteRecord.objects.create(round=voting_round, member=cast.drager_member)


def test_nothing_of_the_result_is_stored_before_the_close(cast, voting_round):
    fenna = candidates_of(voting_round)[0]
    for member in _electors(cast)[:3]:
        services.ballot_cast(voting_round=voting_round, member=member, choices=_yes_for(fenna))
    voting_round.refresh_from_db()
    assert voting_round.tally is None
    assert voting_round.outcome == ""
    assert voting_round.winner is None
    assert voting_round.digest == ""


def test_the_counted_receipts_are_published_sorted_after_the_close(cast, voting_round):
    fenna, joost, _amira = candidates_of(voting_round)
    first, second, third = _electors(cast)[:3]
    replaced = services.ballot_cast(
        voting_round=voting_round, member=first, choices=_yes_for(joost)
    )
    counted = [
        services.ballot_cast(voting_round=voting_round, member=first, choices=_yes_for(fenna)),
        services.ballot_cast(voting_round=voting_round, member=second, choices=_yes_for(fenna)),
        services.ballot_cast(voting_round=voting_round, member=third, choices=_yes_for(joost)),
    ]
    closed = _close(voting_round)
    assert closed.tally["receipts"] == sorted(counted)
    assert replaced not in closed.tally["receipts"]
    assert closed.tally["turnout"] == 3
    assert "ballots" not in closed.tally


# -- the closed-round trigger ------------------------------------------------------------------


def test_the_database_refuses_changing_a_ballot_of_a_closed_round(closed_round):
    ballot = Ballot.objects.filter(round=closed_round).first()
    with transaction.atomic(), pytest.raises(DatabaseError):
        Ballot.objects.filter(pk=ballot.pk).update(receipt="AAAA-BBBB-CCCC")
    with transaction.atomic(), pytest.raises(DatabaseError):
        Ballot.objects.filter(pk=ballot.pk).update(sealed_choices=b"\x00" * 40)
    assert Ballot.objects.get(pk=ballot.pk).receipt == ballot.receipt


def test_the_database_refuses_removing_or_adding_ballots_of_a_closed_round(closed_round):
    with transaction.atomic(), pytest.raises(DatabaseError):
        Ballot.objects.filter(round=closed_round).delete()
    with transaction.atomic(), pytest.raises(DatabaseError):
        Ballot.objects.create(
            key=ballots.new_ballot_key(),
            round=closed_round,
            seal="f" * 64,
            receipt=ballots.new_receipt(),
            sealed_choices=b"\x00" * 40,
        )
    assert Ballot.objects.filter(round=closed_round).count() == 3


def test_the_database_refuses_changing_vote_records_of_a_closed_round(cast, closed_round):
    with transaction.atomic(), pytest.raises(DatabaseError):
        VoteRecord.objects.filter(round=closed_round).delete()
    with transaction.atomic(), pytest.raises(DatabaseError):
        VoteRecord.objects.create(round=closed_round, member=cast.drager_member)
    assert VoteRecord.objects.filter(round=closed_round).count() == 3


@pytest.mark.parametrize("status", ["open", "scheduled"])
def test_the_database_refuses_setting_a_closed_round_back_to_another_status(closed_round, status):
    # Re-opened, its ballots would lose the triggers' guard: deleted, recast, closed again.
    refused = pytest.raises(DatabaseError, match="closed voting round")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE vacancies_votinground SET status = %s WHERE id = %s", [status, closed_round.pk]
        )
    assert VotingRound.objects.get(pk=closed_round.pk).status == VotingRound.Status.CLOSED
    with pytest.raises(DatabaseError), transaction.atomic():
        VotingRound.objects.filter(pk=closed_round.pk).update(status=status, tally=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.filter(round=closed_round).delete()
    assert Ballot.objects.filter(round=closed_round).count() == 3


def test_a_closed_round_keeps_its_status_on_a_save_and_an_open_round_still_closes(
    cast, closed_round
):
    closed_round.save()  # every column, the status unchanged
    other = open_round(cast, make_vacancy(cast, unit=empty_unit(cast)))
    assert _close(other).status == VotingRound.Status.CLOSED


_POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no TRUNCATE statement"
)


def _truncate(*tables: str) -> None:
    with connection.cursor() as cursor:
        # Pending foreign-key checks of this test's inserts would refuse TRUNCATE by themselves.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)}")


@_POSTGRESQL_ONLY
@pytest.mark.parametrize("table", ["vacancies_ballot", "vacancies_voterecord"])
def test_postgresql_refuses_truncating_ballots_or_vote_records_of_a_closed_round(
    closed_round, table
):
    with pytest.raises(DatabaseError, match="closed round"), transaction.atomic():
        _truncate(table)
    assert Ballot.objects.filter(round=closed_round).count() == 3
    assert VoteRecord.objects.filter(round=closed_round).count() == 3


@_POSTGRESQL_ONLY
def test_postgresql_truncates_rows_of_rounds_still_open_as_it_deletes_them(cast, voting_round):
    services.ballot_cast(
        voting_round=voting_round,
        member=cast.drager_member,
        choices=_yes_for(candidates_of(voting_round)[0]),
    )
    with transaction.atomic():
        _truncate("vacancies_ballot", "vacancies_voterecord")
        assert not Ballot.objects.exists() and not VoteRecord.objects.exists()


def test_ballots_of_an_open_round_are_not_frozen(cast, voting_round):
    services.ballot_cast(
        voting_round=voting_round,
        member=cast.drager_member,
        choices=_yes_for(candidates_of(voting_round)[0]),
    )
    assert Ballot.objects.filter(round=voting_round).update(receipt="AAAA-BBBB-CCCC") == 1


# -- manage.py verify_tally --------------------------------------------------------------------


def test_verify_tally_says_ok_after_a_normal_close_with_the_digest_it_checked(closed_round):
    assert selectors.verify_tally(closed_round)
    output = _verify()
    assert f"round {closed_round.pk} " in output
    assert len(closed_round.digest) == 64
    assert output.strip().endswith(f": ok, digest {closed_round.digest}")
    assert "MISMATCH" not in output


def test_verify_tally_checks_only_the_rounds_asked_for(cast, closed_round):
    other = make_vacancy(cast, unit=empty_unit(cast))
    _close(open_round(cast, other))
    output = _verify("--round", str(closed_round.pk))
    assert f"round {closed_round.pk} " in output
    assert output.count(": ok") == 1
    assert _verify().count(": ok") == 2


def test_verify_tally_reports_a_tampered_digest_next_to_the_recounted_one(closed_round):
    VotingRound.objects.filter(pk=closed_round.pk).update(digest="0" * 64)
    output = _verify_fails()
    assert f"round {closed_round.pk} " in output and "MISMATCH" in output
    assert f"stored digest {'0' * 64}" in output
    assert f"recounted digest {closed_round.digest}" in output


def _loser(stored: dict) -> int:
    return next(pk for pk in stored["candidates"] if pk != stored["result"]["winner"])


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: t["result"].update(winner=_loser(t)), id="winner"),
        pytest.param(lambda t: t.update(turnout=t["turnout"] + 5), id="turnout"),
        pytest.param(lambda t: t["receipts"].append("ZZZZ-ZZZZ-ZZZZ"), id="receipts"),
        pytest.param(lambda t: t.update(quorum_met=not t["quorum_met"]), id="quorum"),
    ],
)
def test_verify_tally_reports_a_tampered_tally(closed_round, tamper):
    stored = VotingRound.objects.get(pk=closed_round.pk).tally
    tamper(stored)
    VotingRound.objects.filter(pk=closed_round.pk).update(tally=stored)
    assert not selectors.verify_tally(VotingRound.objects.get(pk=closed_round.pk))
    assert "MISMATCH" in _verify_fails("--round", str(closed_round.pk))


def test_verify_tally_reports_a_tampered_winner_or_outcome(closed_round):
    VotingRound.objects.filter(pk=closed_round.pk).update(winner_id=_loser(closed_round.tally))
    assert "MISMATCH" in _verify_fails()
    VotingRound.objects.filter(pk=closed_round.pk).update(
        winner_id=closed_round.winner_id, outcome=VotingRound.Outcome.NO_DECISION
    )
    assert "MISMATCH" in _verify_fails()


def test_verify_tally_reports_ballots_it_cannot_open_without_a_traceback(closed_round):
    with override_settings(COOP_BALLOT_KEY=OTHER_KEY):
        output = _verify_fails()
    assert f"round {closed_round.pk} " in output
    assert "MISMATCH" in output and "ballot key" in output
    assert "Traceback" not in output


def test_verify_tally_refuses_an_unknown_or_open_round(voting_round):
    output = _verify_fails("--round", str(voting_round.pk), "--round", "999999")
    assert "999999" in output and "no such round" in output
    assert f"round {voting_round.pk} " in output and "not closed" in output


def test_verify_tally_without_closed_rounds_succeeds_quietly(voting_round):
    assert "No closed rounds" in _verify()
