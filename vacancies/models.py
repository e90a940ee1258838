"""Vacancies and co-optation: a vacant unit, its candidates, the members' vote, the nomination.

Who voted and what was voted are stored apart (QUALITY 3): ``VoteRecord`` says that a member
voted in a round; ``Ballot`` holds what was voted, with no member link, no timestamp and its
choices encrypted with a key that is not in the database (see vacancies/ballots.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import Association, Unit
from members.models import Member, MixGroup


class Route(models.TextChoices):
    COOPTATION = "cooptation", _("co-optation by the association")
    CARE_NOMINATION = "care_nomination", _("nomination by the care organisation")
    CORPORATION = "corporation", _("allocation by the corporation")


class VacancyQuerySet(models.QuerySet):
    def open(self):
        """Vacancies still being filled."""
        return self.exclude(status__in=Vacancy.CLOSED_STATUSES)

    def accepting_applications(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Vacancy.Status.OPEN, applications_close_at__gt=now)


class Vacancy(models.Model):
    """A unit that falls vacant, from report to the corporation's confirmation (leegstand)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        OPEN = "open", _("applications open")
        SHORTLISTED = "shortlisted", _("shortlist final")
        VOTING = "voting", _("members are voting")
        NOMINATED = "nominated", _("nominated to the corporation")
        LET = "let", _("let")
        WITHDRAWN = "withdrawn", _("withdrawn")

    CLOSED_STATUSES = (Status.LET, Status.WITHDRAWN)

    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="vacancies",
        verbose_name=_("association"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("unit")
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    available_from = models.DateField(_("available from"))
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    profile = models.TextField(
        _("profile"),
        max_length=4000,
        blank=True,
        help_text=_("What the building needs from its next resident."),
    )
    volunteer_priority = models.BooleanField(
        _("priority for volunteering"),
        default=False,
        help_text=_("Applicants who pledge monthly volunteer hours get priority."),
    )
    applications_close_at = models.DateTimeField(_("applications close at"), null=True, blank=True)
    nominated_on = models.DateField(_("nominated on"), null=True, blank=True)
    let_on = models.DateField(_("confirmed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=~Q(status__in=["let", "withdrawn"]),
                name="one_open_vacancy_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["reported", "withdrawn"])
                | ~Q(route="cooptation")
                | Q(profile__gt=""),
                name="cooptation_vacancy_has_profile_once_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_status_display()})"

    @property
    def days_to_nomination(self) -> int | None:
        return (self.nominated_on - self.reported_on).days if self.nominated_on else None

    @property
    def days_to_confirmation(self) -> int | None:
        return (self.let_on - self.reported_on).days if self.let_on else None

    @property
    def is_cooptation(self) -> bool:
        return self.route == Route.COOPTATION


class Candidate(models.Model):
    """An applicant for a vacancy (kandidaat).

    Retention: contact data and motivation of a candidate not chosen are erased
    ``COOP_CANDIDATE_RETENTION_DAYS`` after the vacancy closes (services.candidates_purge).
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        SHORTLISTED = "shortlisted", _("shortlisted")
        NOT_SHORTLISTED = "not_shortlisted", _("not shortlisted")
        NOMINATED = "nominated", _("nominated")
        REFUSED = "refused", _("refused by the corporation")
        CHOSEN = "chosen", _("chosen")

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("vacancy")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("household size"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    motivation = models.TextField(_("motivation"), max_length=4000, blank=True)
    contribution = models.TextField(_("what I will contribute"), max_length=2000, blank=True)
    pledged_hours = models.DecimalField(
        _("pledged hours a month"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="nl"
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decision_reason = models.TextField(
        _("reason"),
        max_length=2000,
        blank=True,
        help_text=_("Why the candidate was not shortlisted or not chosen; sent to them."),
    )
    interview_notes = models.TextField(
        _("interview notes"),
        max_length=4000,
        blank=True,
        help_text=_("Seen by the selection committee only."),
    )
    rejection_sent_at = models.DateTimeField(_("rejection sent at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_shortlisted") | Q(decision_reason__gt=""),
                name="candidate_not_shortlisted_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1) & Q(household_size__lte=12),
                name="candidate_household_size_in_range",
            ),
            models.UniqueConstraint(
                fields=["vacancy", "email"],
                condition=Q(email__gt=""),
                name="one_application_per_address",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VotingRound(models.Model):
    """One vote of the members on a vacancy's shortlist (stemronde)."""

    class Method(models.TextChoices):
        YES_NO = "yes_no", _("yes, no or abstain per candidate")
        APPROVAL = "approval", _("approval: tick every candidate you approve")
        RANKED = "ranked", _("ranked choice: rank the candidates, one winner")

    class TieBreak(models.TextChoices):
        EARLIEST_APPLICATION = "earliest_application", _("the candidate who applied first")
        LOT = "lot", _("drawing lots, recorded with the result")
        NO_DECISION = "no_decision", _("no decision: a new round")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        ELECTED = "elected", _("a candidate was chosen")
        NO_QUORUM = "no_quorum", _("no decision: quorum not reached")
        NO_DECISION = "no_decision", _("no decision")

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("vacancy")
    )
    number = models.PositiveSmallIntegerField(_("round number"))
    method = models.CharField(_("voting method"), max_length=20, choices=Method.choices)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of the electorate)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tie_break = models.CharField(_("tie-break rule"), max_length=30, choices=TieBreak.choices)
    starts_at = models.DateTimeField(_("opens at"))
    ends_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    candidates = models.ManyToManyField(
        Candidate, related_name="rounds", verbose_name=_("candidates on the ballot")
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    electorate_size = models.PositiveIntegerField(_("electorate at opening"), null=True)
    # The stored tally: filled in once, at close, in the closing transaction.
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    winner = models.ForeignKey(
        Candidate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="won_rounds",
        verbose_name=_("winner"),
    )
    tally = models.JSONField(_("tally"), null=True, blank=True)
    digest = models.CharField(_("tally digest"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "number"], name="round_number_per_vacancy"),
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(status__in=["scheduled", "open"]),
                name="one_running_round_per_vacancy",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="round_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100), name="round_quorum_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(digest__gt="") & ~Q(outcome="")),
                name="closed_round_has_tally",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy.unit} #{self.number}"

    def is_open_at(self, now) -> bool:
        return self.status == self.Status.OPEN and self.starts_at <= now < self.ends_at


