"""Background tasks of vacancies (django-q2): each finds what is due and calls a service."""

from __future__ import annotations

from django.utils import timezone

from vacancies import selectors, services


def rounds_tick() -> dict[str, int]:
    """Open rounds whose time has come, send the day-before reminders, close ended rounds."""
    now = timezone.now()
    done = {"opened": 0, "reminded": 0, "closed": 0}
    for round_id in selectors.rounds_to_open(now):
        services.voting_round_open(round_id=round_id, now=now)
        done["opened"] += 1
    for round_id in selectors.rounds_to_remind(now):
        if services.voting_round_remind(round_id=round_id, now=now):
            done["reminded"] += 1
    for round_id in selectors.rounds_to_close(now):
        services.voting_round_close(round_id=round_id, now=now)
        done["closed"] += 1
    return done


def candidates_purge() -> int:
    return services.candidates_purge()
