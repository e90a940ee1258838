"""django-q2 tasks of the members app; each loads nothing itself and calls a service."""

from __future__ import annotations

from members.services import leaving as leaving_services
from members.services import omklap as omklap_services


def omklap_reminders_send() -> int:
    """Daily: moments falling due or overdue, contract ends without a decision."""
    return omklap_services.omklap_reminders_send()


def care_data_purge() -> int:
    """Daily: erase care data past its retention period."""
    return omklap_services.care_data_purge()


def membership_changes_apply() -> dict[str, int]:
    """Daily: move-outs recorded ahead take effect; former members' accounts close."""
    return leaving_services.membership_changes_apply()
