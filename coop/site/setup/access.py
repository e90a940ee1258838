"""Who may set up what: an organisation's own staff, fetched and authorised in one call (404
for missing and refused alike)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from coop.models import Association, Organisation, StaffLink
from members.access import (
    Viewer,
    get_care_organisation_for,
    get_corporation_for,
    get_organisation_for,
)
from members.models import CareAssignment


@dataclass(frozen=True)
class SetupAccess:
    """What the viewer may do for one organisation (no query: the viewer's links are loaded)."""

    viewer: Viewer
    organisation: Organisation

    @property
    def may_set_up(self) -> bool:
        """A corporation's staff set up its associations, buildings and units."""
        return (
            self.organisation.kind == Organisation.Kind.CORPORATION
            and self.organisation.pk in self.viewer.organisations
        )

    @property
    def may_manage_staff(self) -> bool:
        """An organisation's staff give and end their colleagues' access."""
        return self.organisation.pk in self.viewer.organisations


def get_setup_for(viewer: Viewer, slug: str) -> SetupAccess:
    """The set-up pages of a corporation: its own staff only."""
    return SetupAccess(viewer, get_corporation_for(viewer, slug))


def get_staff_page_for(viewer: Viewer, slug: str) -> SetupAccess:
    """The colleagues of an organisation (corporation or care): its own staff only."""
    return SetupAccess(viewer, get_organisation_for(viewer, slug))


def get_setup_association_for(
    viewer: Viewer, slug: str, association_slug: str
) -> tuple[SetupAccess, Association]:
    """An association of a corporation, for the corporation's staff."""
    access = get_setup_for(viewer, slug)
    association = Association.objects.filter(
        slug=association_slug, corporation=access.organisation
    ).first()
    if association is None:
        raise Http404
    association.corporation = access.organisation
    return access, association


def get_staff_link_for(viewer: Viewer, slug: str, pk: int) -> tuple[SetupAccess, StaffLink]:
    """A colleague's access to the organisation, for the organisation's staff."""
    access = get_staff_page_for(viewer, slug)
    link = (
        StaffLink.objects.select_related("user")
        .filter(pk=pk, organisation=access.organisation)
        .first()
    )
    if link is None:
        raise Http404
    link.organisation = access.organisation
    return access, link


def get_care_page_for(viewer: Viewer, slug: str) -> Organisation:
    """A care organisation's clients and contracts: its own staff only."""
    return get_care_organisation_for(viewer, slug)


def get_care_assignment_for(
    viewer: Viewer, slug: str, pk: int
) -> tuple[Organisation, CareAssignment]:
    """One of the care organisation's assignments, for its own staff."""
    organisation = get_care_page_for(viewer, slug)
    assignment = (
        CareAssignment.objects.select_related("member", "worker")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if assignment is None:
        raise Http404
    assignment.organisation = organisation
    return organisation, assignment


def get_platform_for(viewer: Viewer) -> Viewer:
    """The platform administrator's pages: a superuser logged in with a second factor."""
    user = viewer.user
    if user is None or not user.is_superuser or not viewer.has_second_factor:
        raise Http404
    return viewer


def get_platform_organisation_for(viewer: Viewer, slug: str) -> Organisation:
    """Any organisation, for the platform administrator."""
    get_platform_for(viewer)
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation
