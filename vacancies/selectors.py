"""Reads of vacancies and rounds that cross relations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from members.models import Member
from vacancies.models import Candidate, Elector, Recusal, Vacancy, VoteRecord, VotingRound


def rounds_to_open(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(status=VotingRound.Status.SCHEDULED, starts_at__lte=now)
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )


def rounds_to_remind(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(
            status=VotingRound.Status.OPEN,
            reminded_at__isnull=True,
            ends_at__gt=now,
            ends_at__lte=now + dt.timedelta(days=1),
        ).values_list("pk", flat=True)
    )


def rounds_to_close(now: dt.datetime) -> list[int]:
    return list(
        VotingRound.objects.filter(
            status__in=[VotingRound.Status.SCHEDULED, VotingRound.Status.OPEN], ends_at__lte=now
        )
        .order_by("ends_at")
        .values_list("pk", flat=True)
    )


def vacancies_of(association):
    """The association's vacancies, newest first, with their candidate counts."""
    return (
        Vacancy.objects.filter(association=association)
        .select_related("unit__building")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            shortlisted_count=Count(
                "candidates",
                filter=Q(candidates__status=Candidate.Status.SHORTLISTED),
                distinct=True,
            ),
        )
        .order_by("-reported_on", "-pk")
    )


# A closed round stays on the member's dashboard this long (to see the result); after that it
# is found on the vacancy. It keeps the dashboard the same size after years of votes.
RECENTLY_CLOSED = dt.timedelta(days=30)


def rounds_for_member(member: Member, *, now: dt.datetime | None = None):
    """Open and recently closed rounds in which the member is an elector, with their standing."""
    now = now or timezone.now()
    return (
        VotingRound.objects.filter(
            Exists(Elector.objects.filter(round=OuterRef("pk"), member=member))
        )
        .filter(
            Q(status=VotingRound.Status.OPEN)
            | Q(status=VotingRound.Status.CLOSED, closed_at__gte=now - RECENTLY_CLOSED)
        )
        .select_related("vacancy__unit__building")
        .annotate(
            voted=Exists(VoteRecord.objects.filter(round=OuterRef("pk"), member=member)),
            recused=Exists(Recusal.objects.filter(round=OuterRef("pk"), member=member)),
        )
        .order_by("-starts_at")
    )
