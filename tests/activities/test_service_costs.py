"""What editing a series and extending the calendar cost does not grow with the number of dates."""

from __future__ import annotations

from django.utils import timezone

from activities import services
from activities.models import Frequency, Occurrence
from tests.activities.conftest import at
from tests.activities.test_services import data_of
from tests.helpers import count_queries


def _edit_cost(cast, plan, count: int) -> int:
    """Queries to move a weekly series of ``count`` dates two hours later (every date moves)."""
    series = plan(frequency=Frequency.WEEKLY, count=count, capacity=1)
    first, second = series.occurrences.order_by("starts_at")[:2]
    services.signup_create(actor=cast.drager, occurrence=first, member=cast.drager_member)
    services.signup_create(actor=cast.vrager, occurrence=first, member=cast.vrager_member)
    services.signup_create(actor=cast.vrager, occurrence=second, member=cast.vrager_member)
    day = timezone.localdate(series.starts_at)
    data = data_of(series, starts_at=at(day, 12), ends_at=at(day, 14), capacity=2)
    queries, _, _ = count_queries(
        lambda: services.activity_update(actor=cast.coordinator, activity=series, data=data)
    )
    assert series.occurrences.count() == count
    assert all(timezone.localtime(o.starts_at).hour == 12 for o in series.occurrences.all()), (
        "every date follows the new time"
    )
    # The larger capacity moved the one waiting member up.
    assert first.signups.filter(status="confirmed").count() == 2
    return queries


def test_editing_a_series_costs_the_same_for_6_and_52_dates(cast, plan):
    assert _edit_cost(cast, plan, 6) == _edit_cost(cast, plan, 52) == 14


def test_extending_the_calendar_costs_the_same_per_series_however_long(cast, plan):
    """The daily task: a series whose dates all exist costs a few queries, not one per date."""
    short = plan(frequency=Frequency.WEEKLY, count=6, title="Kort")
    long = plan(frequency=Frequency.WEEKLY, count=52, title="Lang")
    services.occurrences_extend()  # everything generated
    before = Occurrence.objects.count()

    def cost(only) -> int:
        other = long if only is short else short
        other.status = "cancelled"
        other.save(update_fields=["status"])
        try:
            return count_queries(services.occurrences_extend)[0]
        finally:
            other.status = "planned"
            other.save(update_fields=["status"])

    assert cost(short) == cost(long)
    assert Occurrence.objects.count() == before
    assert short.occurrences.count() == 6 and long.occurrences.count() == 52
