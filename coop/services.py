"""Services of the core: the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from coop.models import Association, AuditAction, AuditEntry, User

# How far the audit log follows foreign keys to find the association of a target
# (an omklap contract reaches it through its tenancy and member).
_ASSOCIATION_DEPTH = 3


def association_id_of(target: models.Model, *, depth: int = _ASSOCIATION_DEPTH) -> int | None:
    """The id of the association ``target`` belongs to, following its required foreign keys.

    Relations already loaded are tried first, so a service that holds the related objects
    (as they all do after locking) pays no query.
    """
    if isinstance(target, Association):
        return target.pk
    fields = [
        f
        for f in target._meta.concrete_fields
        if f.many_to_one and isinstance(f, models.ForeignKey)
    ]
    for field in fields:
        if field.related_model is Association:
            return getattr(target, field.attname)
    if depth == 0:
        return None
    parents = [f for f in fields if not f.null and f.related_model is not User]
    for field in sorted(parents, key=lambda f: not f.is_cached(target)):
        found = association_id_of(getattr(target, field.name), depth=depth - 1)
        if found is not None:
            return found
    return None


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    association: Association | None = None,
    data: dict[str, Any] | None = None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Append an audit entry; call it inside the transaction of the change it records.

    The association comes from the target; pass ``association`` only for a target that has
    none. ``target_repr`` replaces ``str(target)`` where that would keep personal data that
    is erased later (the log itself is never changed).
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to AuditAction.")
    association_id = association_id_of(target)
    if association is not None:
        if association_id is not None and association_id != association.pk:
            raise ValueError(f"{target!r} belongs to another association than {association!r}.")
        association_id = association.pk
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=AuditAction(action),
        association_id=association_id,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=(str(target) if target_repr is None else target_repr)[:200],
        data=data or {},
    )
