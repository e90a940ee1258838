"""The register is the board's: fetch and authorise in one call (404 for missing and refused)."""

from __future__ import annotations

from django.http import Http404

from members.access import Viewer
from members.models import AssociationRole, Tenancy


def get_tenancy_for(viewer: Viewer, pk: int) -> Tenancy:
    """A tenancy of the viewer's own association, for its board."""
    tenancy = (
        Tenancy.objects.select_related("member__association", "unit__building")
        .filter(pk=pk)
        .first()
    )
    if (
        tenancy is None
        or tenancy.member.association_id != viewer.association_id
        or not viewer.may_manage_own_association
    ):
        raise Http404
    return tenancy


def get_role_for(viewer: Viewer, pk: int) -> AssociationRole:
    """A role held in the viewer's own association, for its board."""
    role = AssociationRole.objects.select_related("member__association").filter(pk=pk).first()
    if (
        role is None
        or role.member.association_id != viewer.association_id
        or not viewer.may_manage_own_association
    ):
        raise Http404
    return role
