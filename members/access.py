"""Who may see what: the viewer's standing, and fetch-and-authorise helpers (404 if refused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Literal, TypedDict

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, StringAgg, Subquery, Value
from django.http import Http404
from django.utils import timezone

from coop.models import Association, Organisation, StaffLink, User
from members.models import (
    AssociationRole,
    CareAssignment,
    Invitation,
    Member,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Role,
)
from members.viewer_cache import cached_viewer


def checked_need[E: Enum](need: object, kind: type[E]) -> E:
    """The ``need=`` of a fetch-and-authorise helper, which must be one of ``kind``'s members.

    Anything else is a programming error: it raises rather than fall through to a weaker
    (or any other) check, and a plain string is refused too, so a typo cannot slip by."""
    if not isinstance(need, kind):
        raise TypeError(f"need must be one of {kind.__name__}'s members, not {need!r}")
    return need


class AssociationNeed(StrEnum):
    VIEW = "view"  # its members and its corporation's staff
    MANAGE = "manage"  # its board


_SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@dataclass
class Viewer:
    """What the logged-in user is: their membership, roles and organisations."""

    user: User | None
    member: Member | None = None
    roles: frozenset[str] = frozenset()
    organisations: dict[int, Organisation] = field(default_factory=dict)
    has_second_factor: bool = False
    # Holds Wagtail's "access admin" permission (through a group or directly).
    reaches_admin: bool = False

    @property
    def association_id(self) -> int | None:
        return self.member.association_id if self.member else None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def corporation_ids(self) -> set[int]:
        return {
            pk for pk, o in self.organisations.items() if o.kind == Organisation.Kind.CORPORATION
        }

    @property
    def may_manage_own_association(self) -> bool:
        """The board manages its own association (its members, invitations and contracts)."""
        return self.member is not None and Role.BOARD in self.roles

    def may_manage(self, association: Association) -> bool:
        """The board of an association manages it."""
        return self.association_id == association.pk and self.may_manage_own_association

    @property
    def needs_second_factor(self) -> bool:
        """Board, selection committee, care and corporation users, and everyone who can reach
        an admin, must log in with a second factor."""
        if self.user is None:
            return False
        return bool(
            self.user.is_staff
            or self.user.is_superuser
            or self.reaches_admin
            or self.organisations
            or Role.BOARD in self.roles
            or Role.SELECTION in self.roles
        )


def _has_second_factor(user) -> Exists:
    return Exists(Authenticator.objects.filter(user=user, type__in=_SECOND_FACTORS))


def _reaches_admin(user) -> Exists:
    """Wagtail lets in whoever holds ``wagtailadmin.access_admin``, through a group or directly."""
    return Exists(
        Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ).filter(Q(group__user=user) | Q(user=user))
    )


def load_viewer(user) -> Viewer:
    """Two queries: the membership (with its association, its current roles and whether a
    second factor is set up), and the organisations the user works for (with whether a
    second factor is set up, for staff who are not members). Whether the user reaches the
    Wagtail admin comes with either; a user with neither needs a third query."""
    if user is None or not user.is_authenticated:
        return Viewer(user=None)
    today = timezone.localdate()
    current_roles = (
        AssociationRole.objects.current(today)
        .filter(member=OuterRef("pk"))
        .values("member")
        .annotate(roles=StringAgg("role", Value(",")))
        .values("roles")
    )
    member = (
        Member.objects.filter(user=user, status=Member.Status.ACTIVE)
        .select_related("association__corporation")
        .annotate(
            has_second_factor=_has_second_factor(user),
            reaches_admin=_reaches_admin(user),
            current_roles=Subquery(current_roles),
        )
        .first()
    )
    roles: frozenset[str] = frozenset()
    if member is not None:
        member.user = user  # the same account: no query when a service reads member.user
        roles = frozenset(filter(None, (member.current_roles or "").split(",")))
    links = list(
        StaffLink.objects.current(today)
        .filter(user=user)
        .select_related("organisation")
        # Staff without a membership learn whether they have a second factor here too.
        .annotate(has_second_factor=_has_second_factor(user), reaches_admin=_reaches_admin(user))
    )
    viewer = Viewer(
        user=user,
        member=member,
        roles=roles,
        organisations={link.organisation_id: link.organisation for link in links},
    )
    if member is not None:
        viewer.has_second_factor = member.has_second_factor
        viewer.reaches_admin = member.reaches_admin
    elif links:
        viewer.has_second_factor = links[0].has_second_factor
        viewer.reaches_admin = links[0].reaches_admin
    else:
        flags = (
            User.objects.filter(pk=user.pk)
            .values(has_second_factor=_has_second_factor(user), reaches_admin=_reaches_admin(user))
            .first()
        )
        if flags is not None:
            viewer.has_second_factor = flags["has_second_factor"]
            viewer.reaches_admin = flags["reaches_admin"]
    return viewer


def viewer_for(request) -> Viewer:
    """The request's viewer, loaded once per request (and kept per session, see
    ``members/viewer_cache.py``)."""
    viewer = getattr(request, "_coop_viewer", None)
    if viewer is None:
        if request.user.is_authenticated:
            viewer = cached_viewer(request, load_viewer)
        else:
            viewer = Viewer(user=None)
        request._coop_viewer = viewer
    return viewer


@dataclass(frozen=True)
class AssociationAccess:
    """What the viewer may do with one association (no query: the viewer's roles are loaded)."""

    viewer: Viewer
    association: Association

    @property
    def is_own(self) -> bool:
        return self.viewer.association_id == self.association.pk

    @property
    def may_view(self) -> bool:
        """Its members and its corporation's staff."""
        return self.is_own or self.association.corporation_id in self.viewer.corporation_ids

    @property
    def may_manage(self) -> bool:
        """Its board: members, invitations, contracts, vacancies and voting rounds."""
        return self.viewer.may_manage(self.association)

    @property
    def may_select(self) -> bool:
        """Its selection committee: vacancy profiles, candidates and shortlists."""
        return self.is_own and self.viewer.has_role(Role.SELECTION)

    @property
    def may_work_on_vacancies(self) -> bool:
        """Its board and its selection committee work on its vacancies from its pages."""
        return self.may_manage or self.may_select


def get_association_for(
    viewer: Viewer, slug: str, *, need: AssociationNeed = AssociationNeed.VIEW
) -> Association:
    """Members and their corporation's staff may view an association; its board manages it."""
    need = checked_need(need, AssociationNeed)
    own = viewer.member.association if viewer.member is not None else None
    if own is not None and own.slug == slug:
        association: Association | None = own  # loaded with the viewer: no query
    else:
        association = Association.objects.select_related("corporation").filter(slug=slug).first()
    if association is None:
        raise Http404
    access = AssociationAccess(viewer, association)
    match need:
        case AssociationNeed.VIEW:
            allowed = access.may_view
        case AssociationNeed.MANAGE:
            allowed = access.may_manage
    if not allowed:
        raise Http404
    return association


def get_organisation_for(viewer: Viewer, slug: str) -> Organisation:
    """Only an organisation's own staff see its page."""
    for organisation in viewer.organisations.values():
        if organisation.slug == slug:
            return organisation
    raise Http404


def get_invitation_for(viewer: Viewer, pk: int) -> Invitation:
    """An invitation is managed by the board of its association."""
    invitation = Invitation.objects.select_related("association", "member").filter(pk=pk).first()
    if (
        invitation is None
        or invitation.association_id != viewer.association_id
        or not viewer.may_manage_own_association
    ):
        raise Http404
    return invitation


def get_member_for(viewer: Viewer, pk: int) -> Member:
    """A member's register entry is managed by the board of their association."""
    member = Member.objects.select_related("association").filter(pk=pk).first()
    if (
        member is None
        or member.association_id != viewer.association_id
        or not viewer.may_manage_own_association
    ):
        raise Http404
    return member


# --------------------------------------------------------------------------------------------
# Omklap contracts: who sees what (DESIGN 2.2, QUALITY 5).

# What a viewer sees of a contract, from most to least:
#   care         the assigned care organisation: everything, care notes and assessments too;
#   corporation  contract, stage, moments' dates, outcomes and warnings, decisions;
#   resident     their own contract, moments with outcomes, decisions, who read their file;
#   board        that the contract exists and its stage, nothing more.
Standing = Literal["care", "corporation", "resident", "board"]

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _CareAssigned(TypedDict):
        care_assigned: bool

    # A contract read with whether its care organisation is (still) assigned to the resident.
    AssignedContract = WithAnnotations[OmklapContract, _CareAssigned]


class ContractNeed(StrEnum):
    VIEW = "view"
    CARE = "care"
    DECIDE = "decide"
    ACCESS_LOG = "access_log"


_NEEDS: dict[ContractNeed, frozenset[str]] = {
    ContractNeed.VIEW: frozenset({"care", "corporation", "resident", "board"}),
    ContractNeed.CARE: frozenset({"care"}),
    ContractNeed.DECIDE: frozenset({"care", "corporation"}),
    ContractNeed.ACCESS_LOG: frozenset({"care", "resident"}),
}


@dataclass(frozen=True)
class ContractAccess:
    contract: OmklapContract
    standing: Standing

    @property
    def may_see_care_data(self) -> bool:
        return self.standing == "care"

    @property
    def may_follow(self) -> bool:
        """The board sees only that the contract exists and its stage; the others follow it."""
        return self.standing != "board"

    @property
    def may_read_access_log(self) -> bool:
        return self.standing in _NEEDS[ContractNeed.ACCESS_LOG]

    @property
    def side(self) -> str | None:
        """The side of the agreement the viewer signs for, if any."""
        return {
            "care": OmklapDecision.Side.CARE,
            "corporation": OmklapDecision.Side.CORPORATION,
        }.get(self.standing)


def _standing(viewer: Viewer, contract: AssignedContract) -> Standing | None:
    association = contract.tenancy.unit.building.association
    if contract.care_organisation_id in viewer.organisations and contract.care_assigned:
        return "care"
    if association.corporation_id in viewer.corporation_ids:
        return "corporation"
    if viewer.member is not None and viewer.member.pk == contract.tenancy.member_id:
        return "resident"
    if viewer.may_manage(association):
        return "board"
    return None


def get_contract_for(
    viewer: Viewer, pk: int, *, need: ContractNeed = ContractNeed.VIEW
) -> ContractAccess:
    """One query: the contract with its resident, unit and association, and whether its care
    organisation is (still) assigned to the resident. 404 for missing and refused alike."""
    need = checked_need(need, ContractNeed)
    if viewer.user is None:
        raise Http404
    assigned = CareAssignment.objects.current().filter(
        member=OuterRef("tenancy__member_id"), organisation=OuterRef("care_organisation_id")
    )
    contract = (
        OmklapContract.objects.select_related(
            "tenancy__member", "tenancy__unit__building__association", "care_organisation"
        )
        .annotate(care_assigned=Exists(assigned))
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise Http404
    standing = _standing(viewer, contract)
    if standing is None or standing not in _NEEDS[need]:
        raise Http404
    return ContractAccess(contract=contract, standing=standing)


def _of_contract(model, access: ContractAccess, pk: int):
    row = model.objects.filter(pk=pk, contract=access.contract).first()
    if row is None:
        raise Http404
    row.contract = access.contract
    return row


def get_moment_for(access: ContractAccess, pk: int) -> MonitoringMoment:
    """A moment of a contract the viewer already may see."""
    return _of_contract(MonitoringMoment, access, pk)


def get_decision_for(access: ContractAccess, pk: int) -> OmklapDecision:
    """A decision of a contract the viewer already may see."""
    return _of_contract(OmklapDecision, access, pk)


def get_corporation_for(viewer: Viewer, slug: str) -> Organisation:
    """A corporation's own staff only (its associations' nominations, its contracts)."""
    organisation = get_organisation_for(viewer, slug)
    if organisation.kind != Organisation.Kind.CORPORATION:
        raise Http404
    return organisation


def get_care_organisation_for(viewer: Viewer, slug: str) -> Organisation:
    """A care organisation's own staff only."""
    organisation = get_organisation_for(viewer, slug)
    if organisation.kind != Organisation.Kind.CARE:
        raise Http404
    return organisation
