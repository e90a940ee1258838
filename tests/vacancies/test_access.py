"""Vacancies' access vocabulary: each need grants exactly its roles, and a need that is not
the helper's own raises instead of becoming another check."""

from __future__ import annotations

import pytest

from members.access import AssociationNeed, load_viewer
from tests.conftest import ROLES
from tests.helpers import roles_granted
from tests.vacancies.access_rows import _nomination
from vacancies import access
from vacancies.access import NominationNeed, VacancyAccess, VacancyNeed

VACANCY_NEEDS = [
    (VacancyNeed.VIEW, {"board", "selection", "corporation_staff"}),
    (VacancyNeed.MANAGE, {"board"}),
    (VacancyNeed.SELECT, {"selection"}),
]


@pytest.mark.parametrize(("need", "allowed"), VACANCY_NEEDS)
def test_each_vacancy_need_grants_exactly_its_roles(cast, vacancy, need, allowed):
    assert roles_granted(cast, access.get_vacancy_for, vacancy.pk, need=need) == allowed
    assert (
        roles_granted(cast, access.get_association_for, cast.association.slug, need=need) == allowed
    )


@pytest.mark.parametrize(("need", "allowed"), VACANCY_NEEDS)
def test_the_vacancy_access_flags_agree_with_the_helpers(cast, need, allowed):
    flag = {
        VacancyNeed.VIEW: "may_view",
        VacancyNeed.MANAGE: "may_manage",
        VacancyNeed.SELECT: "may_select",
    }[need]
    granted = {
        role
        for role in ROLES
        if getattr(VacancyAccess(load_viewer(cast.user(role)), cast.association), flag)
    }
    assert granted == allowed


@pytest.mark.parametrize(
    ("flag", "allowed"),
    [
        # The board follows the candidates; the selection committee opens their files.
        ("may_see_candidates", {"board", "selection"}),
        # Every member of the association reaches the rounds' ballot pages; staff do not.
        ("may_reach_ballots", {"vrager", "drager", "board", "selection", "coordinator"}),
        ("may_decide_nominations", {"corporation_staff"}),
        ("may_see_nominations", {"board", "corporation_staff"}),
    ],
)
def test_each_vacancy_page_flag_holds_for_exactly_its_roles(cast, flag, allowed):
    granted = {
        role
        for role in ROLES
        if getattr(VacancyAccess(load_viewer(cast.user(role)), cast.association), flag)
    }
    assert granted == allowed


@pytest.mark.parametrize("need", ["view", "manage", "select", "board", "", AssociationNeed.MANAGE])
def test_an_unknown_vacancy_need_raises(cast, vacancy, need):
    viewer = load_viewer(cast.board)
    with pytest.raises(TypeError, match="VacancyNeed"):
        access.get_vacancy_for(viewer, vacancy.pk, need=need)
    with pytest.raises(TypeError, match="VacancyNeed"):
        access.get_association_for(viewer, cast.association.slug, need=need)


@pytest.mark.parametrize(
    ("need", "allowed"),
    [
        (NominationNeed.VIEW, {"board", "corporation_staff"}),
        (NominationNeed.DECIDE, {"corporation_staff"}),
    ],
)
def test_each_nomination_need_grants_exactly_its_roles(cast, need, allowed):
    nomination = _nomination(cast)
    assert roles_granted(cast, access.get_nomination_for, nomination.pk, need=need) == allowed
    decides = {
        role
        for role in ROLES
        if access.may_decide_nomination(load_viewer(cast.user(role)), nomination)
    }
    assert decides == {"corporation_staff"}


@pytest.mark.parametrize("need", ["decide", "view", "manage", VacancyNeed.VIEW])
def test_an_unknown_nomination_need_raises(cast, need):
    nomination = _nomination(cast)
    with pytest.raises(TypeError, match="NominationNeed"):
        access.get_nomination_for(load_viewer(cast.corporation_staff), nomination.pk, need=need)


def test_the_corporation_helper_is_the_members_one():
    from members.access import get_corporation_for

    assert access.get_corporation_for is get_corporation_for
