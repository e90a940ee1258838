"""Dutch demo data: ``manage.py seed_demo`` (small, with a login per role) or ``--scale bench``.

Both scales are idempotent: everything is looked up by slug, e-mail address or number first,
and a second run changes nothing. The small scale goes through the services (so the audit log
tells the story); the bench scale (QUALITY.md, performance 4) writes in bulk and skips the audit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.models import GroupPagePermission, Page, Site

from activities import services as activity_services
from activities.models import (
    DEFAULT_CATEGORIES,
    Activity,
    Category,
    ContributionLog,
    Frequency,
    Occurrence,
    SignUp,
    Visibility,
)
from coop.models import (
    Association,
    Building,
    ContentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    Organisation,
    StaffLink,
    Unit,
    User,
)
from members import services, services_omklap
from members.models import (
    AssociationRole,
    CareAssignment,
    Member,
    MixGroup,
    MixGroupPeriod,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Role,
    Tenancy,
)
from vacancies import services as vacancy_services
from vacancies.models import Candidate, Vacancy, VotingRound
from vacancies.pages import VacancyIndexPage

# Every demo account lives under this domain; ``demo_code`` refuses any other address.
DEMO_DOMAIN = "demo.example.org"
DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 (a published demo password)
# One fixed TOTP secret (base32) for every demo account with a second factor, so a developer can
# add it once to an authenticator app; ``manage.py demo_code <email>`` prints the current code.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105 (published on purpose)
SITE_URL = "http://127.0.0.1:8000"

VRAGER, DRAGER, REGULAR = MixGroup.VRAGER, MixGroup.DRAGER, MixGroup.REGULAR


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith("@" + DEMO_DOMAIN)


# --------------------------------------------------------------------------------------------
# Small scale: what a developer clicks through.


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    first_name: str
    last_name: str
    second_factor: bool = False
    # A Wagtail editor: admin access and the public pages, no user management, no superuser
    # (superusers only come from ``manage.py createsuperuser``).
    editor: bool = False


LOGINS: dict[str, DemoLogin] = {
    "vrager": DemoLogin("member (vrager)", demo_email("vrager"), "Sanne", "Bakker"),
    "drager": DemoLogin("member (drager)", demo_email("drager"), "Thijs", "de Vries"),
    "board": DemoLogin("board", demo_email("bestuur"), "Marieke", "Jansen", second_factor=True),
    "selection": DemoLogin(
        "selection committee",
        demo_email("selectie"),
        "Youssef",
        "El Amrani",
        second_factor=True,
    ),
    "coordinator": DemoLogin("coordinator", demo_email("coordinator"), "Fenna", "Mulder"),
    "care_worker": DemoLogin(
        "care worker", demo_email("zorg"), "Zoë", "Verbeek", second_factor=True
    ),
    "corporation_staff": DemoLogin(
        "corporation staff", demo_email("corporatie"), "Kees", "Wouters", second_factor=True
    ),
    "admin": DemoLogin(
        "content editor",
        demo_email("beheer"),
        "Bea",
        "Beheer",
        second_factor=True,
        editor=True,
    ),
}

# Wagtail's own group (made by its migrations): admin access, edit and publish pages, images
# and documents; no permission on users or groups.
EDITOR_GROUP = "Moderators"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def editor_group(site_root: Page) -> Group:
    """Wagtail's editor group; where it was removed, made again for the public site's pages."""
    group, created = Group.objects.get_or_create(name=EDITOR_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.create(group=group, page=site_root, permission=permission)
    return group


CORPORATION = ("nieuw-kwartier", "Woonstichting Nieuw Kwartier")
CARE = ("de-overstap", "Zorgstichting De Overstap")


@dataclass(frozen=True)
class BuildingSpec:
    key: str
    name: str
    street_address: str
    postal_code: str
    city: str
    units: int
    omklap: int  # the first units are omklap units, then drager units, then regular ones
    drager: int


@dataclass(frozen=True)
class Resident:
    name: str
    unit: str  # "<building key>-<number>"
    # (group, days ago it started); the first entry is the day the member joined.
    groups: tuple[tuple[str, int], ...]
    roles: tuple[str, ...] = ()
    login: str | None = None


@dataclass(frozen=True)
class AssociationSpec:
    slug: str
    name: str
    kind: str
    omklap_length_months: int
    buildings: tuple[BuildingSpec, ...]
    residents: tuple[Resident, ...]


def _r(name, unit, *groups, roles=(), login=None) -> Resident:
    return Resident(name=name, unit=unit, groups=groups, roles=roles, login=login)


ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        slug="de-zonnewijzer",
        name="Woonvereniging De Zonnewijzer",
        kind=Association.Kind.ASSOCIATION,
        omklap_length_months=36,
        buildings=(
            BuildingSpec(
                "N", "Zonnewijzer Noord", "Kloosterlaan 12", "3572 BK", "Utrecht", 12, 4, 2
            ),
            BuildingSpec(
                "Z", "Zonnewijzer Zuid", "Kloosterlaan 14", "3572 BK", "Utrecht", 12, 4, 2
            ),
        ),
        residents=(
            _r("Sanne Bakker", "N-1", (VRAGER, 300), login="vrager"),
            _r("Kevin Smit", "N-2", (VRAGER, 520)),
            _r("Priscilla Koster", "N-3", (VRAGER, 150)),
            _r("Dennis van Dijk", "N-4", (VRAGER, 700)),
            _r("Thijs de Vries", "N-5", (DRAGER, 900), login="drager"),
            _r("Lotte Hendriks", "N-6", (DRAGER, 640)),
            _r("Marieke Jansen", "N-7", (REGULAR, 1100), roles=(Role.BOARD,), login="board"),
            _r(
                "Youssef El Amrani",
                "N-8",
                (REGULAR, 1000),
                roles=(Role.SELECTION,),
                login="selection",
            ),
            _r("Gerard Bos", "N-9", (REGULAR, 1050), roles=(Role.BOARD,)),
            _r("Emine Yilmaz", "N-10", (REGULAR, 820), roles=(Role.BOARD,)),
            _r("Jan-Willem de Boer", "N-11", (REGULAR, 760), roles=(Role.SELECTION,)),
            _r("Iris Peters", "N-12", (REGULAR, 400)),
            _r("Ricardo Martina", "Z-1", (VRAGER, 260)),
            _r("Chantal de Groot", "Z-2", (VRAGER, 610)),
            _r("Mohamed Bouzid", "Z-3", (VRAGER, 90)),
            # Z-4 (omklap) stands empty: the care organisation is about to nominate someone.
            _r(
                "Fenna Mulder",
                "Z-5",
                (REGULAR, 980),
                (DRAGER, 365),
                roles=(Role.COORDINATOR,),
                login="coordinator",
            ),
            _r("Bas Vermeulen", "Z-6", (REGULAR, 870), (DRAGER, 200)),
            _r("Noor van Leeuwen", "Z-7", (REGULAR, 720), roles=(Role.SELECTION,)),
            _r("Pieter Dekker", "Z-8", (DRAGER, 1000), (REGULAR, 180)),
            _r("Ayşe Kaya", "Z-9", (REGULAR, 560)),
            _r("Wim Brouwer", "Z-10", (REGULAR, 940), roles=(Role.COORDINATOR,)),
            _r("Esther de Jong", "Z-11", (REGULAR, 330)),
            # Z-12 stands empty: a regular vacancy for the association's co-optation.
        ),
    ),
    AssociationSpec(
        slug="het-weverhof",
        name="Wooncoöperatie Het Weverhof",
        kind=Association.Kind.COOPERATIVE,
        omklap_length_months=24,
        buildings=(BuildingSpec("W", "Weverhof", "Weversgang 8", "8011 XP", "Zwolle", 10, 3, 2),),
        residents=(
            _r("Dylan Hoekstra", "W-1", (VRAGER, 420)),
            _r("Melissa Wolters", "W-2", (VRAGER, 130)),
            _r("Harm Scholten", "W-4", (DRAGER, 800)),
            _r("Gerda Nijland", "W-5", (REGULAR, 760), (DRAGER, 300)),
            _r("Jeroen Postma", "W-6", (REGULAR, 900), roles=(Role.BOARD,)),
            _r("Annemiek Kuipers", "W-7", (REGULAR, 880), roles=(Role.BOARD,)),
            _r("Ruud Prins", "W-8", (REGULAR, 650), roles=(Role.SELECTION,)),
            _r("Hatice Demir", "W-9", (REGULAR, 240)),
        ),
    ),
)


def _rent(kind: str, number: int) -> Decimal:
    base = {Unit.Kind.OMKLAP: Decimal("545.00"), Unit.Kind.DRAGER: Decimal("640.00")}.get(
        kind, Decimal("690.00")
    )
    return base + Decimal("12.50") * (number % 5)


# Above this monthly rent a tenant gets no housing allowance for the excess (illustrative).
AFTOPPINGSGRENS = Decimal("720.00")


def _unit_kind(spec: BuildingSpec, number: int) -> str:
    if number <= spec.omklap:
        return Unit.Kind.OMKLAP
    if number <= spec.omklap + spec.drager:
        return Unit.Kind.DRAGER
    return Unit.Kind.REGULAR


def _resident_email(name: str) -> str:
    return demo_email(".".join(slugify(part) for part in name.split()))


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


@dataclass(frozen=True)
class PageSpec:
    slug: str
    title: str
    intro: str
    body: str


HOME_TITLE = "Welkom bij De Zonnewijzer"
HOME_INTRO = (
    "Woonvereniging De Zonnewijzer is een gemengd wooncomplex aan de Kloosterlaan in Utrecht. "
    "Mensen die na dakloosheid of een zorgtraject weer zelfstandig gaan wonen, buren die hen "
    "daarbij steunen en gewone huurders wonen hier samen, en besturen het complex grotendeels zelf."
)
HOME_BODY = (
    "<h2>Samen wonen, samen doen</h2>"
    "<p>In onze twee gebouwen wonen 24 huishoudens. Ongeveer een derde van de bewoners komt uit "
    "een zorg- of opvangtraject (wij zeggen: <b>vragers</b>), een kleiner deel heeft zich "
    "verbonden om hen te ondersteunen (<b>dragers</b>) en de helft zijn reguliere huurders. "
    "Iedereen is lid van de vereniging en draagt bij: aan de koffieochtend, de moestuin, de "
    "klusdienst of gewoon door een oogje in het zeil te houden.</p>"
    "<h2>Hoe wij het regelen</h2>"
    "<ul><li>Het bestuur wordt gekozen door de ledenvergadering.</li>"
    "<li>Een selectiecommissie zoekt samen met de leden nieuwe bewoners voor vrijgekomen "
    "woningen; de leden stemmen over de voordracht.</li>"
    "<li>Woonstichting Nieuw Kwartier verhuurt de woningen; Zorgstichting De Overstap begeleidt "
    "de bewoners die dat nodig hebben.</li></ul>"
    "<p>Bewoners loggen in op het ledenportaal voor de agenda, stemmingen en hun eigen "
    "gegevens.</p>"
)

CONTENT_PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        slug="over-ons",
        title="Over ons",
        intro="De Zonnewijzer bestaat sinds 2019 en is een vereniging van en voor de bewoners.",
        body=(
            "<p>Het idee is eenvoudig: wie een steuntje in de rug nodig heeft, woont het beste "
            "tussen buren die naar elkaar omkijken. Daarom wonen vragers, dragers en reguliere "
            "huurders door elkaar, in een verhouding die we samen met de corporatie hebben "
            "afgesproken: ongeveer 35% vragers, 15% dragers en 50% reguliere huurders.</p>"
            "<h2>Het bestuur</h2>"
            "<p>Het bestuur bestaat uit drie bewoners. Zij vertegenwoordigen de vereniging bij "
            "Woonstichting Nieuw Kwartier en Zorgstichting De Overstap en leggen elk jaar "
            "verantwoording af aan de ledenvergadering.</p>"
            "<h2>Activiteiten</h2>"
            "<p>Elke dinsdag is er koffieochtend in de gemeenschappelijke ruimte, op donderdag "
            "koken we om de beurt voor wie wil aanschuiven, en de moestuin is het hele jaar "
            "open.</p>"
        ),
    ),
    PageSpec(
        slug="zo-kun-je-bij-ons-wonen",
        title="Zo kun je bij ons wonen",
        intro="Komt er een woning vrij, dan zoeken wij samen met de corporatie een nieuwe buur.",
        body=(
            "<h2>Reguliere woningen en dragerswoningen</h2>"
            "<p>Vrijgekomen woningen zetten we op deze website, met een profiel van wat het "
            "complex op dat moment nodig heeft. Je reageert met een korte motivatie en vertelt "
            "hoe je wilt bijdragen. De selectiecommissie maakt een voordracht, de leden stemmen "
            "erover en de corporatie toetst inkomen en passend toewijzen.</p>"
            "<p>Wij vragen nooit naar je gezondheid, afkomst, geloof, politieke voorkeur of "
            "geaardheid. Word je niet gekozen, dan laten we je weten waarom.</p>"
            "<h2>Omklapwoningen</h2>"
            "<p>Een deel van de woningen is bestemd voor mensen die uit een zorg- of "
            "opvangtraject komen. Zij worden voorgedragen door Zorgstichting De Overstap en "
            "beginnen met een tijdelijk huurcontract. Gaat het wonen goed, dan klapt het "
            "contract na drie jaar om naar een gewoon huurcontract.</p>"
        ),
    ),
    PageSpec(
        slug="huisregels",
        title="Huisregels",
        intro="Een paar afspraken waardoor het voor iedereen prettig wonen is.",
        body=(
            "<ol><li>We groeten elkaar en spreken elkaar aan, vriendelijk en direct.</li>"
            "<li>Tussen 23.00 en 7.00 uur is het stil in de gangen en de tuin.</li>"
            "<li>De gemeenschappelijke ruimte laat je schoon achter.</li>"
            "<li>Fietsen staan in de stalling, niet in het trappenhuis.</li>"
            "<li>Iedereen draagt bij: gemiddeld zestien uur per maand, op een manier die bij je "
            "past.</li>"
            "<li>Problemen bespreek je eerst met je buur, dan met het bestuur.</li></ol>"
        ),
    ),
)

NEWS_INDEX = PageSpec(
    slug="nieuws",
    title="Nieuws",
    intro="Wat er speelt in en rond De Zonnewijzer.",
    body="",
)

# (slug, title, days ago, intro, body)
NEWS_ITEMS: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "moestuin-open",
        "De moestuin is weer open",
        9,
        "De eerste pompoenen zijn gepoot en er is plek voor nieuwe tuinders.",
        "<p>Op zaterdagochtend werken we samen in de tuin. Geen groene vingers? Geen "
        "probleem: er is altijd iemand die het je laat zien. Meld je bij Wim Brouwer.</p>",
    ),
    (
        "ledenvergadering-voorjaar",
        "Verslag van de ledenvergadering",
        38,
        "Het bestuur is herkozen en de begroting voor volgend jaar is aangenomen.",
        "<p>Achttien leden waren aanwezig. We spraken over de nieuwe fietsenstalling, de "
        "verdeling van de klusdienst en de evaluatie van de omklapcontracten met de "
        "corporatie en De Overstap.</p>",
    ),
    (
        "woning-vrij-kloosterlaan",
        "Binnenkort een woning vrij aan de Kloosterlaan",
        95,
        "Een tweekamerwoning in Zonnewijzer Zuid komt vrij voor een nieuwe buur.",
        "<p>We zoeken iemand die zin heeft om mee te doen in de klusdienst of bij de "
        "koffieochtend. Het profiel en de reactietermijn volgen binnenkort op deze site.</p>",
    ),
)


VACANCY_PAGE = PageSpec(
    slug="woning-vrij",
    title="Woning vrij",
    intro="Komt er bij ons een woning vrij, dan zoeken we samen een nieuwe buur. Reageer hier.",
    body="",
)
SELECTION_CRITERIA = (
    "<ul><li>Je wilt actief meedoen in de vereniging: gemiddeld zestien uur per maand.</li>"
    "<li>Je past bij het profiel dat de selectiecommissie voor deze woning heeft opgesteld.</li>"
    "<li>Je inkomen en huishouden passen bij de woning; dat toetst de corporatie.</li></ul>"
    "<p>Wij vragen nooit naar gezondheid, afkomst, geloof, politieke voorkeur of geaardheid.</p>"
)
PROCEDURE = (
    "<ol><li>Je reageert met een motivatie en vertelt wat je wilt bijdragen.</li>"
    "<li>Na de sluitingsdatum stelt de selectiecommissie een voordracht op; wie er niet op "
    "staat, hoort waarom.</li>"
    "<li>De leden stemmen geheim over de kandidaten op de voordracht.</li>"
    "<li>De gekozen kandidaat wordt voorgedragen aan Woonstichting Nieuw Kwartier, die inkomen "
    "en passend toewijzen toetst.</li></ol>"
)
OPEN_PROFILE = (
    "Voor deze tweekamerwoning in Zonnewijzer Zuid zoeken we een buur die graag meedoet met de "
    "koffieochtend op dinsdag en een handje wil helpen in de klusdienst. Ervaring met "
    "buurtwerk of vrijwilligerswerk is mooi meegenomen."
)
DECIDED_PROFILE = (
    "We zoeken iemand die de moestuin mee wil trekken en het leuk vindt om af en toe voor de "
    "gang te koken."
)
NOT_SHORTLISTED = "We zochten iemand die overdag thuis is; dat past niet bij jouw werktijden."
# (name, household size, motivation, contribution, pledged hours a month)
APPLICANTS: tuple[tuple[str, int, str, str, str], ...] = (
    (
        "Lieke van Dam",
        1,
        "Ik woon nu alleen in een flat en mis het contact met buren. Hier wil ik echt meedoen.",
        "Ik wil de koffieochtend op dinsdag draaien en help graag bij de klusdienst.",
        "16",
    ),
    (
        "Omar Haddad",
        2,
        "Mijn vriendin en ik zoeken een plek waar mensen naar elkaar omkijken.",
        "Ik ben timmerman en kan de klusdienst versterken.",
        "12",
    ),
    (
        "Greet Hofman",
        1,
        "Na mijn pensioen wil ik mijn tijd besteden aan een gemeenschap waar ik bij hoor.",
        "Ik heb jaren in de buurthuiskeuken gestaan en kook graag voor de gang.",
        "20",
    ),
    (
        "Sem Kuiper",
        1,
        "Ik ben opgegroeid in een woongroep en wil weer samen wonen.",
        "Moestuinieren en fietsen repareren.",
        "",
    ),
    (
        "Naima Ouali",
        3,
        "Met mijn twee kinderen zoek ik een veilige, betrokken woonomgeving.",
        "Ik organiseer graag activiteiten voor de kinderen in het complex.",
        "",
    ),
    (
        "Ruben Veenstra",
        1,
        "Ik werk in de zorg en vind het belangrijk dat buren elkaar steunen.",
        "Ik kook graag en help met de moestuin.",
        "",
    ),
    (
        "Tamara Jonker",
        2,
        "Wij willen graag in Zwolle blijven wonen, dicht bij familie.",
        "Administratie: ik kan de kas van de vereniging bijhouden.",
        "",
    ),
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


class SmallSeeder:
    """Creates the small demo through the services; every step skips what already exists."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.created = 0
        self.password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        self.users: dict[str, User] = {}

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    @transaction.atomic
    def run(self) -> None:
        self.users = {key: self.user(login) for key, login in LOGINS.items()}
        self.admin = self.users["admin"]
        corporation = self.organisation(*CORPORATION, kind=Organisation.Kind.CORPORATION)
        care = self.organisation(*CARE, kind=Organisation.Kind.CARE)
        self.staff_link(care, self.users["care_worker"], starts_on=self.days_ago(1200))
        self.staff_link(corporation, self.users["corporation_staff"], self.days_ago(1500))
        for spec in ASSOCIATIONS:
            association = self.association(spec, corporation)
            units = self.units(association, spec)
            for resident in spec.residents:
                self.resident(association, units, resident)
        self.omklap_contracts(care, corporation)
        self.activities()
        self.pages()
        self.editors()
        self.vacancies()

    def user(self, login: DemoLogin) -> User:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User(
                email=login.email,
                first_name=login.first_name,
                last_name=login.last_name,
                password=self.password,
            )
            user.save()
            self.created += 1
        if user.is_superuser or user.is_staff:
            # Demo data from before editors had their own group made this login a superuser.
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
        _, created = EmailAddress.objects.get_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        self.created += created
        if (
            login.second_factor
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
            self.created += 1
        return user

    def organisation(self, slug: str, name: str, *, kind: str) -> Organisation:
        organisation, created = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind}
        )
        self.created += created
        return organisation

    def staff_link(self, organisation: Organisation, user: User, starts_on: dt.date) -> None:
        if not StaffLink.objects.current().filter(organisation=organisation, user=user).exists():
            services.staff_link_add(
                actor=self.admin, organisation=organisation, user=user, starts_on=starts_on
            )
            self.created += 1

    def association(self, spec: AssociationSpec, corporation: Organisation) -> Association:
        association, created = Association.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "corporation": corporation,
                "omklap_length_months": spec.omklap_length_months,
            },
        )
        self.created += created
        return association

    def units(self, association: Association, spec: AssociationSpec) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for b in spec.buildings:
            building, created = Building.objects.get_or_create(
                association=association,
                name=b.name,
                defaults={
                    "street_address": b.street_address,
                    "postal_code": b.postal_code,
                    "city": b.city,
                },
            )
            self.created += created
            for number in range(1, b.units + 1):
                kind = _unit_kind(b, number)
                rent = _rent(kind, number)
                unit, created = Unit.objects.get_or_create(
                    building=building,
                    number=str(number),
                    defaults={"kind": kind, "rent": rent, "rent_above_cap": rent > AFTOPPINGSGRENS},
                )
                self.created += created
                units[f"{b.key}-{number}"] = unit
        return units

    def resident(self, association: Association, units: dict[str, Unit], r: Resident) -> None:
        email = LOGINS[r.login].email if r.login else _resident_email(r.name)
        if association.members.filter(email=email).exists():
            return
        first_group, joined_days = r.groups[0]
        joined_on = self.days_ago(joined_days)
        member = services.member_register(
            actor=self.admin,
            association=association,
            name=r.name,
            email=email,
            group=first_group,
            joined_on=joined_on,
        )
        for group, days in r.groups[1:]:
            services.member_set_group(
                actor=self.admin, member=member, group=group, starts_on=self.days_ago(days)
            )
        if r.login:
            # The account exists already; in real life invitation_accept links it.
            member.user = self.users[r.login]
            member.save(update_fields=["user"])
        unit = units[r.unit]
        current_group = r.groups[-1][0]
        omklap = unit.kind == Unit.Kind.OMKLAP and current_group == VRAGER
        services.tenancy_start(
            actor=self.admin,
            member=member,
            unit=unit,
            kind=Tenancy.Kind.OMKLAP if omklap else Tenancy.Kind.REGULAR,
            starts_on=joined_on,
        )
        for role in r.roles:
            services.role_assign(
                actor=self.admin,
                member=member,
                role=role,
                starts_on=min(joined_on + dt.timedelta(days=30), self.today),
            )
        if current_group == VRAGER:
            services.care_assign(
                actor=self.admin,
                member=member,
                worker=self.users["care_worker"],
                starts_on=joined_on,
            )
        self.created += 1

    def omklap_contracts(self, care: Organisation, corporation: Organisation) -> None:
        """An omklap contract for every omklap tenancy, its past moments recorded; the
        longest-running one has a conversion proposed by the care worker."""
        worker = self.users["care_worker"]
        tenancies = (
            Tenancy.objects.current(self.today)
            .filter(kind=Tenancy.Kind.OMKLAP, unit__building__association__corporation=corporation)
            .exclude(omklap_contracts__isnull=False)
            .select_related("member")
            .order_by("starts_on", "pk")
        )
        for n, tenancy in enumerate(tenancies):
            contract = services_omklap.omklap_contract_start(
                actor=self.users["corporation_staff"],
                tenancy=tenancy,
                care_organisation=care,
                conditions=DEMO_CONDITIONS[n % len(DEMO_CONDITIONS)],
            )
            past = contract.moments.filter(due_on__lt=self.today).order_by("due_on")
            # The most recent moment of every third resident is still to be recorded.
            recorded = list(past)[:-1] if n % 3 == 2 else list(past)
            for i, moment in enumerate(recorded):
                outcome, card, reason, notes = DEMO_MOMENTS[(n + i) % len(DEMO_MOMENTS)]
                services_omklap.omklap_moment_record(
                    actor=worker,
                    moment=moment,
                    held_on=min(moment.due_on + dt.timedelta(days=3), self.today),
                    outcome=outcome,
                    participants=f"{tenancy.member.name}, {worker.get_full_name()}",
                    assessments=DEMO_ASSESSMENTS[(n + i) % len(DEMO_ASSESSMENTS)],
                    card=card,
                    card_reason=reason,
                    care_notes=notes,
                )
            if n == 0 and recorded:
                services_omklap.omklap_decision_propose(
                    actor=worker,
                    side=OmklapDecision.Side.CARE,
                    contract=contract,
                    kind=OmklapDecision.Kind.CONVERT,
                    reasons=(
                        "Woont al ruim anderhalf jaar zelfstandig, betaalt de huur op tijd en "
                        "helpt mee bij de koffieochtend. De begeleiding kan worden afgebouwd."
                    ),
                    moments=recorded,
                    effective_on=self.today + dt.timedelta(days=60),
                    new_group=MixGroup.REGULAR,
                )
            self.created += 1

    def activities(self) -> None:
        """The demo calendar of De Zonnewijzer, some sign-ups and logged hours."""
        for association in Association.objects.filter(slug__in=[a.slug for a in ASSOCIATIONS]):
            self.created += len(activity_services.categories_ensure(association=association))
        association = Association.objects.get(slug=ASSOCIATIONS[0].slug)
        if association.activities.exists():
            return
        members = {m.email: m for m in association.members.select_related("user")}
        coordinator = members[LOGINS["coordinator"].email]
        categories = {c.key: c for c in association.activity_categories.all()}
        planned = {}
        for spec in DEMO_ACTIVITIES:
            # The first of the coming seven days (tomorrow onwards) that is the spec's weekday.
            day = self.today + dt.timedelta(days=(spec.weekday - self.today.weekday() - 1) % 7 + 1)
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
                organisers=[members[_resident_email(n)] for n in spec.organisers] + [coordinator],
            )
            planned[spec.title] = activity_services.activity_plan(
                actor=self.users["coordinator"], association=association, data=data
            )
            self.created += 1
        for login, title in (
            ("drager", "Koffieochtend"),
            ("vrager", "Koffieochtend"),
            ("vrager", "Taalcafé Nederlands"),
            ("drager", "Samen eten"),
        ):
            member = members[LOGINS[login].email]
            occurrence = planned[title].occurrences.order_by("starts_at").first()
            activity_services.signup_create(
                actor=self.users[login], occurrence=occurrence, member=member
            )
        drager = members[LOGINS["drager"].email]
        for days, hours, kind, note in DEMO_HOURS:
            log = activity_services.contribution_log(
                actor=self.users["drager"],
                member=drager,
                date=self.days_ago(days),
                hours=hours,
                kind=kind,
                note=note,
            )
            if days > 7:
                activity_services.contribution_confirm(actor=self.users["coordinator"], log=log)

    def editors(self) -> None:
        """Content editors join Wagtail's editor group (after ``pages()``: the site exists)."""
        site_root = Site.objects.get(is_default_site=True).root_page
        for key, login in LOGINS.items():
            user = self.users[key]
            if login.editor and not user.groups.filter(name=EDITOR_GROUP).exists():
                user.groups.add(editor_group(site_root))
                self.created += 1

    def pages(self) -> None:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home"))
            self.created += 1
        if not home.intro and not home.body:
            home.title = HOME_TITLE
            home.draft_title = HOME_TITLE
            home.intro = HOME_INTRO
            home.body = HOME_BODY
            # The seed is set-up, not an edit: the editor's rights are given in ``editors()``.
            home.save_revision(user=self.admin).publish(
                user=self.admin, skip_permission_checks=True
            )
            self.created += 1
        if not Site.objects.filter(is_default_site=True).exists():
            site = Site.objects.filter(root_page=home).first()
            if site is None:
                Site.objects.create(
                    hostname="localhost", port=80, root_page=home, is_default_site=True
                )
            else:
                site.is_default_site = True
                site.save(update_fields=["is_default_site"])
            self.created += 1
        for spec in CONTENT_PAGES:
            self.child_page(home, ContentPage, spec)
        index = self.child_page(home, NewsIndexPage, NEWS_INDEX)
        for slug, title, days, intro, body in NEWS_ITEMS:
            date = self.days_ago(days)
            self.child_page(
                index, NewsPage, PageSpec(slug, title, intro, body), extra={"date": date}
            )

    def vacancies(self) -> None:
        """The public vacancy page, an open vacancy with applicants, and a decided vote."""
        self.child_page(
            HomePage.objects.get(),
            VacancyIndexPage,
            VACANCY_PAGE,
            extra={"selection_criteria": SELECTION_CRITERIA, "procedure": PROCEDURE},
        )
        # Z-12 and W-10 are the regular units the demo leaves empty.
        self.open_vacancy(Unit.objects.get(building__name="Zonnewijzer Zuid", number="12"))
        self.decided_vacancy(Unit.objects.get(building__name="Weverhof", number="10"))

    def open_vacancy(self, unit: Unit) -> None:
        if Vacancy.objects.filter(unit=unit).exists():
            return
        opened = timezone.now() - dt.timedelta(days=5)
        vacancy = vacancy_services.vacancy_report(
            actor=self.users["board"],
            unit=unit,
            available_from=self.today + dt.timedelta(days=45),
            today=timezone.localdate(opened),
        )
        vacancy = vacancy_services.vacancy_open_applications(
            actor=self.users["selection"],
            vacancy=vacancy,
            profile=OPEN_PROFILE,
            closes_at=opened + dt.timedelta(days=26),
            volunteer_priority=True,
            now=opened,
        )
        for day, applicant in enumerate(APPLICANTS[:3], start=1):
            self.applicant(vacancy, applicant, now=opened + dt.timedelta(days=day))
        self.created += 1

    def decided_vacancy(self, unit: Unit) -> None:
        """A vacancy of last month: applications, a final shortlist, a closed vote, a nominee."""
        if Vacancy.objects.filter(unit=unit).exists():
            return
        start = timezone.now() - dt.timedelta(days=40)
        vacancy = vacancy_services.vacancy_report(
            actor=self.admin,
            unit=unit,
            available_from=self.today + dt.timedelta(days=10),
            today=timezone.localdate(start),
        )
        vacancy = vacancy_services.vacancy_open_applications(
            actor=self.admin,
            vacancy=vacancy,
            profile=DECIDED_PROFILE,
            closes_at=start + dt.timedelta(days=14),
            volunteer_priority=False,
            now=start,
        )
        candidates = [
            self.applicant(vacancy, applicant, now=start + dt.timedelta(days=day))
            for day, applicant in enumerate(APPLICANTS[3:], start=1)
        ]
        for candidate in candidates[:3]:
            vacancy_services.candidate_shortlist(
                actor=self.admin, candidate=candidate, shortlisted=True
            )
        vacancy_services.candidate_shortlist(
            actor=self.admin, candidate=candidates[3], shortlisted=False, reason=NOT_SHORTLISTED
        )
        vacancy_services.shortlist_finalise(
            actor=self.admin, vacancy=vacancy, now=start + dt.timedelta(days=15)
        )
        voting_round = vacancy_services.voting_round_schedule(
            actor=self.admin,
            vacancy=vacancy,
            method=VotingRound.Method.RANKED,
            quorum_percent=50,
            tie_break=VotingRound.TieBreak.EARLIEST_APPLICATION,
            starts_at=start + dt.timedelta(days=16),
            ends_at=start + dt.timedelta(days=23),
            now=start + dt.timedelta(days=16),
        )
        ids = [str(c.pk) for c in candidates[:3]]
        # Six of the eight members vote; the quorum is half of them.
        voters = Member.objects.filter(association=unit.building.association).order_by("pk")[:6]
        for n, member in enumerate(voters):
            ranking = ids[n % 3 :] + ids[: n % 3] if n % 3 != 2 else ids
            vacancy_services.ballot_cast(
                voting_round=voting_round,
                member=member,
                choices={"ranking": ranking},
                now=start + dt.timedelta(days=17, hours=n),
            )
        vacancy_services.voting_round_close(
            round_id=voting_round.pk, now=start + dt.timedelta(days=23, minutes=5)
        )
        self.created += 1

    def applicant(self, vacancy: Vacancy, applicant: tuple, *, now: dt.datetime) -> Candidate:
        name, household, motivation, contribution, hours = applicant
        return vacancy_services.candidate_apply(
            vacancy=vacancy,
            name=name,
            email=_resident_email(name).replace("@", ".kandidaat@"),
            phone="",
            household_size=household,
            motivation=motivation,
            contribution=contribution,
            pledged_hours=hours if vacancy.volunteer_priority else None,
            now=now,
        )

    def child_page(self, parent: Page, model: type[Page], spec: PageSpec, extra=None) -> Page:
        existing = model.objects.child_of(parent).filter(slug=spec.slug).first()
        if existing is not None:
            return existing
        fields = {"title": spec.title, "slug": spec.slug, "intro": spec.intro, **(extra or {})}
        if spec.body:
            fields["body"] = spec.body
        page = parent.add_child(instance=model(**fields))
        page.save_revision(user=self.admin).publish(user=self.admin, skip_permission_checks=True)
        self.created += 1
        return page


