from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("vacancies")

    def ready(self) -> None:
        from coop.models.pages import HOME_PAGE_SECTIONS
        from vacancies.pages import home_page_vacancies

        if home_page_vacancies not in HOME_PAGE_SECTIONS:
            HOME_PAGE_SECTIONS.append(home_page_vacancies)
