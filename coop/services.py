"""Services of the core: the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from coop.models import Association, AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    association: Association | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry; call it inside the transaction of the change it records."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        association=association,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
    )
