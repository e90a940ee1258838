"""The access vocabulary fails closed: a need that is not one of the helper's own is a
programming error, never a weaker (or any other) check."""

from __future__ import annotations

import pytest
from django.http import Http404

from members.access import (
    AssociationNeed,
    ContractNeed,
    get_association_for,
    get_contract_for,
    load_viewer,
)
from tests.conftest import ROLES


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
