"""iCal (RFC 5545) feeds built with the icalendar package.

The association feed has one event per activity: a recurring one carries its RRULE, its
cancelled dates as EXDATE and its moved dates as overriding events with a RECURRENCE-ID, so a
calendar client sees the series, the exceptions and the moves. The member's own feed has one
event per signed-up date, with STATUS:CANCELLED when that date was cancelled.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Occurrence, SignUp, Visibility
from activities.recurrence import rule_of
from coop.models import Association
from members.models import Member

# Dates that ended longer ago than this are left out of the feeds.
PAST = dt.timedelta(days=90)


def _host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def _url(name: str, pk: int) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(f"activities:{name}", args=[pk])


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Samen wonen//Activiteiten//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(uid: str, activity: Activity, start: dt.datetime, end: dt.datetime, stamp):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(start))
    event.add("dtend", timezone.localtime(end))
    event.add("summary", activity.title)
    event.add("location", activity.location)
    if activity.description:
        event.add("description", activity.description)
    event.add("categories", [activity.category.label])
    return event


def _status(cancelled: bool) -> str:
    return "CANCELLED" if cancelled else "CONFIRMED"


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def association_feed(association: Association, *, public_only: bool) -> bytes:
    """Every activity on the association's calendar (or only its public ones); two queries."""
    stamp = timezone.now()
    activities = (
        Activity.objects.shown()
        .filter(association=association)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(ends_at__gte=stamp - PAST).order_by("starts_at"),
                to_attr="feed_occurrences",
            )
        )
        .order_by("starts_at")
    )
    if public_only:
        activities = activities.filter(visibility=Visibility.PUBLIC)
    title = association.name if not public_only else f"{association.name} ({_('public')})"
    calendar = _calendar(title)
    for activity in activities:
        uid = f"activity-{activity.pk}@{_host()}"
        cancelled = activity.status == Activity.Status.CANCELLED
        occurrences = activity.feed_occurrences
        if not activity.is_recurring:
            for occurrence in occurrences[:1]:
                event = _event(uid, activity, occurrence.starts_at, occurrence.ends_at, stamp)
                event.add("status", _status(cancelled or occurrence.is_cancelled))
                event.add("url", _url("occurrence_detail", occurrence.pk))
                calendar.add_component(event)
            continue
        if not occurrences and not cancelled:
            continue
        master = _event(uid, activity, activity.starts_at, activity.ends_at, stamp)
        master.add("rrule", rule_of(activity).ical())
        master.add("status", _status(cancelled))
        master.add("url", _url("activity_detail", activity.pk))
        exdates = [timezone.localtime(o.original_start) for o in occurrences if o.is_cancelled]
        if exdates:
            master.add("exdate", exdates)
        calendar.add_component(master)
        for occurrence in occurrences:
            if occurrence.is_moved and not occurrence.is_cancelled:
                moved = _event(uid, activity, occurrence.starts_at, occurrence.ends_at, stamp)
                moved.add("recurrence-id", timezone.localtime(occurrence.original_start))
                moved.add("status", _status(cancelled))
                moved.add("url", _url("occurrence_detail", occurrence.pk))
                calendar.add_component(moved)
    return _finish(calendar)


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
        event = _event(
            f"occurrence-{occurrence.pk}@{_host()}",
            activity,
            occurrence.starts_at,
            occurrence.ends_at,
            stamp,
        )
        cancelled = occurrence.is_cancelled or activity.status == Activity.Status.CANCELLED
        if signup.status == SignUp.Status.WAITING and not cancelled:
            event["summary"] = f"{activity.title} ({_('waiting list')})"
            event.add("status", "TENTATIVE")
        else:
            event.add("status", _status(cancelled))
        event.add("url", _url("occurrence_detail", occurrence.pk))
        calendar.add_component(event)
    return _finish(calendar)
