"""The co-optation on real data: let units, members without an account, who is told what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry, Unit
from members.models import Member, MixGroupPeriod, Tenancy
from members.services import tenancy_end
from tests.vacancies.access_rows import _nomination
from tests.vacancies.conftest import empty_unit, make_vacancy, open_round
from vacancies import services
from vacancies.models import Elector, Vacancy, VotingRound


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _resident_without_account(cast, name="Wim Zonderaccount", email="wim@example.net"):
    member = Member.objects.create(
        association=cast.association,
        name=name,
        email=email,
        joined_on=timezone.localdate() - dt.timedelta(days=100),
    )
    MixGroupPeriod.objects.create(member=member, group="regular", starts_on=member.joined_on)
    return member


def _sent(mailoutbox, subject_part: str) -> list[str]:
    return sorted(address for m in mailoutbox if subject_part in m.subject for address in m.to)


# -- a vacancy only for a unit nobody rents on the day ------------------------------------------


def test_a_vacancy_is_refused_for_a_unit_whose_tenancy_has_no_end(cast):
    unit = cast.units[3]  # Sanne Selectie rents it, no end recorded
    with pytest.raises(DomainError) as refusal:
        services.vacancy_report(
            actor=cast.board, unit=unit, available_from=timezone.localdate() + dt.timedelta(30)
        )
    assert refusal.value.code == "unit_let_on_date"
    assert refusal.value.field == "available_from"
    assert "Sanne Selectie" in refusal.value.message
    assert not Vacancy.objects.exists()
    assert not AuditEntry.objects.filter(action="vacancy.reported").exists()


def test_a_vacancy_is_accepted_from_the_day_the_tenancy_ends_after_notice(cast):
    unit = cast.units[3]
    tenancy = Tenancy.objects.get(unit=unit)
    ends_on = timezone.localdate() + dt.timedelta(days=30)
    tenancy_end(actor=cast.board, tenancy=tenancy, ends_on=ends_on)
    with pytest.raises(DomainError) as refusal:
        services.vacancy_report(
            actor=cast.board, unit=unit, available_from=ends_on - dt.timedelta(days=1)
        )
    assert refusal.value.code == "unit_let_on_date"
    assert not Vacancy.objects.exists()
    vacancy = services.vacancy_report(actor=cast.board, unit=unit, available_from=ends_on)
    assert vacancy.available_from == ends_on


def test_a_vacancy_is_refused_when_a_later_tenancy_is_already_recorded(cast):
    unit = empty_unit(cast)
    newcomer = _resident_without_account(cast)
    Tenancy.objects.create(
        member=newcomer,
        unit=unit,
        kind="regular",
        starts_on=timezone.localdate() + dt.timedelta(days=60),
    )
    with pytest.raises(DomainError) as refusal:
        services.vacancy_report(
            actor=cast.board, unit=unit, available_from=timezone.localdate() + dt.timedelta(10)
        )
    assert refusal.value.code == "unit_let_on_date"
    assert not Vacancy.objects.exists()


def test_the_report_form_names_each_units_tenant_and_end_date(cast, client_for):
    tenancy = Tenancy.objects.get(unit=cast.units[3])
    ends_on = timezone.localdate() + dt.timedelta(days=45)
    tenancy_end(actor=cast.board, tenancy=tenancy, ends_on=ends_on)
    client = _en(client_for("board"))
    url = reverse("vacancies:vacancy_report", args=[cast.association.slug])
    text = client.get(url).content.decode()
    assert "Kapelgebouw 4 (regular): let to Sanne Selectie until " in text
    assert "Kapelgebouw 3 (regular): let to Bram Bestuur, no end date" in text
    assert "Kapelgebouw 2 (omklap unit)<" in text  # empty: no tenant named
    response = client.post(
        url,
        {
            "unit": cast.units[2].pk,
            "available_from": (timezone.localdate() + dt.timedelta(9)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Bram Bestuur rents this unit and no end of the tenancy is recorded" in (
        response.content.decode()
    )
    assert not Vacancy.objects.exists()


# -- the selection committee hears of a vacancy, the corporation of a nomination ---------------


def test_the_selection_committee_is_mailed_when_a_co_optation_vacancy_is_reported(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    cast.selection.language = "en"
    cast.selection.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        vacancy = services.vacancy_report(
            actor=cast.board, unit=empty_unit(cast), available_from=timezone.localdate()
        )
    [mail] = mailoutbox
    assert mail.to == [cast.selection.email]
    assert mail.subject == "A unit falls vacant: Kapelgebouw 8"
    assert reverse("vacancies:vacancy_detail", args=[vacancy.pk]) in mail.body
    assert "Write the profile" in mail.body


def test_the_committee_gets_no_mail_for_a_unit_the_care_organisation_fills(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_report(
            actor=cast.board, unit=cast.units[1], available_from=timezone.localdate()
        )
    assert mailoutbox == []


def test_the_corporation_is_mailed_when_a_nomination_waits_for_it(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = _nomination(cast)
    waiting = [m for m in mailoutbox if m.to == [cast.corporation_staff.email]]
    assert len(waiting) == 1
    assert "Woonvereniging De Kapel" in waiting[0].subject
    assert reverse("vacancies:nomination_detail", args=[nomination.pk]) in waiting[0].body


# -- the electorate: members with an account ----------------------------------------------------


def test_the_electorate_is_the_members_with_an_account_at_opening(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    wim = _resident_without_account(cast)
    vacancy = make_vacancy(cast)
    with django_capture_on_commit_callbacks(execute=True):
        voting_round = open_round(cast, vacancy)
    with_account = Member.objects.filter(association=cast.association, user__isnull=False)
    assert voting_round.electorate_size == with_account.count() == 5
    assert not Elector.objects.filter(round=voting_round, member=wim).exists()
    assert AuditEntry.objects.get(action="round.opened").data == {
        "electorate": 5,
        "without_account": 1,
    }
    opened = [
        m for m in mailoutbox if reverse("vacancies:round_detail", args=[voting_round.pk]) in m.body
    ]
    assert len(opened) == 5
    assert wim.email not in {address for m in opened for address in m.to}


def test_the_reminder_skips_members_without_an_account(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    wim = _resident_without_account(cast)
    voting_round = open_round(cast, make_vacancy(cast))
    mailoutbox.clear()
    day_before = voting_round.ends_at - dt.timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.voting_round_remind(round_id=voting_round.pk, now=day_before)
    assert reminded == 5
    assert wim.email not in {address for m in mailoutbox for address in m.to}


def test_the_round_pages_say_how_many_cannot_vote_online_and_state_the_quorum_base(
    cast, client_for
):
    _resident_without_account(cast)
    _resident_without_account(cast, name="Kim Zonder", email="kim@example.net")
    vacancy = make_vacancy(cast)
    board = _en(client_for("board"))
    text = board.get(reverse("vacancies:round_new", args=[vacancy.pk])).content.decode()
    assert "2 members have no account yet and cannot vote online in this round." in text
    members_page = reverse("portal:association_members", args=[cast.association.slug])
    assert f"{members_page}#without-account" in text
    voting_round = open_round(cast, vacancy, quorum=40)
    url = reverse("vacancies:round_detail", args=[voting_round.pk])
    text = board.get(url).content.decode()
    assert "2 members have no account yet and cannot vote online." in text
    assert f"{members_page}#without-account" in text
    assert "5 members with an account at opening, minus those who step out" in text
    assert "40% of the electorate must vote" in text
    # A plain member reads the same facts, without the board's invitation link.
    text = _en(client_for("drager")).get(url).content.decode()
    assert "2 members have no account yet" in text
    assert members_page not in text


def test_a_scheduled_round_states_its_electorate_before_it_opens(cast, client_for):
    vacancy = make_vacancy(cast)
    now = timezone.now()
    voting_round = services.voting_round_schedule(
        actor=cast.board,
        vacancy=vacancy,
        method="yes_no",
        quorum_percent=50,
        tie_break="earliest_application",
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=3),
    )
    assert voting_round.status == VotingRound.Status.SCHEDULED
    text = (
        _en(client_for("drager"))
        .get(reverse("vacancies:round_detail", args=[voting_round.pk]))
        .content.decode()
    )
    assert "the members with an account when the round opens, minus those who step out" in text
    assert "no account yet" not in text  # everyone in the cast has an account


# -- the nomination's confirm form --------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, group",
    [("regular", "regular"), ("drager", "drager")],
)
def test_the_confirm_form_defaults_the_group_to_the_units_kind_and_shows_an_iso_date(
    cast, client_for, kind, group
):
    nomination = _nomination(cast)
    Unit.objects.filter(pk=nomination.vacancy.unit_id).update(kind=kind)
    url = reverse("vacancies:nomination_detail", args=[nomination.pk])
    text = client_for("corporation_staff").get(url).content.decode()
    [select] = re.findall(r'<select name="group".*?</select>', text, re.DOTALL)
    assert re.findall(r'<option value="(\w+)" selected>', select) == [group]
    iso = nomination.vacancy.available_from.isoformat()
    assert f'type="date" name="starts_on" value="{iso}"' in text


def test_the_report_form_takes_the_unit_and_date_of_a_recorded_move_out(cast, client_for):
    unit = empty_unit(cast)
    day = (timezone.localdate() + dt.timedelta(days=12)).isoformat()
    url = reverse("vacancies:vacancy_report", args=[cast.association.slug])
    text = client_for("board").get(f"{url}?unit={unit.pk}&available_from={day}").content.decode()
    assert f'<option value="{unit.pk}" selected>' in text
    assert f'name="available_from" value="{day}"' in text
    assert not Vacancy.objects.exists()


def test_setting_up_a_round_can_invite_the_members_without_an_account(
    cast, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    wim = _resident_without_account(cast)
    vacancy = make_vacancy(cast)
    mailoutbox.clear()
    starts = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "method": "yes_no",
        "quorum_percent": "50",
        "tie_break": "earliest_application",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "invite_without_account": "on",
    }
    client = _en(client_for("board"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vacancies:round_new", args=[vacancy.pk]), data, follow=True)
    assert "1 invitation was sent." in response.content.decode()
    assert VotingRound.objects.get(vacancy=vacancy).status == VotingRound.Status.SCHEDULED
    assert [m.to for m in mailoutbox] == [[wim.email]]
    assert wim.invitations.get().invited_by == cast.board
