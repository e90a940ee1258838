"""Background tasks of vacancies (django-q2): each finds what is due and calls a service."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import timezone

from vacancies import selectors, services

logger = logging.getLogger(__name__)


def _each_round(step: str, round_ids: list[int], work: Callable[[int], bool]) -> tuple[int, int]:
    """Run ``work`` on every round on its own: one round that fails holds up no other."""
    done = failed = 0
    for round_id in round_ids:
        try:
            done += bool(work(round_id))
        except Exception:
            # The service's transaction rolled this round back; the next tick tries again.
            failed += 1
            logger.exception("Voting round %s could not be %s", round_id, step)
    return done, failed


def rounds_tick() -> dict[str, int]:
    """Open rounds whose time has come, send the day-before reminders, close ended rounds."""
    now = timezone.now()
    opened, failed_open = _each_round(
        "opened",
        selectors.rounds_to_open(now),
        lambda pk: services.voting_round_open(round_id=pk, now=now),
    )
    reminded, failed_remind = _each_round(
        "reminded",
        selectors.rounds_to_remind(now),
        lambda pk: services.voting_round_remind(round_id=pk, now=now),
    )
    closed, failed_close = _each_round(
        "closed",
        selectors.rounds_to_close(now),
        lambda pk: services.voting_round_close(round_id=pk, now=now),
    )
    return {
        "opened": opened,
        "reminded": reminded,
        "closed": closed,
        "failed": failed_open + failed_remind + failed_close,
    }


def candidates_purge() -> int:
    """Daily: erase the data of candidates past their retention period."""
    return services.candidates_purge()
