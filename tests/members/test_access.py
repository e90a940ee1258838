"""The access vocabulary fails closed: a need that is not one of the helper's own is a
programming error, never a weaker (or any other) check."""

from __future__ import annotations

import pytest
from django.http import Http404

from members.access import (
    AssociationAccess,
    AssociationNeed,
    ContractNeed,
    get_association_for,
    get_contract_for,
    load_viewer,
)
from tests.conftest import ROLES
from tests.members.omklap_helpers import start_contract


def _may(helper, viewer, *args, **kwargs) -> bool:
    try:
        helper(viewer, *args, **kwargs)
    except Http404:
        return False
    return True


@pytest.mark.parametrize("need", ["view", "manage", "mange", "", None, ContractNeed.VIEW])
def test_get_association_for_refuses_a_need_that_is_not_an_association_need(cast, need):
    viewer = load_viewer(cast.board)
    with pytest.raises(TypeError, match="AssociationNeed"):
        get_association_for(viewer, cast.association.slug, need=need)


@pytest.mark.parametrize("need", ["view", "care", "cares", AssociationNeed.VIEW])
def test_get_contract_for_refuses_a_need_that_is_not_a_contract_need(cast, need):
    viewer = load_viewer(cast.care_worker)
    with pytest.raises(TypeError, match="ContractNeed"):
        get_contract_for(viewer, 1, need=need)


@pytest.mark.parametrize(
    ("need", "allowed"),
    [
        (
            AssociationNeed.VIEW,
            {"vrager", "drager", "board", "selection", "coordinator", "corporation_staff"},
        ),
        (AssociationNeed.MANAGE, {"board"}),
    ],
)
def test_each_association_need_grants_exactly_its_roles(cast, need, allowed):
    granted = {
        role
        for role in ROLES
        if _may(get_association_for, load_viewer(cast.user(role)), cast.association.slug, need=need)
    }
    assert granted == allowed


def test_the_viewer_answers_whether_it_may_manage_an_association(cast):
    board = load_viewer(cast.board)
    assert board.may_manage_own_association
    assert board.may_manage(cast.association)
    assert not board.may_manage(cast.other_association)
    selection = load_viewer(cast.selection)
    assert not selection.may_manage_own_association
    assert not selection.may_manage(cast.association)
    assert not load_viewer(cast.corporation_staff).may_manage_own_association


@pytest.mark.parametrize(
    ("flag", "allowed"),
    [
        (
            "may_view",
            {"vrager", "drager", "board", "selection", "coordinator", "corporation_staff"},
        ),
        ("may_manage", {"board"}),
        ("may_select", {"selection"}),
        # The association's page and the dashboard link to its vacancies for these two only.
        ("may_work_on_vacancies", {"board", "selection"}),
    ],
)
def test_each_association_access_flag_holds_for_exactly_its_roles(cast, flag, allowed):
    granted = {
        role
        for role in ROLES
        if getattr(AssociationAccess(load_viewer(cast.user(role)), cast.association), flag)
    }
    assert granted == allowed


@pytest.mark.parametrize(
    ("flag", "allowed"),
    [
        ("may_follow", {"vrager", "care_worker", "corporation_staff"}),
        ("may_read_access_log", {"vrager", "care_worker"}),
        ("may_see_care_data", {"care_worker"}),
    ],
)
def test_each_contract_access_flag_holds_for_exactly_its_standings(cast, flag, allowed):
    contract = start_contract(cast)
    granted = set()
    for role in ROLES:
        try:
            contract_access = get_contract_for(load_viewer(cast.user(role)), contract.pk)
        except Http404:
            continue
        if getattr(contract_access, flag):
            granted.add(role)
    assert granted == allowed
