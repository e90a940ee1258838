"""The core domain: users, organisations, associations, their buildings and units."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coop.models.periods import PeriodQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in; identified by e-mail address."""

    # No username: people log in with their e-mail address (Django's documented way to drop
    # the inherited field, which the stubs type as always present).
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("Language of the e-mails this person receives."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The e-mail manager in place of the username one AbstractUser declares.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """A housing corporation or a care organisation."""

    class Kind(models.TextChoices):
        CORPORATION = "corporation", _("housing corporation")
        CARE = "care", _("care organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffLink(models.Model):
    """A user working for an organisation (a care worker or corporation staff) for a period."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="staff_links",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_links",
        verbose_name=_("user"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff link")
        verbose_name_plural = _("staff links")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(ends_on__isnull=True),
                name="stafflink_one_open_link_per_user_and_organisation",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="stafflink_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def _share_field(label: StrOrPromise, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class Association(models.Model):
    """A woonvereniging or wooncoöperatie: the residents' body."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("residents' association")
        COOPERATIVE = "cooperative", _("housing cooperative")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    corporation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="associations",
        limit_choices_to={"kind": Organisation.Kind.CORPORATION},
        verbose_name=_("housing corporation"),
    )
    target_vrager = _share_field(_("target share of vragers (%)"), 35)
    target_drager = _share_field(_("target share of dragers (%)"), 15)
    target_regular = _share_field(_("target share of regular tenants (%)"), 50)
    monthly_hours = models.DecimalField(
        _("monthly contribution hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("16.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("200"))],
        help_text=_("Default number of hours a month each member commits to."),
    )
    omklap_length_months = models.PositiveSmallIntegerField(
        _("omklap contract length (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    monitoring_interval_months = models.PositiveSmallIntegerField(
        _("monitoring interval (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    final_evaluation_weeks = models.PositiveSmallIntegerField(
        _("final evaluation (weeks before the end)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_vrager__lte=100, target_drager__lte=100, target_regular__lte=100)
                & Q(
                    target_regular=100 - F("target_vrager") - F("target_drager"),
                ),
                name="association_mix_target_sums_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        total = (self.target_vrager or 0) + (self.target_drager or 0) + (self.target_regular or 0)
        if total != 100:
            raise ValidationError(
                _("The target shares must add up to 100%%; they now add up to %(total)s%%.")
                % {"total": total}
            )

    @property
    def mix_target(self) -> dict[str, int]:
        return {
            "vrager": self.target_vrager,
            "drager": self.target_drager,
            "regular": self.target_regular,
        }


class Building(models.Model):
    """A building or complex (complex) of an association."""

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="buildings",
        verbose_name=_("association"),
    )
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["association", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "name"], name="building_unique_name_per_association"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """One dwelling (woning) in a building."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular")
        DRAGER = "drager", _("drager unit")
        OMKLAP = "omklap", _("omklap unit")

    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    rent = models.DecimalField(
        _("monthly rent (EUR)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rent_above_cap = models.BooleanField(
        _("rent above the aftoppingsgrens"),
        default=False,
        help_text=_("Whether the rent is above the housing allowance cap (aftoppingsgrens)."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="unit_unique_number_per_building"
            ),
            models.CheckConstraint(condition=Q(rent__gte=0), name="unit_rent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.number}"
