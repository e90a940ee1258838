"""The demo calendar of De Zonnewijzer, some sign-ups and the hours its drager logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from activities import services as activity_services
from activities.models import (
    ContributionLog,
    Frequency,
    Visibility,
)
from coop.demo.base import Seeder
from coop.demo.logins import LOGINS
from coop.demo.members import ASSOCIATIONS, resident_email
from coop.models import (
    Association,
)


@dataclass(frozen=True)
class ActivitySpec:
    title: str
    category: str
    location: str
    description: str
    weekday: int  # 0 = Monday
    start: dt.time
    duration: dt.timedelta
    frequency: str = Frequency.WEEKLY
    interval: int = 1
    count: int | None = None
    capacity: int | None = None
    visibility: str = Visibility.MEMBERS
    organisers: tuple[str, ...] = ()


DEMO_ACTIVITIES: tuple[ActivitySpec, ...] = (
    ActivitySpec(
        "Koffieochtend",
        "coffee_morning",
        "Gemeenschappelijke ruimte Noord",
        "Elke dinsdag koffie, thee en iets lekkers. Iedereen is welkom, ook buren uit de wijk.",
        1,
        dt.time(10),
        dt.timedelta(hours=2),
        visibility=Visibility.PUBLIC,
        organisers=("Lotte Hendriks",),
    ),
    ActivitySpec(
        "Taalcafé Nederlands",
        "language_lessons",
        "Bibliotheekhoek Zuid",
        "Samen Nederlands oefenen in kleine groepjes, op je eigen niveau.",
        3,
        dt.time(19),
        dt.timedelta(hours=1, minutes=30),
        capacity=8,
        organisers=("Iris Peters",),
    ),
    ActivitySpec(
        "Moestuin",
        "garden",
        "Binnentuin",
        "Wieden, zaaien en oogsten. Handschoenen en gereedschap liggen klaar.",
        5,
        dt.time(10),
        dt.timedelta(hours=3),
        interval=2,
        visibility=Visibility.PUBLIC,
        organisers=("Wim Brouwer",),
    ),
    ActivitySpec(
        "Samen eten",
        "shared_meal",
        "Keuken Zonnewijzer Zuid",
        "Om de beurt kookt een paar bewoners; je betaalt een kleine bijdrage.",
        3,
        dt.time(18),
        dt.timedelta(hours=2),
        frequency=Frequency.MONTHLY_WEEKDAY,
        capacity=16,
        organisers=("Bas Vermeulen",),
    ),
    ActivitySpec(
        "Weggeefwinkel",
        "give_away_shop",
        "Berging Noord",
        "Breng wat je niet meer nodig hebt, neem mee wat je kunt gebruiken.",
        5,
        dt.time(13),
        dt.timedelta(hours=2),
        frequency=Frequency.MONTHLY_DATE,
        visibility=Visibility.PUBLIC,
    ),
    ActivitySpec(
        "Klusdienst",
        "odd_job_service",
        "Werkplaats kelder",
        "Kapotte kraan, plank ophangen? De klusdienst helpt, op afspraak.",
        2,
        dt.time(19),
        dt.timedelta(hours=2),
        organisers=("Pieter Dekker",),
    ),
    ActivitySpec(
        "Ledenvergadering",
        "meeting",
        "Gemeenschappelijke ruimte Noord",
        "Jaarverslag, begroting en de evaluatie van de activiteiten.",
        0,
        dt.time(20),
        dt.timedelta(hours=2),
        frequency=Frequency.ONCE,
    ),
)

# Hours the demo drager logged (days ago, hours, kind, note); older ones are confirmed.
DEMO_HOURS: tuple[tuple[int, str, str, str], ...] = (
    (40, "3", ContributionLog.Kind.SUPPORT, "Boodschappen gedaan met Kevin"),
    (33, "2", ContributionLog.Kind.ORGANISING, "Koffieochtend"),
    (26, "4.5", ContributionLog.Kind.BUILDING, "Fietsenstalling opgeruimd"),
    (12, "2", ContributionLog.Kind.ORGANISING, "Koffieochtend"),
    (9, "3.5", ContributionLog.Kind.SUPPORT, "Mee naar de huisarts"),
    (3, "2", ContributionLog.Kind.OTHER, "Nieuwsbrief gevouwen"),
)


def activities(seeder: Seeder) -> None:
    """The demo calendar of De Zonnewijzer, some sign-ups and logged hours."""
    for association in Association.objects.filter(slug__in=[a.slug for a in ASSOCIATIONS]):
        seeder.created += len(activity_services.categories_ensure(association=association))
    association = Association.objects.get(slug=ASSOCIATIONS[0].slug)
    if association.activities.exists():
        return
    members = {m.email: m for m in association.members.select_related("user")}
    coordinator = members[LOGINS["coordinator"].email]
    categories = {c.key: c for c in association.activity_categories.all()}
    planned = {}
    for spec in DEMO_ACTIVITIES:
        # The first of the coming seven days (tomorrow onwards) that is the spec's weekday.
        day = seeder.today + dt.timedelta(days=(spec.weekday - seeder.today.weekday() - 1) % 7 + 1)
        start = timezone.make_aware(dt.datetime.combine(day, spec.start))
        data = activity_services.ActivityData(
            title=spec.title,
            category=categories[spec.category],
            description=spec.description,
            location=spec.location,
            starts_at=start,
            ends_at=start + spec.duration,
            frequency=spec.frequency,
            interval=spec.interval,
            count=spec.count,
            capacity=spec.capacity,
            visibility=spec.visibility,
            organisers=[members[resident_email(n)] for n in spec.organisers] + [coordinator],
        )
        planned[spec.title] = activity_services.activity_plan(
            actor=seeder.users["coordinator"], association=association, data=data
        )
        seeder.created += 1
    for login, title in (
        ("drager", "Koffieochtend"),
        ("vrager", "Koffieochtend"),
        ("vrager", "Taalcafé Nederlands"),
        ("drager", "Samen eten"),
    ):
        member = members[LOGINS[login].email]
        occurrence = planned[title].occurrences.order_by("starts_at").first()
        activity_services.signup_create(
            actor=seeder.users[login], occurrence=occurrence, member=member
        )
    drager = members[LOGINS["drager"].email]
    for days, hours, kind, note in DEMO_HOURS:
        log = activity_services.contribution_log(
            actor=seeder.users["drager"],
            member=drager,
            date=seeder.days_ago(days),
            hours=hours,
            kind=kind,
            note=note,
        )
        if days > 7:
            activity_services.contribution_confirm(actor=seeder.users["coordinator"], log=log)
