"""iCal feeds parse back with icalendar and carry recurrence, cancellations and moves."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Frequency, Visibility
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
