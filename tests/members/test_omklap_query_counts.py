"""The omklap pages keep the same query count with 10 and with 500 rows (QUALITY perf. 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import Unit
from members.models import (
    CareAssignment,
    CareDataAccess,
    Member,
    MixGroupPeriod,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from tests.helpers import assert_flat_query_count
from tests.members.omklap_helpers import contract_awaiting_a_decision

pytestmark = pytest.mark.django_db


def _add_contracts(cast, target: int) -> None:
    """Grow to ``target`` omklap contracts of the cast's care organisation, with moments and
    decisions, each for a resident of their own."""
    existing = OmklapContract.objects.count()
    if existing >= target:
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=300)
    new = range(existing, target)
    units = Unit.objects.bulk_create(
        Unit(building=cast.building, number=f"Q{n}", kind="omklap", rent=Decimal("540"))
        for n in new
    )
    members = Member.objects.bulk_create(
        Member(association=cast.association, name=f"Omklapper {n}", joined_on=start) for n in new
    )
    MixGroupPeriod.objects.bulk_create(
        MixGroupPeriod(member=m, group="vrager", starts_on=start) for m in members
    )
    tenancies = Tenancy.objects.bulk_create(
        Tenancy(member=m, unit=u, kind="omklap", starts_on=start)
        for m, u in zip(members, units, strict=True)
    )
    CareAssignment.objects.bulk_create(
        CareAssignment(member=m, organisation=cast.care, worker=cast.care_worker, starts_on=start)
        for m in members
    )
    contracts = OmklapContract.objects.bulk_create(
        OmklapContract(
            tenancy=t,
            care_organisation=cast.care,
            starts_on=start,
            ends_on=start + dt.timedelta(days=730),
            length_months=24,
            stage="running" if i % 5 else "converted",
            closed_on=None if i % 5 else today,
        )
        for i, t in enumerate(tenancies)
    )
    moments = []
    for c in contracts:
        moments += [
            MonitoringMoment(
                contract=c,
                kind="scheduled",
                due_on=start + dt.timedelta(days=180),
                held_on=start + dt.timedelta(days=181),
                outcome="concerns",
                participants="x",
                card="yellow",
                card_reason="te laat",
                care_notes="geheim",
            ),
            MonitoringMoment(contract=c, kind="scheduled", due_on=start + dt.timedelta(days=365)),
            MonitoringMoment(contract=c, kind="final", due_on=start + dt.timedelta(days=670)),
        ]
    MonitoringMoment.objects.bulk_create(moments)
    OmklapDecision.objects.bulk_create(
        OmklapDecision(
            contract=c,
            kind="convert",
            status="in_effect" if c.stage == "converted" else "proposed",
            effective_on=today,
            reasons="Gaat goed.",
            proposed_side="care",
            proposed_by=cast.care_worker,
            care_signed_by=cast.care_worker,
            care_signed_at=timezone.now(),
            corporation_signed_by=cast.corporation_staff if c.stage == "converted" else None,
            corporation_signed_at=timezone.now() if c.stage == "converted" else None,
            took_effect_on=today if c.stage == "converted" else None,
        )
        for c in contracts[::2]
    )


def _grow_one_contract(contract: OmklapContract, target: int) -> None:
    """Grow the contract to ``target`` moments and withdrawn decisions resting on them."""
    have = contract.moments.count()
    moments = MonitoringMoment.objects.bulk_create(
        MonitoringMoment(
            contract=contract,
            kind="extra",
            due_on=contract.starts_on + dt.timedelta(days=n % 600),
            held_on=contract.starts_on + dt.timedelta(days=n % 600),
            outcome="on_track",
            participants="x",
            care_notes=f"notitie {n}",
        )
        for n in range(have, target)
    )
    user = contract.decisions.first().proposed_by
    for moment in moments[:: max(1, len(moments) // 10)]:
        decision = OmklapDecision.objects.create(
            contract=contract,
            kind="end",
            status="withdrawn",
            effective_on=contract.ends_on,
            reasons="Toch niet.",
            proposed_side="corporation",
            proposed_by=user,
        )
        decision.moments.add(moment)


@pytest.mark.parametrize(
    ("role", "queries"),
    # The board reads the contract without the care assignment, staff link or care log row.
    [("care_worker", 7), ("corporation_staff", 6), ("vrager", 6), ("board", 4)],
)
def test_the_contract_page_has_a_flat_query_count(cast, client_for, role, queries):
    contract = contract_awaiting_a_decision(cast)
    client = client_for(role)

    # session, user, viewer (cached), the contract with its resident, home and care
    # assignment, then: the care log row (care only), the moments, the decisions with their
    # signers and moment ids.
    assert_flat_query_count(
        lambda: client.get(reverse("portal:contract_detail", args=[contract.pk])),
        lambda n: _grow_one_contract(contract, n),
        queries=queries,
    )


def test_the_moment_form_has_a_flat_query_count(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    moment = contract.moments.filter(held_on__isnull=False).first()
    client = client_for("care_worker")

    # session, user, viewer (cached), contract, moment, the care log row
    assert_flat_query_count(
        lambda: client.get(reverse("portal:moment_record", args=[contract.pk, moment.pk])),
        lambda n: _grow_one_contract(contract, n),
        queries=6,
    )


def test_the_corporation_overview_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")
    url = reverse("portal:corporation_contracts", args=[cast.corporation.slug])

    # session, user, viewer (cached), associations for the filter, the number of contracts (pages),
    # one page of contracts with their monitoring figures, decisions per year
    assert_flat_query_count(
        lambda: client.get(url),
        lambda n: _add_contracts(cast, n),
        queries=7,
    )


def test_the_filtered_overview_and_its_export_have_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")
    url = reverse("portal:corporation_contracts", args=[cast.corporation.slug])
    query = {"association": cast.association.pk, "stage": "running"}

    # as above, plus the chosen association
    assert_flat_query_count(
        lambda: client.get(url, query),
        lambda n: _add_contracts(cast, n),
        queries=8,
    )
    assert_flat_query_count(
        lambda: client.get(url, {**query, "format": "csv"}),
        lambda n: _add_contracts(cast, n),
        queries=5,
    )


def test_the_caseload_has_a_flat_query_count(cast, client_for):
    client = client_for("care_worker")
    url = reverse("portal:caseload", args=[cast.care.slug])

    # session, user, viewer (cached), the number of contracts (pages), one page of contracts with
    # their worker and monitoring figures
    assert_flat_query_count(lambda: client.get(url), lambda n: _add_contracts(cast, n), queries=5)
    # The caseload shows what is due, never care data: nothing read, nothing logged.
    assert not CareDataAccess.objects.filter(action="read").exists()


def test_the_board_list_has_a_flat_query_count(cast, client_for):
    client = client_for("board")
    url = reverse("portal:association_contracts", args=[cast.association.slug])

    # session, user, viewer (cached), contracts with their resident
    assert_flat_query_count(lambda: client.get(url), lambda n: _add_contracts(cast, n), queries=4)


def test_the_access_log_has_a_flat_query_count(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    client = client_for("vrager")

    def grow(n: int) -> None:
        from members.services.omklap import care_data_log

        for _ in range(CareDataAccess.objects.filter(contract=contract).count(), n):
            care_data_log(actor=cast.care_worker, contract=contract, action="read", subject="x")

    # session, user, viewer (cached), contract, log rows with who and for whom
    assert_flat_query_count(
        lambda: client.get(reverse("portal:contract_access_log", args=[contract.pk])),
        grow,
        queries=5,
    )
