"""Activities, their occurrences and sign-ups, calendar feed tokens and contribution hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import Association
from members.models import Member

if TYPE_CHECKING:
    from activities.access import ActivityAccess

# The categories every association starts with (key, English name; Dutch via the catalogue).
DEFAULT_CATEGORIES: dict[str, str] = {
    "coffee_morning": _("coffee morning"),
    "language_lessons": _("language lessons"),
    "garden": _("garden"),
    "give_away_shop": _("give-away shop"),
    "shared_meal": _("shared meal"),
    "odd_job_service": _("odd-job service"),
    "meeting": _("meeting"),
}


class Category(models.Model):
    """A kind of activity in an association's own, editable list."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="activity_categories",
        verbose_name=_("association"),
    )
    key = models.CharField(
        _("standard category"),
        max_length=40,
        blank=True,
        help_text=_("Set for the standard categories, whose name is shown translated."),
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["association", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "association", name="category_unique_name_per_association"
            ),
            models.UniqueConstraint(
                fields=["association", "key"],
                condition=~Q(key=""),
                name="category_unique_key_per_association",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The translated name of a standard category, else the name the association chose."""
        return str(DEFAULT_CATEGORIES.get(self.key, self.name))


class Visibility(models.TextChoices):
    MEMBERS = "members", _("members only")
    PUBLIC = "public", _("members and the public")


class Frequency(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week or every few weeks")
    MONTHLY_WEEKDAY = "monthly_weekday", _("monthly on a weekday (e.g. the 2nd Tuesday)")
    MONTHLY_DATE = "monthly_date", _("monthly on a date (e.g. the 15th)")


class ActivityQuerySet(models.QuerySet):
    def planned(self) -> ActivityQuerySet:
        return self.filter(status=Activity.Status.PLANNED)

    def shown(self) -> ActivityQuerySet:
        """Planned or cancelled activities: what a calendar shows (proposals are not)."""
        return self.filter(status__in=(Activity.Status.PLANNED, Activity.Status.CANCELLED))


class Activity(models.Model):
    """Something residents organise, once or on a recurring rule (python-dateutil's rrule)."""

    # What the viewer may do with it, set by the fetch-and-authorise helpers (activities.access).
    access: ActivityAccess

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")

    MAX_INTERVAL = 12
    MAX_COUNT = 260

    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("association"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="activities", verbose_name=_("category")
    )
    location = models.CharField(_("location"), max_length=200)
    organisers = models.ManyToManyField(
        Member, related_name="organised_activities", verbose_name=_("organisers"), blank=True
    )
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # The first occurrence; later ones follow the rule below at the same local time of day.
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    frequency = models.CharField(
        _("repeats"), max_length=20, choices=Frequency.choices, default=Frequency.ONCE
    )
    interval = models.PositiveSmallIntegerField(_("every how many weeks or months"), default=1)
    until = models.DateField(_("repeat until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # iCal SEQUENCE and LAST-MODIFIED: the services that change the series bump both.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="activity_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=12), name="activity_interval_in_range"
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1, count__lte=260),
                name="activity_count_in_range",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(count__isnull=True),
                name="activity_until_or_count",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> dt.timedelta:
        # In absolute time: two aware times in one zone subtract as wall-clock times.
        return self.ends_at.astimezone(dt.UTC) - self.starts_at.astimezone(dt.UTC)

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONCE


class OccurrenceQuerySet(models.QuerySet):
    def between(self, start: dt.datetime, end: dt.datetime) -> OccurrenceQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def upcoming(self, now: dt.datetime | None = None) -> OccurrenceQuerySet:
        return self.filter(ends_at__gt=now or timezone.now())

    def with_counts(self, member: Member | None = None) -> OccurrenceQuerySet:
        """Annotate confirmed and waiting sign-ups, and the member's own sign-up status."""
        qs = self.annotate(
            confirmed_count=_signup_count(SignUp.Status.CONFIRMED),
            waiting_count=_signup_count(SignUp.Status.WAITING),
        )
        if member is not None:
            mine = SignUp.objects.filter(occurrence=OuterRef("pk"), member=member)
            qs = qs.annotate(my_status=Subquery(mine.values("status")[:1]))
        return qs


def _signup_count(status: str) -> Coalesce:
    # A correlated count per row: no GROUP BY over the joined activity and category.
    counted = (
        SignUp.objects.filter(occurrence=OuterRef("pk"), status=status)
        .order_by()
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


class Occurrence(models.Model):
    """One date of an activity: cancelled or moved on its own, with its own sign-ups."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("activity")
    )
    # Where the rule put it; stays when the date is moved (iCal's RECURRENCE-ID).
    original_start = models.DateTimeField(_("original start"))
    starts_at = models.DateTimeField(_("start"), db_index=True)
    ends_at = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    walk_ins = models.PositiveSmallIntegerField(
        _("walk-ins"), default=0, help_text=_("People who came without signing up.")
    )
    attendance_recorded_at = models.DateTimeField(
        _("attendance recorded at"), null=True, blank=True
    )
    # iCal SEQUENCE and LAST-MODIFIED of this date: bumped when it is moved or cancelled.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "original_start"], name="occurrence_unique_per_rule_date"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.activity.title} {local:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.original_start


class SignUp(models.Model):
    """A member's sign-up for one occurrence, confirmed or on the waiting list.

    Retention: deleted two years after the occurrence (``RETENTION``), by the daily purge.
    """

    RETENTION = dt.timedelta(days=2 * 365)

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("signed up")
        WAITING = "waiting", _("on the waiting list")

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="signups", verbose_name=_("occurrence")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="signups", verbose_name=_("member")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # Set in the same transaction that queues the reminder: a rerun never sends it twice.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"], name="signup_one_per_member_and_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.occurrence}"


class CalendarToken(models.Model):
    """A member's private calendar-feed link; only its hash is stored.

    Retention: deleted when the member leaves the association (daily purge).
    """

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("member")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")

    def __str__(self) -> str:
        return str(self.member)


class ContributionLogQuerySet(models.QuerySet):
    def confirmed(self) -> ContributionLogQuerySet:
        return self.filter(status=ContributionLog.Status.CONFIRMED)

    def pending(self) -> ContributionLogQuerySet:
        return self.filter(status=ContributionLog.Status.PENDING)


class ContributionLog(models.Model):
    """Hours a member gave (inzet), confirmed or rejected by a coordinator.

    Retention: deleted seven years after the date (``RETENTION``): the hours are evidence in
    the agreements with the corporation, which are kept as long as financial records.
    """

    RETENTION = dt.timedelta(days=7 * 365)
    MAX_HOURS = Decimal("24")

    class Kind(models.TextChoices):
        ORGANISING = "organising", _("organising an activity")
        SUPPORT = "support", _("supporting a neighbour")
        BUILDING = "building", _("building jobs")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("member")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("activity"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ContributionLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["member", "date"], name="contribution_member_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="contribution_hours_in_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="contribution_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="contribution_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.hours} h on {self.date}"