# --------------------------------------------------------------------------------------------
# Bench scale (QUALITY.md, performance 4): written in bulk, no audit entries.

BENCH_CORPORATION = ("bench-regio", "Woonstichting Regio Bench")
BENCH_DOMAIN = f"bench.{DEMO_DOMAIN}"
BENCH_BUILDINGS_PER_ASSOCIATION = 3
BENCH_UNITS_PER_BUILDING = 50
BENCH_BATCH = 500
# The two accounts ``manage.py bench`` logs in with: a member of the first bench association
# (on its selection committee) and the bench corporation's staff, both with a second factor,
# as the platform demands of these roles.
BENCH_MEMBER_LOGIN = DemoLogin(
    "bench member", demo_email("bench-lid"), "Bart", "Bench", second_factor=True
)
BENCH_STAFF_LOGIN = DemoLogin(
    "bench corporation staff",
    demo_email("bench-corporatie"),
    "Coby",
    "Bench",
    second_factor=True,
)

# The care organisation of the bench omklap contracts and its care worker, who guides them all.
BENCH_CARE = ("bench-zorg", "Zorgstichting Bench")
BENCH_CARE_LOGIN = DemoLogin(
    "bench care worker",
    demo_email("bench-zorg"),
    "Zara",
    "Bench",
    second_factor=True,
)
BENCH_OMKLAP_CONTRACTS = 200

