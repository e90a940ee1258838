"""Omklap contracts and their monitoring (DESIGN 2.2).

Conditions, moments, decisions, reminders and the log of who read care data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coop.models import AppendOnlyModel, Organisation
from members.models.membership import Member, MixGroup, Tenancy


class OmklapCondition(models.TextChoices):
    """Conditions of the three-party agreement, recorded as a checklist."""

    ACCEPT_GUIDANCE = "accept_guidance", _("accepts guidance by the care organisation")
    BUDGET_MANAGEMENT = "budget_management", _("budget management")
    DAYTIME_ACTIVITY = "daytime_activity", _("a daytime activity (work, study or volunteering)")
    RENT_DIRECT_DEBIT = "rent_direct_debit", _("rent paid by direct debit")
    HOUSE_RULES = "house_rules", _("keeps the house rules")
    CONTRIBUTION = "contribution", _("takes part in the association")


class Assessment(models.TextChoices):
    GOOD = "good", _("good")
    ATTENTION = "attention", _("needs attention")
    CONCERN = "concern", _("concern")


class MomentOutcome(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    CONCERNS = "concerns", _("concerns")
    READY = "ready", _("ready for conversion")


class WarningCard(models.TextChoices):
    YELLOW = "yellow", _("yellow card")
    RED = "red", _("red card")


# The assessment domains of a monitoring moment, in the order the form shows them.
ASSESSMENT_DOMAINS: tuple[str, ...] = (
    "rent_paid",
    "living_independently",
    "neighbour_contact",
    "care_need",
    "house_rules",
)
# Care data: only the assigned care organisation sees these fields; every read and write of
# them is logged in CareDataAccess (QUALITY 5).
CARE_DATA_FIELDS: tuple[str, ...] = (*ASSESSMENT_DOMAINS, "participants", "care_notes")


class OmklapContractQuerySet(models.QuerySet):
    def running(self) -> OmklapContractQuerySet:
        return self.filter(stage=OmklapContract.Stage.RUNNING)


class OmklapContract(models.Model):
    """A temporary contract (omklapcontract) on an omklap tenancy, under a three-party agreement
    of resident, corporation and care organisation."""

    # Retention: the contract, its moments' dates, outcomes and warnings, and its decisions are
    # part of the tenancy file and kept with it; the care data of its moments is erased
    # COOP_CARE_DATA_RETENTION_YEARS after the contract closes (members.tasks.care_data_purge).
    RETENTION = "care data erased COOP_CARE_DATA_RETENTION_YEARS after the contract closes"

    class Stage(models.TextChoices):
        RUNNING = "running", _("running")
        CONVERTED = "converted", _("converted to a regular tenancy")
        ENDED = "ended", _("ended")

    tenancy = models.ForeignKey(
        Tenancy,
        on_delete=models.PROTECT,
        related_name="omklap_contracts",
        verbose_name=_("tenancy"),
    )
    care_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="omklap_contracts",
        limit_choices_to={"kind": Organisation.Kind.CARE},
        verbose_name=_("care organisation"),
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    length_months = models.PositiveSmallIntegerField(
        _("length (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    conditions = models.JSONField(
        _("conditions"),
        default=list,
        blank=True,
        help_text=_("The conditions of the three-party agreement that apply."),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.RUNNING
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("The day the conversion or the end took effect."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OmklapContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("omklap contract")
        verbose_name_plural = _("omklap contracts")
        ordering = ["ends_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy"],
                condition=Q(stage="running"),
                name="omklap_one_running_contract_per_tenancy",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="omklap_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(length_months__gte=1, length_months__lte=120),
                name="omklap_length_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(stage="running") & Q(closed_on__isnull=True))
                | (~Q(stage="running") & Q(closed_on__isnull=False)),
                name="omklap_closed_on_matches_stage",
            ),
        ]

    def __str__(self) -> str:
        return _("Omklap contract %(number)s") % {"number": self.pk}

    @property
    def condition_labels(self) -> list[str]:
        labels = dict(OmklapCondition.choices)
        return [str(labels[c]) for c in self.conditions if c in labels]


class MonitoringMoment(models.Model):
    """A scheduled or added check of an omklap contract (monitoringsmoment / evaluatie)."""

    # Retention: see OmklapContract; the fields in CARE_DATA_FIELDS are blanked by the purge.
    RETENTION = OmklapContract.RETENTION

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("monitoring moment")
        FINAL = "final", _("final evaluation")
        EXTRA = "extra", _("extra moment")

    contract = models.ForeignKey(
        OmklapContract,
        on_delete=models.PROTECT,
        related_name="moments",
        verbose_name=_("omklap contract"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.CharField(_("who took part"), max_length=500, blank=True)
    rent_paid = models.CharField(
        _("rent paid"), max_length=10, choices=Assessment.choices, blank=True
    )
    living_independently = models.CharField(
        _("living independently"), max_length=10, choices=Assessment.choices, blank=True
    )
    neighbour_contact = models.CharField(
        _("contact with neighbours"), max_length=10, choices=Assessment.choices, blank=True
    )
    care_need = models.CharField(
        _("care need"), max_length=10, choices=Assessment.choices, blank=True
    )
    house_rules = models.CharField(
        _("keeps the house rules"), max_length=10, choices=Assessment.choices, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=MomentOutcome.choices, blank=True
    )
    card = models.CharField(_("warning"), max_length=10, choices=WarningCard.choices, blank=True)
    card_reason = models.CharField(_("reason for the warning"), max_length=500, blank=True)
    care_notes = models.TextField(_("care notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    care_data_erased_on = models.DateField(_("care data erased on"), null=True, blank=True)

    class Meta:
        verbose_name = _("monitoring moment")
        verbose_name_plural = _("monitoring moments")
        ordering = ["contract", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(held_on__isnull=True) & Q(outcome=""))
                | (Q(held_on__isnull=False) & ~Q(outcome="")),
                name="moment_outcome_when_held",
            ),
            models.CheckConstraint(
                condition=Q(card="") | ~Q(card_reason=""),
                name="moment_warning_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"

    @property
    def assessments(self) -> list[tuple[str, str]]:
        """(domain label, assessment label) for the domains that were assessed."""
        return [
            (str(self._meta.get_field(d).verbose_name), getattr(self, f"get_{d}_display")())
            for d in ASSESSMENT_DOMAINS
            if getattr(self, d)
        ]


class OmklapDecisionQuerySet(models.QuerySet):
    def proposed(self) -> OmklapDecisionQuerySet:
        return self.filter(status=OmklapDecision.Status.PROPOSED)

    def in_effect(self) -> OmklapDecisionQuerySet:
        return self.filter(status=OmklapDecision.Status.IN_EFFECT)


class OmklapDecision(models.Model):
    """Convert, extend or end: proposed by one side, in effect once both sides signed off."""

    # The ids of the moments it rests on, set by members.selectors.omklap.contract_decisions.
    linked_ids: set[int]

    # Retention: kept with the contract (see OmklapContract).
    RETENTION = OmklapContract.RETENTION

    class Kind(models.TextChoices):
        CONVERT = "convert", _("convert to a regular tenancy")
        EXTEND = "extend", _("extend the contract")
        END = "end", _("end the contract")

    class Side(models.TextChoices):
        CARE = "care", _("care organisation")
        CORPORATION = "corporation", _("housing corporation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting sign-off")
        IN_EFFECT = "in_effect", _("signed off by both")
        WITHDRAWN = "withdrawn", _("withdrawn")

    contract = models.ForeignKey(
        OmklapContract,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("omklap contract"),
    )
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    effective_on = models.DateField(
        _("takes effect on"),
        null=True,
        blank=True,
        help_text=_("Convert: the first day of the regular tenancy. End: the contract's last day."),
    )
    new_ends_on = models.DateField(_("new end date"), null=True, blank=True)
    new_group = models.CharField(
        _("group in the mix from that day"),
        max_length=10,
        choices=MixGroup.choices,
        blank=True,
    )
    reasons = models.TextField(_("reasons"))
    moments = models.ManyToManyField(
        MonitoringMoment,
        blank=True,
        related_name="decisions",
        verbose_name=_("moments it rests on"),
    )
    proposed_side = models.CharField(_("proposed by"), max_length=12, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by (person)"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    care_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the care organisation by"),
    )
    care_signed_at = models.DateTimeField(
        _("signed by the care organisation at"), null=True, blank=True
    )
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
    took_effect_on = models.DateField(
        _("took effect on"),
        null=True,
        blank=True,
        help_text=_("The day the second side signed off."),
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    objects = OmklapDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("omklap decision")
        verbose_name_plural = _("omklap decisions")
        ordering = ["contract", "-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status="proposed"),
                name="omklap_one_open_proposal_per_contract",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_effect")
                | Q(
                    care_signed_at__isnull=False,
                    corporation_signed_at__isnull=False,
                    took_effect_on__isnull=False,
                ),
                name="omklap_decision_in_effect_needs_both_signatures",
            ),
            models.CheckConstraint(
                condition=(Q(kind="extend") & Q(new_ends_on__isnull=False))
                | (~Q(kind="extend") & Q(effective_on__isnull=False)),
                name="omklap_decision_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def signed_by_side(self, side: str) -> bool:
        signed_at = self.care_signed_at if side == self.Side.CARE else self.corporation_signed_at
        return signed_at is not None


class CareDataAccess(AppendOnlyModel):
    """One read or write of a contract's care data: who, when, which resident, for whom."""

    # Retention: kept as the accountability record for access to health data (NEN 7513 asks
    # for at least five years); it holds no care content itself and the database refuses
    # changes and removal, so the platform never purges it.
    RETENTION = "kept: the accountability record of access to care data"

    class Action(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("wrote")
        ERASE = "erase", _("erased (retention period over)")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty when the platform itself acted (the retention purge)."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    contract = models.ForeignKey(
        OmklapContract,
        on_delete=models.PROTECT,
        related_name="care_data_accesses",
        verbose_name=_("omklap contract"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=100)

    class Meta:
        verbose_name = _("care data access")
        verbose_name_plural = _("care data accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"


class OmklapReminder(models.Model):
    """A reminder that was sent; the unique constraints keep a rerun from sending it again."""

    # Retention: deleted with the contract's care data (see OmklapContract).
    RETENTION = OmklapContract.RETENTION

    class Kind(models.TextChoices):
        MOMENT_DUE = "moment_due", _("moment falls due")
        MOMENT_OVERDUE = "moment_overdue", _("moment overdue")
        END_NEAR = "end_near", _("end near without a decision")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contract = models.ForeignKey(
        OmklapContract,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("omklap contract"),
    )
    moment = models.ForeignKey(
        MonitoringMoment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("monitoring moment"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("omklap reminder")
        verbose_name_plural = _("omklap reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "moment", "recipient"],
                condition=Q(moment__isnull=False),
                name="omklap_reminder_once_per_moment",
            ),
            models.UniqueConstraint(
                fields=["kind", "contract", "recipient"],
                condition=Q(moment__isnull=True),
                name="omklap_reminder_once_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
