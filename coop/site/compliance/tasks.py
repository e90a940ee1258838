"""django-q2 tasks of the compliance pages; each calls a service."""

from __future__ import annotations

from coop.site.compliance import services


def periods_freeze() -> int:
    """Daily: freeze the results of the periods that ended."""
    return services.periods_freeze()


def compliance_export_build(export_id: int) -> None:
    """On request: make an export (CSV, XLSX or PDF) and e-mail the requester when ready."""
    services.compliance_export_build(export_id)
