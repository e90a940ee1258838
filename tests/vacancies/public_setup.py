"""The public vacancy page on top of the cast: a page below the home page, open vacancies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from coop.models import HomePage, Unit
from vacancies import services
from vacancies.models import Vacancy
from vacancies.pages import VacancyIndexPage

CRITERIA = "<p>Wij kiezen iemand die wil meedoen in de klusdienst.</p>"
PROCEDURE = "<p>De leden stemmen over de kandidaten op de voordracht.</p>"
PROFILE = "Iemand die graag kookt voor de gang en meehelpt in de moestuin."


def make_vacancy_page(association=None, slug="vacatures") -> VacancyIndexPage:
    home = HomePage.objects.get()
    page = home.add_child(
        instance=VacancyIndexPage(
            title="Vacatures",
            slug=slug,
            intro="Woningen waarvoor je nu kunt reageren.",
            selection_criteria=CRITERIA,
            procedure=PROCEDURE,
            association=association,
        )
    )
    cache.clear()  # the rate limit counts per hour; every test starts from zero
    return page


def open_vacancy(cast, unit: Unit | None = None, *, priority: bool = True, days: int = 14):
    """A co-optation vacancy whose applications are open for ``days`` more days."""
    if unit is None:
        unit = Unit.objects.create(
            building=cast.building, number="12", kind=Unit.Kind.REGULAR, rent=Decimal("690.00")
        )
    actor = cast.board if unit.building.association_id == cast.association.pk else cast.outsider
    vacancy = services.vacancy_report(
        actor=actor, unit=unit, available_from=timezone.localdate() + dt.timedelta(days=30)
    )
    return services.vacancy_open_applications(
        actor=actor,
        vacancy=vacancy,
        profile=PROFILE,
        closes_at=timezone.now() + dt.timedelta(days=days),
        volunteer_priority=priority,
    )


def detail_url(page: VacancyIndexPage, vacancy: Vacancy) -> str:
    return f"/{page.slug}/{vacancy.pk}/"
