"""Reads for the calendar and the hours pages, each in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from activities.models import Activity, Category, ContributionLog, Occurrence, SignUp, Visibility
from coop.counting import Waiting
from coop.models import Association
from members.models import Member, MixGroup

ZERO = Decimal("0")


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def categories(association: Association) -> list[Category]:
    return sorted(association.activity_categories.all(), key=lambda c: c.label.lower())


def calendar_occurrences(
    association: Association,
    member: Member | None,
    start: dt.date,
    end: dt.date,
    *,
    category: int | None = None,
) -> QuerySet[Occurrence]:
    """Dates of planned or cancelled activities between two days (end exclusive), one query."""
    qs = (
        Occurrence.objects.filter(
            activity__association=association,
            activity__status__in=(Activity.Status.PLANNED, Activity.Status.CANCELLED),
        )
        .between(local_midnight(start), local_midnight(end))
        .with_counts(member)
        .select_related("activity__category")
        .order_by("starts_at", "pk")
    )
    if category:
        qs = qs.filter(activity__category_id=category)
    return qs


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    occurrences: list[Occurrence] = field(default_factory=list)


def month_weeks(occurrences, year: int, month: int) -> list[list[Day]]:
    """The month as weeks of days (Monday first), each day with its occurrences."""
    by_day: dict[dt.date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        by_day[timezone.localdate(occurrence.starts_at)].append(occurrence)
    today = timezone.localdate()
    return [
        [
            Day(date=d, in_month=d.month == month, is_today=d == today, occurrences=by_day[d])
            for d in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def days_of(occurrences, start: dt.date, days: int) -> list[Day]:
    by_day: dict[dt.date, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        by_day[timezone.localdate(occurrence.starts_at)].append(occurrence)
    today = timezone.localdate()
    dates = [start + dt.timedelta(days=n) for n in range(days)]
    return [Day(date=d, in_month=True, is_today=d == today, occurrences=by_day[d]) for d in dates]


def proposals(association: Association) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(association=association, status=Activity.Status.PROPOSED)
        .select_related("category", "proposed_by")
        .order_by("starts_at")
    )


def public_activity(slug: str, pk: int) -> Activity | None:
    """A planned or cancelled public activity of the association, or None (one query)."""
    return (
        Activity.objects.shown()
        .filter(pk=pk, association__slug=slug, visibility=Visibility.PUBLIC)
        .select_related("association", "category")
        .first()
    )


PUBLIC_DATES = 12


def public_dates(activity: Activity) -> list[Occurrence]:
    """The activity's coming dates, cancelled ones included, for its public page."""
    return list(activity.occurrences.upcoming().order_by("starts_at")[:PUBLIC_DATES])


def occurrence_signups(occurrence: Occurrence) -> list[SignUp]:
    return list(occurrence.signups.select_related("member").order_by("created_at", "pk"))


def my_signups(member: Member, *, limit: int | None = None) -> QuerySet[SignUp]:
    """The member's sign-ups for dates that have not ended, soonest first."""
    qs = (
        SignUp.objects.filter(member=member, occurrence__ends_at__gt=timezone.now())
        .select_related("occurrence__activity")
        .order_by("occurrence__starts_at")
    )
    return qs[:limit] if limit else qs


def commitment(member: Member) -> Decimal:
    """Hours a month the member committed to: their pledge, else the association's default."""
    if member.pledged_hours is not None:
        return member.pledged_hours
    return member.association.monthly_hours


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthHours:
    month: dt.date
    confirmed: Decimal
    pending: Decimal
    commitment: Decimal
    member: Member | None = None

    @property
    def met(self) -> bool:
        return self.confirmed >= self.commitment

    @property
    def percentage(self) -> int:
        if not self.commitment:
            return 100
        return min(100, round(100 * self.confirmed / self.commitment))


