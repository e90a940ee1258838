from coop.models.audit import (
    AppendOnlyError,
    AppendOnlyModel,
    AppendOnlyQuerySet,
    AuditAction,
    AuditEntry,
)
from coop.models.core import Association, Building, Organisation, StaffLink, Unit, User
from coop.models.pages import ContentPage, HomePage, NewsIndexPage, NewsPage
from coop.models.periods import PeriodQuerySet

__all__ = [
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "Association",
    "AuditAction",
    "AuditEntry",
    "Building",
    "ContentPage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "Organisation",
    "PeriodQuerySet",
    "StaffLink",
    "Unit",
    "User",
]
