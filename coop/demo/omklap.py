"""The demo's omklap contracts: one for every omklap tenancy, its past moments recorded."""

from __future__ import annotations

import datetime as dt

from coop.demo.base import Seeder
from coop.models import (
    Organisation,
)
from members.models import (
    MixGroup,
    OmklapDecision,
    Tenancy,
)
from members.services import omklap as omklap_services

DEMO_CONDITIONS = (
    ["accept_guidance", "budget_management", "daytime_activity"],
    ["accept_guidance", "rent_direct_debit", "house_rules"],
    ["accept_guidance", "budget_management", "contribution"],
)
# (outcome, card, reason for the card, care notes) of recorded demo moments.
DEMO_MOMENTS = (
    (
        "on_track",
        "",
        "",
        "Goed gesprek in de woning. Houdt het huis netjes en kookt weer zelf. Wil graag "
        "vrijwilligerswerk bij de kringloopwinkel; we zoeken samen naar een plek.",
    ),
    (
        "concerns",
        "yellow",
        "Huurachterstand van twee maanden",
        "Heeft na het wegvallen van de uitkering een achterstand opgelopen. Afspraak gemaakt "
        "met de budgetcoach; automatische incasso weer aangezet.",
    ),
    (
        "on_track",
        "",
        "",
        "Komt trouw naar de afspraken. Slaapt beter sinds de nieuwe dagbesteding. Contact met "
        "de buren op de gang is vriendelijk.",
    ),
    (
        "ready",
        "",
        "",
        "Woont stabiel en zelfstandig. Begeleiding is terug naar eens per maand. Klaar om het "
        "contract om te klappen.",
    ),
)
DEMO_ASSESSMENTS = (
    {"rent_paid": "good", "living_independently": "good", "neighbour_contact": "attention"},
    {"rent_paid": "concern", "living_independently": "attention", "care_need": "attention"},
    {"rent_paid": "good", "neighbour_contact": "good", "house_rules": "good"},
)


def omklap_contracts(seeder: Seeder, care: Organisation, corporation: Organisation) -> None:
    """An omklap contract for every omklap tenancy, its past moments recorded; the
    longest-running one has a conversion proposed by the care worker."""
    worker = seeder.users["care_worker"]
    tenancies = (
        Tenancy.objects.current(seeder.today)
        .filter(kind=Tenancy.Kind.OMKLAP, unit__building__association__corporation=corporation)
        .exclude(omklap_contracts__isnull=False)
        .select_related("member")
        .order_by("starts_on", "pk")
    )
    for n, tenancy in enumerate(tenancies):
        contract = omklap_services.omklap_contract_start(
            actor=seeder.users["corporation_staff"],
            tenancy=tenancy,
            care_organisation=care,
            conditions=DEMO_CONDITIONS[n % len(DEMO_CONDITIONS)],
        )
        past = contract.moments.filter(due_on__lt=seeder.today).order_by("due_on")
        # The most recent moment of every third resident is still to be recorded.
        recorded = list(past)[:-1] if n % 3 == 2 else list(past)
        for i, moment in enumerate(recorded):
            outcome, card, reason, notes = DEMO_MOMENTS[(n + i) % len(DEMO_MOMENTS)]
            omklap_services.omklap_moment_record(
                actor=worker,
                moment=moment,
                held_on=min(moment.due_on + dt.timedelta(days=3), seeder.today),
                outcome=outcome,
                participants=f"{tenancy.member.name}, {worker.get_full_name()}",
                assessments=DEMO_ASSESSMENTS[(n + i) % len(DEMO_ASSESSMENTS)],
                card=card,
                card_reason=reason,
                care_notes=notes,
            )
        if n == 0 and recorded:
            omklap_services.omklap_decision_propose(
                actor=worker,
                side=OmklapDecision.Side.CARE,
                contract=contract,
                kind=OmklapDecision.Kind.CONVERT,
                reasons=(
                    "Woont al ruim anderhalf jaar zelfstandig, betaalt de huur op tijd en "
                    "helpt mee bij de koffieochtend. De begeleiding kan worden afgebouwd."
                ),
                moments=recorded,
                effective_on=seeder.today + dt.timedelta(days=60),
                new_group=MixGroup.REGULAR,
            )
        seeder.created += 1
