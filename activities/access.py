"""Who may see and change what in the calendar; every helper answers 404 when refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.http import Http404

from activities.models import Activity, Category, ContributionLog, Occurrence, SignUp
from coop.models import Association
from members.access import Viewer, checked_need
from members.models import Member, Role


class CalendarNeed(StrEnum):
    VIEW = "view"  # every member of the association
    COORDINATE = "coordinate"  # its coordinators: plan, review hours, categories
    MEMBERS_HOURS = "members_hours"  # its board: every member's hours


class ActivityNeed(StrEnum):
    VIEW = "view"  # every member; a proposal only its organisers and the coordinators
    MANAGE = "manage"  # its organisers and the coordinators
    APPROVE = "approve"  # the coordinators


def may_coordinate(viewer: Viewer, association_id: int | None) -> bool:
    """Coordinators of an association run its calendar and confirm hours."""
    return (
        association_id is not None
        and viewer.association_id == association_id
        and viewer.has_role(Role.COORDINATOR)
    )


@dataclass(frozen=True)
class CalendarAccess:
    """What the viewer may do with their own association's calendar."""

    viewer: Viewer

    @property
    def may_coordinate(self) -> bool:
        return may_coordinate(self.viewer, self.viewer.association_id)

    @property
    def may_see_members_hours(self) -> bool:
        return self.viewer.member is not None and self.viewer.has_role(Role.BOARD)


@dataclass
class ActivityAccess:
    """What the viewer may do with one activity of their association; whether they organise
    it costs a query, asked at most once."""

    viewer: Viewer
    activity: Activity

    @cached_property
    def is_organiser(self) -> bool:
        member = self.viewer.member
        return member is not None and self.activity.organisers.filter(pk=member.pk).exists()

    @property
    def may_approve(self) -> bool:
        return may_coordinate(self.viewer, self.activity.association_id)

    @property
    def may_manage(self) -> bool:
        return self.may_approve or self.is_organiser

    def may(self, need: ActivityNeed) -> bool:
        match checked_need(need, ActivityNeed):
            case ActivityNeed.VIEW:
                # A proposal is seen by coordinators and its own organisers only.
                return self.activity.status != Activity.Status.PROPOSED or self.may_manage
            case ActivityNeed.MANAGE:
                return self.may_manage
            case ActivityNeed.APPROVE:
                return self.may_approve
        raise ValueError(f"unhandled need {need!r}")


def get_calendar_for(
    viewer: Viewer, slug: str, *, need: CalendarNeed = CalendarNeed.VIEW
) -> Association:
    """The calendar of the viewer's own association (members only); ``COORDINATE`` or
    ``MEMBERS_HOURS`` narrow it to the coordinators or the board."""
    need = checked_need(need, CalendarNeed)
    member = viewer.member
    if member is None or member.association.slug != slug:
        raise Http404
    calendar = CalendarAccess(viewer)
    match need:
        case CalendarNeed.VIEW:
            allowed = True
        case CalendarNeed.COORDINATE:
            allowed = calendar.may_coordinate
        case CalendarNeed.MEMBERS_HOURS:
            allowed = calendar.may_see_members_hours
    if not allowed:
        raise Http404
    return member.association


def _check_activity(viewer: Viewer, activity: Activity, need: ActivityNeed) -> None:
    """404 unless the viewer may; the activity keeps its ``access`` for the view to ask."""
    need = checked_need(need, ActivityNeed)
    if activity.association_id != viewer.association_id:
        raise Http404
    activity.access = ActivityAccess(viewer, activity)
    if not activity.access.may(need):
        raise Http404


def get_activity_for(
    viewer: Viewer, pk: int, *, need: ActivityNeed = ActivityNeed.VIEW
) -> Activity:
    activity = Activity.objects.select_related("association", "category").filter(pk=pk).first()
    if activity is None or viewer.member is None:
        raise Http404
    _check_activity(viewer, activity, need)
    return activity


def get_occurrence_for(
    viewer: Viewer, pk: int, *, need: ActivityNeed = ActivityNeed.VIEW
) -> Occurrence:
    occurrence = (
        Occurrence.objects.select_related("activity__association", "activity__category")
        .filter(pk=pk)
        .first()
    )
    if occurrence is None or viewer.member is None:
        raise Http404
    _check_activity(viewer, occurrence.activity, need)
    return occurrence


def get_own_signup_for(viewer: Viewer, occurrence: Occurrence) -> SignUp:
    signup = SignUp.objects.filter(occurrence=occurrence, member=viewer.member).first()
    if signup is None:
        raise Http404
    signup.occurrence = occurrence
    return signup


def get_contribution_for(viewer: Viewer, pk: int) -> ContributionLog:
    """Logged hours are decided on by a coordinator of the member's association."""
    log = ContributionLog.objects.select_related("member").filter(pk=pk).first()
    if log is None or not may_coordinate(viewer, log.member.association_id):
        raise Http404
    return log


def get_category_for(viewer: Viewer, pk: int) -> Category:
    category = Category.objects.filter(pk=pk).first()
    if category is None or not may_coordinate(viewer, category.association_id):
        raise Http404
    return category


def own_member(viewer: Viewer) -> Member:
    """The viewer's membership; people without one have no calendar or hours."""
    if viewer.member is None:
        raise Http404
    return viewer.member
