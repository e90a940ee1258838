"""The bench's omklap contracts, their moments and decisions, in bulk."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from coop.bench.data import (
    BENCH_BATCH,
    BENCH_CARE,
    BENCH_CARE_LOGIN,
    BENCH_OMKLAP_CONTRACTS,
    BenchData,
)
from coop.demo.logins import DEMO_TOTP_SECRET
from coop.demo.omklap import DEMO_ASSESSMENTS, DEMO_CONDITIONS, DEMO_MOMENTS
from coop.models import Organisation, StaffLink, User
from members.models import (
    CareAssignment,
    MixGroup,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from members.services import omklap as omklap_services


def seed_omklap(data: BenchData) -> None:
    """200 omklap contracts on the omklap tenancies, guided by one care worker, with their
    moments (past ones mostly recorded) and some decisions awaiting sign-off or extended."""
    rng = data.rng
    slug, name = BENCH_CARE
    name = name if data.copy == 0 else f"{name} {data.copy + 1}"
    care = Organisation.objects.create(slug=data.slug(slug), name=name, kind=Organisation.Kind.CARE)
    login = data.login(BENCH_CARE_LOGIN)
    worker = User.objects.create(
        email=login.email,
        first_name=login.first_name,
        last_name=login.last_name,
        password=data.password,
    )
    EmailAddress.objects.create(user=worker, email=worker.email, verified=True, primary=True)
    TOTP.activate(worker, DEMO_TOTP_SECRET)
    StaffLink.objects.create(
        organisation=care, user=worker, starts_on=data.today - dt.timedelta(days=2500)
    )
    omklap = list(
        Tenancy.objects.filter(member__in=data.members, kind=Tenancy.Kind.OMKLAP)
        .select_related("unit__building__association")
        .order_by("pk")
    )
    sample = rng.sample(omklap, min(BENCH_OMKLAP_CONTRACTS, len(omklap)))
    tenancies = sorted(sample, key=lambda t: t.pk)
    CareAssignment.objects.bulk_create(
        CareAssignment(
            member_id=t.member_id, organisation=care, worker=worker, starts_on=t.starts_on
        )
        for t in tenancies
    )
    contracts = []
    for tenancy in tenancies:
        starts_on = max(tenancy.starts_on, data.today - dt.timedelta(days=rng.randint(20, 700)))
        contracts.append(
            OmklapContract(
                tenancy=tenancy,
                care_organisation=care,
                starts_on=starts_on,
                ends_on=starts_on + relativedelta(months=24),
                length_months=24,
                conditions=DEMO_CONDITIONS[rng.randrange(len(DEMO_CONDITIONS))],
            )
        )
    contracts = OmklapContract.objects.bulk_create(contracts, batch_size=BENCH_BATCH)
    moments = []
    for contract in contracts:
        # The schedule the service gives a contract (its association's interval and final
        # evaluation), so bench contracts cannot drift from real ones.
        for moment in omklap_services.contract_moments(contract, after=contract.starts_on):
            # One in ten past moments is still to be recorded (overdue).
            if moment.due_on < data.today and rng.random() > 0.1:
                outcome, card, reason, notes = rng.choice(DEMO_MOMENTS)
                moment.held_on = moment.due_on
                moment.outcome, moment.card, moment.card_reason = outcome, card, reason
                moment.care_notes = notes
                moment.participants = "bewoner, begeleider"
                for field_name, value in rng.choice(DEMO_ASSESSMENTS).items():
                    setattr(moment, field_name, value)
            moments.append(moment)
    MonitoringMoment.objects.bulk_create(moments, batch_size=BENCH_BATCH)
    staff = data.staff
    decisions = []
    for contract in contracts:
        if contract.ends_on - data.today > dt.timedelta(days=150) or rng.random() < 0.3:
            continue
        decisions.append(
            OmklapDecision(
                contract=contract,
                kind=OmklapDecision.Kind.CONVERT,
                effective_on=contract.ends_on,
                new_group=MixGroup.REGULAR,
                reasons="Woont stabiel en zelfstandig; begeleiding kan worden afgebouwd.",
                proposed_side=OmklapDecision.Side.CARE,
                proposed_by=worker,
                care_signed_by=worker,
                care_signed_at=timezone.now(),
            )
        )
    for contract in contracts[::10]:
        decisions.append(
            OmklapDecision(
                contract=contract,
                kind=OmklapDecision.Kind.EXTEND,
                status=OmklapDecision.Status.IN_EFFECT,
                new_ends_on=contract.ends_on,
                reasons="Nog een jaar begeleiding nodig bij de financiën.",
                proposed_side=OmklapDecision.Side.CORPORATION,
                proposed_by=staff,
                care_signed_by=worker,
                care_signed_at=timezone.now(),
                corporation_signed_by=staff,
                corporation_signed_at=timezone.now(),
                took_effect_on=contract.starts_on + dt.timedelta(days=30),
            )
        )
    OmklapDecision.objects.bulk_create(decisions)
    data.rows.update(
        omklap_contracts=len(contracts), monitoring_moments=len(moments), decisions=len(decisions)
    )
