"""Ballot secrecy: no row, log line or e-mail ties a member to a receipt or a choice."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging

import pytest
import time_machine
from django.core import serializers
from django.db import connection
from django.test import override_settings

from coop.models import AuditEntry
from members.models import Member
from tests.vacancies.conftest import CANDIDATES, candidates_of, make_vacancy, open_round
from vacancies import ballots, selectors, services, tally
from vacancies.models import (
    Ballot,
    Candidate,
    Elector,
    Nomination,
    Recusal,
    Vacancy,
    VoteRecord,
    VotingRound,
)

VACANCY_MODELS = (Vacancy, Candidate, VotingRound, Elector, Recusal, VoteRecord, Ballot, Nomination)
CHOICE_KEYS = ('"answers"', '"approved"', '"ranking"')


def _electors(cast) -> list[Member]:
    return list(
        Member.objects.filter(association=cast.association, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    )


def _cast_ranked_round(cast, vacancy):
    """A ranked round where four members vote distinct rankings (one recasts); the fifth recuses."""
    voting_round = open_round(cast, vacancy, method="ranked")
    fenna, joost, amira = candidates_of(voting_round)
    members = _electors(cast)
    orders = [(fenna, joost), (joost, amira, fenna), (amira,), (fenna, amira, joost)]
    choices, receipts = {}, {}
    for member, order in zip(members, orders, strict=False):
        choices[member.pk] = {"ranking": [str(c.pk) for c in order]}
        receipts[member.pk] = services.ballot_cast(
            voting_round=voting_round, member=member, choices=choices[member.pk]
        )
    # The first member changes their mind: only the second receipt is counted.
    choices[members[0].pk] = {"ranking": [str(joost.pk)]}
    receipts[members[0].pk] = services.ballot_cast(
        voting_round=voting_round, member=members[0], choices=choices[members[0].pk]
    )
    services.recusal_declare(
        voting_round=voting_round, member=members[4], reason="Mijn nicht is kandidaat."
    )
    return voting_round, members[:4], choices, receipts


def _close(voting_round: VotingRound) -> VotingRound:
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        return services.voting_round_close(round_id=voting_round.pk)


def _dump() -> list[dict]:
    """Every row of the vacancy tables and the audit log, as a database dump would show them."""
    rows = []
    for model in (*VACANCY_MODELS, AuditEntry):
        rows.extend(json.loads(serializers.serialize("json", model.objects.all())))
    return rows


def _choice_texts(choices: dict[int, dict]) -> list[str]:
    """Plain-text forms a choice could take in a row: canonical JSON, loose JSON, repr."""
    texts = []
    for choice in choices.values():
        texts += [
            json.dumps(choice, sort_keys=True, separators=(",", ":")),
            json.dumps(choice),
            repr(choice),
        ]
    return texts


def test_a_database_dump_links_no_member_to_a_receipt_or_a_choice(
    cast, vacancy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        voting_round, _voters, choices, receipts = _cast_ranked_round(cast, vacancy)
        _close(voting_round)
    member_marks = {m.pk: {m.name, m.user.email, m.user.get_full_name()} for m in _electors(cast)}
    member_users = {m.user_id for m in _electors(cast)}
    choice_texts = _choice_texts(choices)
    all_receipts = set(receipts.values())
    seen_receipts = set()
    for row in _dump():
        fields = row["fields"]
        text = json.dumps(row, ensure_ascii=False)
        names_member = (
            "member" in fields
            or fields.get("actor") in member_users
            or "member" in (fields.get("data") or {})
            or any(mark in text for marks in member_marks.values() for mark in marks)
        )
        found = {r for r in all_receipts if r in text}
        seen_receipts |= found
        has_choice = any(t in text for t in choice_texts)
        if row["model"] != "vacancies.votinground":  # its tally has the result's "ranking"
            has_choice = has_choice or any(key in text for key in CHOICE_KEYS)
        assert not (names_member and (found or has_choice)), row
        # Receipts live on ballots and in the published tally only; choices nowhere in plain.
        assert not found or row["model"] in ("vacancies.ballot", "vacancies.votinground"), row
        assert not has_choice, row
    assert seen_receipts == all_receipts


def test_a_ballot_row_does_not_reveal_its_member_without_the_key(cast, vacancy):
    voting_round, voters, _choices, _receipts = _cast_ranked_round(cast, vacancy)
    stored_seals = set(Ballot.objects.filter(round=voting_round).values_list("seal", flat=True))
    assert stored_seals == {ballots.seal_for(voting_round.pk, m.pk) for m in voters}
    with override_settings(COOP_BALLOT_KEY="a-guess-at-the-ballot-key-of-this-installation"):
        guessed = {ballots.seal_for(voting_round.pk, m.pk) for m in _electors(cast)}
    assert not guessed & stored_seals


def test_no_audit_entry_holds_a_choice_or_a_receipt(cast, vacancy):
    voting_round, _voters, _choices, receipts = _cast_ranked_round(cast, vacancy)
    _close(voting_round)
    entries = list(AuditEntry.objects.all())
    assert {"round.opened", "round.closed", "round.recusal"} <= {e.action for e in entries}
    for entry in entries:
        data = json.dumps(entry.data)
        assert not any(key in data for key in CHOICE_KEYS), entry.action
        assert not any(receipt in data for receipt in receipts.values()), entry.action
    # Casting a ballot is not a governance action: it leaves no audit entry naming the voter.
    assert not [e for e in entries if e.action.startswith("ballot")]


def test_no_log_record_holds_a_choice(cast, vacancy, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    # Log every SQL statement with its parameters too, as a debugging administrator might.
    connection.force_debug_cursor = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            voting_round, _voters, choices, _receipts = _cast_ranked_round(cast, vacancy)
            _close(voting_round)
    finally:
        connection.force_debug_cursor = False
    assert any("vacancies_ballot" in r.getMessage() for r in caplog.records)
    choice_texts = _choice_texts(choices)
    canonical = tally.canonical_ballots(choices.values())
    for record in caplog.records:
        message = record.getMessage() + repr(getattr(record, "params", ""))
        assert not any(t in message for t in choice_texts + canonical), message
        # A ballot's ranking is a list of id strings; the published result ranks plain ids.
        assert '{"ranking":["' not in message and '"ranking": ["' not in message, message


def test_the_receipt_e_mail_has_the_receipt_but_not_the_choices(
    cast, vacancy, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        voting_round, voters, choices, receipts = _cast_ranked_round(cast, vacancy)
    mailoutbox[:] = [m for m in mailoutbox if any(r in m.body for r in receipts.values())]
    # One per counted code: the first member replaced their ballot before its e-mail went out,
    # so the replaced code was not sent.
    assert len(mailoutbox) == 4
    names = [c.name for c in candidates_of(voting_round)]
    for member in voters:
        own = [m for m in mailoutbox if m.to == [member.user.email]]
        assert own and receipts[member.pk] in own[-1].body
        for message in own:
            text = message.subject + message.body
            assert not any(name in text for name in names)
            assert not any(t in text for t in _choice_texts(choices))
            others = set(receipts.values()) - {receipts[member.pk]}
            assert not any(r in text for r in others)


# -- the size of a ballot ----------------------------------------------------------------------


def _stored_sizes(cast, voting_round: VotingRound, choices_per_member: list[dict]) -> list[int]:
    """Cast each choice for another member; the stored sizes of the round's ballots."""
    for member, choices in zip(_electors(cast), choices_per_member, strict=False):
        services.ballot_cast(voting_round=voting_round, member=member, choices=choices)
    return [
        len(bytes(sealed))
        for sealed in Ballot.objects.filter(round=voting_round).values_list(
            "sealed_choices", flat=True
        )
    ]


