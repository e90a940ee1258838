"""State changes that reach into several apps: setting up an association."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from activities.services import categories_ensure
from coop.cleaning import clean_text
from coop.exceptions import DomainError
from coop.models import Association, AuditAction, Organisation, User
from coop.services import audit_record


@transaction.atomic
def association_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    kind: str,
    corporation: Organisation,
    **settings: Any,
) -> Association:
    """Set up an association with what every association starts with: the standard categories."""
    name = clean_text(name, field="name", max_length=200, required=True)
    if kind not in Association.Kind.values:
        raise DomainError(_("Choose a valid kind."), code="association_kind_invalid", field="kind")
    # The database refuses a target that does not add up; say so before it does.
    shares = {
        field: settings.get(field, Association._meta.get_field(field).get_default())
        for field in ("target_vrager", "target_drager", "target_regular")
    }
    if sum(shares.values()) != 100 or not all(0 <= v <= 100 for v in shares.values()):
        raise DomainError(
            _("The target shares must add up to 100%%; they now add up to %(total)s%%.")
            % {"total": sum(shares.values())},
            code="mix_target_not_100",
            field="target_regular",
        )
    if Association.objects.filter(slug=slug).exists():
        raise DomainError(
            _("Another association already uses this address."),
            code="association_slug_taken",
            field="slug",
        )
    association = Association.objects.create(
        name=name, slug=slug, kind=kind, corporation=corporation, **settings
    )
    categories = categories_ensure(association=association)
    audit_record(
        actor=actor,
        action=AuditAction.ASSOCIATION_CREATED,
        target=association,
        data={"categories": len(categories)},
    )
    return association