BENCH_PLACES = (
    ("De Linde", "Utrecht"),
    ("Het Anker", "Zwolle"),
    ("De Wilgenhoek", "Amersfoort"),
    ("Het Baken", "Deventer"),
    ("De Kastanje", "Arnhem"),
    ("Het Vlot", "Nijmegen"),
    ("De Boomgaard", "Zeist"),
    ("Het Hofje", "Apeldoorn"),
    ("De Bron", "Ede"),
    ("Het Kompas", "Houten"),
    ("De Steiger", "Nieuwegein"),
    ("Het Veld", "Hilversum"),
    ("De Molen", "Enschede"),
    ("Het Dijkhuis", "Kampen"),
    ("De Haven", "Harderwijk"),
    ("Het Erfgoed", "Doetinchem"),
    ("De Vlinder", "Veenendaal"),
    ("Het Plein", "Woerden"),
    ("De Brug", "IJsselstein"),
    ("Het Gilde", "Culemborg"),
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Daan",
    "Emma",
    "Eva",
    "Fleur",
    "Fatima",
    "Gijs",
    "Hanna",
    "Hugo",
    "Iris",
    "Jesse",
    "Joost",
    "Julia",
    "Lars",
    "Lieke",
    "Lisa",
    "Luuk",
    "Maud",
    "Milan",
    "Mila",
    "Noah",
    "Noor",
    "Olaf",
    "Pien",
    "Quinten",
    "Rosa",
    "Ruben",
    "Saskia",
    "Sem",
    "Sophie",
    "Tess",
    "Tim",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
    "Ahmed",
    "Ilse",
    "Karin",
    "Marco",
    "Nadia",
    "Rik",
    "Sevda",
    "Tom",
    "Wendy",
)
LAST_NAMES = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "Hoekstra",
    "Koster",
    "Prins",
    "Huisman",
    "Kaya",
    "Yilmaz",
    "El Idrissi",
    "Martina",
    "Wolters",
)
BENCH_STREETS = ("Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg")


