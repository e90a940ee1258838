from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "coop.site.compliance"
    label = "compliance"
    verbose_name = _("compliance with the agreements")
    default_auto_field = "django.db.models.BigAutoField"
