"""Reads of omklap contracts for the overviews; none of them touches care data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils import timezone

from coop.counting import Waiting
from coop.models import Association, Organisation, StaffLink
from members.models import (
    CARE_DATA_FIELDS,
    CareAssignment,
    CareDataAccess,
    Member,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
)

# Moments are due for attention this long before their date (the care worker's reminder).
DUE_SOON = dt.timedelta(weeks=2)


def _count(queryset: QuerySet) -> Coalesce:
    """A per-contract count as a subquery (no join that multiplies rows)."""
    counted = queryset.order_by().values("contract").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_monitoring(contracts: QuerySet, today: dt.date) -> QuerySet:
    open_moments = MonitoringMoment.objects.filter(contract=OuterRef("pk"), held_on__isnull=True)
    held = MonitoringMoment.objects.filter(contract=OuterRef("pk"), held_on__isnull=False)
    # The row's names come as plain columns: no resident, unit, building and association
    # objects built for each of the rows, and the template reads one name, not a chain.
    return contracts.only("pk", "stage", "starts_on", "ends_on").annotate(
        resident_name=F("tenancy__member__name"),
        association_name=F("tenancy__unit__building__association__name"),
        building_name=F("tenancy__unit__building__name"),
        unit_number=F("tenancy__unit__number"),
        next_due=Subquery(open_moments.order_by("due_on").values("due_on")[:1]),
        overdue=_count(open_moments.filter(due_on__lt=today)),
        last_outcome=Subquery(held.order_by("-held_on", "-pk").values("outcome")[:1]),
        warnings=_count(MonitoringMoment.objects.filter(contract=OuterRef("pk")).exclude(card="")),
        pending=_count(OmklapDecision.objects.proposed().filter(contract=OuterRef("pk"))),
    )


def corporation_contracts(
    corporation: Organisation,
    *,
    association: Association | None = None,
    stage: str = "",
    today: dt.date | None = None,
) -> QuerySet:
    """Every omklap contract of a corporation's associations, with what is due (one query)."""
    today = today or timezone.localdate()
    contracts = OmklapContract.objects.filter(
        tenancy__unit__building__association__corporation=corporation
    )
    if association is not None:
        contracts = contracts.filter(tenancy__unit__building__association=association)
    if stage:
        contracts = contracts.filter(stage=stage)
    return _with_monitoring(contracts, today).order_by("ends_on", "pk")


@dataclass(frozen=True)
class YearCounts:
    year: int
    convert: int = 0
    extend: int = 0
    end: int = 0