@dataclass
class BenchData:
    """What the bench steps have made so far; later steps read what earlier ones wrote."""

    today: dt.date
    rng: random.Random
    association_count: int
    password: str
    corporation: Organisation | None = None
    associations: list[Association] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def _bench_places(data: BenchData) -> None:
    slug, name = BENCH_CORPORATION
    data.corporation = Organisation.objects.create(
        slug=slug, name=name, kind=Organisation.Kind.CORPORATION
    )
    data.associations = Association.objects.bulk_create(
        [
            Association(
                slug=f"bench-{i + 1:02d}-{slugify(place)}",
                name=f"{'Wooncoöperatie' if i % 4 == 3 else 'Woonvereniging'} {place} ({city})",
                kind=Association.Kind.COOPERATIVE if i % 4 == 3 else Association.Kind.ASSOCIATION,
                corporation=data.corporation,
            )
            for i in range(data.association_count)
            for place, city in [BENCH_PLACES[i % len(BENCH_PLACES)]]
        ]
    )
    buildings = []
    for i, association in enumerate(data.associations):
        city = BENCH_PLACES[i % len(BENCH_PLACES)][1]
        for b in range(BENCH_BUILDINGS_PER_ASSOCIATION):
            buildings.append(
                Building(
                    association=association,
                    name=f"Blok {'ABCDEFGH'[b]}",
                    street_address=f"{BENCH_STREETS[b % len(BENCH_STREETS)]} {10 + 2 * i}",
                    postal_code=f"{3500 + 37 * i + b} {'ABCDEFGH'[b]}{'KLMNPR'[i % 6]}",
                    city=city,
                )
            )
    data.buildings = Building.objects.bulk_create(buildings)
    units = []
    spec = BuildingSpec("", "", "", "", "", BENCH_UNITS_PER_BUILDING, 17, 8)  # 34/16/50 %
    for building in data.buildings:
        for number in range(1, BENCH_UNITS_PER_BUILDING + 1):
            kind = _unit_kind(spec, number)
            rent = _rent(kind, number)
            units.append(
                Unit(
                    building=building,
                    number=str(number),
                    kind=kind,
                    rent=rent,
                    rent_above_cap=rent > AFTOPPINGSGRENS,
                )
            )
    data.units = Unit.objects.bulk_create(units, batch_size=BENCH_BATCH)
    data.rows.update(
        associations=len(data.associations), buildings=len(data.buildings), units=len(data.units)
    )


