from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("vacancies")

    def ready(self) -> None:
        from coop.generation import unwatch
        from coop.models.pages import HOME_PAGE_SECTIONS
        from vacancies.models import Ballot
        from vacancies.pages import home_page_vacancies

        # Sealed ballots are read only when a round is counted (which writes the round) and on
        # a member's own data page, which is never kept: changing a vote renews no page part.
        unwatch(Ballot._meta.db_table)

        if home_page_vacancies not in HOME_PAGE_SECTIONS:
            HOME_PAGE_SECTIONS.append(home_page_vacancies)
