"""The calendar's access vocabulary: each need grants exactly its roles, and a need that is
not the helper's own raises instead of falling through to plain member access."""

from __future__ import annotations

import pytest

from activities.access import (
    ActivityAccess,
    ActivityNeed,
    CalendarAccess,
    CalendarNeed,
    get_activity_for,
    get_calendar_for,
    get_occurrence_for,
)
from activities.models import Activity
from members.access import load_viewer
from tests.activities.conftest import member_of
from tests.conftest import ROLES
from tests.helpers import roles_granted

MEMBERS = {"vrager", "drager", "board", "selection", "coordinator"}


@pytest.mark.parametrize(
    ("need", "allowed"),
    [
        (CalendarNeed.VIEW, MEMBERS),
        (CalendarNeed.COORDINATE, {"coordinator"}),
        (CalendarNeed.MEMBERS_HOURS, {"board"}),
    ],
)
def test_each_calendar_need_grants_exactly_its_roles(cast, need, allowed):
    assert roles_granted(cast, get_calendar_for, cast.association.slug, need=need) == allowed


def test_the_calendar_access_flags(cast):
    def holders(flag):
        return {r for r in ROLES if getattr(CalendarAccess(load_viewer(cast.user(r))), flag)}

    assert holders("may_coordinate") == {"coordinator"}
    # The outsider sits on the other association's board: they see its members' hours.
    assert holders("may_see_members_hours") == {"board", "outsider"}


@pytest.mark.parametrize(
    ("need", "allowed"),
    [
        (ActivityNeed.VIEW, MEMBERS),
        (ActivityNeed.MANAGE, {"coordinator", "vrager"}),
        (ActivityNeed.APPROVE, {"coordinator"}),
    ],
)
def test_each_activity_need_grants_exactly_its_roles(cast, plan, need, allowed):
    activity = plan(organisers=[member_of(cast.coordinator), member_of(cast.vrager)])
    occurrence = activity.occurrences.first()
    assert roles_granted(cast, get_activity_for, activity.pk, need=need) == allowed
    assert roles_granted(cast, get_occurrence_for, occurrence.pk, need=need) == allowed


def test_a_proposal_is_seen_by_its_organisers_and_the_coordinators_only(cast, plan):
    activity = plan(organisers=[member_of(cast.vrager)])
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.PROPOSED)
    assert roles_granted(cast, get_activity_for, activity.pk) == {"coordinator", "vrager"}


def test_the_activity_access_asks_whether_the_viewer_organises_once(
    cast, plan, django_assert_num_queries
):
    activity = plan(organisers=[member_of(cast.coordinator), member_of(cast.vrager)])
    activity_access = ActivityAccess(load_viewer(cast.vrager), activity)
    with django_assert_num_queries(1):
        assert activity_access.may_manage
        assert activity_access.may(ActivityNeed.MANAGE)
    assert not activity_access.may_approve


@pytest.mark.parametrize(
    "need", ["view", "manage", "approve", "manages", "board", "", CalendarNeed.VIEW]
)
def test_an_unknown_activity_need_raises(cast, plan, need):
    activity = plan()
    viewer = load_viewer(cast.coordinator)
    with pytest.raises(TypeError, match="ActivityNeed"):
        get_activity_for(viewer, activity.pk, need=need)
    with pytest.raises(TypeError, match="ActivityNeed"):
        get_occurrence_for(viewer, activity.occurrences.first().pk, need=need)


@pytest.mark.parametrize("need", ["board", "coordinate", "view", "hours", ActivityNeed.VIEW])
def test_an_unknown_calendar_need_raises(cast, need):
    with pytest.raises(TypeError, match="CalendarNeed"):
        get_calendar_for(load_viewer(cast.board), cast.association.slug, need=need)