_GROUP_OF_UNIT = {Unit.Kind.OMKLAP: VRAGER, Unit.Kind.DRAGER: DRAGER, Unit.Kind.REGULAR: REGULAR}


def _bench_members(data: BenchData) -> None:
    """One member per unit, each with a tenancy; about one in ten changed group once."""
    rng = data.rng
    association_of = {b.pk: b.association for b in data.buildings}
    members, histories = [], []
    for n, unit in enumerate(data.units):
        association = association_of[unit.building_id]
        joined_on = data.today - dt.timedelta(days=rng.randint(30, 2500))
        group = _GROUP_OF_UNIT[unit.kind]
        changed_on = None
        if unit.kind != Unit.Kind.OMKLAP and rng.random() < 0.1:
            days_since = (data.today - joined_on).days
            changed_on = joined_on + dt.timedelta(days=rng.randint(1, days_since))
        members.append(
            Member(
                association=association,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                email=f"bewoner-{n + 1:04d}@{BENCH_DOMAIN}",
                joined_on=joined_on,
            )
        )
        histories.append((unit, group, joined_on, changed_on))
    data.members = Member.objects.bulk_create(members, batch_size=BENCH_BATCH)
    periods, tenancies = [], []
    for member, (unit, group, joined_on, changed_on) in zip(data.members, histories, strict=True):
        if changed_on is not None and changed_on < data.today:
            earlier = REGULAR if group == DRAGER else DRAGER
            periods.append(
                MixGroupPeriod(
                    member=member, group=earlier, starts_on=joined_on, ends_on=changed_on
                )
            )
            periods.append(MixGroupPeriod(member=member, group=group, starts_on=changed_on))
        else:
            periods.append(MixGroupPeriod(member=member, group=group, starts_on=joined_on))
        kind = Tenancy.Kind.OMKLAP if group == VRAGER else Tenancy.Kind.REGULAR
        tenancies.append(Tenancy(member=member, unit=unit, kind=kind, starts_on=joined_on))
    MixGroupPeriod.objects.bulk_create(periods, batch_size=BENCH_BATCH)
    Tenancy.objects.bulk_create(tenancies, batch_size=BENCH_BATCH)
    data.rows.update(members=len(data.members), periods=len(periods), tenancies=len(tenancies))


