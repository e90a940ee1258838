"""The feeds read the same in every calendar app, on every night of the year.

Each feed is read as three kinds of client would: icalendar with recurring-ical-events (which
expands series like Google-style clients) and vobject (which reads the time zone the way
Thunderbird's ical.js does). Every date of a year, across both clock changes, must start and end
at the same instants as the app's own list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import icalendar
import pytest
import recurring_ical_events
import time_machine
import vobject
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Frequency, Occurrence, SignUp, Visibility
from activities.recurrence import local_instant
from activities.services import ActivityData
from tests.activities.conftest import member_of

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
YEAR_END = NOW + dt.timedelta(days=365)
SPRING, AUTUMN = dt.date(2027, 3, 28), dt.date(2027, 10, 31)


def wall(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A local wall-clock time with the app's meaning (skipped: forward; doubled: first)."""
    return local_instant(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def calendar_year(cast, categories):
    """Series, exceptions and one-offs that meet both clock changes of 2027."""
    with time_machine.travel(NOW, tick=False):
        coordinator = member_of(cast.coordinator)

        def plan(title, start, end, visibility=Visibility.PUBLIC, **rule) -> Activity:
            data = ActivityData(
                title=title,
                category=categories["coffee_morning"],
                location="Ontmoetingsruimte",
                starts_at=start,
                ends_at=end,
                visibility=visibility,
                organisers=[coordinator],
                **rule,
            )
            return services.activity_plan(
                actor=cast.coordinator, association=cast.association, data=data
            )

        def on(activity: Activity, day: dt.date) -> Occurrence:
            return next(
                o for o in activity.occurrences.all() if timezone.localdate(o.original_start) == day
            )

        weekly = {"frequency": Frequency.WEEKLY}
        coffee = plan(
            "Koffie", wall(dt.date(2027, 1, 5), 10), wall(dt.date(2027, 1, 5), 12), **weekly
        )
        night = plan(
            "Nachtwandeling",
            wall(dt.date(2027, 1, 10), 2, 30),
            wall(dt.date(2027, 1, 10), 3, 30),
            **weekly,
        )
        overnight = plan(
            "Nachtdienst",
            wall(dt.date(2027, 1, 9), 23, 30),
            wall(dt.date(2027, 1, 10), 3),
            **weekly,
        )
        early = plan(
            "Vroege vogels",
            wall(dt.date(2027, 1, 10), 2),
            wall(dt.date(2027, 1, 10), 2, 30),
            **weekly,
        )
        last_sunday = plan(
            "Zondagnacht",
            wall(dt.date(2027, 1, 31), 1, 30),
            wall(dt.date(2027, 1, 31), 2, 45),
            frequency=Frequency.MONTHLY_WEEKDAY,
        )
        plan(
            "Vergadering",
            wall(dt.date(2027, 1, 15), 19),
            wall(dt.date(2027, 1, 15), 21),
            visibility=Visibility.MEMBERS,
            frequency=Frequency.MONTHLY_DATE,
            interval=2,
        )
        plan("Sterrenkijken", wall(AUTUMN, 2, 15), wall(AUTUMN, 2, 45))
        plan(
            "Jaarfeest",
            wall(dt.date(2027, 6, 5), 20),
            wall(dt.date(2027, 6, 6), 1),
            visibility=Visibility.MEMBERS,
        )

        services.occurrence_cancel(
            actor=cast.coordinator, occurrence=on(coffee, dt.date(2027, 4, 13))
        )
        services.occurrence_cancel(actor=cast.coordinator, occurrence=on(early, SPRING))
        services.occurrence_cancel(
            actor=cast.coordinator, occurrence=on(overnight, dt.date(2027, 10, 30))
        )
        d = dt.date
        moves = [
            (on(coffee, d(2027, 6, 15)), wall(d(2027, 6, 16), 14), wall(d(2027, 6, 16), 15, 30)),
            (on(coffee, d(2027, 9, 7)), wall(d(2027, 9, 7), 10), wall(d(2027, 9, 7), 13)),
            # To the second 02:30 of the autumn night, in winter time.
            (
                on(coffee, d(2027, 10, 26)),
                dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC),
                dt.datetime(2027, 10, 31, 2, 0, tzinfo=dt.UTC),
            ),
            (on(night, d(2027, 3, 21)), wall(SPRING, 1), wall(SPRING, 3, 15)),
        ]
        for occurrence, start, end in moves:
            services.occurrence_move(
                actor=cast.coordinator, occurrence=occurrence, starts_at=start, ends_at=end
            )
        mine = [
            *night.occurrences.all()[:20],
            on(overnight, SPRING - dt.timedelta(days=1)),
            on(last_sunday, AUTUMN),
            on(coffee, dt.date(2027, 10, 26)),
            on(coffee, dt.date(2027, 4, 13)),
        ]
        for occurrence in mine:
            SignUp.objects.create(
                occurrence=occurrence, member=cast.drager_member, status=SignUp.Status.CONFIRMED
            )
        token = services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)
    return token


