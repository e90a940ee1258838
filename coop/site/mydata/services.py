"""The one state change of the own-data pages: that someone looked at or downloaded it."""

from __future__ import annotations

from django.db import transaction

from coop.models import AuditAction, AuditEntry, User
from coop.services import audit_record

FORMATS = ("html", "json")


@transaction.atomic
def personal_data_downloaded(*, actor: User, format: str) -> AuditEntry:
    """Log every view and download of a person's own data (who, when, which form)."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}.")
    return audit_record(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_DOWNLOADED,
        target=actor,
        # The account's number, not its name: the log outlives the account's personal data.
        target_repr=f"user {actor.pk}",
        data={"format": format},
    )