def _bench_logins(data: BenchData) -> None:
    """A plain (regular) member of the first association and the corporation's staff."""
    users = {}
    for login in (BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN):
        user, created = User.objects.get_or_create(
            email=login.email,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "password": data.password,
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        if login.second_factor and created:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[login.email] = user
    # Members were made one per unit, in unit order; the first units are the first association's.
    member = next(
        m for m, u in zip(data.members, data.units, strict=True) if u.kind == Unit.Kind.REGULAR
    )
    member.user = users[BENCH_MEMBER_LOGIN.email]
    member.save(update_fields=["user"])
    StaffLink.objects.create(
        organisation=data.corporation,
        user=users[BENCH_STAFF_LOGIN.email],
        starts_on=data.today - dt.timedelta(days=365),
    )


BENCH_VACANCIES = 100
BENCH_CANDIDATES_PER_VACANCY = 4
BENCH_OPEN_ROUND_CANDIDATES = 5


def _bench_vacancies(data: BenchData) -> None:
    """100 let vacancies with closed rounds (real encrypted ballots and a verifiable tally),
    and one open round in the bench member's association, who sits on its selection committee
    (so the vacancy page, the ballot and the cast can be measured)."""
    from vacancies import ballots, tally
    from vacancies.models import (
        Ballot,
        Candidate,
        Elector,
        Vacancy,
        VoteRecord,
        VotingRound,
    )
    from vacancies.services import tally_record

    rng = data.rng
    now = timezone.now()
    members_of: dict[int, list[Member]] = {}
    for member in data.members:
        members_of.setdefault(member.association_id, []).append(member)
    regular_units: dict[int, list[Unit]] = {}
    association_of = {b.pk: b.association_id for b in data.buildings}
    for unit in data.units:
        if unit.kind == Unit.Kind.REGULAR:
            regular_units.setdefault(association_of[unit.building_id], []).append(unit)

    plans = []  # (vacancy, round, candidates, status)
    for n in range(BENCH_VACANCIES + 1):
        is_open = n == BENCH_VACANCIES
        association = data.associations[0 if is_open else n % len(data.associations)]
        unit = regular_units[association.pk][-1 - n // len(data.associations)]
        reported = data.today - dt.timedelta(days=(5 if is_open else rng.randint(60, 900)))
        vacancy = Vacancy(
            association=association,
            unit=unit,
            route="cooptation",
            status=Vacancy.Status.VOTING if is_open else Vacancy.Status.LET,
            available_from=reported + dt.timedelta(days=30),
            reported_on=reported,
            profile="Een buur die meedoet met de tuin, de maaltijden en de klusdienst.",
            applications_close_at=now - dt.timedelta(days=1 if is_open else 400),
            nominated_on=None if is_open else reported + dt.timedelta(days=rng.randint(20, 50)),
            let_on=None if is_open else reported + dt.timedelta(days=rng.randint(51, 80)),
        )
        vacancy.closed_on = vacancy.let_on
        plans.append(vacancy)
    vacancies = Vacancy.objects.bulk_create(plans)

    candidates = []
    for n, vacancy in enumerate(vacancies):
        count = (
            BENCH_OPEN_ROUND_CANDIDATES if n == BENCH_VACANCIES else BENCH_CANDIDATES_PER_VACANCY
        )
        for c in range(count):
            candidates.append(
                Candidate(
                    vacancy=vacancy,
                    status=Candidate.Status.SHORTLISTED,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    email=f"kandidaat-{n + 1:03d}-{c + 1}@{BENCH_DOMAIN}",
                    household_size=1 + rng.randint(0, 3),
                    motivation="Ik wil graag bijdragen aan een buurt waar mensen naar elkaar "
                    "omkijken. Ik kook graag en help bij klussen.",
                    contribution="Samen koken op woensdag; fietsen repareren.",
                    pledged_hours=Decimal(rng.choice((4, 8, 12, 16))),
                    applied_at=now - dt.timedelta(days=500, minutes=c),
                )
            )
    candidates = Candidate.objects.bulk_create(candidates, batch_size=BENCH_BATCH)
    by_vacancy: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_vacancy.setdefault(candidate.vacancy_id, []).append(candidate)

    rounds = VotingRound.objects.bulk_create(
        [
            VotingRound(
                vacancy=vacancy,
                number=1,
                method=VotingRound.Method.values[n % 3],
                quorum_percent=20,
                tie_break=VotingRound.TieBreak.EARLIEST_APPLICATION,
                starts_at=now - dt.timedelta(days=1)
                if n == BENCH_VACANCIES
                else dt.datetime.combine(vacancy.reported_on, dt.time(12), tzinfo=dt.UTC),
                ends_at=now + dt.timedelta(days=7)
                if n == BENCH_VACANCIES
                else dt.datetime.combine(
                    vacancy.reported_on + dt.timedelta(days=14), dt.time(12), tzinfo=dt.UTC
                ),
                status=VotingRound.Status.OPEN,
                opened_at=now - dt.timedelta(days=1),
                electorate_size=len(members_of[vacancy.association_id]),
            )
            for n, vacancy in enumerate(vacancies)
        ]
    )
    through = VotingRound.candidates.through
    through.objects.bulk_create(
        [
            through(votinground_id=r.pk, candidate_id=c.pk)
            for r in rounds
            for c in by_vacancy[r.vacancy_id]
        ],
        batch_size=BENCH_BATCH,
    )
    electors, records, ballot_rows = [], [], {}
    for r in rounds:
        electorate = members_of[r.vacancy.association_id]
        electors += [Elector(round=r, member=m) for m in electorate]
        if r.status == VotingRound.Status.OPEN and r.ends_at > now:
            continue  # the open round starts empty; the bench casts into it
        ids = [c.pk for c in by_vacancy[r.vacancy_id]]
        voters = rng.sample(electorate, k=min(len(electorate), rng.randint(40, 80)))
        rows = []
        for voter in voters:
            rng.shuffle(ids)
            if r.method == "yes_no":
                raw = {"answers": {str(pk): rng.choice(("yes", "no", "abstain")) for pk in ids}}
            elif r.method == "approval":
                raw = {"approved": ids[: rng.randint(1, len(ids))]}
            else:
                raw = {"ranking": ids[: rng.randint(1, len(ids))]}
            choices = tally.clean_choices(r.method, ids, raw)
            key = ballots.new_ballot_key()
            size = ballots.padded_size(r.method, ids)
            rows.append(
                Ballot(
                    key=key,
                    round=r,
                    # These rounds are stored closed: their seals are wiped as a close does.
                    seal=ballots.new_seal_placeholder(),
                    receipt=ballots.new_receipt(),
                    sealed_choices=ballots.seal_choices(r.pk, key, choices, size=size),
                )
            )
            records.append(VoteRecord(round=r, member=voter))
        ballot_rows[r.pk] = rows
    Elector.objects.bulk_create(electors, batch_size=BENCH_BATCH)
    VoteRecord.objects.bulk_create(records, batch_size=BENCH_BATCH)
    Ballot.objects.bulk_create(
        [b for rows in ballot_rows.values() for b in rows], batch_size=BENCH_BATCH
    )
    for r in rounds:
        if r.pk not in ballot_rows:
            continue
        record = tally_record(r, ballot_rows[r.pk], turnout=len(ballot_rows[r.pk]), recused=0)
        r.tally = {k: v for k, v in record.items() if k != "ballots"}
        r.digest = tally.digest(record)
        r.outcome = record["outcome"]
        r.winner_id = record["result"]["winner"] if record["outcome"] == "elected" else None
        r.status = VotingRound.Status.CLOSED
        r.closed_at = r.ends_at
    VotingRound.objects.bulk_update(
        [r for r in rounds if r.pk in ballot_rows],
        ["tally", "digest", "outcome", "winner", "status", "closed_at"],
        batch_size=BENCH_BATCH,
    )
    bench_member = Member.objects.get(user__email=BENCH_MEMBER_LOGIN.email)
    AssociationRole.objects.create(
        member=bench_member, role=Role.SELECTION, starts_on=bench_member.joined_on
    )
    data.rows.update(
        vacancies=len(vacancies),
        candidates=len(candidates),
        rounds=len(rounds),
        ballots=len(records),
    )


def _bench_omklap(data: BenchData) -> None:
    """200 omklap contracts on the omklap tenancies, guided by one care worker, with their
    moments (past ones mostly recorded) and some decisions awaiting sign-off or extended."""
    rng = data.rng
    slug, name = BENCH_CARE
    care = Organisation.objects.create(slug=slug, name=name, kind=Organisation.Kind.CARE)
    worker = User.objects.create(
        email=BENCH_CARE_LOGIN.email,
        first_name=BENCH_CARE_LOGIN.first_name,
        last_name=BENCH_CARE_LOGIN.last_name,
        password=data.password,
    )
    EmailAddress.objects.create(user=worker, email=worker.email, verified=True, primary=True)
    TOTP.activate(worker, DEMO_TOTP_SECRET)
    StaffLink.objects.create(
        organisation=care, user=worker, starts_on=data.today - dt.timedelta(days=2500)
    )
    omklap = list(
        Tenancy.objects.filter(member__in=data.members, kind=Tenancy.Kind.OMKLAP).order_by("pk")
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
        schedule = services_omklap.moment_schedule(
            after=contract.starts_on, ends_on=contract.ends_on, interval_months=6, final_weeks=8
        )
        for kind, due_on in schedule:
            moment = MonitoringMoment(contract=contract, kind=kind, due_on=due_on)
            # One in ten past moments is still to be recorded (overdue).
            if due_on < data.today and rng.random() > 0.1:
                outcome, card, reason, notes = rng.choice(DEMO_MOMENTS)
                moment.held_on = due_on
                moment.outcome, moment.card, moment.card_reason = outcome, card, reason
                moment.care_notes = notes
                moment.participants = "bewoner, begeleider"
                for field_name, value in rng.choice(DEMO_ASSESSMENTS).items():
                    setattr(moment, field_name, value)
            moments.append(moment)
    MonitoringMoment.objects.bulk_create(moments, batch_size=BENCH_BATCH)
    staff = User.objects.get(email=BENCH_STAFF_LOGIN.email)
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


BENCH_ACTIVITY_TITLES = (
    ("Koffieochtend", "coffee_morning"),
    ("Taalcafé", "language_lessons"),
    ("Moestuin", "garden"),
    ("Weggeefwinkel", "give_away_shop"),
    ("Samen eten", "shared_meal"),
    ("Klusdienst", "odd_job_service"),
    ("Bewonersoverleg", "meeting"),
)
BENCH_OCCURRENCES = 5_000
BENCH_CONTRIBUTIONS = 50_000
BENCH_WEEKS = 50  # each bench activity is weekly, from half a year ago to half a year ahead


def _bench_activities(data: BenchData) -> None:
    """5,000 occurrences of weekly activities and 50,000 contribution logs (QUALITY perf. 4)."""
    rng = data.rng
    with translation.override(None):  # stored in English, shown translated by key
        categories = Category.objects.bulk_create(
            Category(association=a, key=key, name=str(label))
            for a in data.associations
            for key, label in DEFAULT_CATEGORIES.items()
        )
    by_key = {(c.association_id, c.key): c for c in categories}
    per_association = BENCH_OCCURRENCES // BENCH_WEEKS // len(data.associations)
    first_monday = data.today - dt.timedelta(days=data.today.weekday() + 7 * (BENCH_WEEKS // 2))
    activities = []
    for association in data.associations:
        for n in range(per_association):
            title, key = BENCH_ACTIVITY_TITLES[n % len(BENCH_ACTIVITY_TITLES)]
            day = first_monday + dt.timedelta(days=n % 7)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 12)))
            activities.append(
                Activity(
                    association=association,
                    title=f"{title} {n // len(BENCH_ACTIVITY_TITLES) + 1}",
                    category=by_key[(association.pk, key)],
                    location=rng.choice(("Ontmoetingsruimte", "Binnentuin", "Keuken")),
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=2),
                    frequency=Frequency.WEEKLY,
                    count=BENCH_WEEKS,
                    capacity=rng.choice((None, 8, 12, 20)),
                    visibility=rng.choice((Visibility.MEMBERS, Visibility.PUBLIC)),
                )
            )
    activities = Activity.objects.bulk_create(activities, batch_size=BENCH_BATCH)
    occurrences = Occurrence.objects.bulk_create(
        (
            Occurrence(
                activity=a,
                original_start=a.starts_at + dt.timedelta(weeks=w),
                starts_at=a.starts_at + dt.timedelta(weeks=w),
                ends_at=a.ends_at + dt.timedelta(weeks=w),
            )
            for a in activities
            for w in range(BENCH_WEEKS)
        ),
        batch_size=BENCH_BATCH,
    )
    members_of: dict[int, list[Member]] = {}
    for member in data.members:
        members_of.setdefault(member.association_id, []).append(member)
    signups = []
    for occurrence in occurrences:
        pool = members_of[occurrence.activity.association_id]
        for member in rng.sample(pool, 3):
            signups.append(SignUp(occurrence=occurrence, member=member, status="confirmed"))
    SignUp.objects.bulk_create(signups, batch_size=BENCH_BATCH)
    now = timezone.now()
    logs = []
    for n in range(BENCH_CONTRIBUTIONS):
        member = data.members[n % len(data.members)]
        status = rng.choice(("confirmed", "confirmed", "confirmed", "pending", "rejected"))
        logs.append(
            ContributionLog(
                member=member,
                date=data.today - dt.timedelta(days=rng.randint(0, 364)),
                hours=Decimal(rng.choice(("1", "1.5", "2", "2.5", "3", "4"))),
                kind=rng.choice(ContributionLog.Kind.values),
                status=status,
                reason="Niet herkend" if status == "rejected" else "",
                decided_at=None if status == "pending" else now,
            )
        )
    ContributionLog.objects.bulk_create(logs, batch_size=BENCH_BATCH)
    data.rows.update(
        activities=len(activities),
        occurrences=len(occurrences),
        signups=len(signups),
        contributions=len(logs),
    )


# The bench data, step by step. Later issues append their steps here, each in bulk and without
# audit entries, to reach the full demo scale of QUALITY.md (performance 4):
#   - 200 omklap contracts with their monitoring moments (_bench_omklap);
#   - 5,000 activity occurrences and 50,000 contribution logs;
BENCH_STEPS: tuple[Callable[[BenchData], None], ...] = (
    _bench_places,
    _bench_members,
    _bench_logins,
    _bench_vacancies,
    _bench_omklap,
    _bench_activities,
)


@transaction.atomic
def seed_bench(*, today: dt.date, associations: int = 20) -> BenchData | None:
    """The bench scale, or None when the bench corporation exists already."""
    if Organisation.objects.filter(slug=BENCH_CORPORATION[0]).exists():
        return None
    data = BenchData(
        today=today,
        rng=random.Random(2026),  # the same data on every machine
        association_count=associations,
        password=make_password(DEMO_PASSWORD),
    )
    for step in BENCH_STEPS:
        step(data)
    return data


# --------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Fill the database with Dutch demo data and print the demo logins. Idempotent: a second "
        "run changes nothing. --scale bench adds the benchmark scale of QUALITY.md instead "
        "(one corporation, 20 associations, 60 buildings, 3,000 units and members)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=("small", "bench"), default="small")
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")
        # Only for fast tests of the bench scale.
        parser.add_argument("--bench-associations", type=int, default=20, help=argparse.SUPPRESS)

    def handle(self, *args, scale: str, quiet: bool, bench_associations: int, **options) -> None:
        if options["verbosity"] < 2:
            # Wagtail and the task backend log every page and search-index update at INFO.
            logging.disable(logging.INFO)
        try:
            self.seed(scale=scale, quiet=quiet, bench_associations=bench_associations)
        finally:
            logging.disable(logging.NOTSET)

    def seed(self, *, scale: str, quiet: bool, bench_associations: int) -> None:
        today = timezone.localdate()
        if scale == "bench":
            if bench_associations < 1:
                raise CommandError("--bench-associations must be at least 1.")
            data = seed_bench(today=today, associations=bench_associations)
            if not quiet:
                self.bench_report(data)
            return
        seeder = SmallSeeder(today=today)
        seeder.run()
        if not quiet:
            self.small_report(seeder)

    def bench_report(self, data: BenchData | None) -> None:
        if data is None:
            self.stdout.write("Bench data already present; nothing changed.")
            return
        rows = ", ".join(f"{n:,} {name}" for name, n in data.rows.items())
        self.stdout.write(self.style.SUCCESS(f"Bench data created: {rows}."))
        self.print_logins([BENCH_MEMBER_LOGIN, BENCH_STAFF_LOGIN, BENCH_CARE_LOGIN])

    def small_report(self, seeder: SmallSeeder) -> None:
        if seeder.created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"Site: {SITE_URL}   (admin: {SITE_URL}/admin/)")
        self.print_logins(list(LOGINS.values()))

    def print_logins(self, logins: list[DemoLogin]) -> None:
        width = max(len(login.email) for login in logins)
        self.stdout.write(f"{'role':<24} {'e-mail':<{width}} {'password':<22} second factor")
        for login in logins:
            hint = f"make code EMAIL={login.email}" if login.second_factor else "-"
            self.stdout.write(f"{login.role:<24} {login.email:<{width}} {DEMO_PASSWORD:<22} {hint}")
        if any(login.second_factor for login in logins):
            self.stdout.write(
                f"Second factor: TOTP secret {DEMO_TOTP_SECRET} for every demo account, or "
                "`manage.py demo_code <email>` for the current code."
            )
