"""Vacancy pages of the board and the selection committee: report, profile, shortlist, round."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from members.models import Member
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import services
from vacancies.models import Candidate, Nomination, Route, Vacancy, VotingRound


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_vacancy_list_shows_an_empty_state_and_the_report_button(cast, client_for):
    url = reverse("vacancies:vacancy_list", args=[cast.association.slug])
    text = _en(client_for("board")).get(url).content.decode()
    assert "No vacancies yet" in text
    assert reverse("vacancies:vacancy_report", args=[cast.association.slug]) in text
    text = _en(client_for("selection")).get(url).content.decode()
    assert reverse("vacancies:vacancy_report", args=[cast.association.slug]) not in text


def test_the_vacancy_list_shows_each_vacancy_with_status_unit_and_days_open(
    cast, client_for, vacancy
):
    Vacancy.objects.filter(pk=vacancy.pk).update(
        reported_on=timezone.localdate() - dt.timedelta(days=12)
    )
    url = reverse("vacancies:vacancy_list", args=[cast.association.slug])
    response = _en(client_for("corporation_staff")).get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kapelgebouw 7" in text
    assert vacancy.get_status_display() in text
    assert '<td class="num">12</td>' in text


def test_the_board_reports_a_vacancy_with_the_default_route(cast, client_for):
    client = client_for("board")
    url = reverse("vacancies:vacancy_report", args=[cast.association.slug])
    assert client.get(url).status_code == 200
    available = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(url, {"unit": cast.units[1].pk, "available_from": available})
    vacancy = Vacancy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("vacancies:vacancy_detail", args=[vacancy.pk])
    assert vacancy.route == Route.CARE_NOMINATION  # unit 2 is an empty omklap unit
    assert AuditEntry.objects.filter(action="vacancy.reported").exists()


def test_reporting_refuses_bad_input_and_changes_nothing(cast, client_for):
    client = _en(client_for("board"))
    url = reverse("vacancies:vacancy_report", args=[cast.association.slug])
    available = timezone.localdate().isoformat()
    # An omklap unit is not filled by co-optation (the service's rule, shown on the field).
    response = client.post(
        url, {"unit": cast.units[0].pk, "available_from": available, "route": "cooptation"}
    )
    assert response.status_code == 400
    assert "omklap unit is filled through the care organisation" in response.content.decode()
    # Another association's unit is not a choice.
    other_unit = cast.other_building.units.first()
    response = client.post(url, {"unit": other_unit.pk, "available_from": available})
    assert response.status_code == 400
    response = client.post(url, {"unit": cast.units[3].pk, "available_from": "3024-01-01"})
    assert response.status_code == 400
    assert not Vacancy.objects.exists()


def test_the_vacancy_page_shows_the_mix_monitor_candidates_and_actions(cast, client_for, vacancy):
    client = _en(client_for("board"))
    text = client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert "Mix monitor" in text
    assert "suggested" in text
    for candidate in candidates_of_vacancy(vacancy):
        assert candidate.name in text
        assert reverse("vacancies:candidate_detail", args=[candidate.pk]) not in text
    assert reverse("vacancies:round_new", args=[vacancy.pk]) in text
    assert reverse("vacancies:vacancy_withdraw", args=[vacancy.pk]) in text
    text = (
        _en(client_for("selection"))
        .get(reverse("vacancies:vacancy_detail", args=[vacancy.pk]))
        .content.decode()
    )
    first = candidates_of_vacancy(vacancy)[0]
    assert reverse("vacancies:candidate_detail", args=[first.pk]) in text
    assert reverse("vacancies:round_new", args=[vacancy.pk]) not in text


def candidates_of_vacancy(vacancy):
    return list(vacancy.candidates.order_by("applied_at"))


def test_the_vacancy_page_shows_no_count_before_close(cast, client_for, vacancy):
    voting_round = open_round(cast, vacancy)
    fenna = candidates_of(voting_round)[0]
    for member in Member.objects.filter(association=cast.association)[:3]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices={"answers": {str(fenna.pk): "yes"}}
        )
    url = reverse("vacancies:vacancy_detail", args=[vacancy.pk])
    text = _en(client_for("board")).get(url).content.decode()
    assert "The result stays hidden until the round closes" in text
    assert "Outcome" not in text
    services.voting_round_close(
        round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
    )
    text = _en(client_for("board")).get(url).content.decode()
    closed = VotingRound.objects.get(pk=voting_round.pk)
    assert "Outcome" in text and closed.digest in text
    assert "waiting for the corporation" in text


def test_a_corporation_allocation_shows_an_explanation_instead_of_the_procedure(cast, client_for):
    vacancy = services.vacancy_report(
        actor=cast.board,
        unit=empty_unit(cast),
        available_from=timezone.localdate(),
        route=Route.CORPORATION,
    )
    text = (
        _en(client_for("board"))
        .get(reverse("vacancies:vacancy_detail", args=[vacancy.pk]))
        .content.decode()
    )
    assert "The corporation allocates this unit itself" in text
    assert "Voting rounds" not in text


def test_the_committee_writes_the_profile_and_opens_applications(cast, client_for):
    vacancy = services.vacancy_report(
        actor=cast.board, unit=empty_unit(cast), available_from=timezone.localdate()
    )
    client = _en(client_for("selection"))
    url = reverse("vacancies:vacancy_profile", args=[vacancy.pk])
    assert client.get(url).status_code == 200
    closes = timezone.localtime() + dt.timedelta(days=14)
    data = {
        "profile": "Iemand die van koken houdt.",
        "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        "volunteer_priority": "on",
    }
    response = client.post(url, {**data, "profile": ""})
    assert response.status_code == 400
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**data, "closes_at": past})
    assert response.status_code == 400
    assert "must lie in the future" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REPORTED
    response = client.post(url, data)
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.OPEN and vacancy.volunteer_priority
    # The datetime-local input is Dutch time.
    assert timezone.localtime(vacancy.applications_close_at).strftime("%H:%M") == closes.strftime(
        "%H:%M"
    )


def test_the_board_withdraws_a_vacancy_after_a_confirmation_page(cast, client_for, vacancy):
    client = _en(client_for("board"))
    url = reverse("vacancies:vacancy_withdraw", args=[vacancy.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SHORTLISTED
    assert client.post(url, {"reason": "De woning wordt verbouwd."}).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.WITHDRAWN


def test_the_committee_decides_on_candidates_and_finalises_the_shortlist(
    cast, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    vacancy = make_vacancy(cast, shortlist=False)
    fenna, joost, amira = candidates_of_vacancy(vacancy)
    client = _en(client_for("selection"))
    page = client.get(reverse("vacancies:candidate_detail", args=[joost.pk]))
    assert page.status_code == 200 and joost.email in page.content.decode()
    url = reverse("vacancies:candidate_detail", args=[joost.pk])
    response = client.post(url, {"action": "decide", "shortlisted": "no", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    joost.refresh_from_db()
    assert joost.status == Candidate.Status.APPLIED
    response = client.post(
        url, {"action": "decide", "shortlisted": "no", "reason": "Het profiel past niet."}
    )
    assert response.status_code == 302
    response = client.post(url, {"action": "note", "notes": "Sympathiek gesprek."})
    assert response.status_code == 302
    joost.refresh_from_db()
    assert joost.status == Candidate.Status.NOT_SHORTLISTED
    assert joost.interview_notes == "Sympathiek gesprek."
    for candidate in (fenna, amira):
        client.post(
            reverse("vacancies:candidate_detail", args=[candidate.pk]),
            {"action": "decide", "shortlisted": "yes"},
        )
    finalise = reverse("vacancies:shortlist_finalise", args=[vacancy.pk])
    text = client.get(finalise).content.decode()
    assert "Joost Bakker" in text and "Het profiel past niet." in text
    # Applications are still open: refused with the reason, nothing changes.
    response = client.post(finalise)
    assert response.status_code == 400
    assert "Applications are still open" in response.content.decode()
    Vacancy.objects.filter(pk=vacancy.pk).update(
        applications_close_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(finalise)
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SHORTLISTED
    assert [m.to for m in mailoutbox] == [[joost.email]]


def test_an_unknown_candidate_action_is_not_found(cast, client_for, vacancy):
    candidate = candidates_of_vacancy(vacancy)[0]
    response = client_for("selection").post(
        reverse("vacancies:candidate_detail", args=[candidate.pk]), {"action": "delete"}
    )
    assert response.status_code == 404


def test_the_board_sets_up_a_round_in_dutch_time(cast, client_for, vacancy):
    client = _en(client_for("board"))
    url = reverse("vacancies:round_new", args=[vacancy.pk])
    text = client.get(url).content.decode()
    assert "Ranked choice" in text and "Fenna de Vries" in text
    start = timezone.localtime() + dt.timedelta(days=1)
    data = {
        "method": "approval",
        "quorum_percent": "40",
        "tie_break": "lot",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    for bad in ({"quorum_percent": "140"}, {"ends_at": data["starts_at"]}, {"method": "x"}):
        assert client.post(url, {**data, **bad}).status_code == 400
    assert not VotingRound.objects.exists()
    response = client.post(url, data)
    voting_round = VotingRound.objects.get()
    assert response["Location"] == reverse("vacancies:round_detail", args=[voting_round.pk])
    assert voting_round.method == "approval" and voting_round.quorum_percent == 40
    assert timezone.localtime(voting_round.starts_at).strftime("%d %H:%M") == start.strftime(
        "%d %H:%M"
    )
    assert voting_round.status == VotingRound.Status.SCHEDULED


def test_after_a_refusal_the_board_nominates_the_next_candidate(cast, client_for, vacancy):
    voting_round = open_round(cast, vacancy)
    fenna, joost, _amira = candidates_of(voting_round)
    for member in Member.objects.filter(association=cast.association)[:3]:
        services.ballot_cast(
            voting_round=voting_round,
            member=member,
            choices={"answers": {str(fenna.pk): "yes", str(joost.pk): "yes"}},
        )
    services.voting_round_close(
        round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
    )
    nomination = Nomination.objects.get()
    client = _en(client_for("board"))
    url = reverse("vacancies:nomination_next", args=[vacancy.pk])
    response = client.post(url, follow=True)
    assert "There is no refused nomination" in response.content.decode()
    services.nomination_refuse(
        actor=cast.corporation_staff, nomination=nomination, reason="Inkomen te hoog."
    )
    detail = client.get(reverse("vacancies:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert url in detail and "Inkomen te hoog." in detail
    response = client.post(url)
    assert response.status_code == 302
    assert Nomination.objects.get(status=Nomination.Status.PENDING).candidate == joost


def test_only_the_associations_own_members_get_a_link_to_a_voting_round(cast, client_for):
    with time_machine.travel(dt.datetime(2026, 12, 11, 10, 0, tzinfo=dt.UTC), tick=False):
        voting_round = open_round(cast, make_vacancy(cast))
        detail = reverse("vacancies:vacancy_detail", args=[voting_round.vacancy.pk])
        round_url = reverse("vacancies:round_detail", args=[voting_round.pk])
        board = client_for("board").get(detail).content.decode()
        assert f'href="{round_url}"' in board
        assert client_for("board").get(round_url).status_code == 200
        # The corporation sees the round's facts on the vacancy page, not the ballot page.
        response = client_for("corporation_staff").get(detail)
        assert response.status_code == 200
        assert f'href="{round_url}"' not in response.content.decode()
        assert client_for("corporation_staff").get(round_url).status_code == 404
