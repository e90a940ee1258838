"""Agreements between a corporation and an association, versioned, and their commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import AppendOnlyModel, Association, Organisation


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")
    ROLLING = "rolling", _("rolling months")


class Owner(models.TextChoices):
    ASSOCIATION = "association", _("association")
    CORPORATION = "corporation", _("housing corporation")


class RuleType(models.TextChoices):
    NOMINATION_ON_TIME = "nomination_on_time", _("nomination within N days of the vacancy")
    CONFIRMATION_ON_TIME = "confirmation_on_time", _("the corporation decides within N days")
    VACANT_DAYS = "vacant_days", _("a unit is vacant at most N days")
    MIX = "mix", _("the mix within X points of the target")
    MONITORING = "monitoring", _("a monitoring moment at least every N months")
    DECISION_BEFORE_END = "decision_before_end", _("conversion decided D days before the end")
    CONVERSION_OUTCOMES = "conversion_outcomes", _("conversion outcomes")
    CONTRIBUTION_HOURS = "contribution_hours", _("members meet their contribution hours")
    ACTIVITIES = "activities", _("at least N activities a month")
    VRAGERS_TAKE_PART = "vragers_take_part", _("vragers take part in activities")
    MOTIVATED_DECISIONS = "motivated_decisions", _("motivated decisions for every candidate")


class Agreement(models.Model):
    """The agreements (afspraken) between a corporation and one association."""

    corporation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": Organisation.Kind.CORPORATION},
        verbose_name=_("housing corporation"),
    )
    association = models.OneToOneField(
        Association,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("association"),
    )
    care_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_agreements",
        limit_choices_to={"kind": Organisation.Kind.CARE},
        verbose_name=_("care organisation"),
        help_text=_("Party to the care commitments, if any."),
    )
    title = models.CharField(_("title"), max_length=200)
    show_member_names = models.BooleanField(
        _("the corporation sees members' names"),
        default=False,
        help_text=_("Otherwise hours per member are shown to the corporation as 'member 12'."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["association__name"]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    """One version of an agreement: runs from a date, in force once both sides signed."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="versions", verbose_name=_("agreement")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    starts_on = models.DateField(_("in force from"))
    note = models.TextField(_("what changed"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    corporation_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the corporation by"),
    )
    corporation_signed_at = models.DateTimeField(
        _("signed by the corporation at"), null=True, blank=True
    )
    board_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the association by"),
    )
    board_signed_at = models.DateTimeField(_("signed by the board at"), null=True, blank=True)
    in_force = models.BooleanField(_("in force"), default=False)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "-starts_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["agreement", "starts_on"],
                condition=Q(in_force=True),
                name="agreement_one_version_in_force_per_start",
            ),
            models.CheckConstraint(
                condition=Q(in_force=False)
                | Q(corporation_signed_at__isnull=False, board_signed_at__isnull=False),
                name="agreement_version_in_force_needs_both_signatures",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="agreement_version_number_positive",
            ),
        ]

    def __str__(self) -> str:
        return _("%(agreement)s, version %(number)s") % {
            "agreement": self.agreement,
            "number": self.number,
        }

    @property
    def is_draft(self) -> bool:
        return not self.in_force


class Commitment(models.Model):
    """A typed rule of an agreement version, judged per period against a threshold."""

    version = models.ForeignKey(
        AgreementVersion,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("agreement version"),
    )
    # Stable across versions: the chart and the trend follow a commitment through new versions.
    key = models.SlugField(_("key"), max_length=60)
    rule = models.CharField(_("rule"), max_length=30, choices=RuleType.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    period_kind = models.CharField(
        _("judged per"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    rolling_months = models.PositiveSmallIntegerField(_("rolling months"), null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=1)
    at_risk_band = models.DecimalField(
        _("at risk band"),
        max_digits=7,
        decimal_places=1,
        default=0,
        help_text=_("How close to the threshold counts as at risk."),
    )
    owner = models.CharField(
        _("who owns it"), max_length=12, choices=Owner.choices, default=Owner.ASSOCIATION
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="commitment_key_per_version"),
            models.CheckConstraint(
                condition=(
                    Q(period_kind="rolling") & Q(rolling_months__gte=1, rolling_months__lte=24)
                )
                | (~Q(period_kind="rolling") & Q(rolling_months__isnull=True)),
                name="commitment_rolling_months_when_rolling",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(at_risk_band__gte=0),
                name="commitment_threshold_and_band_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rule__in=RuleType.values), name="commitment_rule_known"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_rule_display())


class HoursExemption(models.Model):
    """A member left out of the contribution-hours commitment for a while (illness, care)."""

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("illness")
        FAMILY_CARE = "family_care", _("care for family")
        OTHER = "other", _("other")

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="hours_exemptions",
        verbose_name=_("member"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hours exemption")
        verbose_name_plural = _("hours exemptions")
        ordering = ["member", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="hours_exemption_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_reason_display()}"


class FollowUp(models.Model):
    """The board's explanation and action for a breach; the corporation marks it resolved."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("commitment"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    explanation = models.TextField(_("explanation"), max_length=2000)
    action = models.TextField(_("action"), max_length=2000)
    due_on = models.DateField(_("action due on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-period_start", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "period_start"], name="follow_up_one_per_commitment_period"
            ),
            models.CheckConstraint(
                condition=Q(explanation__gt="") & Q(action__gt=""),
                name="follow_up_has_explanation_and_action",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_by__isnull=False),
                name="follow_up_resolved_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="follow_up_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} {self.period_start:%Y-%m-%d}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class FrozenResult(AppendOnlyModel):
    """A commitment's result for a closed period, as known when it closed: the yearly
    evaluation reads these, never the live figures. Rows are never changed (a database
    trigger refuses it) and carry a SHA-256 over their content."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="frozen_results",
        verbose_name=_("commitment"),
    )
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="+", verbose_name=_("association")
    )
    key = models.SlugField(_("key"), max_length=60)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(_("state"), max_length=10)
    figure = models.DecimalField(_("figure"), max_digits=9, decimal_places=1, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=1)
    explanation = models.TextField(_("explanation"))
    evidence = models.JSONField(_("evidence"), default=list)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("frozen result")
        verbose_name_plural = _("frozen results")
        ordering = ["association", "key", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "key", "period_start"],
                name="frozen_result_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="frozen_result_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.period_start:%Y-%m-%d}: {self.status}"


class ExportFile(models.Model):
    """An export of an association's compliance (CSV, XLSX or a PDF evaluation pack) for a
    period or a year, made in the background for one person; served only to them, while
    they may still see the association's compliance."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        BUILDING = "building", _("being made")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (spreadsheet text)")
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        PDF = "pdf", _("PDF evaluation pack")

    class Scope(models.TextChoices):
        CURRENT = "current", _("the current period")
        PREVIOUS = "previous", _("the previous period")
        YEAR = "year", _("a whole year")

    CONTENT_TYPES = {
        Format.CSV: "text/csv; charset=utf-8",
        Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format.PDF: "application/pdf",
    }

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.CSV)
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.CURRENT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveSmallIntegerField(_("steps in all"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # When the build last moved (queued, started, a step done): an export that stays still
    # longer than COMPLIANCE_EXPORT_STALE_MINUTES shows as failed.
    progressed_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(content__isnull=False),
                name="export_ready_has_content",
            ),
            models.CheckConstraint(
                condition=(Q(scope="year") & Q(year__isnull=False))
                | (~Q(scope="year") & Q(year__isnull=True)),
                name="export_year_with_year_scope",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="export_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.filename or f"export {self.pk}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.Format(self.format)]

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)
