"""django-q2 tasks of the members app; each loads nothing itself and calls a service."""

from __future__ import annotations

from members import services_omklap


def omklap_reminders_send() -> int:
    """Daily: moments falling due or overdue, contract ends without a decision."""
    return services_omklap.omklap_reminders_send()


def care_data_purge() -> int:
    """Daily: erase care data past its retention period."""
    return services_omklap.care_data_purge()
