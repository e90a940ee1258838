"""Access-matrix rows for the calendar, sign-ups, hours and the iCal feeds."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import (
    Activity,
    Category,
    ContributionLog,
    Frequency,
    Occurrence,
    Visibility,
)
from activities.services import ActivityData
from coop.models import Association
from members.models import Member
from tests.access import NOT_FOUND, OK, REDIRECT, Row, WrongMethod, everyone, only
from tests.conftest import Cast

MEMBERS = ("vrager", "drager", "board", "selection", "coordinator")
# Everyone with a membership somewhere (the outsider is a member of the other association).
ANY_MEMBER = (*MEMBERS, "outsider")


def _activity(cast: Cast, association: Association | None = None) -> Activity:
    association = association or cast.association
    services.categories_ensure(association=association)
    category = Category.objects.filter(association=association).first()
    # The vrager organises the cast association's activity (the coordinator plans it).
    member = cast.vrager_member if association == cast.association else cast.outsider_member
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    data = ActivityData(
        title="Koffieochtend",
        category=category,
        location="Ontmoetingsruimte",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        frequency=Frequency.WEEKLY,
        count=3,
        capacity=10,
        organisers=[member],
    )
    return services.activity_plan(actor=cast.coordinator, association=association, data=data)


def _public(cast: Cast) -> Activity:
    activity = _activity(cast)
    Activity.objects.filter(pk=activity.pk).update(visibility=Visibility.PUBLIC)
    return activity


def _public_page(make, slug=lambda c: c.association.slug):
    return lambda c: reverse("public_activity", args=[slug(c), make(c).pk])


def _proposal(cast: Cast) -> Activity:
    services.categories_ensure(association=cast.association)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    return services.activity_propose(
        actor=cast.drager,
        member=cast.drager_member,
        data=ActivityData(
            title="Taalcafé",
            category=Category.objects.filter(association=cast.association).first(),
            location="Bibliotheekhoek",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        ),
    )


def _occurrence(cast: Cast, association: Association | None = None) -> Occurrence:
    return _activity(cast, association).occurrences.order_by("starts_at").first()


def _signed_up_occurrence(cast: Cast) -> Occurrence:
    """An occurrence every member of the cast's association signed up for."""
    occurrence = _occurrence(cast)
    for member in Member.objects.filter(association=cast.association, user__isnull=False):
        services.signup_create(actor=member.user, occurrence=occurrence, member=member)
    return occurrence


def _log(cast: Cast) -> ContributionLog:
    return services.contribution_log(
        actor=cast.drager,
        member=cast.drager_member,
        date=timezone.localdate(),
        hours="2",
        kind=ContributionLog.Kind.SUPPORT,
    )


def _category(cast: Cast) -> Category:
    services.categories_ensure(association=cast.association)
    return Category.objects.filter(association=cast.association).first()


def _slug(name: str):
    return lambda c: reverse(f"activities:{name}", args=[c.association.slug])


def _pk(name: str, make):
    return lambda c: reverse(f"activities:{name}", args=[make(c).pk])


OWN_MEMBERSHIP = {
    role: (REDIRECT if role == "anonymous" else OK if role in ANY_MEMBER else NOT_FOUND)
    for role in everyone(OK)
}

