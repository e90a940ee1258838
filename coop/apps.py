from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("platform")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.urls import register_converter

        from coop.converters import IdConverter
        from coop.generation import watch_connection

        # Before any URLconf is loaded: the apps' urls.py use <id:pk> for database ids.
        register_converter(IdConverter, "id")
        # Every committed write makes a new data generation (the kept page parts are rebuilt).
        connection_created.connect(watch_connection, dispatch_uid="coop-generation")
