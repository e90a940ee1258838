"""The care rule holds in the service layer, not only in the form's choices: a care
organisation assigns care only to residents of the associations it works in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from coop.exceptions import DomainError
from coop.models import AuditEntry, Unit
from coop.site.setup.services import care_assign_within_reach
from members.models import CareAssignment, Member, MixGroupPeriod, Tenancy


def _omklap_resident(association, unit: Unit, name: str) -> Member:
    joined = timezone.localdate() - dt.timedelta(days=30)
    member = Member.objects.create(association=association, name=name, joined_on=joined)
    MixGroupPeriod.objects.create(member=member, group="vrager", starts_on=joined)
    Tenancy.objects.create(member=member, unit=unit, kind="omklap", starts_on=joined)
    return member


def test_a_resident_of_an_association_the_organisation_works_in_is_assigned(cast):
    member = _omklap_resident(cast.association, cast.units[1], "Otto Omklap")
    assignment = care_assign_within_reach(
        actor=cast.care_worker,
        organisation=cast.care,
        member=member,
        worker=cast.care_worker,
        starts_on=timezone.localdate(),
    )
    assert (assignment.member, assignment.organisation) == (member, cast.care)
    assert AuditEntry.objects.filter(action="care.assigned", target_id=str(assignment.pk)).exists()


def test_a_crafted_call_for_a_resident_elsewhere_is_refused_and_writes_nothing(cast):
    # Het Erf has no agreement with Onderdak and nobody there is guided by it.
    unit = Unit.objects.create(
        building=cast.other_building, number="9", kind=Unit.Kind.OMKLAP, rent=Decimal("600")
    )
    member = _omklap_resident(cast.other_association, unit, "Erik Elders")
    assignments, entries = CareAssignment.objects.count(), AuditEntry.objects.count()
    with translation.override("en"), pytest.raises(DomainError) as raised:
        care_assign_within_reach(
            actor=cast.care_worker,
            organisation=cast.care,
            member=member,
            worker=cast.care_worker,
            starts_on=timezone.localdate(),
        )
    assert raised.value.code == "care_client_out_of_reach"
    assert raised.value.field == "member"
    assert "associations your organisation works in" in raised.value.message
    assert CareAssignment.objects.count() == assignments
    assert AuditEntry.objects.count() == entries


def test_the_other_organisation_guiding_there_may_assign_that_resident(cast):
    # The rule is the organisation's reach, not the resident: Vecht guides someone in Het Erf.
    unit = Unit.objects.create(
        building=cast.other_building, number="9", kind=Unit.Kind.OMKLAP, rent=Decimal("600")
    )
    guided = _omklap_resident(cast.other_association, unit, "Gea Geleid")
    CareAssignment.objects.create(
        member=guided,
        organisation=cast.other_care,
        worker=cast.other_care_worker,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    unit2 = Unit.objects.create(
        building=cast.other_building, number="10", kind=Unit.Kind.OMKLAP, rent=Decimal("600")
    )
    member = _omklap_resident(cast.other_association, unit2, "Erik Elders")
    assignment = care_assign_within_reach(
        actor=cast.other_care_worker,
        organisation=cast.other_care,
        member=member,
        worker=cast.other_care_worker,
        starts_on=timezone.localdate(),
    )
    assert assignment.organisation == cast.other_care
