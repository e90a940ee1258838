"""The public vacancy page: open homes, one home with its profile, criteria and procedure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin
from django.utils import timezone
from wagtail.snippets.models import get_snippet_models

from coop.models import HomePage, Unit
from tests.conftest import make_user
from tests.helpers import assert_flat_query_count
from tests.vacancies.public_setup import (
    CRITERIA,
    PROCEDURE,
    PROFILE,
    detail_url,
    make_vacancy_page,
    open_vacancy,
)
from vacancies import models as vacancy_models
from vacancies import services
from vacancies.models import Candidate, Vacancy
from vacancies.pages import VacancyIndexPage


@pytest.fixture
def vacancy_page(cast) -> VacancyIndexPage:
    return make_vacancy_page(cast.association)


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return open_vacancy(cast)


def _unit(building, number: str) -> Unit:
    return Unit.objects.create(
        building=building, number=number, kind=Unit.Kind.REGULAR, rent=Decimal("700.00")
    )


def test_the_index_lists_only_the_open_vacancies_of_its_association(
    cast, vacancy_page, vacancy, client
):
    other = open_vacancy(cast, _unit(cast.other_building, "9"))
    reported = services.vacancy_report(
        actor=cast.board, unit=_unit(cast.building, "13"), available_from=timezone.localdate()
    )
    closing = open_vacancy(cast, _unit(cast.building, "14"), days=1)

    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        response = client.get("/vacatures/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/vacatures/{vacancy.pk}/"' in html
    assert "Home 12 in Kapelgebouw" in html or "Woning 12" in html or "Kapelgebouw" in html
    for hidden in (other, reported, closing):
        assert f"/vacatures/{hidden.pk}/" not in html


def test_a_page_without_an_association_lists_every_association(cast, vacancy_page, vacancy, client):
    make_vacancy_page(None, slug="alle-woningen")
    other = open_vacancy(cast, _unit(cast.other_building, "9"))

    html = client.get("/alle-woningen/").content.decode()

    assert f'href="/alle-woningen/{vacancy.pk}/"' in html
    assert f'href="/alle-woningen/{other.pk}/"' in html
    assert f"/vacatures/{other.pk}/" not in client.get("/vacatures/").content.decode()


def test_the_index_says_so_when_nothing_is_open(vacancy_page, client):
    response = client.get("/vacatures/", headers={"cookie": "django_language=en"})

    assert response.status_code == 200
    assert "No homes are open for applications right now." in response.content.decode()


def test_the_index_shows_the_published_criteria_and_procedure(vacancy_page, client):
    html = client.get("/vacatures/").content.decode()

    assert CRITERIA in html
    assert PROCEDURE in html


def test_the_detail_shows_the_home_its_profile_criteria_procedure_and_the_form(
    vacancy_page, vacancy, client
):
    response = client.get(
        detail_url(vacancy_page, vacancy), headers={"cookie": "django_language=en"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Home 12 in Kapelgebouw" in html
    assert "Kapelstraat 1, 3511 AB Utrecht" in html
    assert "€ 690.00" in html
    assert PROFILE in html
    assert CRITERIA in html and PROCEDURE in html
    assert vacancy.applications_close_at.strftime("%Y") in html
    for field in ("name", "email", "phone", "household_size", "motivation", "contribution"):
        assert f'name="{field}"' in html
    assert 'name="pledged_hours"' in html  # the vacancy gives volunteers priority
    assert "What happens to your data" in html
    assert "csrfmiddlewaretoken" in html


def test_the_honeypot_is_hidden_from_people_and_from_autofill(vacancy_page, vacancy, client):
    html = client.get(detail_url(vacancy_page, vacancy)).content.decode()

    honeypot = html[html.index('name="website"') - 200 : html.index('name="website"') + 200]
    assert 'autocomplete="off"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'class="visually-hidden" aria-hidden="true"' in html


def test_the_form_asks_for_no_pledge_without_volunteer_priority(
    cast, vacancy_page, vacancy, client
):
    services.vacancy_open_applications(
        actor=cast.selection,
        vacancy=vacancy,
        profile=PROFILE,
        closes_at=vacancy.applications_close_at,
        volunteer_priority=False,
    )

    html = client.get(detail_url(vacancy_page, vacancy)).content.decode()

    assert 'name="motivation"' in html
    assert 'name="pledged_hours"' not in html


def test_the_form_never_asks_about_health_origin_religion_politics_or_orientation(
    vacancy_page, vacancy, client
):
    from vacancies.public import ApplicationForm

    fields = set(ApplicationForm(vacancy=vacancy).fields)

    assert fields == {
        "name",
        "email",
        "phone",
        "household_size",
        "motivation",
        "contribution",
        "pledged_hours",
        "website",
    }


def test_a_closed_vacancy_is_gone_and_has_no_form(vacancy_page, vacancy, client):
    with time_machine.travel(vacancy.applications_close_at + dt.timedelta(minutes=1)):
        response = client.get(
            detail_url(vacancy_page, vacancy), headers={"cookie": "django_language=en"}
        )

    html = response.content.decode()
    assert response.status_code == 410
    assert "Applications for this home are closed." in html
    assert PROFILE in html
    assert 'name="motivation"' not in html


def test_a_withdrawn_vacancy_is_gone_too(cast, vacancy_page, vacancy, client):
    services.vacancy_withdraw(actor=cast.board, vacancy=vacancy, reason="De woning wordt gesloopt.")

    response = client.get(detail_url(vacancy_page, vacancy))

    assert response.status_code == 410
    assert 'name="motivation"' not in response.content.decode()


def test_vacancies_not_published_or_of_another_association_are_not_found(
    cast, vacancy_page, client
):
    other = open_vacancy(cast, _unit(cast.other_building, "9"))
    reported = services.vacancy_report(
        actor=cast.board, unit=_unit(cast.building, "13"), available_from=timezone.localdate()
    )

    for vacancy in (other, reported):
        assert client.get(detail_url(vacancy_page, vacancy)).status_code == 404
        assert client.get(detail_url(vacancy_page, vacancy) + "sent/").status_code == 404
    assert client.get("/vacatures/999999/").status_code == 404


def test_the_page_refuses_methods_it_does_not_serve(vacancy_page, vacancy, client):
    assert client.put("/vacatures/").status_code == 405
    assert client.post("/vacatures/").status_code == 405
    assert client.delete(detail_url(vacancy_page, vacancy)).status_code == 405
    assert client.post(detail_url(vacancy_page, vacancy) + "sent/").status_code == 405


@pytest.mark.parametrize("role", ["anonymous", "vrager", "board", "outsider", "corporation_staff"])
def test_everyone_sees_the_same_public_pages(role, vacancy_page, vacancy, client_for):
    client = client_for(role)

    assert client.get("/vacatures/").status_code == 200
    assert client.get(detail_url(vacancy_page, vacancy)).status_code == 200
    assert client.get(detail_url(vacancy_page, vacancy) + "sent/").status_code == 200


def _grow_open_vacancies(cast, n: int) -> None:
    have = Vacancy.objects.filter(unit__number__startswith="V").count()
    units = Unit.objects.bulk_create(
        Unit(building=cast.building, number=f"V{i}", kind="regular", rent=Decimal("650"))
        for i in range(have, n)
    )
    Vacancy.objects.bulk_create(
        Vacancy(
            association=cast.association,
            unit=unit,
            route="cooptation",
            status=Vacancy.Status.OPEN,
            available_from=timezone.localdate(),
            reported_on=timezone.localdate(),
            profile=PROFILE,
            applications_close_at=timezone.now() + dt.timedelta(days=10),
        )
        for unit in units
    )


def test_the_index_has_a_flat_query_count(cast, vacancy_page, client):
    # site, page by path, the page's own fields, open vacancies with unit and building
    assert_flat_query_count(
        lambda: client.get("/vacatures/"),
        lambda n: _grow_open_vacancies(cast, n),
        queries=5,
    )


def test_the_detail_has_a_flat_query_count_whatever_the_candidates(
    cast, vacancy_page, vacancy, client
):
    def grow(n: int) -> None:
        have = vacancy.candidates.count()
        Candidate.objects.bulk_create(
            Candidate(
                vacancy=vacancy,
                name=f"Kandidaat {i}",
                email=f"kandidaat{i}@example.net",
                household_size=1,
                motivation="Ik woon graag samen.",
            )
            for i in range(have, n)
        )

    # site, page by path, the page's own fields, the vacancy with association, unit, building
    assert_flat_query_count(lambda: client.get(detail_url(vacancy_page, vacancy)), grow, queries=5)


# -- the admin ---------------------------------------------------------------------------------


def test_staff_edit_the_vacancy_page_in_wagtail(vacancy_page, client):
    editor = make_user("redactie@example.org", first="Rik", last="Redactie", second_factor=True)
    editor.is_staff = editor.is_superuser = True
    editor.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(editor)

    assert client.get(f"/admin/pages/{vacancy_page.pk}/edit/").status_code == 200
    home = HomePage.objects.get()
    add = f"/admin/pages/add/vacancies/vacancyindexpage/{home.pk}/"
    assert client.get(add).status_code == 200


def test_a_vacancy_page_belongs_below_the_home_page_only():
    assert VacancyIndexPage.parent_page_types == ["coop.HomePage"]
    assert "vacancies.VacancyIndexPage" in HomePage.subpage_types
    assert VacancyIndexPage.subpage_types == []


def test_ballots_votes_and_rounds_appear_in_no_admin_screen():
    secret = {vacancy_models.Ballot, vacancy_models.VoteRecord, vacancy_models.VotingRound}

    assert not secret & set(admin.site._registry)
    assert not secret & set(get_snippet_models())
    vacancy_models_in_admin = {
        model for model in admin.site._registry if model._meta.app_label == "vacancies"
    }
    assert vacancy_models_in_admin == set()