def _yes_no(answer: str):
    return lambda ids: {"answers": dict.fromkeys(ids, answer)}


@pytest.mark.parametrize(
    ("method", "candidates", "choosers"),
    [
        pytest.param(
            "yes_no", CANDIDATES, [_yes_no("abstain"), _yes_no("yes"), _yes_no("no")], id="yes_no"
        ),
        pytest.param(
            "approval",
            CANDIDATES,
            [
                lambda ids: {"approved": []},
                lambda ids: {"approved": ids[:1]},
                lambda ids: {"approved": ids},
            ],
            id="approval",
        ),
        pytest.param(
            "ranked",
            CANDIDATES,
            [
                lambda ids: {"ranking": ids[:1]},
                lambda ids: {"ranking": ids[::-1]},
                lambda ids: {"ranking": []},
            ],
            id="ranked",
        ),
        pytest.param(
            "yes_no",
            CANDIDATES[:1],
            [_yes_no("yes"), _yes_no("no"), _yes_no("abstain")],
            id="one-candidate-yes_no",
        ),
    ],
)
def test_every_ballot_of_a_round_is_stored_at_one_size_whatever_was_chosen(
    cast, method, candidates, choosers
):
    vacancy = make_vacancy(cast, candidates=candidates)
    voting_round = open_round(cast, vacancy, method=method)
    ids = [str(c.pk) for c in candidates_of(voting_round)]
    choices = [choose(ids) for choose in choosers]
    sizes = _stored_sizes(cast, voting_round, choices)
    assert len(sizes) == len(choices)
    assert len(set(sizes)) == 1, sizes
    # The choices still open as cast (the padding is stripped).
    opened = [
        ballots.open_choices(voting_round.pk, b.key, b.sealed_choices)
        for b in Ballot.objects.filter(round=voting_round)
    ]
    canonical = [tally.clean_choices(method, [int(pk) for pk in ids], c) for c in choices]
    assert tally.canonical_ballots(opened) == tally.canonical_ballots(canonical)


def _every_choice(method: str, ids: list[str]):
    """Every choice a round with these candidates accepts, in canonical form."""
    if method == "yes_no":
        for answers in itertools.product(tally.YES_NO_ANSWERS, repeat=len(ids)):
            yield {"answers": dict(zip(ids, answers, strict=True))}
    elif method == "approval":
        for n in range(len(ids) + 1):
            for subset in itertools.combinations(ids, n):
                yield {"approved": list(subset)}
    else:
        for n in range(len(ids) + 1):
            for ranking in itertools.permutations(ids, n):
                yield {"ranking": list(ranking)}


@pytest.mark.parametrize("method", ["yes_no", "approval", "ranked"])
@pytest.mark.parametrize("candidate_ids", [[7], [9, 10], [3, 98, 1234], [1, 22, 333, 4444]])
def test_the_padded_size_fits_the_longest_choice_exactly(method, candidate_ids):
    ids = [str(pk) for pk in candidate_ids]
    size = ballots.padded_size(method, candidate_ids)
    sealed_sizes, plain_sizes = set(), set()
    for raw in _every_choice(method, ids):
        choices = tally.clean_choices(method, candidate_ids, raw)
        plain_sizes.add(len(json.dumps(choices, sort_keys=True, separators=(",", ":"))))
        sealed = ballots.seal_choices(1, "k" * 32, choices, size=size)
        sealed_sizes.add(len(sealed))
        assert ballots.open_choices(1, "k" * 32, sealed) == choices
    assert max(plain_sizes) == size
    assert len(sealed_sizes) == 1


def test_a_choice_longer_than_the_round_s_size_is_refused_not_cut():
    choices = {"approved": ["1", "2"]}
    with pytest.raises(ValueError, match="does not fit"):
        ballots.seal_choices(1, "k" * 32, choices, size=ballots.padded_size("approval", [1]))


def test_ballots_stored_before_padding_still_open_and_their_round_verifies(cast, vacancy):
    voting_round = open_round(cast, vacancy, method="approval")
    ids = [c.pk for c in candidates_of(voting_round)]
    for member, approved in zip(_electors(cast), ([ids[0]], ids, []), strict=False):
        services.ballot_cast(
            voting_round=voting_round, member=member, choices={"approved": approved}
        )
    # Re-seal each ballot the way ballots were stored before padding: exactly the JSON's size.
    for ballot in Ballot.objects.filter(round=voting_round):
        choices = ballots.open_choices(voting_round.pk, ballot.key, ballot.sealed_choices)
        plain = json.dumps(choices, sort_keys=True, separators=(",", ":"))
        unpadded = ballots.seal_choices(voting_round.pk, ballot.key, choices, size=len(plain))
        Ballot.objects.filter(pk=ballot.pk).update(sealed_choices=unpadded)
    sizes = Ballot.objects.filter(round=voting_round).values_list("sealed_choices", flat=True)
    assert len({len(bytes(s)) for s in sizes}) == 3  # the old form: the size told the choice
    closed = _close(voting_round)
    assert closed.tally["result"]["counts"] == {str(ids[0]): 2, str(ids[1]): 1, str(ids[2]): 1}
    assert selectors.verify_tally(closed)


# -- seals after the close ---------------------------------------------------------------------


def test_after_the_close_no_seal_is_the_keyed_hash_of_the_round_and_an_elector(cast, vacancy):
    voting_round, voters, _choices, receipts = _cast_ranked_round(cast, vacancy)
    before = {b.key: b for b in Ballot.objects.filter(round=voting_round)}
    assert {b.seal for b in before.values()} == {
        ballots.seal_for(voting_round.pk, m.pk) for m in voters
    }
    closed = _close(voting_round)
    after = {b.key: b for b in Ballot.objects.filter(round=closed)}
    electors = Elector.objects.filter(round=closed).values_list("member_id", flat=True)
    keyed_hashes = {ballots.seal_for(closed.pk, member_id) for member_id in electors}
    assert len(keyed_hashes) == 5
    assert not {b.seal for b in after.values()} & keyed_hashes
    assert len({b.seal for b in after.values()}) == len(after) == 4
    assert all(len(b.seal) == 64 and int(b.seal, 16) >= 0 for b in after.values())
    # Only the seals changed: keys, receipts and choices are as cast, and the tally verifies.
    assert set(after) == set(before)
    for key, ballot in after.items():
        assert ballot.receipt == before[key].receipt
        assert bytes(ballot.sealed_choices) == bytes(before[key].sealed_choices)
    assert sorted(receipts.values()) == closed.tally["receipts"]
    assert selectors.verify_tally(closed)
