"""Bad input (QUALITY 9): any application is either stored with valid fields or refused cleanly."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.validators import validate_email
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coop.exceptions import DomainError
from tests.vacancies.public_setup import open_vacancy
from vacancies import services
from vacancies.models import Candidate
from vacancies.public import ApplicationForm

pytestmark = pytest.mark.django_db

with_fixtures = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)

texts = st.one_of(
    st.text(max_size=60),
    st.text(min_size=1990, max_size=2100),
    st.text(alphabet="ab \n", min_size=3990, max_size=4100),
    st.just("Ik wil hier graag wonen."),
)
numbers = st.one_of(
    st.integers(-5, 20).map(str),
    st.integers().map(str),
    st.sampled_from(["", "abc", "1e9", "NaN", "-1", "0.5", "200", "200.1", "Infinity", "7.25"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
form_data = st.fixed_dictionaries(
    {
        "name": st.one_of(st.just("Nina Nieuw"), st.text(max_size=220)),
        "email": st.one_of(st.emails(), st.text(max_size=40)),
        "household_size": numbers,
        "motivation": texts,
    },
    optional={
        "phone": st.one_of(
            st.from_regex(r"[0-9 +()\-]{6,30}", fullmatch=True), st.text(max_size=40)
        ),
        "contribution": texts,
        "pledged_hours": numbers,
        "website": st.sampled_from(["", "", "", "http://spam.example"]),
    },
)


@pytest.fixture
def vacancy(cast):
    return open_vacancy(cast)


def assert_valid(candidate: Candidate) -> None:
    """What was stored fits the database and the rules of the domain."""
    assert 1 <= len(candidate.name) <= 200 and candidate.name == candidate.name.strip()
    validate_email(candidate.email)
    assert candidate.phone == "" or re.fullmatch(r"[0-9 +()\-]{6,30}", candidate.phone)
    assert 1 <= candidate.household_size <= 12
    assert 1 <= len(candidate.motivation) <= 4000
    assert len(candidate.contribution) <= 2000
    for text in (candidate.name, candidate.motivation, candidate.contribution):
        assert "\x00" not in text
    if candidate.pledged_hours is not None:
        assert Decimal(0) <= candidate.pledged_hours <= Decimal(200)


@with_fixtures
@given(data=form_data)
def test_an_application_is_stored_valid_or_refused_with_nothing_stored(vacancy, data):
    with transaction.atomic():
        form = ApplicationForm(data, vacancy=vacancy)
        stored = None
        if form.is_valid() and not form.is_spam:
            try:
                stored = services.candidate_apply(vacancy=vacancy, **form.application())
            except DomainError as error:
                assert error.message
                assert error.field in (*form.fields, None)
        elif not form.is_valid():
            assert form.errors
            assert set(form.errors) <= {*form.fields, "__all__"}
        event("stored" if stored else "refused")
        rows = list(Candidate.objects.filter(vacancy=vacancy))
        if stored is None:
            assert rows == []
        else:
            assert [c.pk for c in rows] == [stored.pk]
            assert_valid(rows[0])
        transaction.set_rollback(True)


@with_fixtures
@given(
    household_size=st.one_of(st.integers(), st.text(max_size=5), st.none(), st.floats()),
    pledged_hours=st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats()),
    motivation=texts,
)
def test_the_service_alone_refuses_what_the_form_would_have_caught(
    vacancy, household_size, pledged_hours, motivation
):
    with transaction.atomic():
        try:
            candidate = services.candidate_apply(
                vacancy=vacancy,
                name="Nina Nieuw",
                email="nina@example.net",
                phone="",
                household_size=household_size,
                motivation=motivation,
                contribution="",
                pledged_hours=pledged_hours,
            )
        except DomainError as error:
            assert error.field in {"household_size", "pledged_hours", "motivation"}
            assert not Candidate.objects.exists()
        else:
            assert_valid(Candidate.objects.get(pk=candidate.pk))
        transaction.set_rollback(True)
