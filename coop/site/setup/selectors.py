"""Reads of the care pages: whom a care organisation may guide, its workers, its clients."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from coop.models import Association, Organisation, StaffLink, User
from members.models import CareAssignment, Member, OmklapContract, Tenancy


def care_associations(organisation: Organisation) -> QuerySet[Association]:
    """The associations a care organisation works in: named as the care party of the
    association's agreement, or guiding (or having guided) a resident there."""
    return Association.objects.filter(
        Q(agreement__care_organisation=organisation)
        | Exists(
            CareAssignment.objects.filter(
                organisation=organisation, member__association=OuterRef("pk")
            )
        )
        | Exists(
            OmklapContract.objects.filter(
                care_organisation=organisation, tenancy__member__association=OuterRef("pk")
            )
        )
    )


def care_candidates(organisation: Organisation, *, on: dt.date | None = None) -> QuerySet[Member]:
    """Residents the organisation's care workers may be assigned to: active members living in
    an omklap home in an association it works in, with the home's building and number (one
    query). Residents of other associations stay out of sight: living in an omklap home tells
    where someone comes from."""
    on = on or timezone.localdate()
    homes = Tenancy.objects.current(on).filter(member=OuterRef("pk"), kind=Tenancy.Kind.OMKLAP)
    return (
        Member.objects.active()
        .filter(Exists(homes), association__in=care_associations(organisation))
        .select_related("association")
        .annotate(
            home_building=Subquery(homes.values("unit__building__name")[:1]),
            home_unit=Subquery(homes.values("unit__number")[:1]),
        )
        .order_by("name", "pk")
    )


def care_workers(organisation: Organisation, *, on: dt.date | None = None) -> QuerySet[User]:
    """The organisation's staff whose access runs today."""
    links = StaffLink.objects.current(on).filter(organisation=organisation, user=OuterRef("pk"))
    return User.objects.filter(Exists(links)).order_by("last_name", "first_name", "email")


def care_assignments(organisation: Organisation, *, on: dt.date | None = None) -> QuerySet:
    """The organisation's assignments running today or later, with the client's home."""
    on = on or timezone.localdate()
    home = Tenancy.objects.current(on).filter(member=OuterRef("member_id"))
    return (
        CareAssignment.objects.filter(organisation=organisation)
        .ending_after(on)
        .select_related("member__association", "worker")
        .annotate(
            unit_number=Subquery(home.values("unit__number")[:1]),
            building_name=Subquery(home.values("unit__building__name")[:1]),
        )
        .order_by("member__name", "worker__last_name", "pk")
    )


def contract_candidates(organisation: Organisation, *, on: dt.date | None = None) -> QuerySet:
    """Current omklap tenancies of residents the organisation guides, without a running
    contract: where its staff may start one (one query)."""
    on = on or timezone.localdate()
    guided = CareAssignment.objects.current(on).filter(
        organisation=organisation, member=OuterRef("member_id")
    )
    running = OmklapContract.objects.running().filter(tenancy=OuterRef("pk"))
    return (
        Tenancy.objects.current(on)
        .filter(kind=Tenancy.Kind.OMKLAP, member__status=Member.Status.ACTIVE)
        .filter(Exists(guided))
        .exclude(Exists(running))
        .select_related("member", "unit__building__association")
        .order_by("member__name", "pk")
    )
