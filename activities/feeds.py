"""iCal (RFC 5545) feeds built with the icalendar package.

The association feed has one event per activity: a recurring one carries its RRULE, its
cancelled dates as EXDATE and its moved dates as overriding events with a RECURRENCE-ID, for
the whole series, so a calendar client sees the series, the exceptions and the moves. Dates on
the nights the clocks change are spelled out as overriding events too: calendar apps disagree on
times the clocks skip or pass twice. The member's own feed has one event per signed-up date,
with STATUS:CANCELLED when that date was cancelled.

DTSTAMP is the time an event last changed (RFC 5545 3.8.7.2, for a feed without METHOD), so a
feed reads the same until something in it changes, and its hash serves as the ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Frequency, Occurrence, SignUp, Visibility
from activities.recurrence import (
    DST_CHANGES,
    DST_SINCE,
    HORIZON,
    end_of,
    local_instant,
    rule_of,
)
from coop.http import absolute_url
from coop.models import Association
from members.models import Member

# Activities whose dates all ended longer ago than this are left out of the feeds.
PAST = dt.timedelta(days=90)
# How often calendar apps should fetch the feed again (REFRESH-INTERVAL, Cache-Control).
REFRESH = dt.timedelta(hours=1)
# Dates on the nights the clocks change are spelled out this far ahead.
DST_AHEAD = 3 * HORIZON
ZONE_PERIODS = {"DAYLIGHT": icalendar.TimezoneDaylight, "STANDARD": icalendar.TimezoneStandard}


def _host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def _url(name: str, pk: int) -> str:
    return absolute_url(reverse(f"activities:{name}", args=[pk]))


def _vtimezone() -> icalendar.Timezone:
    """The local zone as yearly rules (last Sunday of March and of October).

    ``add_missing_timezones()`` lists every change in one RDATE property; ical.js (Thunderbird)
    and vobject read only its first value and show summer times an hour late.
    """
    zone = icalendar.Timezone()
    zone.add("tzid", settings.TIME_ZONE)
    for component, before, after, month, hour in DST_CHANGES:
        change = ZONE_PERIODS[component]()
        first = _first_change(month, hour)
        # The zone's name for the period that starts with the change (CEST, CET).
        change.add("tzname", timezone.localtime(local_instant(first)).tzname())
        change.add("tzoffsetfrom", before)
        change.add("tzoffsetto", after)
        change.add("dtstart", first)
        change.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(change)
    return zone


def _first_change(month: int, hour: int) -> dt.datetime:
    """The first change under the rules, as the naive local time it happens at."""
    last = dt.date(DST_SINCE, month + 1, 1) - dt.timedelta(days=1)
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    return dt.datetime.combine(sunday, dt.time(hour))


def _time(instant: dt.datetime) -> dt.datetime:
    """A local time with the zone, or UTC where the local time alone would be misread.

    A local time the clocks pass twice reads as the first; the second is written in UTC.
    """
    local = timezone.localtime(instant)
    if local_instant(local.replace(tzinfo=None, fold=0)) == instant.astimezone(dt.UTC):
        return local.replace(fold=0)
    return instant.astimezone(dt.UTC)


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Samen wonen//Activiteiten//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    # Before the events: some clients read the zone only if it comes first.
    calendar.add_component(_vtimezone())
    return calendar


def _event(
    uid: str,
    activity: Activity,
    start: dt.datetime,
    end: dt.datetime,
    *,
    revision: tuple[int, dt.datetime],
    series: bool = False,
):
    """An event; ``revision`` is (SEQUENCE, LAST-MODIFIED).

    An event across a clock change is written in UTC: clients take its length as DTEND -
    DTSTART and add that to the start in wall-clock time. A series keeps its local start (its
    rule repeats local times); its end in UTC still gives every date the right length.
    """
    sequence, modified = revision
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", sequence)
    same = timezone.localtime(start).utcoffset() == timezone.localtime(end).utcoffset()
    event.add("dtstart", _time(start) if same or series else start.astimezone(dt.UTC))
    event.add("dtend", _time(end) if same else end.astimezone(dt.UTC))
    event.add("summary", activity.title)
    event.add("location", activity.location)
    if activity.description:
        event.add("description", activity.description)
    event.add("categories", [activity.category.label])
    return event


def _date_event(uid: str, activity: Activity, occurrence: Occurrence):
    """The event of one stored date, at its own times and with its own revision."""
    revision = _revision(activity, occurrence)
    return _event(uid, activity, occurrence.starts_at, occurrence.ends_at, revision=revision)


def _revision(activity: Activity, occurrence: Occurrence | None = None) -> tuple:
    """SEQUENCE and LAST-MODIFIED of an event: the series' and the date's changes together."""
    if occurrence is None:
        return activity.sequence, activity.updated_at
    return (
        activity.sequence + occurrence.sequence,
        max(activity.updated_at, occurrence.updated_at),
    )


def _status(cancelled: bool) -> str:
    return "CANCELLED" if cancelled else "CONFIRMED"


def _finish(calendar: icalendar.Calendar) -> bytes:
    return calendar.to_ical()


def etag(content: bytes) -> str:
    """A strong ETag for a feed's bytes."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _exceptions(now: dt.datetime):
    """Dates the feed lists apart from the rule: one-off, cancelled, moved or resized ones."""
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    planned = ExpressionWrapper(
        F("activity__ends_at") - F("activity__starts_at"), output_field=DurationField()
    )
    return (
        Occurrence.objects.alias(length=length, planned=planned)
        .filter(
            Q(activity__frequency=Frequency.ONCE)
            | Q(status=Occurrence.Status.CANCELLED)
            | ~Q(starts_at=F("original_start"))
            | ~Q(length=F("planned"))
        )
        .order_by("starts_at")
    )


def association_feed(association: Association, *, public_only: bool) -> bytes:
    """Every activity on the association's calendar (or only its public ones); two queries."""
    now = timezone.now()
    recent = Occurrence.objects.filter(activity=OuterRef("pk"), ends_at__gte=now - PAST)
    activities = (
        Activity.objects.shown()
        .filter(Exists(recent), association=association)
        .select_related("category")
        .prefetch_related(
            Prefetch("occurrences", queryset=_exceptions(now), to_attr="feed_exceptions")
        )
        .order_by("starts_at", "pk")
    )
    if public_only:
        activities = activities.filter(visibility=Visibility.PUBLIC)
        title = _("%(name)s (public)") % {"name": association.name}
    else:
        title = association.name
    calendar = _calendar(title)
    for activity in activities:
        for event in _activity_events(activity, now=now, public=public_only, slug=association.slug):
            calendar.add_component(event)
    return _finish(calendar)


def _activity_events(activity: Activity, *, now: dt.datetime, public: bool, slug: str) -> list:
    uid = f"activity-{activity.pk}@{_host()}"
    cancelled = activity.status == Activity.Status.CANCELLED
    public_url = absolute_url(reverse("public_activity", args=[slug, activity.pk]))

    def link(event, name: str, pk: int) -> None:
        # The public feed is read by people without an account: no log-in page.
        event.add("url", public_url if public else _url(name, pk))

    exceptions = activity.feed_exceptions
    if not activity.is_recurring:
        events = []
        for occurrence in exceptions[:1]:
            event = _date_event(uid, activity, occurrence)
            event.add("status", _status(cancelled or occurrence.is_cancelled))
            link(event, "occurrence_detail", occurrence.pk)
            events.append(event)
        return events
    rule = rule_of(activity)
    duration = activity.duration
    # The rule's first date, as the rule reads it: DTSTART keeps the zone, RRULE repeats it.
    first = local_instant(rule.wall_of(activity.starts_at))
    master = _event(
        uid, activity, first, end_of(first, duration), revision=_revision(activity), series=True
    )
    master.add("rrule", rule.ical())
    master.add("status", _status(cancelled))
    link(master, "activity_detail", activity.pk)

    def rule_time(wall: dt.datetime) -> dt.datetime:
        # How the rule names a date (RECURRENCE-ID, EXDATE): its wall-clock time, even when
        # the clocks skip it; every client then matches it with the date it generated.
        return timezone.make_aware(wall)

    exdates = [rule_time(rule.wall_of(o.original_start)) for o in exceptions if o.is_cancelled]
    if exdates:
        master.add("exdate", exdates)
    events = [master]
    listed = set()
    for occurrence in exceptions:
        wall = rule.wall_of(occurrence.original_start)
        listed.add(wall)
        if occurrence.is_cancelled:
            continue
        moved = _date_event(uid, activity, occurrence)
        moved.add("recurrence-id", rule_time(wall))
        moved.add("status", _status(cancelled))
        link(moved, "occurrence_detail", occurrence.pk)
        events.append(moved)
    for wall in rule.irregular_walls(duration=duration, up_to=now + DST_AHEAD):
        if wall in listed:
            continue
        start = local_instant(wall)
        night = _event(uid, activity, start, end_of(start, duration), revision=_revision(activity))
        night.add("recurrence-id", rule_time(wall))
        night.add("status", _status(cancelled))
        link(night, "activity_detail", activity.pk)
        events.append(night)
    return events


def member_feed(member: Member) -> bytes:
    """The dates the member signed up for, one event each (one query)."""
    stamp = timezone.now()
    signups = (
        SignUp.objects.filter(member=member, occurrence__ends_at__gte=stamp - PAST)
        .select_related("occurrence__activity__category")
        .order_by("occurrence__starts_at")
    )
    calendar = _calendar(_("My activities"))
    for signup in signups:
        occurrence = signup.occurrence
        activity = occurrence.activity
        event = _date_event(f"occurrence-{occurrence.pk}@{_host()}", activity, occurrence)
        cancelled = occurrence.is_cancelled or activity.status == Activity.Status.CANCELLED
        if signup.status == SignUp.Status.WAITING and not cancelled:
            event["summary"] = f"{activity.title} ({_('waiting list')})"
            event.add("status", "TENTATIVE")
        else:
            event.add("status", _status(cancelled))
        event.add("url", _url("occurrence_detail", occurrence.pk))
        calendar.add_component(event)
    return _finish(calendar)
