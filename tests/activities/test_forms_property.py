"""Bad input (QUALITY 9): the activity and hours forms refuse it or give data the services
accept or refuse cleanly; nothing is stored on a refusal."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from activities import services
from activities.forms import ActivityForm, ContributionForm
from activities.models import Activity, Category, ContributionLog, Occurrence
from coop.exceptions import DomainError

pytestmark = pytest.mark.django_db

with_fixtures = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)

texts = st.one_of(st.text(max_size=30), st.text(min_size=100, max_size=300))
numbers = st.one_of(st.integers(-5, 600).map(str), st.text(max_size=6), st.just(""))
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()), st.text(max_size=12), st.just("2026-13-40")
)
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), st.text(max_size=6), st.just("25:99")
)
activity_input = st.fixed_dictionaries(
    {
        "title": texts,
        "location": texts,
        "description": st.text(max_size=50),
        "date": dates,
        "start_time": times,
        "end_time": times,
        "frequency": st.sampled_from(["once", "weekly", "monthly_weekday", "monthly_date", "x"]),
        "interval": numbers,
        "until": st.one_of(st.just(""), dates),
        "count": numbers,
        "capacity": numbers,
        "visibility": st.sampled_from(["members", "public", "secret"]),
    }
)


def counts() -> tuple[int, int]:
    return Activity.objects.count(), Occurrence.objects.count()


@with_fixtures
@given(data=activity_input)
def test_the_activity_form_and_service_refuse_bad_input_or_plan_valid_data(cast, categories, data):
    data = {**data, "category": categories["meeting"].pk}
    form = ActivityForm(
        data, categories=Category.objects.filter(association=cast.association), members=None
    )
    before = counts()
    if not form.is_valid():
        event("refused by the form")
        assert form.errors
        return
    try:
        with transaction.atomic():
            activity = services.activity_plan(
                actor=cast.coordinator, association=cast.association, data=form.activity_data()
            )
    except DomainError as error:
        event("refused by the service")
        assert error.message
        assert counts() == before
    else:
        event("planned")
        activity.full_clean()
        assert activity.title == " ".join(form.cleaned_data["title"].split())
        assert activity.occurrences.count() >= 1


hours_input = st.fixed_dictionaries(
    {
        "date": dates,
        "hours": st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.sampled_from(["0.25", "1.5", "24", "24.25", "-1", "1e3", "NaN"]),
            st.text(max_size=8),
        ),
        "kind": st.sampled_from(["organising", "support", "building", "other", "sleep"]),
        "note": texts,
    }
)


@with_fixtures
@given(data=hours_input)
def test_the_hours_form_and_service_refuse_bad_input_or_store_valid_hours(cast, data):
    form = ContributionForm(data, activities=Activity.objects.none())
    before = ContributionLog.objects.count()
    if not form.is_valid():
        event("refused by the form")
        assert form.errors
        return
    try:
        with transaction.atomic():
            log = services.contribution_log(
                actor=cast.drager, member=cast.drager_member, **form.cleaned_data
            )
    except DomainError as error:
        event("refused by the service")
        assert error.field in {"date", "hours", "note", "kind"}
        assert ContributionLog.objects.count() == before
    else:
        event("logged")
        log.full_clean()
        assert 0 < log.hours <= 24
