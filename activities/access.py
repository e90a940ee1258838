"""Who may see and change what in the calendar; every helper answers 404 when refused."""

from __future__ import annotations

from typing import Literal

from django.http import Http404

from activities.models import Activity, Category, ContributionLog, Occurrence, SignUp
from coop.models import Association
from members.access import Viewer
from members.models import Member, Role

ActivityNeed = Literal["view", "manage", "approve"]


def coordinates(viewer: Viewer, association_id: int | None) -> bool:
    """Coordinators of an association run its calendar and confirm hours."""
    return (
        association_id is not None
        and viewer.association_id == association_id
        and viewer.has_role(Role.COORDINATOR)
    )


def organises(viewer: Viewer, activity: Activity) -> bool:
    return viewer.member is not None and activity.organisers.filter(pk=viewer.member.pk).exists()


def may_manage(viewer: Viewer, activity: Activity) -> bool:
    return coordinates(viewer, activity.association_id) or organises(viewer, activity)


def get_calendar_for(viewer: Viewer, slug: str, *, need: str = "view") -> Association:
    """The calendar of the viewer's own association (members only); ``coordinate`` or
    ``board`` narrow it to those roles."""
    member = viewer.member
    if member is None or member.association.slug != slug:
        raise Http404
    if need == "coordinate" and not viewer.has_role(Role.COORDINATOR):
        raise Http404
    if need == "board" and not viewer.has_role(Role.BOARD):
        raise Http404
    return member.association


def _check_activity(viewer: Viewer, activity: Activity, need: ActivityNeed) -> None:
    if activity.association_id != viewer.association_id:
        raise Http404
    if need == "approve":
        allowed = coordinates(viewer, activity.association_id)
    elif need == "manage" or activity.status == Activity.Status.PROPOSED:
        # A proposal is seen by coordinators and its own organisers only.
        allowed = may_manage(viewer, activity)
    else:
        allowed = True
    if not allowed:
        raise Http404


def get_activity_for(viewer: Viewer, pk: int, *, need: ActivityNeed = "view") -> Activity:
    activity = Activity.objects.select_related("association", "category").filter(pk=pk).first()
    if activity is None or viewer.member is None:
        raise Http404
    _check_activity(viewer, activity, need)
    return activity


def get_occurrence_for(viewer: Viewer, pk: int, *, need: ActivityNeed = "view") -> Occurrence:
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
    if log is None or not coordinates(viewer, log.member.association_id):
        raise Http404
    return log


def get_category_for(viewer: Viewer, pk: int) -> Category:
    category = Category.objects.filter(pk=pk).first()
    if category is None or not coordinates(viewer, category.association_id):
        raise Http404
    return category


def own_member(viewer: Viewer) -> Member:
    """The viewer's membership; people without one have no calendar or hours."""
    if viewer.member is None:
        raise Http404
    return viewer.member
