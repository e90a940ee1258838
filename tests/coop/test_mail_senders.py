"""E-mails come from the association by name at the site's sending address; those whose text
invites a reply carry a Reply-To of the person who acted, the others none and no such text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from activities import services as activity_services
from activities.services import ActivityData
from members import services as member_services
from members.models import Member
from tests.activities.conftest import at
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies import services as vacancy_services
from vacancies.models import Nomination

ADDRESS = "noreply@example.org"
REPLY = "Beantwoord deze e-mail"


def _from(cast) -> str:
    return f"{cast.association.name} <{ADDRESS}>"


def _activity(cast, *, days: int = 3, capacity: int | None = None):
    activity_services.categories_ensure(association=cast.association)
    day = timezone.localdate() + dt.timedelta(days=days)
    return activity_services.activity_plan(
        actor=cast.coordinator,
        association=cast.association,
        data=ActivityData(
            title="Samen koken",
            category=cast.association.activity_categories.first(),
            location="Keuken",
            starts_at=at(day, 18),
            ends_at=at(day, 20),
            capacity=capacity,
        ),
    )


def test_a_cancelled_date_comes_from_the_association_and_a_reply_reaches_the_coordinator(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = _activity(cast).occurrences.get()
    activity_services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.occurrence_cancel(
            actor=cast.coordinator, occurrence=occurrence, reason="Keuken wordt geverfd."
        )
    [mail] = mailoutbox
    assert mail.to == [cast.drager.email]
    assert mail.from_email == _from(cast)
    assert mail.reply_to == [cast.coordinator.email]
    assert f"{REPLY}; je antwoord gaat naar Cor Coördinator." in mail.body


def test_a_cancelled_activity_and_a_moved_date_also_answer_to_the_coordinator(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    activity = _activity(cast)
    occurrence = activity.occurrences.get()
    activity_services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    later = occurrence.starts_at + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.occurrence_move(
            actor=cast.coordinator,
            occurrence=occurrence,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
        )
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.activity_cancel(actor=cast.coordinator, activity=activity)
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        assert mail.from_email == _from(cast)
        assert mail.reply_to == [cast.coordinator.email]
        assert REPLY in mail.body


def test_reminders_and_a_place_from_the_waiting_list_invite_no_reply(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence = _activity(cast, days=1, capacity=1).occurrences.get()
    mine = activity_services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    activity_services.signup_create(
        actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member
    )
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.signup_cancel(actor=cast.drager, signup=mine)
    [promoted] = mailoutbox
    assert promoted.to == [cast.vrager.email]
    # The reminder goes out the evening before.
    evening = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(19, 0)))
    with (
        time_machine.travel(evening, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert activity_services.reminders_send() == 1
    reminder = mailoutbox[1]
    for mail in (promoted, reminder):
        assert mail.from_email == _from(cast)
        assert mail.reply_to == []
        assert REPLY not in mail.body


def test_rejected_hours_answer_to_the_coordinator_who_rejected_them(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    log = activity_services.contribution_log(
        actor=cast.drager,
        member=cast.drager_member,
        date=timezone.localdate(),
        hours=Decimal("2"),
        kind="support",
    )
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.contribution_reject(actor=cast.coordinator, log=log, reason="Dubbel.")
    [mail] = mailoutbox
    assert mail.from_email == _from(cast)
    assert mail.reply_to == [cast.coordinator.email]
    assert "je antwoord gaat naar Cor Coördinator, de coördinator" in mail.body


def test_nomination_e_mails_come_from_the_association(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    voting_round = open_round(cast, make_vacancy(cast))
    first = candidates_of(voting_round)[0]
    for member in Member.objects.filter(association=cast.association).order_by("pk")[:3]:
        vacancy_services.ballot_cast(
            voting_round=voting_round,
            member=member,
            choices={"answers": {str(first.pk): "yes"}},
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_services.voting_round_close(
            round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
        )
    [sent] = [m for m in mailoutbox if m.to == [cast.corporation_staff.email]]
    assert sent.from_email == _from(cast)
    assert sent.reply_to == []
    assert REPLY not in sent.body

    mailoutbox.clear()
    nomination = Nomination.objects.get(round=voting_round)
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_services.nomination_refuse(
            actor=cast.corporation_staff, nomination=nomination, reason="Inkomen te hoog."
        )
    [decided] = [m for m in mailoutbox if m.to == [cast.board.email]]
    assert decided.from_email == _from(cast)
    assert decided.reply_to == [cast.corporation_staff.email]
    assert "je antwoord gaat naar Kees Corporatie van de corporatie" in decided.body


def test_an_invitation_comes_from_the_association_and_a_reply_reaches_the_board_member(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    member = Member.objects.create(
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        joined_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        member_services.invitation_send(actor=cast.board, member=member)
    [mail] = mailoutbox
    assert mail.to == ["nina@example.org"]
    assert mail.from_email == _from(cast)
    assert mail.reply_to == [cast.board.email]
    assert "je antwoord gaat naar Bram Bestuur." in mail.body


def test_a_staff_invitation_comes_from_the_organisation_and_answers_to_the_colleague(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_services.staff_invite(
            actor=cast.corporation_staff,
            organisation=cast.corporation,
            email="nieuwe.collega@example.org",
            first_name="Nora",
            last_name="Nieuw",
            language="nl",
            starts_on=timezone.localdate(),
        )
    [mail] = mailoutbox
    assert mail.from_email == f"{cast.corporation.name} <{ADDRESS}>"
    assert mail.reply_to == [cast.corporation_staff.email]
    assert "je antwoord gaat naar Kees Corporatie." in mail.body
