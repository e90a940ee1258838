"""Helpers for the omklap tests: a contract for the cast's vrager, a recorded moment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from members.models import MonitoringMoment, OmklapContract, Tenancy
from members.services.omklap import omklap_contract_start, omklap_moment_record
from tests.conftest import Cast

# A sentence only the assigned care organisation may ever see.
CARE_NOTE = "Vertrouwelijk: slaapt slecht sinds de verhuizing, huisarts ingeschakeld."


def vrager_tenancy(cast: Cast) -> Tenancy:
    return Tenancy.objects.get(member=cast.vrager_member, ends_on__isnull=True)


def start_contract(cast: Cast, **kwargs) -> OmklapContract:
    kwargs.setdefault("conditions", ["accept_guidance", "budget_management"])
    return omklap_contract_start(
        actor=cast.corporation_staff,
        tenancy=vrager_tenancy(cast),
        care_organisation=cast.care,
        **kwargs,
    )


def record_moment(
    cast: Cast, moment: MonitoringMoment, *, held_on: dt.date | None = None, **kwargs
) -> MonitoringMoment:
    kwargs.setdefault("outcome", "on_track")
    kwargs.setdefault("participants", "Vera Vrager, Zoë Zorg")
    kwargs.setdefault("care_notes", CARE_NOTE)
    kwargs.setdefault("assessments", {"rent_paid": "good", "care_need": "attention"})
    return omklap_moment_record(
        actor=cast.care_worker,
        moment=moment,
        held_on=held_on or min(moment.due_on, timezone.localdate()),
        **kwargs,
    )


def contract_with_a_held_moment(cast: Cast, **kwargs) -> OmklapContract:
    contract = start_contract(cast)
    record_moment(cast, contract.moments.order_by("due_on").first(), **kwargs)
    return contract


def contract_awaiting_a_decision(cast: Cast) -> OmklapContract:
    """The vrager's contract with a held moment and a conversion proposed by the care side."""
    from members.services.omklap import omklap_decision_propose

    contract = contract_with_a_held_moment(cast)
    omklap_decision_propose(
        actor=cast.care_worker,
        side="care",
        contract=contract,
        kind="convert",
        reasons="Gaat goed.",
        moments=list(contract.moments.filter(held_on__isnull=False)),
        effective_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return contract


def contract_of_another_client(cast: Cast, *, other_association: bool = False) -> OmklapContract:
    """A contract guided by the other care organisation, in the cast's or the other association."""
    from decimal import Decimal

    from coop.models import Unit
    from members.services import care_assign, member_register, tenancy_start

    association = cast.other_association if other_association else cast.association
    building = cast.other_building if other_association else cast.building
    unit = Unit.objects.create(
        building=building, number=f"O{Unit.objects.count()}", kind="omklap", rent=Decimal("540")
    )
    joined = timezone.localdate() - dt.timedelta(days=200)
    member = member_register(
        actor=None,
        association=association,
        name="Otto Overstap",
        email="",
        group="vrager",
        joined_on=joined,
    )
    tenancy = tenancy_start(actor=None, member=member, unit=unit, kind="omklap", starts_on=joined)
    care_assign(actor=None, member=member, worker=cast.other_care_worker, starts_on=joined)
    contract = omklap_contract_start(
        actor=cast.corporation_staff, tenancy=tenancy, care_organisation=cast.other_care
    )
    omklap_moment_record(
        actor=cast.other_care_worker,
        moment=contract.moments.order_by("due_on").first(),
        held_on=timezone.localdate(),
        outcome="concerns",
        participants="Otto, Zeger",
        care_notes=CARE_NOTE,
    )
    return contract
