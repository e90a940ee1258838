"""Ballot secrecy: no row, log line or e-mail ties a member to a receipt or a choice."""

from __future__ import annotations

import datetime as dt
import json
import logging

import time_machine
from django.core import serializers
from django.db import connection
from django.test import override_settings

from coop.models import AuditEntry
from members.models import Member
from tests.vacancies.conftest import candidates_of, open_round
from vacancies import ballots, services, tally
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
    # One per counted code (the first member's replaced code came in an e-mail of its own).
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
