"""The bench scale in one call, and the copies of it that make ten times the data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from coop.bench.activities import seed_activities
from coop.bench.compliance import seed_agreements
from coop.bench.data import BENCH_CORPORATION, BenchData
from coop.bench.omklap import seed_omklap
from coop.bench.places import seed_logins, seed_members, seed_places
from coop.bench.vacancies import seed_vacancies
from coop.demo.logins import DEMO_PASSWORD
from coop.models import Organisation

# The bench data, step by step, each in bulk and without audit entries, to reach the demo scale
# of QUALITY.md (performance 4); a later step reads what earlier ones made. The agreements are
# the exception: written and signed through the compliance services, audited as real ones.
BENCH_STEPS: tuple[Callable[[BenchData], None], ...] = (
    seed_places,
    seed_members,
    seed_logins,
    seed_vacancies,
    seed_omklap,
    seed_activities,
    seed_agreements,
)
# QUALITY.md, performance 6: the growth bar compares each page at ten times the bench scale.
GROWTH_FACTOR = 10


def seed_bench(*, today: dt.date, associations: int = 20) -> BenchData | None:
    """The bench scale, or None when the bench corporation exists already."""
    return _seed_copy(
        today=today, associations=associations, copy=0, password=make_password(DEMO_PASSWORD)
    )


def seed_growth(
    *, today: dt.date, associations: int = 20, factor: int = GROWTH_FACTOR
) -> list[BenchData]:
    """Copies 1 to ``factor - 1`` of the bench corporation beside it, so the database holds
    ``factor`` times the bench scale while the bench's own logins see the same data; copies
    present already are skipped. Returns the copies made."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    made = []
    for copy in range(1, factor):
        data = _seed_copy(today=today, associations=associations, copy=copy, password=password)
        if data is not None:
            made.append(data)
    return made


@transaction.atomic
def _seed_copy(*, today: dt.date, associations: int, copy: int, password: str) -> BenchData | None:
    data = BenchData(
        today=today,
        rng=random.Random(2026 + copy),  # the same data on every machine
        association_count=associations,
        password=password,
        copy=copy,
    )
    if Organisation.objects.filter(slug=data.slug(BENCH_CORPORATION[0])).exists():
        return None
    for step in BENCH_STEPS:
        step(data)
    return data