def hours_by_month(member: Member, *, months: int = 12) -> list[MonthHours]:
    """Confirmed and pending hours per month, newest first, against the commitment (one query)."""
    this_month = month_start(timezone.localdate())
    first = add_months(this_month, -(months - 1))
    rows = (
        ContributionLog.objects.filter(member=member, date__gte=first)
        .exclude(status=ContributionLog.Status.REJECTED)
        .annotate(month=TruncMonth("date"))
        .values("month", "status")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    totals: dict[tuple[dt.date, str], Decimal] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        totals[(month, row["status"])] = row["total"]
    target = commitment(member)
    result = []
    for n in range(months):
        month = add_months(this_month, -n)
        if month < month_start(member.joined_on):
            break
        result.append(
            MonthHours(
                month=month,
                confirmed=totals.get((month, ContributionLog.Status.CONFIRMED), ZERO),
                pending=totals.get((month, ContributionLog.Status.PENDING), ZERO),
                commitment=target,
            )
        )
    return result


def recent_logs(member: Member, *, limit: int = 30) -> QuerySet[ContributionLog]:
    return ContributionLog.objects.filter(member=member).select_related("activity")[:limit]


def _sum_of(status: str, start: dt.date, end: dt.date):
    return Coalesce(
        Sum(
            "contributions__hours",
            filter=Q(
                contributions__status=status,
                contributions__date__gte=start,
                contributions__date__lt=end,
            ),
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def association_hours(association: Association, month: dt.date) -> list[MonthHours]:
    """Every active member's hours in a month against their commitment (one query)."""
    end = add_months(month, 1)
    members = (
        Member.objects.active()
        .filter(association=association)
        .annotate(
            confirmed=_sum_of(ContributionLog.Status.CONFIRMED, month, end),
            pending=_sum_of(ContributionLog.Status.PENDING, month, end),
        )
        .order_by("name")
    )
    rows = []
    for member in members:
        member.association = association  # already loaded: no query per member
        rows.append(
            MonthHours(
                month=month,
                confirmed=member.confirmed,
                pending=member.pending,
                commitment=commitment(member),
                member=member,
            )
        )
    return rows


def pending_logs(association: Association) -> QuerySet[ContributionLog]:
    return (
        ContributionLog.objects.pending()
        .filter(member__association=association)
        .select_related("member", "activity")
        .order_by("date", "pk")
    )


def loggable_activities(association: Association) -> QuerySet[Activity]:
    """Activities a member can link hours to: planned ones that started in the last year."""
    now = timezone.now()
    held = Occurrence.objects.filter(
        activity=OuterRef("pk"), starts_at__lte=now, starts_at__gte=now - dt.timedelta(days=366)
    )
    return Activity.objects.filter(
        Exists(held), association=association, status=Activity.Status.PLANNED
    ).order_by("title")


def hours_this_month(member: Member) -> Decimal:
    start = month_start(timezone.localdate())
    total = (
        ContributionLog.objects.confirmed()
        .filter(member=member, date__gte=start)
        .aggregate(total=Sum("hours"))["total"]
    )
    return total or ZERO


def dashboard_summary(member: Member) -> dict:
    """The activities card on the member's dashboard: the next three sign-ups and the hours
    confirmed this month against the commitment (two queries)."""
    return {
        "signups": list(my_signups(member, limit=3)),
        "hours": hours_this_month(member),
        "commitment": commitment(member),
    }


# -- what waits for someone, for the dashboard's "For you" (counted together with the rest) ----

# Rejected hours stay on the member's list this long, for them to look at the reason.
REJECTED_SHOWN = dt.timedelta(days=14)


def signups_tomorrow(member: Member) -> Waiting:
    """The member's places (not the waiting list) for dates tomorrow that go ahead: the first
    start and how many."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    signups = SignUp.objects.filter(
        member=member,
        status=SignUp.Status.CONFIRMED,
        occurrence__status=Occurrence.Status.SCHEDULED,
        occurrence__starts_at__gte=local_midnight(tomorrow),
        occurrence__starts_at__lt=local_midnight(tomorrow + dt.timedelta(days=1)),
    ).order_by("occurrence__starts_at", "pk")
    return Waiting(signups, ("occurrence__starts_at",))


def hours_rejected_lately(member: Member) -> Waiting:
    """The member's hours a coordinator rejected in the last two weeks: how many."""
    logs = ContributionLog.objects.filter(
        member=member,
        status=ContributionLog.Status.REJECTED,
        decided_at__gte=timezone.now() - REJECTED_SHOWN,
    ).order_by("decided_at", "pk")
    return Waiting(logs)


def hours_to_confirm(association: Association) -> Waiting:
    """Hours waiting for a coordinator."""
    return Waiting(pending_logs(association))


def proposals_to_approve(association: Association) -> Waiting:
    """Activities members proposed, the one that starts first first."""
    return Waiting(proposals(association), ("starts_at",))


# A member is pointed at dates they can still sign up for this far ahead.
SIGN_UP_AHEAD = dt.timedelta(days=7)


def dates_to_sign_up_for(member: Member, *, now: dt.datetime | None = None) -> Waiting:
    """Dates of the member's association in the coming week that go ahead, have a free place
    and have no sign-up of the member yet: the first date and how many."""
    now = now or timezone.now()
    mine = SignUp.objects.filter(occurrence=OuterRef("pk"), member=member)
    dates = (
        Occurrence.objects.filter(
            activity__association_id=member.association_id,
            activity__status=Activity.Status.PLANNED,
            status=Occurrence.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lt=now + SIGN_UP_AHEAD,
        )
        .exclude(Exists(mine))
        .with_counts()
        .filter(Q(activity__capacity__isnull=True) | Q(confirmed_count__lt=F("activity__capacity")))
        .order_by("starts_at", "pk")
    )
    return Waiting(dates, ("pk", "starts_at"))


def hours_short_this_month(member: Member) -> Waiting:
    """The member, when their confirmed and waiting hours this month are below their commitment
    (their pledge, else the association's default; see ``commitment``): the hours logged and
    the commitment. Only regular and drager members commit to hours (as the contribution rule
    judges them); a commitment of nothing never counts."""
    start = month_start(timezone.localdate())
    logged = (
        ContributionLog.objects.filter(
            member=OuterRef("pk"),
            status__in=(ContributionLog.Status.CONFIRMED, ContributionLog.Status.PENDING),
            date__gte=start,
            date__lt=add_months(start, 1),
        )
        .order_by()
        .values("member")
        .annotate(total=Sum("hours"))
        .values("total")[:1]
    )
    hours = DecimalField(max_digits=8, decimal_places=2)
    today = timezone.localdate()
    short = (
        Member.objects.with_group_on(today)
        .filter(pk=member.pk, group__in=(MixGroup.REGULAR, MixGroup.DRAGER))
        .annotate(
            logged=Coalesce(Subquery(logged), Value(ZERO), output_field=hours),
            target=Coalesce("pledged_hours", "association__monthly_hours", output_field=hours),
        )
        .filter(target__gt=0, logged__lt=F("target"))
        .order_by("pk")
    )
    return Waiting(short, ("logged", "target"))
