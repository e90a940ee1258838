"""Members, their mix group over time, tenancies, roles, invitations and care assignments."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import Association, Organisation, PeriodQuerySet, Unit


class MixGroup(models.TextChoices):
    VRAGER = "vrager", _("vrager")
    DRAGER = "drager", _("drager")
    REGULAR = "regular", _("regular tenant")


class Role(models.TextChoices):
    BOARD = "board", _("board")
    SELECTION = "selection", _("selection committee")
    COORDINATOR = "coordinator", _("activity coordinator")


class MemberQuerySet(models.QuerySet):
    def active(self) -> MemberQuerySet:
        return self.filter(status=Member.Status.ACTIVE)

    def with_group_on(self, on: dt.date) -> MemberQuerySet:
        return self.annotate(group=group_on(on, member=OuterRef("pk")))


def group_on(on: dt.date, *, member) -> Subquery:
    """The member's group in the mix on a day, as a subquery (``member`` is an OuterRef)."""
    periods = MixGroupPeriod.objects.current(on).filter(member=member).order_by()
    return Subquery(periods.values("group")[:1])


class Member(models.Model):
    """A resident and member of an association (lid / bewoner)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="members", verbose_name=_("association")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("user account"),
        help_text=_("Empty until the member has accepted an invitation."),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Of the invitation and e-mails before an account exists; empty: the site's."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    pledged_hours = models.DecimalField(
        _("pledged hours a month"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_("When set, replaces the association's default commitment."),
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="member_one_active_membership_per_user",
            ),
            # Invitations and log-ins find a member by address: one active member per address.
            models.UniqueConstraint(
                Lower("email"),
                "association",
                condition=Q(status="active") & ~Q(email=""),
                name="member_unique_email_per_association",
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(left_on__isnull=True))
                | (Q(status="left") & Q(left_on__isnull=False)),
                name="member_left_on_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MixGroupPeriod(models.Model):
    """The member's group in the mix from ``starts_on`` up to (not including) ``ends_on``."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="group_periods", verbose_name=_("member")
    )
    group = models.CharField(_("group"), max_length=10, choices=MixGroup.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("mix group period")
        verbose_name_plural = _("mix group periods")
        ordering = ["member", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ends_on__isnull=True),
                name="mixgroup_one_open_period_per_member",
            ),
            models.UniqueConstraint(
                fields=["member", "starts_on"], name="mixgroup_one_period_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="mixgroup_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_group_display()} ({self.starts_on})"


class Tenancy(models.Model):
    """A member's rental contract (huurovereenkomst) for a unit."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular tenancy")
        OMKLAP = "omklap", _("omklap tenancy")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("member")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["unit", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(ends_on__isnull=True),
                name="tenancy_one_current_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="tenancy_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.unit}"


class AssociationRole(models.Model):
    """An elected or appointed role a member holds in the association, for a period."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="roles", verbose_name=_("member")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("association role")
        verbose_name_plural = _("association roles")
        ordering = ["member", "role", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "role"],
                condition=Q(ends_on__isnull=True),
                name="role_one_open_period_per_member_and_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_role_display()}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """The board's invitation to create an account; only its token's hash is stored."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("association"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class CareAssignment(models.Model):
    """A care worker of a care organisation guiding a member (their client)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="care_assignments", verbose_name=_("client")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="care_assignments",
        limit_choices_to={"kind": Organisation.Kind.CARE},
        verbose_name=_("care organisation"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_assignments",
        verbose_name=_("care worker"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("care assignment")
        verbose_name_plural = _("care assignments")
        ordering = ["member", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "worker"],
                condition=Q(ends_on__isnull=True),
                name="care_one_open_assignment_per_worker_and_client",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="care_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ← {self.worker}"


# --------------------------------------------------------------------------------------------
