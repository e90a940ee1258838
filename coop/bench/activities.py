"""The bench's activities: 5,000 occurrences and 50,000 contribution logs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from activities.models import (
    Activity,
    Category,
    ContributionLog,
    Frequency,
    Occurrence,
    SignUp,
    Visibility,
)
from activities.recurrence import end_of, rule_of
from activities.services import default_categories
from coop.bench.data import BENCH_ASSOCIATIONS, BENCH_BATCH, BenchData, insert_rows
from members.models import Member

BENCH_ACTIVITY_TITLES = (
    ("Koffieochtend", "coffee_morning"),
    ("Taalcafé", "language_lessons"),
    ("Moestuin", "garden"),
    ("Weggeefwinkel", "give_away_shop"),
    ("Samen eten", "shared_meal"),
    ("Klusdienst", "odd_job_service"),
    ("Bewonersoverleg", "meeting"),
)
BENCH_OCCURRENCES = 5_000
BENCH_CONTRIBUTIONS = 50_000
BENCH_WEEKS = 50  # each bench activity is weekly, from half a year ago to half a year ahead


def seed_activities(data: BenchData) -> None:
    """5,000 occurrences of weekly activities and 50,000 contribution logs (QUALITY perf. 4)."""
    rng = data.rng
    categories = Category.objects.bulk_create(
        category for a in data.associations for category in default_categories(a)
    )
    by_key = {(c.association_id, c.key): c for c in categories}
    # The totals are the bench scale's (20 associations); fewer associations get their share.
    per_association = BENCH_OCCURRENCES // BENCH_WEEKS // BENCH_ASSOCIATIONS
    first_monday = data.today - dt.timedelta(days=data.today.weekday() + 7 * (BENCH_WEEKS // 2))
    activities = []
    for association in data.associations:
        for n in range(per_association):
            title, key = BENCH_ACTIVITY_TITLES[n % len(BENCH_ACTIVITY_TITLES)]
            day = first_monday + dt.timedelta(days=n % 7)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 12)))
            activities.append(
                Activity(
                    association=association,
                    title=f"{title} {n // len(BENCH_ACTIVITY_TITLES) + 1}",
                    category=by_key[(association.pk, key)],
                    location=rng.choice(("Ontmoetingsruimte", "Binnentuin", "Keuken")),
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=2),
                    frequency=Frequency.WEEKLY,
                    count=BENCH_WEEKS,
                    capacity=rng.choice((None, 8, 12, 20)),
                    visibility=rng.choice((Visibility.MEMBERS, Visibility.PUBLIC)),
                )
            )
    activities = Activity.objects.bulk_create(activities, batch_size=BENCH_BATCH)
    # The dates the activity's own rule gives (as planning one does), all of them at once.
    occurrences = Occurrence.objects.bulk_create(
        (
            Occurrence(
                activity=a,
                original_start=start,
                starts_at=start,
                ends_at=end_of(start, a.duration),
            )
            for a in activities
            for start in rule_of(a).starts(up_to=a.starts_at + dt.timedelta(weeks=BENCH_WEEKS))
        ),
        batch_size=BENCH_BATCH,
    )
    members_of: dict[int, list[Member]] = {}
    for member in data.members:
        members_of.setdefault(member.association_id, []).append(member)
    signups = []
    for occurrence in occurrences:
        pool = members_of[occurrence.activity.association_id]
        for member in rng.sample(pool, 3):
            signups.append(
                {"occurrence_id": occurrence.pk, "member_id": member.pk, "status": "confirmed"}
            )
    insert_rows(SignUp, signups)
    now = timezone.now()
    logs = []
    contributions = BENCH_CONTRIBUTIONS * data.association_count // BENCH_ASSOCIATIONS
    for n in range(contributions):
        member = data.members[n % len(data.members)]
        status = rng.choice(("confirmed", "confirmed", "confirmed", "pending", "rejected"))
        logs.append(
            {
                "member_id": member.pk,
                "date": data.today - dt.timedelta(days=rng.randint(0, 364)),
                "hours": Decimal(rng.choice(("1", "1.5", "2", "2.5", "3", "4"))),
                "kind": rng.choice(ContributionLog.Kind.values),
                "status": status,
                "reason": "Niet herkend" if status == "rejected" else "",
                "decided_at": None if status == "pending" else now,
            }
        )
    insert_rows(ContributionLog, logs)
    data.rows.update(
        activities=len(activities),
        occurrences=len(occurrences),
        signups=len(signups),
        contributions=len(logs),
    )
