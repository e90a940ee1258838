"""Calendar fixtures: the cast's association with its categories and a planned activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from activities import services
from activities.models import Activity, Category, Frequency
from activities.services import ActivityData
from members.models import Member


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware local datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_weekday(weekday: int, *, after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def member_of(user) -> Member:
    return Member.objects.get(user=user, status=Member.Status.ACTIVE)


@pytest.fixture
def categories(cast) -> dict[str, Category]:
    services.categories_ensure(association=cast.association)
    services.categories_ensure(association=cast.other_association)
    return {c.key: c for c in Category.objects.filter(association=cast.association)}


@pytest.fixture
def plan(cast, categories):
    """Plan an activity in the cast's association as the coordinator."""

    def _plan(**overrides) -> Activity:
        day = overrides.pop("day", next_weekday(1))  # a coming Tuesday
        fields = {
            "title": "Koffieochtend",
            "category": categories["coffee_morning"],
            "location": "Gemeenschappelijke ruimte",
            "starts_at": at(day, 10),
            "ends_at": at(day, 12),
            "organisers": [member_of(cast.coordinator)],
        }
        fields.update(overrides)
        return services.activity_plan(
            actor=cast.coordinator, association=cast.association, data=ActivityData(**fields)
        )

    return _plan


@pytest.fixture
def weekly(plan) -> Activity:
    return plan(frequency=Frequency.WEEKLY, count=6, capacity=2)
