"""iCal feeds parse back with icalendar and carry recurrence, cancellations and moves."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Frequency, Visibility
from activities.services import ActivityData
from tests.activities.conftest import at

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_the_public_feed_has_the_series_with_its_rule_exceptions_and_moves(client, cast, plan):
    series = plan(frequency=Frequency.WEEKLY, count=4, visibility=Visibility.PUBLIC)
    plan(title="Ledenvergadering")  # members only: not in the public feed
    first, second, third, _ = series.occurrences.order_by("starts_at")
    services.occurrence_cancel(actor=cast.coordinator, occurrence=second)
    moved_day = timezone.localdate(third.starts_at) + dt.timedelta(days=1)
    services.occurrence_move(
        actor=cast.coordinator,
        occurrence=third,
        starts_at=at(moved_day, 14),
        ends_at=at(moved_day, 15),
    )

    calendar = parse(client.get(reverse("ical_public", args=[cast.association.slug])))

    master, override = events(calendar)
    assert str(master["summary"]) == "Koffieochtend"
    assert master["rrule"]["FREQ"] == ["WEEKLY"] and master["rrule"]["COUNT"] == [4]
    assert master.decoded("dtstart") == timezone.localtime(first.starts_at)
    assert str(master["dtstart"].params["TZID"]) == "Europe/Amsterdam"
    assert [d.dt for d in master["exdate"].dts] == [timezone.localtime(second.original_start)]
    assert override["uid"] == master["uid"]
    assert override.decoded("recurrence-id") == timezone.localtime(third.original_start)
    assert override.decoded("dtstart") == at(moved_day, 14)
    assert calendar.walk("VTIMEZONE")


def test_a_cancelled_activity_stays_in_the_feed_as_cancelled(client, cast, plan):
    activity = plan(visibility=Visibility.PUBLIC)
    services.activity_cancel(actor=cast.coordinator, activity=activity, reason="Ziek")

    (event,) = events(parse(client.get(reverse("ical_public", args=[cast.association.slug]))))

    assert str(event["status"]) == "CANCELLED"
    assert "rrule" not in event


def test_the_private_feeds_follow_the_members_token_and_refuse_a_wrong_one(client, cast, plan):
    members_only = plan(frequency=Frequency.WEEKLY, count=3)
    first, second, _ = members_only.occurrences.order_by("starts_at")
    services.signup_create(actor=cast.drager, occurrence=first, member=cast.drager_member)
    services.signup_create(actor=cast.drager, occurrence=second, member=cast.drager_member)
    services.occurrence_cancel(actor=cast.coordinator, occurrence=second)
    token = services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)

    association = parse(client.get(reverse("ical_members", args=[token])))
    mine = parse(client.get(reverse("ical_member", args=[token])))

    assert [str(e["summary"]) for e in events(association)] == ["Koffieochtend"]
    assert [(e.decoded("dtstart"), str(e["status"])) for e in events(mine)] == [
        (timezone.localtime(first.starts_at), "CONFIRMED"),
        (timezone.localtime(second.starts_at), "CANCELLED"),
    ]
    assert client.get(reverse("ical_member", args=[token + "x"])).status_code == 404
    services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)
    assert client.get(reverse("ical_member", args=[token])).status_code == 404
    assert client.get(reverse("ical_members", args=[token])).status_code == 404


def test_a_member_regenerates_the_links_and_sees_them_once(client_for, cast):
    client = client_for("drager")

    response = client.post(reverse("activities:feed_token_regenerate"))

    link = response.context["feed_mine"]
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    page = client.get(reverse("activities:my_calendar"))
    assert link not in page.content.decode()


def shift(cast, occurrence, by: dt.timedelta) -> None:
    services.occurrence_move(
        actor=cast.coordinator,
        occurrence=occurrence,
        starts_at=occurrence.starts_at + by,
        ends_at=occurrence.ends_at + by,
    )


def public_feed(client, cast, **headers):
    return client.get(reverse("ical_public", args=[cast.association.slug]), headers=headers)


def test_a_feed_answers_304_while_it_has_not_changed_and_200_once_it_has(client, cast, plan):
    activity = plan(frequency=Frequency.WEEKLY, count=4, visibility=Visibility.PUBLIC)
    first = public_feed(client, cast)
    etag = first["ETag"]

    again = public_feed(client, cast, if_none_match=etag)
    services.occurrence_cancel(actor=cast.coordinator, occurrence=activity.occurrences.last())
    changed = public_feed(client, cast, if_none_match=etag)

    assert first.status_code == 200 and etag
    assert again.status_code == 304 and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_feeds_say_how_long_to_cache_them_and_answer_head(client, cast, plan):
    plan(visibility=Visibility.PUBLIC)
    token = services.calendar_token_regenerate(actor=cast.drager, member=cast.drager_member)
    public = public_feed(client, cast)
    head = client.head(reverse("ical_public", args=[cast.association.slug]))
    private = client.get(reverse("ical_member", args=[token]))

    assert public["Cache-Control"] == "public, max-age=3600"
    assert private["Cache-Control"] == "private, max-age=3600"
    assert "no-store" not in public["Cache-Control"] + private["Cache-Control"]
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == public["ETag"]
    assert head["Content-Length"] == str(len(public.content))
    calendar = parse(public)
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


# The feeds are read in January 2027 too: a series long past drops out of the feed.
@pytest.mark.frozen_at("2027-01-04T09:00+00:00")
def test_changed_events_carry_a_higher_sequence_and_their_last_change(client, cast, plan):
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC), tick=False):
        series = plan(frequency=Frequency.WEEKLY, count=4, visibility=Visibility.PUBLIC)
        _, second, third, _ = series.occurrences.order_by("starts_at")
    before = {str(e.get("recurrence-id", "")): e for e in events(parse(public_feed(client, cast)))}

    with time_machine.travel(dt.datetime(2027, 1, 5, 7, tzinfo=dt.UTC), tick=False):
        shift(cast, third, dt.timedelta(hours=2))
    with time_machine.travel(dt.datetime(2027, 1, 6, 7, tzinfo=dt.UTC), tick=False):
        services.occurrence_cancel(actor=cast.coordinator, occurrence=second)
    master, moved = events(parse(public_feed(client, cast)))

    assert before[""]["sequence"] == 0
    assert master["sequence"] == 1  # the series has a new EXDATE
    assert master.decoded("last-modified") == dt.datetime(2027, 1, 6, 7, tzinfo=dt.UTC)
    assert master.decoded("dtstamp") == master.decoded("last-modified")
    assert moved["sequence"] == 2  # the series' revision plus the date's own move
    assert moved.decoded("last-modified") == dt.datetime(2027, 1, 6, 7, tzinfo=dt.UTC)


def test_an_edited_activity_gets_a_higher_sequence(client, cast, plan, categories):
    activity = plan(visibility=Visibility.PUBLIC)
    data = ActivityData(
        title="Koffie en thee",
        category=activity.category,
        location=activity.location,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        visibility=Visibility.PUBLIC,
    )
    services.activity_update(actor=cast.coordinator, activity=activity, data=data)

    (event,) = events(parse(public_feed(client, cast)))

    assert str(event["summary"]) == "Koffie en thee"
    assert event["sequence"] == 1


def test_cancelled_and_moved_dates_stay_in_the_feed_for_the_whole_series(client, cast, plan):
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC), tick=False):
        series = plan(frequency=Frequency.WEEKLY, visibility=Visibility.PUBLIC)
        first, second = series.occurrences.order_by("starts_at")[:2]
        services.occurrence_cancel(actor=cast.coordinator, occurrence=first)
        shift(cast, second, dt.timedelta(days=1))

    # Half a year later the dates are long past, but the rule still has them.
    with time_machine.travel(dt.datetime(2027, 7, 5, 9, tzinfo=dt.UTC), tick=False):
        master, moved = events(parse(public_feed(client, cast)))

    assert [d.dt for d in master["exdate"].dts] == [timezone.localtime(first.original_start)]
    assert moved.decoded("recurrence-id") == timezone.localtime(second.original_start)
    assert moved.decoded("dtstart") == timezone.localtime(second.starts_at) + dt.timedelta(days=1)


def test_the_public_feed_links_to_a_public_page_and_names_itself_in_dutch(client, cast, plan):
    activity = plan(frequency=Frequency.WEEKLY, count=3, visibility=Visibility.PUBLIC)
    moved = activity.occurrences.last()
    shift(cast, moved, dt.timedelta(hours=1))

    calendar = parse(public_feed(client, cast))

    assert str(calendar["X-WR-CALNAME"]) == f"{cast.association.name} (openbaar)"
    urls = {str(e["url"]) for e in events(calendar)}
    assert len(urls) == 1
    path = urls.pop().removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
    page = client.get(path)  # anonymous
    assert page.status_code == 200
    assert "Koffieochtend" in page.content.decode()
    assert len(page.context["occurrences"]) == 3


def test_the_public_feed_takes_the_same_queries_for_one_activity_as_for_many(client, cast, plan):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert public_feed(client, cast).status_code == 200
        return len(captured)

    series = plan(frequency=Frequency.WEEKLY, count=4, visibility=Visibility.PUBLIC)
    one = queries()
    for hour in (14, 16, 18):
        plan(title=f"Taalcafé {hour}", frequency=Frequency.WEEKLY, visibility=Visibility.PUBLIC)
    services.occurrence_cancel(actor=cast.coordinator, occurrence=series.occurrences.last())

    # The association, the activities with their category, their cancelled and moved dates.
    assert queries() == one == 3


def test_the_time_zone_comes_first_as_yearly_rules(client, cast, plan):
    plan(visibility=Visibility.PUBLIC)

    calendar = parse(public_feed(client, cast))

    zone = calendar.subcomponents[0]
    assert zone.name == "VTIMEZONE" and str(zone["tzid"]) == "Europe/Amsterdam"
    summer, winter = zone.subcomponents
    assert (summer.name, str(summer["tzname"]), summer["tzoffsetto"].to_ical()) == (
        "DAYLIGHT",
        "CEST",
        "+0200",
    )
    assert (winter.name, str(winter["tzname"]), winter["tzoffsetto"].to_ical()) == (
        "STANDARD",
        "CET",
        "+0100",
    )
    assert summer["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert winter["rrule"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert "RDATE" not in summer and "RDATE" not in winter


def test_the_public_activity_page_carries_the_public_site_menu(client, cast, plan):
    from coop.models.pages import ContentPage, HomePage

    HomePage.objects.get().add_child(instance=ContentPage(title="Over ons", slug="over-ons"))
    activity = plan(visibility=Visibility.PUBLIC)

    text = client.get(reverse("public_activity", args=[cast.association.slug, activity.pk]))
    menu = re.search(r'<nav class="public-menu"[^>]*>(.*?)</nav>', text.content.decode(), re.S)

    assert menu is not None
    assert 'href="/over-ons/"' in menu.group(1)
