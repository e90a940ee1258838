"""The nights the clocks change: planning, moving and extending never break on them.

A local time the clocks skip (spring, 02:00-03:00) is refused by the forms; the rule's dates on
that night move forward by the gap. A local time the clocks pass twice (autumn, 02:00-03:00) is
the first one, in summer time. Every date lasts the activity's length in absolute time.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import services
from activities.forms import ActivityForm
from activities.models import Activity, Category, Frequency, Occurrence
from activities.recurrence import dst_changes, exists, local_instant
from activities.services import ActivityData
from coop.exceptions import DomainError
from tests.activities.conftest import member_of

pytestmark = pytest.mark.django_db

SPRING, AUTUMN = dt.date(2027, 3, 28), dt.date(2027, 10, 31)
BEFORE = dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
UTC = dt.UTC
HOUR = dt.timedelta(hours=1)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def post(categories, **overrides) -> dict:
    data = {
        "title": "Nachtwandeling",
        "category": categories["garden"].pk,
        "description": "",
        "location": "Binnentuin",
        "date": "2027-03-07",
        "start_time": "02:30",
        "end_time": "03:30",
        "frequency": "weekly",
        "interval": "1",
        "until": "",
        "count": "35",
        "capacity": "",
        "visibility": "members",
    }
    return {**data, **overrides}


def spans(activity: Activity) -> dict[dt.date, tuple[dt.datetime, dt.datetime]]:
    return {
        o.original_start.astimezone(UTC).date(): (o.starts_at, o.ends_at)
        for o in activity.occurrences.all()
    }


@time_machine.travel(BEFORE, tick=False)
def test_a_weekly_sunday_night_activity_is_planned_across_both_clock_changes(
    cast, categories, client_for
):
    client = client_for("coordinator")

    response = client.post(
        reverse("activities:activity_create", args=[cast.association.slug]), post(categories)
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    occurrences = list(activity.occurrences.all())
    assert len(occurrences) == 35
    assert all(o.ends_at - o.starts_at == dt.timedelta(hours=1) for o in occurrences)
    by_day = spans(activity)
    # 02:30 does not exist on the spring night: 03:30 summer time, until 04:30.
    assert by_day[SPRING] == (utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2, 30))
    # 02:30 exists twice on the autumn night: the first, in summer time.
    assert by_day[AUTUMN] == (
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 31, 1, 30),
    )
    assert by_day[dt.date(2027, 3, 21)] == (utc(2027, 3, 21, 1, 30), utc(2027, 3, 21, 2, 30))


@time_machine.travel(BEFORE, tick=False)
def test_a_time_the_clocks_skip_gets_a_form_error_and_nothing_is_stored(
    cast, categories, client_for
):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    start = client.post(url, post(categories, date="2027-03-28"))
    end = client.post(
        url, post(categories, date="2027-03-28", start_time="01:30", end_time="02:15")
    )

    assert start.status_code == end.status_code == 400
    # "On 28 March 2027 the clocks go forward from 02:00 to 03:00, so this time does not exist."
    assert "28 maart 2027 gaat de klok" in str(start.context["form"].errors["start_time"])
    assert "28 maart 2027 gaat de klok" in str(end.context["form"].errors["end_time"])
    assert not Activity.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_a_time_that_exists_twice_is_the_first_one(cast, categories, client_for):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    response = client.post(
        url,
        post(categories, date="2027-10-31", start_time="02:15", end_time="02:45", frequency="once"),
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.starts_at, activity.ends_at) == (
        utc(2027, 10, 31, 0, 15),
        utc(2027, 10, 31, 0, 45),
    )


@time_machine.travel(BEFORE, tick=False)
def test_a_date_moved_into_a_clock_change_keeps_its_end_after_its_start(cast, plan):
    activity = plan(
        day=dt.date(2027, 3, 7), frequency=Frequency.WEEKLY, count=5,
        starts_at=local_instant(dt.datetime(2027, 3, 7, 1, 30)),
        ends_at=local_instant(dt.datetime(2027, 3, 7, 2, 30)),
    )  # fmt: skip
    occurrence = activity.occurrences.first()

    # 02:30-03:30 on the spring night is one instant; it is refused, not stored.
    with pytest.raises(DomainError) as raised:
        services.occurrence_move(
            actor=cast.coordinator,
            occurrence=occurrence,
            starts_at=dt.datetime.combine(SPRING, dt.time(2, 30), tzinfo=_zone()),
            ends_at=dt.datetime.combine(SPRING, dt.time(3, 30), tzinfo=_zone()),
        )
    assert raised.value.code == "ends_before_start"
    moved = services.occurrence_move(
        actor=cast.coordinator,
        occurrence=occurrence,
        starts_at=dt.datetime.combine(SPRING, dt.time(1, 30), tzinfo=_zone()),
        ends_at=dt.datetime.combine(SPRING, dt.time(3, 30), tzinfo=_zone()),
    )
    assert moved.ends_at - moved.starts_at == dt.timedelta(hours=1)


def _zone():
    return timezone.get_current_timezone()


night_times = st.tuples(
    st.sampled_from([SPRING, AUTUMN]),
    st.integers(0, 4),
    st.sampled_from([0, 1, 15, 30, 59]),
    st.integers(1, 24 * 60),
)


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(when=night_times)
def test_any_start_on_a_changeover_night_plans_and_extends_without_error(cast, categories, when):
    night, hour, minute, minutes = when
    duration = dt.timedelta(minutes=minutes)
    week_before = dt.datetime.combine(night - dt.timedelta(days=7), dt.time(hour, minute))
    start = local_instant(week_before)
    with time_machine.travel(BEFORE, tick=False), transaction.atomic():
        activity = services.activity_plan(
            actor=cast.coordinator,
            association=cast.association,
            data=ActivityData(
                title="Nachtdienst",
                category=categories["meeting"],
                location="Portiersloge",
                starts_at=start,
                ends_at=start + duration,
                frequency=Frequency.WEEKLY,
                count=3,
                organisers=[member_of(cast.coordinator)],
            ),
        )
        occurrences = list(activity.occurrences.all())
        assert len(occurrences) == 3
        for occurrence in occurrences:
            assert occurrence.ends_at - occurrence.starts_at == duration
        wall = dt.datetime.combine(night, dt.time(hour, minute))
        on_the_night = occurrences[1].starts_at
        assert on_the_night == local_instant(wall)
        if not exists(wall):  # skipped: forward by the gap
            assert timezone.localtime(on_the_night).replace(tzinfo=None) == wall + HOUR
        # The form on the night itself: a clear error for a skipped time, else a plan.
        end = (wall + duration).time()
        form = ActivityForm(
            post(
                categories,
                date=night.isoformat(),
                start_time=wall.strftime("%H:%M"),
                end_time=end.strftime("%H:%M"),
                count="2",
            ),
            categories=Category.objects.filter(association=cast.association),
            members=None,
        )
        if not form.is_valid():
            assert set(form.errors) <= {"start_time", "end_time"}
            assert not exists(wall) or not exists(dt.datetime.combine(wall.date(), end))
        else:
            try:
                planned = services.activity_plan(
                    actor=cast.coordinator, association=cast.association, data=form.activity_data()
                )
            except DomainError as error:
                assert error.field == "ends_at"  # longer than a day once the gap is counted
            else:
                assert all(o.ends_at > o.starts_at for o in planned.occurrences.all())
        services.occurrences_extend(now=BEFORE + dt.timedelta(days=30))
        transaction.set_rollback(True)


def test_one_bad_activity_does_not_stop_the_others_being_extended(cast, plan, caplog):
    with time_machine.travel(BEFORE, tick=False):
        good = plan(day=dt.date(2027, 2, 2), frequency=Frequency.WEEKLY)
        bad = plan(day=dt.date(2027, 2, 3), frequency=Frequency.WEEKLY)
    # Damaged data: a second date on the day of one of the rule's dates.
    day = bad.occurrences.order_by("starts_at")[10]
    late = day.original_start + dt.timedelta(hours=12)
    Occurrence.objects.create(
        activity=bad, original_start=late, starts_at=late, ends_at=late + dt.timedelta(hours=1)
    )
    counts = {a.pk: a.occurrences.count() for a in (good, bad)}

    with caplog.at_level(logging.ERROR, logger="activities.services"):
        added = services.occurrences_extend(now=BEFORE + dt.timedelta(days=30))

    assert good.occurrences.count() == counts[good.pk] + 4
    assert bad.occurrences.count() == counts[bad.pk]
    assert added == 4
    assert [r.args for r in caplog.records] == [(bad.pk,)]


def test_the_yearly_rules_of_the_feeds_time_zone_match_the_zone_database():
    """The VTIMEZONE's rules give exactly the changes zoneinfo knows, year after year."""
    zone = timezone.get_current_timezone()
    hour, start = dt.timedelta(hours=1), dt.datetime(2000, 1, 1, tzinfo=UTC)
    known = []
    for hours in range(0, 40 * 366 * 24):
        instant = start + hours * hour
        if instant.astimezone(zone).utcoffset() != (instant - hour).astimezone(zone).utcoffset():
            known.append(timezone.localtime(instant - hour).replace(tzinfo=None) + hour)
    assert dst_changes(dt.datetime(2000, 1, 1), dt.datetime(2039, 12, 31)) == known