ROWS: dict[str, Row] = {
    "activities:calendar_month": Row(_slug("calendar_month"), only(MEMBERS)),
    "activities:calendar_week": Row(_slug("calendar_week"), only(MEMBERS)),
    "activities:calendar_list": Row(_slug("calendar_list"), only(MEMBERS)),
    "activities:activity_create": Row(
        _slug("activity_create"),
        only(MEMBERS),
        reason="Coordinators plan an activity, other members propose one.",
    ),
    "activities:category_list": Row(_slug("category_list"), only(("coordinator",))),
    "activities:association_hours": Row(_slug("association_hours"), only(("board",))),
    "activities:hours_review": Row(_slug("hours_review"), only(("coordinator",))),
    "activities:activity_detail": Row(_pk("activity_detail", _activity), only(MEMBERS)),
    "activities:activity_edit": Row(
        _pk("activity_edit", _activity),
        only(("coordinator", "vrager")),
        reason="Coordinators and the activity's organisers (the vrager) change an activity.",
    ),
    "activities:activity_cancel": Row(
        _pk("activity_cancel", _activity), only(("coordinator", "vrager"))
    ),
    "activities:activity_hours": Row(
        _pk("activity_hours", _activity), only(("coordinator", "vrager"))
    ),
    "activities:activity_approve": Row(
        _pk("activity_approve", _proposal),
        only(("coordinator",), status_ok=REDIRECT),
        method="post",
    ),
    "activities:occurrence_detail": Row(_pk("occurrence_detail", _occurrence), only(MEMBERS)),
    "activities:occurrence_signup": Row(
        _pk("occurrence_signup", _occurrence), only(MEMBERS, status_ok=REDIRECT), method="post"
    ),
    "activities:occurrence_signup_cancel": Row(
        _pk("occurrence_signup_cancel", _signed_up_occurrence),
        only(MEMBERS, status_ok=REDIRECT),
        method="post",
    ),
    "activities:occurrence_cancel": Row(
        _pk("occurrence_cancel", _occurrence), only(("coordinator", "vrager"))
    ),
    "activities:occurrence_move": Row(
        _pk("occurrence_move", _occurrence), only(("coordinator", "vrager"))
    ),
    "activities:occurrence_attendance": Row(
        _pk("occurrence_attendance", _occurrence), only(("coordinator", "vrager"))
    ),
    "activities:category_rename": Row(
        _pk("category_rename", _category),
        only(("coordinator",), status_ok=REDIRECT),
        method="post",
        extra={"name": "Moestuin"},
    ),
    "activities:hours_confirm": Row(
        _pk("hours_confirm", _log), only(("coordinator",), status_ok=REDIRECT), method="post"
    ),
    "activities:hours_reject": Row(
        _pk("hours_reject", _log),
        only(("coordinator",), status_ok=REDIRECT),
        method="post",
        extra={"reason": "Dubbel ingevoerd"},
    ),
    "activities:calendar_home": Row(
        lambda c: reverse("activities:calendar_home"),
        {**OWN_MEMBERSHIP, **{role: REDIRECT for role in ANY_MEMBER}},
        reason="Sends a member to their own association's calendar.",
    ),
    "activities:my_calendar": Row(lambda c: reverse("activities:my_calendar"), OWN_MEMBERSHIP),
    "activities:feed_token_regenerate": Row(
        lambda c: reverse("activities:feed_token_regenerate"), OWN_MEMBERSHIP, method="post"
    ),
    "activities:my_hours": Row(lambda c: reverse("activities:my_hours"), OWN_MEMBERSHIP),
    "activities:hours_log": Row(lambda c: reverse("activities:hours_log"), OWN_MEMBERSHIP),
    "ical_public": Row(
        lambda c: reverse("ical_public", args=[c.association.slug]),
        everyone(OK),
        reason="The association's public activities, for anyone's calendar app.",
    ),
    "public_activity": Row(
        _public_page(_public),
        everyone(OK),
        reason="A public activity's page, linked from the public feed, for anyone.",
    ),
    "ical_members": Row(
        lambda c: reverse("ical_members", args=["not-a-valid-token"]),
        everyone(NOT_FOUND),
        reason="A wrong token is refused for everyone; valid tokens in test_feeds.py.",
    ),
    "ical_member": Row(
        lambda c: reverse("ical_member", args=["not-a-valid-token"]),
        everyone(NOT_FOUND),
        reason="A wrong token is refused for everyone; valid tokens in test_feeds.py.",
    ),
}

