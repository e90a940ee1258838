"""Who may see what: the viewer's standing, and fetch-and-authorise helpers (404 if refused)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from allauth.mfa.models import Authenticator
from django.db.models import Exists
from django.http import Http404
from django.utils import timezone

from coop.models import Association, Organisation, StaffLink, User
from members.models import AssociationRole, Invitation, Member, Role

Need = Literal["view", "manage"]

_SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


@dataclass
class Viewer:
    """What the logged-in user is: their membership, roles and organisations."""

    user: User | None
    member: Member | None = None
    roles: frozenset[str] = frozenset()
    organisations: dict[int, Organisation] = field(default_factory=dict)
    has_second_factor: bool = False

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

    def manages(self, association: Association) -> bool:
        """The board of an association manages it."""
        return self.association_id == association.pk and Role.BOARD in self.roles

    @property
    def needs_second_factor(self) -> bool:
        """Board, care and corporation users must log in with a second factor."""
        if self.user is None:
            return False
        return bool(
            self.user.is_staff
            or self.user.is_superuser
            or self.organisations
            or Role.BOARD in self.roles
        )


def _has_second_factor(user) -> Exists:
    return Exists(Authenticator.objects.filter(user=user, type__in=_SECOND_FACTORS))


def load_viewer(user) -> Viewer:
    """Three plain queries: the membership (with its association and whether a second factor
    is set up), its current roles, and the organisations the user works for."""
    if user is None or not user.is_authenticated:
        return Viewer(user=None)
    today = timezone.localdate()
    member = (
        Member.objects.filter(user=user, status=Member.Status.ACTIVE)
        .select_related("association__corporation")
        .annotate(has_second_factor=_has_second_factor(user))
        .first()
    )
    roles: frozenset[str] = frozenset()
    if member is not None:
        member.user = user  # the same account: no query when a service reads member.user
        roles = frozenset(
            AssociationRole.objects.current(today)
            .filter(member=member)
            .values_list("role", flat=True)
        )
    links = StaffLink.objects.filter(user=user, started_on__lte=today).exclude(ended_on__lte=today)
    viewer = Viewer(
        user=user,
        member=member,
        roles=roles,
        organisations={
            link.organisation_id: link.organisation for link in links.select_related("organisation")
        },
    )
    if member is not None:
        viewer.has_second_factor = member.has_second_factor
    elif viewer.needs_second_factor:
        viewer.has_second_factor = Authenticator.objects.filter(
            user=user, type__in=_SECOND_FACTORS
        ).exists()
    return viewer


def viewer_for(request) -> Viewer:
    """The request's viewer, loaded once per request."""
    viewer = getattr(request, "_coop_viewer", None)
    if viewer is None:
        viewer = load_viewer(request.user)
        request._coop_viewer = viewer
    return viewer


def get_association_for(viewer: Viewer, slug: str, *, need: Need = "view") -> Association:
    """Members and their corporation's staff may view an association; its board manages it."""
    own = viewer.member.association if viewer.member is not None else None
    if own is not None and own.slug == slug:
        association = own  # loaded with the viewer: no query
    else:
        association = Association.objects.select_related("corporation").filter(slug=slug).first()
    if association is None:
        raise Http404
    is_member = viewer.association_id == association.pk
    if need == "manage":
        allowed = viewer.manages(association)
    else:
        allowed = is_member or association.corporation_id in viewer.corporation_ids
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
        or not viewer.has_role(Role.BOARD)
    ):
        raise Http404
    return invitation
