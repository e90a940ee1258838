"""django-q2 tasks of the calendar: each loads nothing itself and calls one service."""

from __future__ import annotations

from activities import services


def reminders_send() -> int:
    """Day-before reminders; hourly, and a rerun sends nothing twice."""
    return services.reminders_send()


def occurrences_extend() -> int:
    """Daily: store the dates of recurring activities that came within the horizon."""
    return services.occurrences_extend()


def calendar_data_purge() -> dict[str, int]:
    """Daily: delete sign-ups, hours and feed links past their retention rule."""
    return services.calendar_data_purge()