OBJECT_ROWS: dict[str, Row] = {
    "other association's calendar": Row(
        lambda c: reverse("activities:calendar_month", args=[c.other_association.slug]),
        only(("outsider",)),
    ),
    "other association's activity": Row(
        lambda c: reverse(
            "activities:activity_detail", args=[_activity(c, c.other_association).pk]
        ),
        only(("outsider",)),
    ),
    "sign-up for another association's date": Row(
        lambda c: reverse(
            "activities:occurrence_signup", args=[_occurrence(c, c.other_association).pk]
        ),
        only(("outsider",), status_ok=REDIRECT),
        method="post",
    ),
    "a proposal, seen by its proposer and coordinators": Row(
        _pk("activity_detail", _proposal), only(("drager", "coordinator"))
    ),
    "missing activity": Row(
        lambda c: reverse("activities:activity_detail", args=[999999]), only(())
    ),
    "public page of a members-only activity": Row(_public_page(_activity), everyone(NOT_FOUND)),
    "public page of an activity under another association's address": Row(
        _public_page(_public, slug=lambda c: c.other_association.slug), everyone(NOT_FOUND)
    ),
    "missing association's public feed": Row(
        lambda c: reverse("ical_public", args=["does-not-exist"]), everyone(NOT_FOUND)
    ),
}


def _wrong(method: str, url, role: str = "board") -> WrongMethod:
    return WrongMethod(method, url, role=role)


WRONG_METHOD: dict[str, WrongMethod] = {
    "activities:calendar_month": _wrong("post", _slug("calendar_month")),
    "activities:calendar_week": _wrong("post", _slug("calendar_week")),
    "activities:calendar_list": _wrong("post", _slug("calendar_list")),
    "activities:activity_create": _wrong("put", _slug("activity_create")),
    "activities:category_list": _wrong("delete", _slug("category_list"), "coordinator"),
    "activities:association_hours": _wrong("post", _slug("association_hours")),
    "activities:hours_review": _wrong("post", _slug("hours_review"), "coordinator"),
    "activities:activity_detail": _wrong("post", _pk("activity_detail", _activity)),
    "activities:activity_edit": _wrong("put", _pk("activity_edit", _activity), "coordinator"),
    "activities:activity_cancel": _wrong(
        "delete", _pk("activity_cancel", _activity), "coordinator"
    ),
    "activities:activity_hours": _wrong("put", _pk("activity_hours", _activity), "coordinator"),
    "activities:activity_approve": _wrong("get", _pk("activity_approve", _proposal), "coordinator"),
    "activities:occurrence_detail": _wrong("post", _pk("occurrence_detail", _occurrence)),
    "activities:occurrence_signup": _wrong("get", _pk("occurrence_signup", _occurrence)),
    "activities:occurrence_signup_cancel": _wrong(
        "get", _pk("occurrence_signup_cancel", _occurrence)
    ),
    "activities:occurrence_cancel": _wrong(
        "put", _pk("occurrence_cancel", _occurrence), "coordinator"
    ),
    "activities:occurrence_move": _wrong(
        "delete", _pk("occurrence_move", _occurrence), "coordinator"
    ),
    "activities:occurrence_attendance": _wrong(
        "put", _pk("occurrence_attendance", _occurrence), "coordinator"
    ),
    "activities:category_rename": _wrong("get", _pk("category_rename", _category), "coordinator"),
    "activities:hours_confirm": _wrong("get", _pk("hours_confirm", _log), "coordinator"),
    "activities:hours_reject": _wrong("get", _pk("hours_reject", _log), "coordinator"),
    "activities:calendar_home": _wrong("post", lambda c: reverse("activities:calendar_home")),
    "activities:my_calendar": _wrong("post", lambda c: reverse("activities:my_calendar")),
    "activities:feed_token_regenerate": _wrong(
        "get", lambda c: reverse("activities:feed_token_regenerate")
    ),
    "activities:my_hours": _wrong("post", lambda c: reverse("activities:my_hours")),
    "activities:hours_log": _wrong("put", lambda c: reverse("activities:hours_log")),
    "ical_public": _wrong("post", lambda c: reverse("ical_public", args=[c.association.slug])),
    "public_activity": _wrong("post", _public_page(_public)),
    "ical_member": _wrong("post", lambda c: reverse("ical_member", args=["x"])),
    "ical_members": _wrong("post", lambda c: reverse("ical_members", args=["x"])),
}
