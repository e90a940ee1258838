"""django-q2 runs the vote with nobody online: opens, reminds once, closes, on time."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from coop.exceptions import DomainError
from coop.mail import render_email
from members.models import Member
from members.services import member_register
from tests.conftest import make_user
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import selectors, services, tasks
from vacancies.models import Elector, VoteRecord, VotingRound

SCHEDULES = importlib.import_module("vacancies.migrations.0003_voting_and_retention_schedules")


def _subject(template: str, voting_round: VotingRound, **extra) -> str:
    context = {"round": voting_round, "vacancy": voting_round.vacancy, "url": "", **extra}
    return render_email(f"vacancies/email/{template}", context, "nl")[0]


def _to(mailoutbox, template: str, voting_round: VotingRound, **extra) -> list[str]:
    subject = _subject(template, voting_round, **extra)
    return sorted(address for m in mailoutbox if m.subject == subject for address in m.to)


def _newcomer(cast, name: str, email: str, *, account: bool = True) -> Member:
    member = member_register(
        actor=cast.board,
        association=cast.association,
        name=name,
        email=email,
        group="regular",
        joined_on=timezone.localdate(),
    )
    if account:  # as if the invitation was accepted
        Member.objects.filter(pk=member.pk).update(user=make_user(email))
    return member


@pytest.fixture
def scheduled(cast, vacancy) -> VotingRound:
    """A yes/no round that opens in two hours and runs for three days."""
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    return services.voting_round_schedule(
        actor=cast.board,
        vacancy=vacancy,
        method="yes_no",
        quorum_percent=40,
        tie_break="earliest_application",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(days=3),
    )


def _tick(at: dt.datetime, capture) -> dict[str, int]:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return tasks.rounds_tick()


def test_the_schedules_exist_and_repeat_forever(db):
    rows = Schedule.objects.filter(name__in=SCHEDULES.SCHEDULES)
    assert {s.name: s.func for s in rows} == {
        name: fields["func"] for name, fields in SCHEDULES.SCHEDULES.items()
    }
    assert {s.repeats for s in rows} == {-1}
    tick = rows.get(func="vacancies.tasks.rounds_tick")
    assert (tick.schedule_type, tick.minutes) == (Schedule.MINUTES, 1)
    assert rows.get(func="vacancies.tasks.candidates_purge").schedule_type == Schedule.DAILY


def test_the_tick_opens_a_round_at_its_start_with_the_members_of_that_moment(
    cast, scheduled, django_capture_on_commit_callbacks, mailoutbox
):
    assert scheduled.status == VotingRound.Status.SCHEDULED
    early = _newcomer(cast, "Eva Vroeg", "eva@example.net")
    offline = _newcomer(cast, "Otto Offline", "otto@example.net", account=False)
    assert (
        _tick(scheduled.starts_at - dt.timedelta(minutes=1), django_capture_on_commit_callbacks)[
            "opened"
        ]
        == 0
    )
    assert VotingRound.objects.get(pk=scheduled.pk).status == VotingRound.Status.SCHEDULED
    done = _tick(scheduled.starts_at, django_capture_on_commit_callbacks)
    assert done["opened"] == 1
    opened = VotingRound.objects.get(pk=scheduled.pk)
    assert opened.status == VotingRound.Status.OPEN
    assert opened.opened_at == scheduled.starts_at
    with_account = set(
        Member.objects.active()
        .filter(association=cast.association, user__isnull=False)
        .values_list("pk", flat=True)
    )
    electors = set(Elector.objects.filter(round=opened).values_list("member_id", flat=True))
    assert electors == with_account and early.pk in electors
    assert cast.outsider_member.pk not in electors
    # Without an account nobody can vote online: not in the electorate, no "vote now" e-mail.
    assert offline.pk not in electors
    assert opened.electorate_size == len(with_account)
    assert "eva@example.net" in _to(mailoutbox, "round_opened", opened)
    assert "otto@example.net" not in _to(mailoutbox, "round_opened", opened)
    # Joining after the opening gives no vote in this round.
    late = _newcomer(cast, "Lars Laat", "lars@example.net")
    assert not Elector.objects.filter(round=opened, member=late).exists()
    with (
        time_machine.travel(scheduled.starts_at + dt.timedelta(hours=1), tick=False),
        pytest.raises(DomainError) as raised,
    ):
        services.ballot_cast(
            voting_round=opened,
            member=late,
            choices={"answers": {str(candidates_of(opened)[0].pk): "yes"}},
        )
    assert raised.value.code == "not_in_electorate"
    # A second tick finds nothing left to open.
    assert (
        _tick(scheduled.starts_at + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)[
            "opened"
        ]
        == 0
    )


def test_the_reminder_goes_once_to_electors_who_neither_voted_nor_stepped_out(
    cast, scheduled, django_capture_on_commit_callbacks, mailoutbox
):
    _tick(scheduled.starts_at, django_capture_on_commit_callbacks)
    voting_round = VotingRound.objects.get(pk=scheduled.pk)
    fenna = candidates_of(voting_round)[0]
    with time_machine.travel(scheduled.starts_at + dt.timedelta(hours=1), tick=False):
        services.ballot_cast(
            voting_round=voting_round,
            member=cast.drager_member,
            choices={"answers": {str(fenna.pk): "yes"}},
        )
        services.recusal_declare(
            voting_round=voting_round, member=cast.vrager_member, reason="Mijn zus solliciteert."
        )
    # Two days before the close: too early for the reminder.
    assert (
        _tick(voting_round.ends_at - dt.timedelta(days=2), django_capture_on_commit_callbacks)[
            "reminded"
        ]
        == 0
    )
    assert _to(mailoutbox, "round_reminder", voting_round) == []
    mailoutbox.clear()
    day_before = voting_round.ends_at - dt.timedelta(hours=23)
    assert _tick(day_before, django_capture_on_commit_callbacks)["reminded"] == 1
    closes = services.reminder_closes(voting_round, day_before)
    assert _to(mailoutbox, "round_reminder", voting_round, closes=closes) == [
        "bestuur@example.org",
        "coordinator@example.org",
        "selectie@example.org",
    ]
    assert VotingRound.objects.get(pk=voting_round.pk).reminded_at == day_before
    # The schedule runs every minute: later ticks send nothing again.
    mailoutbox.clear()
    for minutes in (0, 1, 60):
        at = day_before + dt.timedelta(minutes=minutes)
        assert _tick(at, django_capture_on_commit_callbacks)["reminded"] == 0
    assert mailoutbox == []


def test_the_tick_closes_the_round_at_its_end_and_tells_the_electors(
    cast, scheduled, django_capture_on_commit_callbacks, mailoutbox
):
    _tick(scheduled.starts_at, django_capture_on_commit_callbacks)
    voting_round = VotingRound.objects.get(pk=scheduled.pk)
    fenna = candidates_of(voting_round)[0]
    with time_machine.travel(scheduled.starts_at + dt.timedelta(hours=1), tick=False):
        for member in (cast.drager_member, cast.vrager_member, cast.board_member):
            services.ballot_cast(
                voting_round=voting_round,
                member=member,
                choices={"answers": {str(fenna.pk): "yes"}},
            )
    before_end = voting_round.ends_at - dt.timedelta(seconds=1)
    assert _tick(before_end, django_capture_on_commit_callbacks)["closed"] == 0
    assert VotingRound.objects.get(pk=voting_round.pk).status == VotingRound.Status.OPEN
    mailoutbox.clear()
    assert _tick(voting_round.ends_at, django_capture_on_commit_callbacks)["closed"] == 1
    closed = VotingRound.objects.get(pk=voting_round.pk)
    assert closed.status == VotingRound.Status.CLOSED
    assert closed.closed_at == voting_round.ends_at
    assert closed.winner_id == fenna.pk
    assert selectors.verify_tally(closed)
    assert _to(mailoutbox, "round_closed", closed) == [
        "bestuur@example.org",
        "coordinator@example.org",
        "drager@example.org",
        "selectie@example.org",
        "vrager@example.org",
    ]
    # Rerunning the tick leaves the closed round as it is and sends nothing.
    mailoutbox.clear()
    assert (
        _tick(voting_round.ends_at + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)[
            "closed"
        ]
        == 0
    )
    assert mailoutbox == []
    assert VotingRound.objects.get(pk=closed.pk).digest == closed.digest


def test_a_round_nobody_opened_in_time_is_opened_and_closed_by_the_late_tick(
    cast, scheduled, django_capture_on_commit_callbacks
):
    done = _tick(scheduled.ends_at + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    closed = VotingRound.objects.get(pk=scheduled.pk)
    assert done["closed"] == 1
    assert closed.status == VotingRound.Status.CLOSED
    assert closed.outcome == VotingRound.Outcome.NO_QUORUM
    assert closed.tally["turnout"] == 0


def test_a_round_that_fails_to_close_holds_up_no_other_round_and_is_logged(
    cast, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    broken = open_round(cast, make_vacancy(cast), hours=47)
    healthy = open_round(cast, make_vacancy(cast, unit=empty_unit(cast, "8")), hours=48)
    reminded = open_round(cast, make_vacancy(cast, unit=empty_unit(cast, "9")), hours=72)
    # A vote record without its ballot: the count of this round does not add up, so closing
    # it fails (and must, rather than publish a wrong tally).
    VoteRecord.objects.create(round=broken, member=cast.board_member)

    with caplog.at_level(logging.ERROR, logger="vacancies.tasks"):
        done = _tick(healthy.ends_at + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert done == {"opened": 0, "reminded": 1, "closed": 1, "failed": 1}
    statuses = dict(VotingRound.objects.values_list("pk", "status"))
    assert statuses == {
        broken.pk: VotingRound.Status.OPEN,
        healthy.pk: VotingRound.Status.CLOSED,
        reminded.pk: VotingRound.Status.OPEN,
    }
    assert VotingRound.objects.get(pk=reminded.pk).reminded_at is not None
    [record] = caplog.records
    assert record.getMessage() == f"Voting round {broken.pk} could not be closed"
    assert "1 vote records but 0 ballots" in record.exc_text


@pytest.mark.parametrize(
    ("ends", "reminded", "subject"),
    [
        # A round that closes within the hour says so, not "tomorrow".
        ("2026-06-10 20:00", "2026-06-10 19:15", "sluit binnen het uur"),
        ("2026-06-10 20:00", "2026-06-10 09:00", "sluit vandaag om 20:00 uur"),
        ("2026-06-11 10:00", "2026-06-10 12:00", "sluit morgen om 10:00 uur"),
    ],
)
def test_the_reminder_says_when_the_round_really_closes(
    cast, vacancy, django_capture_on_commit_callbacks, mailoutbox, ends, reminded, subject
):
    zone = ZoneInfo("Europe/Amsterdam")
    ends_at = dt.datetime.fromisoformat(ends).replace(tzinfo=zone)
    now = dt.datetime.fromisoformat(reminded).replace(tzinfo=zone)
    with time_machine.travel(now - dt.timedelta(days=2), tick=False):
        voting_round = open_round(cast, vacancy, hours=1)
    VotingRound.objects.filter(pk=voting_round.pk).update(ends_at=ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.voting_round_remind(round_id=voting_round.pk, now=now) > 0
    subjects = {m.subject for m in mailoutbox}
    assert subjects == {f"Herinnering: de stemming over je nieuwe buur {subject}"}
    # The association writes: its name is the sender's name.
    assert {m.from_email for m in mailoutbox} == {f"{cast.association.name} <noreply@example.org>"}
    assert all(f"{ends_at.day} juni 2026" in m.body for m in mailoutbox)
