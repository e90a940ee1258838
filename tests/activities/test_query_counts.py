"""The calendar and the hours pages keep the same query count with 10 and 500 rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ContributionLog, Occurrence, SignUp
from members.models import Member
from tests.activities.conftest import at
from tests.helpers import assert_flat_query_count


def _month_occurrences(cast, categories, n: int) -> None:
    """``n`` one-off activities spread over this month, each with a date and a sign-up."""
    have = Occurrence.objects.count()
    today = timezone.localdate()
    first = today.replace(day=1)
    activities = Activity.objects.bulk_create(
        Activity(
            association=cast.association,
            title=f"Activiteit {i}",
            category=categories["meeting"],
            location="Zaal",
            starts_at=at(first + dt.timedelta(days=i % 28), 9 + i % 10),
            ends_at=at(first + dt.timedelta(days=i % 28), 10 + i % 10),
            capacity=5 if i % 2 else None,
        )
        for i in range(have, n)
    )
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(activity=a, original_start=a.starts_at, starts_at=a.starts_at, ends_at=a.ends_at)
        for a in activities
    )
    SignUp.objects.bulk_create(
        SignUp(occurrence=o, member=cast.drager_member, status="confirmed")
        for o in occurrences[::2]
    )


def test_the_month_view_has_a_flat_query_count(cast, categories, client_for):
    client = client_for("drager")
    # session, user, viewer (cached), categories, occurrences with
    # their activity, category, sign-up counts and the member's own sign-up
    assert_flat_query_count(
        lambda: client.get(reverse("activities:calendar_month", args=[cast.association.slug])),
        lambda n: _month_occurrences(cast, categories, n),
        queries=5,
    )


def test_the_week_and_list_views_have_a_flat_query_count(cast, categories, client_for):
    client = client_for("coordinator")
    # session, user, viewer (cached), categories, occurrences, and on the list the proposals
    for name, queries in (("calendar_week", 5), ("calendar_list", 6)):
        assert_flat_query_count(
            lambda name=name: client.get(
                reverse(f"activities:{name}", args=[cast.association.slug])
            ),
            lambda n: _month_occurrences(cast, categories, n),
            queries=queries,
        )


def _logs(member: Member, n: int) -> None:
    have = ContributionLog.objects.filter(member=member).count()
    today = timezone.localdate()
    ContributionLog.objects.bulk_create(
        ContributionLog(
            member=member,
            date=today - dt.timedelta(days=i % 300),
            hours=Decimal("1.5"),
            kind="support",
            status="confirmed" if i % 3 else "pending",
            decided_at=timezone.now() if i % 3 else None,
        )
        for i in range(have, n)
    )


def test_the_members_hours_page_has_a_flat_query_count(cast, client_for):
    client = client_for("drager")
    # session, user, viewer (cached), hours per month and status, the latest logs
    assert_flat_query_count(
        lambda: client.get(reverse("activities:my_hours")),
        lambda n: _logs(cast.drager_member, n),
        queries=5,
    )


def test_the_boards_hours_page_has_a_flat_query_count(cast, client_for):
    client = client_for("board")

    def grow(n: int) -> None:
        have = Member.objects.filter(name__startswith="Lid ").count()
        members = Member.objects.bulk_create(
            Member(association=cast.association, name=f"Lid {i}", joined_on=dt.date(2024, 1, 1))
            for i in range(have, n)
        )
        for member in members[:20]:
            _logs(member, 5)
        _logs(cast.drager_member, n)

    # session, user, viewer (cached), members with their hours this month
    assert_flat_query_count(
        lambda: client.get(reverse("activities:association_hours", args=[cast.association.slug])),
        grow,
        queries=4,
    )


def test_the_dashboard_has_an_exact_query_count_whatever_the_hours_logged(cast, client_for):
    client = client_for("drager")
    # session, user, viewer (cached), home, rounds, "Voor jou" (every count in one query),
    # next sign-ups, hours this month
    assert_flat_query_count(
        lambda: client.get(reverse("portal:dashboard")),
        lambda n: _logs(cast.drager_member, n),
        queries=8,
    )
