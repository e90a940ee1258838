"""The demo's vacancies: the public vacancy page, an open vacancy and a decided vote."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coop.demo.base import Seeder, at
from coop.demo.content import PageSpec, child_page
from coop.demo.members import resident_account, resident_email
from coop.models import (
    HomePage,
    Unit,
)
from members.models import (
    Member,
)
from vacancies import services as vacancy_services
from vacancies.models import Candidate, Vacancy, VotingRound
from vacancies.pages import VacancyIndexPage

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


def vacancies(seeder: Seeder) -> None:
    """The public vacancy page, an open vacancy with applicants, and a decided vote."""
    child_page(
        seeder,
        HomePage.objects.get(),
        VacancyIndexPage,
        VACANCY_PAGE,
        extra={"selection_criteria": SELECTION_CRITERIA, "procedure": PROCEDURE},
    )
    # Z-12 and W-10 are the regular units the demo leaves empty.
    open_vacancy(seeder, Unit.objects.get(building__name="Zonnewijzer Zuid", number="12"))
    decided_vacancy(seeder, Unit.objects.get(building__name="Weverhof", number="10"))


def open_vacancy(seeder: Seeder, unit: Unit) -> None:
    if Vacancy.objects.filter(unit=unit).exists():
        return
    opened = timezone.now() - dt.timedelta(days=5)
    with at(opened):
        vacancy = vacancy_services.vacancy_report(
            actor=seeder.users["board"],
            unit=unit,
            available_from=seeder.today + dt.timedelta(days=45),
        )
        vacancy = vacancy_services.vacancy_open_applications(
            actor=seeder.users["selection"],
            vacancy=vacancy,
            profile=OPEN_PROFILE,
            closes_at=opened + dt.timedelta(days=26),
            volunteer_priority=True,
        )
    for day, applicant in enumerate(APPLICANTS[:3], start=1):
        with at(opened + dt.timedelta(days=day)):
            application(vacancy, applicant)
    seeder.created += 1


def decided_vacancy(seeder: Seeder, unit: Unit) -> None:
    """A vacancy of last month: applications, a final shortlist, a closed vote, a nominee."""
    if Vacancy.objects.filter(unit=unit).exists():
        return
    start = timezone.now() - dt.timedelta(days=40)
    with at(start):
        vacancy = vacancy_services.vacancy_report(
            actor=seeder.admin,
            unit=unit,
            available_from=seeder.today + dt.timedelta(days=10),
        )
        vacancy = vacancy_services.vacancy_open_applications(
            actor=seeder.admin,
            vacancy=vacancy,
            profile=DECIDED_PROFILE,
            closes_at=start + dt.timedelta(days=14),
            volunteer_priority=False,
        )
    candidates = []
    for day, applicant in enumerate(APPLICANTS[3:], start=1):
        with at(start + dt.timedelta(days=day)):
            candidates.append(application(vacancy, applicant))
    with at(start + dt.timedelta(days=15)):
        for candidate in candidates[:3]:
            vacancy_services.candidate_shortlist(
                actor=seeder.admin, candidate=candidate, shortlisted=True
            )
        vacancy_services.candidate_shortlist(
            actor=seeder.admin, candidate=candidates[3], shortlisted=False, reason=NOT_SHORTLISTED
        )
        vacancy_services.shortlist_finalise(actor=seeder.admin, vacancy=vacancy)
    # Six of the eight members vote online, so they accepted the board's invitation first: the
    # electorate is the members with an account when the round opens.
    voters = list(Member.objects.filter(association=unit.building.association).order_by("pk")[:6])
    for member in voters:
        resident_account(seeder, member)
    with at(start + dt.timedelta(days=16)):
        voting_round = vacancy_services.voting_round_schedule(
            actor=seeder.admin,
            vacancy=vacancy,
            method=VotingRound.Method.RANKED,
            quorum_percent=50,
            tie_break=VotingRound.TieBreak.EARLIEST_APPLICATION,
            starts_at=start + dt.timedelta(days=16),
            ends_at=start + dt.timedelta(days=23),
        )
    ids = [str(c.pk) for c in candidates[:3]]
    # The quorum is half of the electorate.
    for n, member in enumerate(voters):
        ranking = ids[n % 3 :] + ids[: n % 3] if n % 3 != 2 else ids
        with at(start + dt.timedelta(days=17, hours=n)):
            vacancy_services.ballot_cast(
                voting_round=voting_round, member=member, choices={"ranking": ranking}
            )
    with at(start + dt.timedelta(days=23, minutes=5)):
        vacancy_services.voting_round_close(round_id=voting_round.pk)
    seeder.created += 1


def application(vacancy: Vacancy, applicant: tuple) -> Candidate:
    name, household, motivation, contribution, hours = applicant
    return vacancy_services.candidate_apply(
        vacancy=vacancy,
        name=name,
        email=resident_email(name).replace("@", ".kandidaat@"),
        phone="",
        household_size=household,
        motivation=motivation,
        contribution=contribution,
        pledged_hours=hours if vacancy.volunteer_priority else None,
    )
