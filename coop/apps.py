from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("platform")

    def ready(self) -> None:
        from django.urls import register_converter

        from coop.converters import IdConverter

        # Before any URLconf is loaded: the apps' urls.py use <id:pk> for database ids.
        register_converter(IdConverter, "id")