class Elector(models.Model):
    """A member entitled to vote in a round: the members at opening (the electorate)."""

    round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="electors", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electorate")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_elector_row_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.round_id}"


class Recusal(models.Model):
    """A member steps out of a round for a conflict of interest (wraking); out of the quorum base.

    Retention: kept with the round, as part of its record.
    """

    round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="recusals", verbose_name=_("member")
    )
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_recusal_per_member"),
            models.CheckConstraint(condition=Q(reason__gt=""), name="recusal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} out of {self.round_id}"


class VoteRecord(models.Model):
    """That a member voted in a round: never what they voted. One per member per round."""

    round = models.ForeignKey(
        VotingRound, on_delete=models.PROTECT, related_name="vote_records", verbose_name=_("round")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="vote_records", verbose_name=_("member")
    )

    class Meta:
        verbose_name = _("vote record")
        verbose_name_plural = _("vote records")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"], name="one_vote_per_member_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} voted in {self.round_id}"


class Ballot(models.Model):
    """What was voted (stembiljet): no member, no time; a random key; choices encrypted.

    ``seal`` is a keyed hash of round and member made with the ballot key outside the
    database: it lets the member's next cast replace this ballot, while a database dump alone
    cannot tell whose ballot it is. Changes after the round closed are refused by a database
    trigger (migration 0002).
    """

    key = models.CharField(_("key"), max_length=32, primary_key=True)
    round = models.ForeignKey(
        VotingRound, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("round")
    )
    seal = models.CharField(_("seal"), max_length=64)
    receipt = models.CharField(_("receipt code"), max_length=20)
    sealed_choices = models.BinaryField(_("encrypted choices"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["round", "seal"], name="one_ballot_per_seal"),
            models.UniqueConstraint(fields=["round", "receipt"], name="unique_receipt_per_round"),
        ]

    def __str__(self) -> str:
        return self.receipt


class Nomination(models.Model):
    """The association's choice, sent to the corporation (voordracht)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the corporation")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("vacancy")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("candidate")
    )
    round = models.ForeignKey(
        VotingRound,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("voting round"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason for refusal"), max_length=2000, blank=True)
    group = models.CharField(
        _("group of the new resident"), max_length=10, choices=MixGroup.choices, blank=True
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new member"),
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="one_live_nomination_per_vacancy",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | Q(refusal_reason__gt=""),
                name="refused_nomination_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.vacancy.unit}"


# The public vacancy page is a Wagtail page model of this app: imported here so Django finds it.
from vacancies.pages import VacancyIndexPage  # noqa: E402, F401