def decisions_per_year(corporation: Organisation) -> list[YearCounts]:
    """Decisions that took effect, per year and kind, newest year first (one query)."""
    rows = (
        OmklapDecision.objects.in_effect()
        .filter(contract__tenancy__unit__building__association__corporation=corporation)
        .annotate(year=ExtractYear("took_effect_on"))
        .values("year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_year: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        per_year[row["year"]][row["kind"]] = row["n"]
    return [YearCounts(year=year, **counts) for year, counts in sorted(per_year.items())[::-1]]


def caseload(organisation: Organisation, *, today: dt.date | None = None) -> QuerySet:
    """Running contracts of the residents a care organisation guides now (one query)."""
    today = today or timezone.localdate()
    assignments = CareAssignment.objects.current(today).filter(
        member=OuterRef("tenancy__member_id"), organisation=organisation
    )
    workers = assignments.select_related("worker").order_by("starts_on")
    contracts = (
        OmklapContract.objects.running()
        .filter(care_organisation=organisation)
        .filter(Exists(assignments))
        .annotate(
            worker_first=Subquery(workers.values("worker__first_name")[:1]),
            worker_last=Subquery(workers.values("worker__last_name")[:1]),
        )
    )
    return _with_monitoring(contracts, today).order_by(
        F("next_due").asc(nulls_last=True), "ends_on", "pk"
    )


def association_contracts(association: Association) -> QuerySet:
    """For the board: which residents have an omklap contract and its stage, nothing more."""
    return (
        OmklapContract.objects.filter(tenancy__unit__building__association=association)
        .select_related("tenancy__member")
        .only("pk", "stage", "tenancy__member__name")
        .order_by("tenancy__member__name", "pk")
    )


def contract_moments(contract: OmklapContract) -> list[MonitoringMoment]:
    """Moments without their care data: dates, outcomes and warnings."""
    return list(contract.moments.defer(*CARE_DATA_FIELDS).order_by("due_on", "pk"))


def contract_decisions(contract: OmklapContract) -> list[OmklapDecision]:
    """Decisions with who proposed and signed them and the ids of their moments (one query)."""
    decisions = list(
        contract.decisions.select_related("proposed_by", "care_signed_by", "corporation_signed_by")
        .annotate(
            moment_ids=StringAgg(
                Cast("moments__id", CharField()), delimiter=Value(","), default=Value("")
            )
        )
        .order_by("-proposed_at", "-pk")
    )
    for decision in decisions:
        decision.linked_ids = {int(i) for i in decision.moment_ids.split(",") if i}
    return list(decisions)


def latest_contract(member: Member) -> OmklapContract | None:
    """The resident's most recent omklap contract."""
    return OmklapContract.objects.filter(tenancy__member=member).order_by("-starts_on").first()


def access_log(contract: OmklapContract, *, limit: int = 500) -> list[CareDataAccess]:
    """Who read or wrote the contract's care data, newest first."""
    return list(
        CareDataAccess.objects.filter(contract=contract).select_related("user", "organisation")[
            :limit
        ]
    )


# -- what waits for care and corporation staff, for the dashboard's "For you" ----------------


def moments_coming_up(worker, *, today: dt.date | None = None) -> Waiting:
    """Moments due within two weeks for the worker's own current clients: the first (with the
    resident's name and the contract) and how many. Nobody else's client is named, nor a
    client of a care organisation the worker no longer works for."""
    today = today or timezone.localdate()
    own_client = CareAssignment.objects.current(today).filter(
        member=OuterRef("contract__tenancy__member_id"),
        organisation=OuterRef("contract__care_organisation_id"),
        organisation__in=StaffLink.objects.current(today)
        .filter(user=worker)
        .values("organisation"),
        worker=worker,
    )
    moments = (
        MonitoringMoment.objects.filter(
            held_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + DUE_SOON,
            contract__stage=OmklapContract.Stage.RUNNING,
        )
        .filter(Exists(own_client))
        .order_by("due_on", "pk")
    )
    return Waiting(moments, ("due_on", "contract_id", "contract__tenancy__member__name"))


def moments_overdue(
    *,
    care_organisation: Organisation | None = None,
    corporation: Organisation | None = None,
    today: dt.date | None = None,
) -> Waiting:
    """Moments of running contracts past their date and not held, of a care organisation's
    contracts or a corporation's: the oldest date and how many (no names)."""
    today = today or timezone.localdate()
    moments = MonitoringMoment.objects.filter(
        held_on__isnull=True, due_on__lt=today, contract__stage=OmklapContract.Stage.RUNNING
    )
    if care_organisation is not None:
        moments = moments.filter(contract__care_organisation=care_organisation)
    if corporation is not None:
        moments = moments.filter(
            contract__tenancy__unit__building__association__corporation=corporation
        )
    return Waiting(moments.order_by("due_on", "pk"), ("due_on",))


def decisions_to_sign(organisation: Organisation) -> Waiting:
    """Proposed decisions still waiting for the organisation's side to sign off (the care
    organisation of the contract, or the corporation of its association): the oldest and how
    many."""
    decisions = OmklapDecision.objects.proposed()
    if organisation.kind == Organisation.Kind.CORPORATION:
        decisions = decisions.filter(
            corporation_signed_at__isnull=True,
            contract__tenancy__unit__building__association__corporation=organisation,
        )
    else:
        decisions = decisions.filter(
            care_signed_at__isnull=True, contract__care_organisation=organisation
        )
    return Waiting(decisions.order_by("proposed_at", "pk"))
