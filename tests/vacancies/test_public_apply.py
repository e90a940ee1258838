"""Applying on the public vacancy page: stored, confirmed by e-mail, spam and abuse refused."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.utils import timezone

from tests.vacancies.public_setup import detail_url, make_vacancy_page, open_vacancy
from vacancies import services
from vacancies.models import Candidate, Vacancy
from vacancies.pages import VacancyIndexPage

ENGLISH = {"cookie": "django_language=en"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def vacancy_page(cast) -> VacancyIndexPage:
    return make_vacancy_page(cast.association)


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return open_vacancy(cast)


def application(**changes) -> dict:
    data = {
        "name": "Nina Nieuw",
        "email": "nina@example.net",
        "phone": "06-12345678",
        "household_size": "2",
        "motivation": "Ik wil graag in een woongemeenschap wonen en kook graag voor anderen.",
        "contribution": "Ik help mee in de moestuin.",
        "pledged_hours": "6.5",
        "website": "",
    }
    data.update(changes)
    return data


def apply(client, vacancy_page, vacancy, data=None, **kwargs):
    return client.post(detail_url(vacancy_page, vacancy), data or application(), **kwargs)


def test_an_application_is_stored_and_confirmed_in_dutch(
    vacancy_page, vacancy, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, vacancy_page, vacancy)

    assert response.status_code == 302
    assert response["Location"] == detail_url(vacancy_page, vacancy) + "sent/"
    candidate = Candidate.objects.get(vacancy=vacancy)
    assert candidate.name == "Nina Nieuw"
    assert candidate.email == "nina@example.net"
    assert candidate.household_size == 2
    assert str(candidate.pledged_hours) == "6.5"
    assert candidate.language == "nl"
    assert candidate.status == Candidate.Status.APPLIED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nina@example.net"]
    assert mailoutbox[0].body.startswith("Beste Nina Nieuw,")
    sent = client.get(response["Location"], headers=ENGLISH)
    assert sent.status_code == 200
    assert "Check your e-mail" in sent.content.decode()


def test_an_english_applicant_gets_the_confirmation_in_english(
    vacancy_page, vacancy, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, vacancy_page, vacancy, headers=ENGLISH)

    assert Candidate.objects.get().language == "en"
    assert mailoutbox[0].body.startswith("Dear Nina Nieuw,")
    assert "has received your application" in mailoutbox[0].body


def _without_csrf_tokens(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def test_a_repeated_address_is_answered_like_a_new_one_and_only_its_owner_hears_of_it(
    cast, vacancy_page, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(dt.datetime(2027, 3, 5, 10, 30, tzinfo=AMSTERDAM), tick=False):
        vacancy = open_vacancy(cast)
        with django_capture_on_commit_callbacks(execute=True):
            apply(Client(), vacancy_page, vacancy)  # Nina, in Dutch
        nina = Candidate.objects.get()
        stored = model_to_dict(nina)
        mailoutbox.clear()
        # Someone else probes the form, in English: once with a new address, once with Nina's.
        prober, probe = Client(), application(name="Piet Proef", motivation="Wie reageerde er?")

        def apply_as_prober(email: str):
            data = {**probe, "email": email}
            return apply(prober, vacancy_page, vacancy, data, headers=ENGLISH, follow=True)

        with django_capture_on_commit_callbacks(execute=True):
            fresh = apply_as_prober("piet@example.net")
            repeat = apply_as_prober("NINA@example.net")

    assert repeat.redirect_chain == fresh.redirect_chain
    assert repeat.status_code == fresh.status_code == 200
    assert _without_csrf_tokens(repeat.content) == _without_csrf_tokens(fresh.content)
    assert Candidate.objects.filter(vacancy=vacancy, email="nina@example.net").count() == 1
    assert model_to_dict(Candidate.objects.get(pk=nina.pk)) == stored
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == ["nina@example.net", "piet@example.net"]
    assert len(mailoutbox) == 2
    notice = by_address["nina@example.net"]
    # In Nina's language, from what she sent: nothing of the prober's text reaches her.
    assert notice.body.startswith("Beste Nina Nieuw,")
    assert "5 maart 2027, 10:30" in notice.body
    assert "Piet" not in notice.body and "Wie reageerde er?" not in notice.body
    assert notice.subject == "Je reactie op de woning aan Kapelstraat 1 hadden we al ontvangen"
    assert by_address["piet@example.net"].body.startswith("Dear Piet Proef,")


def test_repeating_an_address_sends_its_owner_at_most_one_notice_an_hour(
    cast, vacancy_page, django_capture_on_commit_callbacks, mailoutbox
):
    start = dt.datetime(2027, 3, 5, 10, 30, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False):
        vacancy = open_vacancy(cast)
        apply(Client(), vacancy_page, vacancy)
    mailoutbox.clear()
    for minutes in (0, 20, 89, 95):  # the clock hours 10:00, 10:00, 11:00 and 12:00
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                response = apply(Client(REMOTE_ADDR=f"192.0.2.{minutes}"), vacancy_page, vacancy)
            assert response.status_code == 302

    assert Candidate.objects.count() == 1
    assert [message.to for message in mailoutbox] == [["nina@example.net"]] * 3


def test_the_pledge_is_not_asked_without_volunteer_priority(cast, vacancy_page, vacancy, client):
    services.vacancy_open_applications(
        actor=cast.selection,
        vacancy=vacancy,
        profile=vacancy.profile,
        closes_at=vacancy.applications_close_at,
        volunteer_priority=False,
    )

    response = apply(client, vacancy_page, vacancy, application(pledged_hours="12"))

    assert response.status_code == 302
    assert Candidate.objects.get().pledged_hours is None


def test_a_filled_honeypot_looks_sent_but_stores_and_sends_nothing(
    vacancy_page, vacancy, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, vacancy_page, vacancy, application(website="https://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == detail_url(vacancy_page, vacancy) + "sent/"
    assert not Candidate.objects.exists()
    assert mailoutbox == []


@override_settings(COOP_APPLICATIONS_PER_HOUR=2)
def test_applications_beyond_the_hourly_limit_of_an_address_are_refused(
    vacancy_page, vacancy, client, django_capture_on_commit_callbacks, mailoutbox
):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert (
                apply(
                    client, vacancy_page, vacancy, application(email=f"a{n}@example.net")
                ).status_code
                == 302
            )
        refused = apply(
            client, vacancy_page, vacancy, application(email="a2@example.net"), headers=ENGLISH
        )

    assert refused.status_code == 429
    assert "too many applications" in refused.content.decode()
    assert Candidate.objects.count() == 2
    assert len(mailoutbox) == 2
    elsewhere = apply(
        client, vacancy_page, vacancy, application(email="a3@example.net"), REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 302
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        later = apply(client, vacancy_page, vacancy, application(email="a4@example.net"))
    assert later.status_code == 302
    assert Candidate.objects.count() == 4


@override_settings(COOP_APPLICATIONS_PER_HOUR=1)
def test_the_honeypot_counts_toward_the_limit(vacancy_page, vacancy, client):
    cache.clear()
    apply(client, vacancy_page, vacancy, application(website="spam"))

    assert apply(client, vacancy_page, vacancy).status_code == 429
    assert not Candidate.objects.exists()


BAD_INPUT = {
    "motivation too long": {"motivation": "m" * 4001},
    "contribution too long": {"contribution": "c" * 2001},
    "name too long": {"name": "n" * 201},
    "no motivation": {"motivation": "   "},
    "no name": {"name": ""},
    "malformed e-mail": {"email": "nina@"},
    "household of 0": {"household_size": "0"},
    "household of 99": {"household_size": "99"},
    "household abc": {"household_size": "abc"},
    "negative pledge": {"pledged_hours": "-1"},
    "huge pledge": {"pledged_hours": "1e9"},
    "NaN pledge": {"pledged_hours": "NaN"},
    "pledge in hundredths": {"pledged_hours": "1.25"},
    "NUL byte in the name": {"name": "Nina\x00Nieuw"},
    "NUL byte in the motivation": {"motivation": "Ik\x00wil"},
    "control character": {"motivation": "Ik wil\x07 hier wonen"},
    "malformed phone": {"phone": "call me maybe"},
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_with_a_clear_message_and_stores_nothing(
    case, vacancy_page, vacancy, client, mailoutbox
):
    response = apply(client, vacancy_page, vacancy, application(**BAD_INPUT[case]), headers=ENGLISH)

    assert response.status_code == 400
    assert "Your application was not sent" in response.content.decode()
    assert response.context["form"].errors
    assert not Candidate.objects.exists()
    assert mailoutbox == []


def test_a_post_to_a_closed_vacancy_is_refused_and_stores_nothing(vacancy_page, vacancy, client):
    with time_machine.travel(vacancy.applications_close_at + dt.timedelta(seconds=1)):
        response = apply(client, vacancy_page, vacancy, headers=ENGLISH)

    assert response.status_code == 400
    assert "Applications for this home are closed; nothing was saved." in response.content.decode()
    assert not Candidate.objects.exists()


def test_the_form_keeps_its_csrf_protection(vacancy_page, vacancy):
    client = Client(enforce_csrf_checks=True)

    response = client.post(detail_url(vacancy_page, vacancy), application())

    assert response.status_code == 403
    assert not Candidate.objects.exists()


# -- after the application -----------------------------------------------------------------


def test_rejections_at_the_final_shortlist_carry_the_reason_in_the_applicants_language(
    cast, vacancy_page, vacancy, client, django_capture_on_commit_callbacks, mailoutbox
):
    apply(client, vacancy_page, vacancy)
    apply(
        client,
        vacancy_page,
        vacancy,
        application(name="Evan English", email="evan@example.net"),
        headers=ENGLISH,
    )
    apply(client, vacancy_page, vacancy, application(name="Sara Samen", email="sara@example.net"))
    nina, evan, sara = Candidate.objects.order_by("pk")
    reason = "We zoeken iemand die overdag thuis is voor de koffieochtend."
    services.candidate_shortlist(actor=cast.selection, candidate=sara, shortlisted=True)
    for candidate in (nina, evan):
        services.candidate_shortlist(
            actor=cast.selection, candidate=candidate, shortlisted=False, reason=reason
        )
    mailoutbox.clear()

    after_closing = vacancy.applications_close_at + dt.timedelta(minutes=1)
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(after_closing, tick=False),
    ):
        services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"nina@example.net", "evan@example.net"}
    assert by_address["nina@example.net"].body.startswith("Beste Nina Nieuw,")
    assert by_address["evan@example.net"].body.startswith("Dear Evan English,")
    for message in by_address.values():
        assert reason in message.body
    assert Candidate.objects.filter(rejection_sent_at__isnull=False).count() == 2