def app_dates(occurrences) -> Counter:
    return Counter(
        (o.activity.title, o.starts_at.astimezone(dt.UTC), o.ends_at.astimezone(dt.UTC))
        for o in occurrences
        if NOW <= o.starts_at < YEAR_END
    )


def expanded_by_recurring_ical_events(text: bytes) -> Counter:
    calendar = icalendar.Calendar.from_ical(text)
    return Counter(
        (str(e["SUMMARY"]), e["DTSTART"].dt.astimezone(dt.UTC), e["DTEND"].dt.astimezone(dt.UTC))
        for e in recurring_ical_events.of(calendar).between(NOW, YEAR_END)
        if NOW <= e["DTSTART"].dt < YEAR_END and str(e.get("STATUS")) != "CANCELLED"
    )


def expanded_by_vobject(text: bytes) -> Counter:
    """Expand as a client does: the rule with its EXDATEs, then RECURRENCE-ID overrides."""
    # vobject keeps the first VTIMEZONE it read for each TZID for the rest of the process;
    # forget it, so that this feed is read with its own VTIMEZONE, as a calendar app does.
    vars(vobject.icalendar)["__tzidMap"].clear()
    dates: dict[tuple, tuple] = {}
    overrides = []
    for event in vobject.readOne(text.decode()).vevent_list:
        if event.status.value == "CANCELLED":
            continue
        uid, title = event.uid.value, event.summary.value
        start, end = event.dtstart.value, event.dtend.value
        if hasattr(event, "recurrence_id"):
            overrides.append((uid, event.recurrence_id.value, (title, start, end)))
        elif hasattr(event, "rrule"):
            for instance in event.getrruleset(addRDate=True).between(
                NOW - dt.timedelta(days=7), YEAR_END, inc=True
            ):
                dates[uid, instance] = (title, instance, instance + (end - start))
        else:
            dates[uid, start] = (title, start, end)
    for uid, recurrence_id, replacement in overrides:
        if not NOW <= recurrence_id < YEAR_END:
            continue  # a date beyond the year compared
        assert (uid, recurrence_id) in dates, f"{replacement} overrides no date of the rule"
        dates[uid, recurrence_id] = replacement
    return Counter(
        (title, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
        for title, start, end in dates.values()
        if NOW <= start < YEAR_END
    )


def feeds(client, cast, token) -> dict[str, tuple[bytes, Counter]]:
    scheduled = Occurrence.objects.filter(status=Occurrence.Status.SCHEDULED).select_related(
        "activity"
    )
    signed_up = scheduled.filter(signups__member=cast.drager_member)
    with time_machine.travel(NOW, tick=False):
        return {
            "public": (
                client.get(reverse("ical_public", args=[cast.association.slug])).content,
                app_dates(scheduled.filter(activity__visibility=Visibility.PUBLIC)),
            ),
            "association": (
                client.get(reverse("ical_members", args=[token])).content,
                app_dates(scheduled),
            ),
            "mine": (
                client.get(reverse("ical_member", args=[token])).content,
                app_dates(signed_up),
            ),
        }


@pytest.mark.parametrize("feed", ["public", "association", "mine"])
def test_every_date_of_a_year_reads_the_same_as_the_app_in_recurring_ical_events(
    client, cast, calendar_year, feed
):
    text, expected = feeds(client, cast, calendar_year)[feed]

    assert expanded_by_recurring_ical_events(text) == expected
    # Both clock changes are in the comparison.
    nights = {timezone.localdate(start) for _title, start, _end in expected}
    assert SPRING in nights and AUTUMN in nights


@pytest.mark.parametrize("feed", ["public", "association", "mine"])
def test_every_date_of_a_year_reads_the_same_as_the_app_in_vobject(
    client, cast, calendar_year, feed
):
    text, expected = feeds(client, cast, calendar_year)[feed]

    assert expanded_by_vobject(text) == expected
