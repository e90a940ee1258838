"""Hand-built rows the rules read: vacancies, nominations, contracts, hours, activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from activities.models import Activity, Category, ContributionLog, Occurrence, SignUp
from coop.models import Building, Unit
from coop.site.compliance.periods import Period
from members.models import (
    Member,
    MixGroupPeriod,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from vacancies.models import Candidate, Nomination, Route, Vacancy, VotingRound


def last_month() -> Period:
    """The month before this one: fully past, and after the cast joined (400 days ago)."""
    return Period.containing("month", timezone.localdate().replace(day=1) - dt.timedelta(days=1))


def aware(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


_numbers = iter(range(100, 10_000))


def unit_of(building: Building, kind: str = Unit.Kind.REGULAR) -> Unit:
    return Unit.objects.create(
        building=building, number=str(next(_numbers)), kind=kind, rent=Decimal("650.00")
    )


def vacancy(
    association,
    *,
    reported_on: dt.date,
    nominated_on: dt.date | None = None,
    let_on: dt.date | None = None,
    available_from: dt.date | None = None,
    status: str | None = None,
) -> Vacancy:
    building = association.buildings.first()
    if status is None:
        status = (
            Vacancy.Status.LET if let_on else (Vacancy.Status.NOMINATED if nominated_on else "open")
        )
    return Vacancy.objects.create(
        association=association,
        unit=unit_of(building),
        route=Route.COOPTATION,
        status=status,
        available_from=available_from or reported_on,
        reported_on=reported_on,
        profile="Iemand die meedoet.",
        nominated_on=nominated_on,
        let_on=let_on,
    )


def nomination(
    association, *, nominated: dt.date, decided: dt.date | None = None, group: str = ""
) -> Nomination:
    # A confirmed nomination lets the unit on the day of the decision.
    v = vacancy(
        association,
        reported_on=nominated - dt.timedelta(days=20),
        nominated_on=nominated,
        let_on=decided,
    )
    candidate = Candidate.objects.create(vacancy=v, name="Kandidaat", household_size=1)
    voting = VotingRound.objects.create(
        vacancy=v,
        number=1,
        method=VotingRound.Method.YES_NO,
        quorum_percent=50,
        tie_break=VotingRound.TieBreak.LOT,
        starts_at=aware(nominated - dt.timedelta(days=10)),
        ends_at=aware(nominated - dt.timedelta(days=3)),
    )
    return Nomination.objects.create(
        vacancy=v,
        candidate=candidate,
        round=voting,
        status=Nomination.Status.CONFIRMED if decided else Nomination.Status.PENDING,
        nominated_at=aware(nominated),
        decided_at=aware(decided) if decided else None,
        group=group,
    )


def resident(association, *, group: str, joined: dt.date, name: str = "Bewoner", **extra):
    member = Member.objects.create(association=association, name=name, joined_on=joined, **extra)
    MixGroupPeriod.objects.create(member=member, group=group, starts_on=joined)
    return member


def contract(
    association,
    cast,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    held: list[dt.date] = (),
    care=None,
) -> OmklapContract:
    member = resident(association, group="vrager", joined=starts_on)
    tenancy = Tenancy.objects.create(
        member=member,
        unit=unit_of(association.buildings.first(), Unit.Kind.OMKLAP),
        kind=Tenancy.Kind.OMKLAP,
        starts_on=starts_on,
    )
    c = OmklapContract.objects.create(
        tenancy=tenancy,
        care_organisation=care or cast.care,
        starts_on=starts_on,
        ends_on=ends_on,
        length_months=24,
    )
    for day in held:
        MonitoringMoment.objects.create(
            contract=c,
            kind=MonitoringMoment.Kind.SCHEDULED,
            due_on=day,
            held_on=day,
            outcome="on_track",
            care_notes="Vertrouwelijke zorgnotitie",
        )
    return c


def decision_in_effect(c: OmklapContract, cast, *, on: dt.date) -> OmklapDecision:
    return OmklapDecision.objects.create(
        contract=c,
        kind=OmklapDecision.Kind.CONVERT,
        status=OmklapDecision.Status.IN_EFFECT,
        effective_on=c.ends_on,
        reasons="Gaat goed.",
        proposed_side=OmklapDecision.Side.CARE,
        proposed_by=cast.care_worker,
        care_signed_by=cast.care_worker,
        care_signed_at=aware(on),
        corporation_signed_by=cast.corporation_staff,
        corporation_signed_at=aware(on),
        took_effect_on=on,
    )


def hours(member, day: dt.date, amount: str) -> ContributionLog:
    return ContributionLog.objects.create(
        member=member,
        date=day,
        hours=Decimal(amount),
        kind=ContributionLog.Kind.OTHER,
        status=ContributionLog.Status.CONFIRMED,
        decided_at=aware(day),
    )


def occurrence(association, at: dt.datetime, *, cancelled: bool = False, walk_ins: int = 0):
    category, _ = Category.objects.get_or_create(association=association, name="Koffie")
    activity = Activity.objects.create(
        association=association,
        title="Koffieochtend",
        category=category,
        location="Huiskamer",
        starts_at=at,
        ends_at=at + dt.timedelta(hours=2),
    )
    return Occurrence.objects.create(
        activity=activity,
        original_start=at,
        starts_at=at,
        ends_at=at + dt.timedelta(hours=2),
        status=Occurrence.Status.CANCELLED if cancelled else Occurrence.Status.SCHEDULED,
        walk_ins=walk_ins,
    )


def attended(member, occ: Occurrence) -> SignUp:
    return SignUp.objects.create(
        occurrence=occ, member=member, status=SignUp.Status.CONFIRMED, attended=True
    )
