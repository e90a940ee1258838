"""Helpers for the omklap tests: a contract for the cast's vrager, a recorded moment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from members.models import MonitoringMoment, OmklapContract, Tenancy
from members.services_omklap import omklap_contract_start, omklap_moment_record
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
