"""The rule types of a commitment: each judges one association over one period.

A rule reads its rows from ``Data``, which loads each kind of row once for many associations
and a window of periods (the overview, the chart): the number of queries depends on the kinds
of rule, never on the number of associations or periods.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import CharField, Count, F, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from activities.models import ContributionLog, Occurrence, SignUp
from coop.crypto import derive_key
from coop.exceptions import DomainError
from coop.models import Association
from coop.site.compliance.models import HoursExemption, RuleType
from coop.site.compliance.periods import Period, month_start
from coop.templatetags.dates import day_text
from members.models import (
    Member,
    MixGroup,
    MixGroupPeriod,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from vacancies.models import Candidate, Nomination, Route, Vacancy

# Small counts of care-related figures are shown as "< 5" (QUALITY: privacy by tier).
SMALL_COUNT = 5
# An open item is "at risk" once this share of its time has passed.
AT_RISK_SHARE = Decimal("0.8")


class Status(models.TextChoices):
    MET = "met", gettext_lazy("met")
    AT_RISK = "at_risk", gettext_lazy("at risk")
    BREACHED = "breached", gettext_lazy("breached")
    NO_DATA = "no_data", gettext_lazy("no data")


# Shapes as well as colours: the state reads without colour vision.
ICONS = {Status.MET: "✓", Status.AT_RISK: "!", Status.BREACHED: "✗", Status.NO_DATA: "?"}
UNIT_LABELS = {
    "%": "%",
    "days": gettext_lazy("days"),
    "points": gettext_lazy("points"),
    "activities": gettext_lazy("activities"),
}
# Worse first: the overview's order when sorted by state.
SEVERITY = {Status.BREACHED: 0, Status.AT_RISK: 1, Status.MET: 2, Status.NO_DATA: 3}


def count_text(n: int, *, suppress: bool) -> str:
    return f"< {SMALL_COUNT}" if suppress and 0 < n < SMALL_COUNT else str(n)


def number_text(value: Decimal | None) -> str:
    """12.5, 90 or 100: no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Evidence:
    """One row behind a result: the vacancy, the contract, the month; linked to its record."""

    label: str
    detail: str
    ok: bool | None = None  # True: in order; False: counted against; None: open or neutral
    url: str = ""
    # Who may follow the link (the record's own page refuses everyone else).
    link_for: frozenset[str] = frozenset()
    # Care rows: the care organisation whose client it is; others see the aggregate only.
    care_organisation_id: int | None = None
    member_id: int | None = None


class Shown:
    """How a judged figure is written wherever it appears (pages, exports): the state's icon
    and word, and the figure and the threshold as text."""

    status: str
    figure: Decimal | None
    threshold: Decimal | None

    @property
    def icon(self) -> str:
        return ICONS[self.status]

    @property
    def label(self) -> str:
        return str(Status(self.status).label)

    @property
    def figure_text(self) -> str:
        return number_text(self.figure)

    @property
    def threshold_text(self) -> str:
        return number_text(self.threshold)


@dataclass(frozen=True)
class Result(Shown):
    status: str
    figure: Decimal | None
    threshold: Decimal
    unit: str
    explanation: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, ""))


@dataclass(frozen=True)
class Param:
    label: str
    minimum: int
    maximum: int
    default: int


class Direction(models.TextChoices):
    AT_LEAST = "at_least", gettext_lazy("at least")
    AT_MOST = "at_most", gettext_lazy("at most")


def grade(
    figure: Decimal | None,
    threshold: Decimal,
    band: Decimal,
    direction: str,
    *,
    at_risk: bool = False,
) -> str:
    """Met, at risk (within ``band`` of the threshold, or an open item running late) or
    breached; no figure is no data, unless an open item is already at risk."""
    if figure is None:
        return Status.AT_RISK if at_risk else Status.NO_DATA
    if direction == Direction.AT_LEAST:
        if figure < threshold:
            return Status.BREACHED
        near = figure < threshold + band
    else:
        if figure > threshold:
            return Status.BREACHED
        near = figure > threshold - band
    return Status.AT_RISK if near or at_risk else Status.MET


@dataclass(slots=True)
class MemberRow:
    """What the rules read of a member: dates, pledge, groups and exemptions over time."""

    pk: int
    association_id: int
    name: str
    joined_on: dt.date
    left_on: dt.date | None
    pledged_hours: Decimal | None
    group_spans: list[tuple[str, dt.date, dt.date | None]]
    exemption_spans: list[tuple[str, dt.date, dt.date | None]]


class TenancyRow(NamedTuple):
    member_id: int
    starts_on: dt.date
    ends_on: dt.date | None


class Data:
    """Rows of several associations over a window, each kind loaded once (on first use)."""

    def __init__(
        self,
        association_ids: Iterable[int],
        start: dt.date,
        end: dt.date,
        as_of: dt.date,
        *,
        evidence: bool = True,
    ) -> None:
        self.association_ids = sorted(set(association_ids))
        self.start, self.end, self.as_of = start, end, as_of
        # Whether rules write their evidence rows: a page of states and figures only (the
        # corporation's overview) leaves out the rows it would never show.
        self.evidence = evidence

    @classmethod
    def for_periods(
        cls,
        association_ids: Iterable[int],
        periods: Iterable[Period],
        as_of,
        *,
        evidence: bool = True,
    ):
        periods = list(periods)
        return cls(
            association_ids,
            min(p.start for p in periods),
            max(p.end for p in periods),
            as_of,
            evidence=evidence,
        )

    @staticmethod
    def _grouped(rows, key) -> dict[int, list]:
        grouped: dict[int, list] = defaultdict(list)
        for row in rows:
            grouped[key(row)].append(row)
        return grouped

    # Vacancies and nominations --------------------------------------------------------------

    @cached_property
    def _vacancies(self) -> dict[int, list[Vacancy]]:
        rows = (
            Vacancy.objects.filter(association_id__in=self.association_ids)
            # Vacant at some time in the window, or reported in it.
            .filter(available_from__lt=self.end, reported_on__lt=self.end)
            .filter(Q(let_on__isnull=True) | Q(let_on__gte=self.start - relativedelta(years=1)))
            .select_related("unit__building")
            .order_by("reported_on", "pk")
        )
        return self._grouped(rows, lambda v: v.association_id)

    def vacancies(self, association_id: int) -> list[Vacancy]:
        return self._vacancies.get(association_id, [])

    @cached_property
    def _nominations(self) -> dict[int, list[Nomination]]:
        start = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))
        rows = (
            Nomination.objects.filter(vacancy__association_id__in=self.association_ids)
            .filter(Q(nominated_at__lt=end), Q(decided_at__isnull=True) | Q(decided_at__gte=start))
            .select_related("vacancy__unit__building")
            .order_by("nominated_at", "pk")
        )
        return self._grouped(rows, lambda n: n.vacancy.association_id)

    def nominations(self, association_id: int) -> list[Nomination]:
        return self._nominations.get(association_id, [])

    @cached_property
    def _candidates(self) -> dict[int, list[Candidate]]:
        """Candidates not taken, of vacancies whose applications closed before the window's
        end (no personal data is read: only statuses and dates)."""
        rows = (
            Candidate.objects.filter(
                vacancy__association_id__in=self.association_ids,
                vacancy__applications_close_at__lt=self._aware(self.end),
                status__in=(Candidate.Status.NOT_SHORTLISTED, Candidate.Status.REFUSED),
            )
            .filter(
                Q(vacancy__closed_on__isnull=True)
                | Q(
                    vacancy__closed_on__gte=self.start
                    - dt.timedelta(days=settings.COOP_CANDIDATE_RETENTION_DAYS + 366)
                )
            )
            .annotate(association_id=F("vacancy__association_id"))
            .select_related("vacancy__unit__building")
            .only(
                "status",
                "decision_reason",
                "rejection_sent_at",
                "erased_at",
                "vacancy__applications_close_at",
                "vacancy__closed_on",
                "vacancy__unit__number",
                "vacancy__unit__building__name",
            )
            .order_by("pk")
        )
        return self._grouped(rows, lambda c: c.association_id)

    def candidates(self, association_id: int) -> list[Candidate]:
        return self._candidates.get(association_id, [])

    # Omklap contracts -----------------------------------------------------------------------

    @cached_property
    def _contracts(self) -> dict[int, list[OmklapContract]]:
        """Contracts with the days their moments were held (dates only: no care data) and the
        day their first decision took effect, in one query."""
        held = (
            MonitoringMoment.objects.filter(
                contract=OuterRef("pk"), held_on__isnull=False, held_on__lt=self.end
            )
            .order_by()
            .values("contract")
            .annotate(days=StringAgg(Cast("held_on", CharField()), Value(",")))
            .values("days")[:1]
        )
        decided = (
            OmklapDecision.objects.in_effect()
            .filter(contract=OuterRef("pk"))
            .order_by("took_effect_on", "pk")
            .values("took_effect_on")[:1]
        )
        extended = (
            OmklapDecision.objects.in_effect()
            .filter(contract=OuterRef("pk"), kind=OmklapDecision.Kind.EXTEND)
            .order_by("-took_effect_on", "-pk")
            .values("took_effect_on")[:1]
        )
        # Housed since: the end of the resident's latest tenancy (none: still housed).
        latest_home = Tenancy.objects.filter(member=OuterRef("tenancy__member")).order_by(
            F("ends_on").desc(nulls_first=True)
        )
        rows = (
            OmklapContract.objects.filter(
                tenancy__unit__building__association_id__in=self.association_ids,
                starts_on__lt=self.end,
            )
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=self.start))
            .annotate(
                association_id=F("tenancy__unit__building__association_id"),
                held_days=Subquery(held),
                decided_on=Subquery(decided),
                extended_on=Subquery(extended),
                housed_until=Subquery(latest_home.values("ends_on")[:1]),
            )
            .select_related("tenancy__unit__building")
            .order_by("ends_on", "pk")
        )
        for contract in rows:
            contract.held = sorted(_days(contract.held_days))
        return self._grouped(rows, lambda c: c.association_id)

    def contracts(self, association_id: int) -> list[OmklapContract]:
        return self._contracts.get(association_id, [])

    # Members, groups, hours -----------------------------------------------------------------

    @cached_property
    def _members(self) -> dict[int, list[MemberRow]]:
        """Members with their groups over time and their exemptions, in one query."""
        periods = (
            MixGroupPeriod.objects.filter(member=OuterRef("pk"), starts_on__lt=self.end)
            .order_by()
            .values("member")
            .annotate(
                text=StringAgg(
                    Concat(
                        "group",
                        Value("|"),
                        Cast("starts_on", CharField()),
                        Value("|"),
                        Coalesce(Cast("ends_on", CharField()), Value("")),
                        output_field=CharField(),
                    ),
                    Value(","),
                )
            )
            .values("text")[:1]
        )
        exemptions = (
            HoursExemption.objects.filter(member=OuterRef("pk"), starts_on__lt=self.end)
            .order_by()
            .values("member")
            .annotate(
                text=StringAgg(
                    Concat(
                        "reason",
                        Value("|"),
                        Cast("starts_on", CharField()),
                        Value("|"),
                        Coalesce(Cast("ends_on", CharField()), Value("")),
                        output_field=CharField(),
                    ),
                    Value(","),
                )
            )
            .values("text")[:1]
        )
        rows = (
            Member.objects.filter(association_id__in=self.association_ids, joined_on__lt=self.end)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=self.start))
            .annotate(group_text=Subquery(periods), exemption_text=Subquery(exemptions))
            .order_by("pk")
            .values_list(
                "pk",
                "association_id",
                "name",
                "joined_on",
                "left_on",
                "pledged_hours",
                "group_text",
                "exemption_text",
            )
        )
        # Plain rows, not model instances: an association's thousands of members are read
        # on every overview, and building a model instance costs more than the row.
        members = (
            MemberRow(*row[:6], group_spans=_spans(row[6]), exemption_spans=_spans(row[7]))
            for row in rows
        )
        return self._grouped(members, lambda m: m.association_id)

    def members(self, association_id: int) -> list[MemberRow]:
        return self._members.get(association_id, [])

    @cached_property
    def _groups(self) -> dict[int, list[tuple[str, dt.date, dt.date | None]]]:
        return {m.pk: m.group_spans for ms in self._members.values() for m in ms}

    def group_on(self, member_id: int, day: dt.date) -> str | None:
        for group, starts_on, ends_on in self._groups.get(member_id, []):
            if starts_on <= day and (ends_on is None or day < ends_on):
                return group
        return None

    @cached_property
    def hours_start(self) -> dt.date:
        # The rolling three-month average reaches back before the window's first month.
        return self.start - relativedelta(months=2)

    @cached_property
    def hours(self) -> dict[int, list[tuple[dt.date, Decimal]]]:
        rows = (
            ContributionLog.objects.confirmed()
            .filter(
                member__association_id__in=self.association_ids,
                date__gte=self.hours_start,
                date__lt=self.end,
            )
            .order_by()  # summed per member: no sort needed
            .values_list("member_id", "date", "hours")
        )
        hours: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for member_id, day, amount in rows:
            hours[member_id].append((day, amount))
        return hours

    # Activities ------------------------------------------------------------------------------

    def _aware(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    @cached_property
    def _occurrences(self) -> dict[int, list[Occurrence]]:
        # Counted per occurrence in a subquery: grouping the occurrences themselves by all
        # their columns costs more than the count.
        attended = (
            SignUp.objects.filter(occurrence=OuterRef("pk"), attended=True)
            .order_by()
            .values("occurrence")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = (
            Occurrence.objects.filter(
                activity__association_id__in=self.association_ids,
                starts_at__gte=self._aware(self.start),
                starts_at__lt=self._aware(self.end),
                activity__status="planned",
            )
            .annotate(
                association_id=F("activity__association_id"),
                attended_count=Coalesce(Subquery(attended), 0),
            )
            .only("activity_id", "starts_at", "status", "walk_ins")
            .order_by("starts_at", "pk")
        )
        return self._grouped(rows, lambda o: o.association_id)

    def occurrences(self, association_id: int) -> list[Occurrence]:
        return self._occurrences.get(association_id, [])

    @cached_property
    def attendance(self) -> dict[int, list[dt.datetime]]:
        """When each member took part in an activity: attended, or signed up where no
        attendance was recorded."""
        rows = (
            SignUp.objects.filter(
                occurrence__activity__association_id__in=self.association_ids,
                occurrence__starts_at__gte=self._aware(self.start),
                occurrence__starts_at__lt=self._aware(self.end),
                occurrence__status=Occurrence.Status.SCHEDULED,
            )
            .filter(Q(attended=True) | Q(attended__isnull=True, status=SignUp.Status.CONFIRMED))
            .order_by()
            .values_list("member_id", "occurrence__starts_at")
        )
        taken: dict[int, list[dt.datetime]] = defaultdict(list)
        for member_id, starts_at in rows:
            taken[member_id].append(starts_at)
        return taken

    # Mix -------------------------------------------------------------------------------------

    @cached_property
    def _tenancies(self) -> dict[int, list[TenancyRow]]:
        rows = (
            Tenancy.objects.filter(
                unit__building__association_id__in=self.association_ids, starts_on__lt=self.end
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=self.start))
            .order_by()  # counted per group: no sort (the default one joins three tables)
            .values_list("unit__building__association_id", "member_id", "starts_on", "ends_on")
        )
        grouped: dict[int, list[TenancyRow]] = defaultdict(list)
        for association_id, *row in rows:
            grouped[association_id].append(TenancyRow(*row))
        return grouped

    def tenancies(self, association_id: int) -> list[TenancyRow]:
        return self._tenancies.get(association_id, [])


def _days(text: str | None) -> list[dt.date]:
    return [dt.date.fromisoformat(part[:10]) for part in (text or "").split(",") if part]


def _spans(text: str | None) -> list[tuple[str, dt.date, dt.date | None]]:
    """``value|start|end`` entries of a string aggregate (the end empty when open)."""
    spans = []
    for part in (text or "").split(","):
        if not part:
            continue
        value, start, end = part.split("|")
        spans.append(
            (
                value,
                dt.date.fromisoformat(start[:10]),
                dt.date.fromisoformat(end[:10]) if end else None,
            )
        )
    return spans


class Rule:
    """A rule type: its parameters, its direction and how it judges a period."""

    type: ClassVar[str]
    direction: ClassVar[str] = Direction.AT_LEAST
    unit: ClassVar[str] = "%"
    # Care-related: the care organisation sees it; figures are aggregates, small counts hidden.
    care: ClassVar[bool] = False
    params_spec: ClassVar[dict[str, Param]] = {}
    # The default threshold and band a new commitment of this type gets.
    default_threshold: ClassVar[Decimal] = Decimal(100)
    default_band: ClassVar[Decimal] = Decimal(10)

    def __init__(self, *, params: dict[str, Any], threshold: Decimal, band: Decimal) -> None:
        self.params = self.validate(params)
        self.threshold = Decimal(threshold)
        self.band = Decimal(band)

    @classmethod
    def validate(cls, params: dict[str, Any] | None) -> dict[str, int]:
        """The parameters with defaults filled in; a bad one raises DomainError."""
        params = dict(params or {})
        unknown = set(params) - set(cls.params_spec)
        if unknown:
            raise DomainError(
                _("Unknown parameter: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                code="unknown_parameter",
                field="params",
            )
        clean: dict[str, int] = {}
        for name, spec in cls.params_spec.items():
            value = params.get(name, spec.default)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DomainError(
                    _("%(param)s must be a whole number.") % {"param": spec.label},
                    code="invalid_parameter",
                    field="params",
                )
            if not spec.minimum <= value <= spec.maximum:
                raise DomainError(
                    _("%(param)s must lie between %(min)s and %(max)s.")
                    % {"param": spec.label, "min": spec.minimum, "max": spec.maximum},
                    code="invalid_parameter",
                    field="params",
                )
            clean[name] = value
        return clean

    def evaluate(
        self,
        association: Association,
        period: Period,
        *,
        as_of: dt.date | None = None,
        data: Data | None = None,
    ) -> Result:
        as_of = as_of or timezone.localdate()
        if data is None:
            data = Data([association.pk], period.start, period.end, as_of)
        if period.start > as_of:
            return self.result(None, _("The period has not started yet."))
        return self.judge(data, association, period, min(as_of, period.last_day))

    def judge(self, data: Data, association: Association, period: Period, day: dt.date):
        raise NotImplementedError

    def result(
        self,
        figure: Decimal | None,
        explanation: str,
        evidence: Iterable[Evidence] = (),
        *,
        at_risk: bool = False,
    ) -> Result:
        return Result(
            status=grade(figure, self.threshold, self.band, self.direction, at_risk=at_risk),
            figure=figure,
            threshold=self.threshold,
            unit=self.unit,
            explanation=explanation,
            evidence=tuple(evidence),
        )

    def share_result(
        self, good: int, judged: int, sentence: str, evidence, *, at_risk: bool = False
    ) -> Result:
        """A result whose figure is the share of judged items in order."""
        if judged == 0:
            return self.result(
                None, _("Nothing to judge in this period."), evidence, at_risk=at_risk
            )
        suppress = self.care
        explanation = sentence % {
            "good": count_text(good, suppress=suppress),
            "judged": count_text(judged, suppress=suppress),
            "threshold": number_text(self.threshold),
        }
        return self.result(percent(good, judged), explanation, evidence, at_risk=at_risk)

    def open_at_risk(self, since: dt.date, day: dt.date, days: int) -> bool:
        return Decimal((day - since).days) >= AT_RISK_SHARE * days


_DAYS = Param(gettext_lazy("number of days"), 1, 365, 30)


class NominationOnTime(Rule):
    """1. The association nominates within N days of the vacancy being reported."""

    type = RuleType.NOMINATION_ON_TIME
    params_spec = {"days": _DAYS}
    default_threshold = Decimal(90)

    def judge(self, data, association, period, day):
        days = self.params["days"]
        good = judged = 0
        risk = False
        rows = []
        for vacancy in data.vacancies(association.pk):
            if vacancy.route != Route.COOPTATION or not period.contains(vacancy.reported_on):
                continue
            if vacancy.reported_on > day:
                continue
            due = vacancy.reported_on + dt.timedelta(days=days)
            nominated = (
                vacancy.nominated_on
                if vacancy.nominated_on and vacancy.nominated_on <= day
                else None
            )
            if nominated is None and vacancy.status == Vacancy.Status.WITHDRAWN:
                continue
            if nominated is not None:
                ok = nominated <= due
                detail = _("reported %(reported)s, nominated %(nominated)s: %(days)s days") % {
                    "reported": day_text(vacancy.reported_on),
                    "nominated": day_text(nominated),
                    "days": (nominated - vacancy.reported_on).days,
                }
            elif day > due:
                ok = False
                detail = _("reported %(reported)s, no nomination by %(due)s") % {
                    "reported": day_text(vacancy.reported_on),
                    "due": day_text(due),
                }
            else:
                ok = None
                risk = risk or self.open_at_risk(vacancy.reported_on, day, days)
                detail = _("reported %(reported)s, nomination due %(due)s") % {
                    "reported": day_text(vacancy.reported_on),
                    "due": day_text(due),
                }
            if ok is not None:
                judged += 1
                good += ok
            if data.evidence:
                rows.append(
                    Evidence(
                        label=str(vacancy.unit),
                        detail=detail,
                        ok=ok,
                        url=reverse("vacancies:vacancy_detail", args=[vacancy.pk]),
                        link_for=frozenset({"corporation", "board"}),
                    )
                )
        sentence = _(
            "%(good)s of %(judged)s vacancies reported in this period were nominated within "
            "{days} days; the agreement asks %(threshold)s%%."
        ).replace("{days}", str(days))
        return self.share_result(good, judged, sentence, rows, at_risk=risk)


class ConfirmationOnTime(Rule):
    """2. The corporation confirms or refuses a nomination within N days (its own duty)."""

    type = RuleType.CONFIRMATION_ON_TIME
    params_spec = {"days": Param(gettext_lazy("number of days"), 1, 365, 14)}

    def judge(self, data, association, period, day):
        days = self.params["days"]
        good = judged = 0
        risk = False
        rows = []
        for nomination in data.nominations(association.pk):
            nominated = timezone.localdate(nomination.nominated_at)
            if not period.contains(nominated) or nominated > day:
                continue
            due = nominated + dt.timedelta(days=days)
            decided = timezone.localdate(nomination.decided_at) if nomination.decided_at else None
            if decided is not None and decided > day:
                decided = None
            if decided is not None:
                ok = decided <= due
                detail = _("nominated %(nominated)s, %(decision)s %(decided)s: %(days)s days") % {
                    "nominated": day_text(nominated),
                    "decision": nomination.get_status_display(),
                    "decided": day_text(decided),
                    "days": (decided - nominated).days,
                }
            elif day > due:
                ok = False
                detail = _("nominated %(nominated)s, no decision by %(due)s") % {
                    "nominated": day_text(nominated),
                    "due": day_text(due),
                }
            else:
                ok = None
                risk = risk or self.open_at_risk(nominated, day, days)
                detail = _("nominated %(nominated)s, decision due %(due)s") % {
                    "nominated": day_text(nominated),
                    "due": day_text(due),
                }
            if ok is not None:
                judged += 1
                good += ok
            if data.evidence:
                rows.append(
                    Evidence(
                        label=str(nomination.vacancy.unit),
                        detail=detail,
                        ok=ok,
                        url=reverse("vacancies:nomination_detail", args=[nomination.pk]),
                        link_for=frozenset({"corporation", "board"}),
                    )
                )
        sentence = _(
            "The corporation decided on %(good)s of %(judged)s nominations of this period within "
            "{days} days; the agreement asks %(threshold)s%%."
        ).replace("{days}", str(days))
        return self.share_result(good, judged, sentence, rows, at_risk=risk)


class VacantDays(Rule):
    """3. A unit is vacant at most N days (the threshold); the figure is the longest."""

    type = RuleType.VACANT_DAYS
    direction = Direction.AT_MOST
    unit = "days"
    default_threshold = Decimal(60)
    default_band = Decimal(14)

    def judge(self, data, association, period, day):
        longest: int | None = None
        rows = []
        for vacancy in data.vacancies(association.pk):
            if vacancy.available_from > day:
                continue
            ended = vacancy.let_on or vacancy.closed_on
            if ended is not None and ended < period.start:
                continue
            if vacancy.status == Vacancy.Status.WITHDRAWN:
                continue
            until = ended if ended is not None and ended <= day else day
            vacant = max(0, (until - vacancy.available_from).days)
            longest = vacant if longest is None else max(longest, vacant)
            if not data.evidence:
                continue
            rows.append(
                Evidence(
                    label=str(vacancy.unit),
                    detail=(
                        _("vacant from %(start)s to %(end)s: %(days)s days")
                        if ended is not None and ended <= day
                        else _("vacant since %(start)s: %(days)s days so far")
                    )
                    % {
                        "start": day_text(vacancy.available_from),
                        "end": day_text(until),
                        "days": vacant,
                    },
                    ok=Decimal(vacant) <= self.threshold,
                    url=reverse("vacancies:vacancy_detail", args=[vacancy.pk]),
                    link_for=frozenset({"corporation", "board"}),
                )
            )
        if longest is None:
            return self.result(None, _("No unit was vacant in this period."))
        explanation = ngettext(
            "The longest vacancy in this period lasted %(days)s day; the agreement allows "
            "%(threshold)s.",
            "The longest vacancy in this period lasted %(days)s days; the agreement allows "
            "%(threshold)s.",
            longest,
        ) % {"days": longest, "threshold": number_text(self.threshold)}
        return self.result(Decimal(longest), explanation, rows)


def _contract_rows_running(data: Data, association_id: int, period: Period, day: dt.date):
    for contract in data.contracts(association_id):
        if contract.starts_on > day:
            continue
        if contract.closed_on is not None and contract.closed_on < period.start:
            continue
        yield contract


def _contract_evidence(contract: OmklapContract, detail: str, ok: bool | None) -> Evidence:
    return Evidence(
        label=str(contract),
        detail=detail,
        ok=ok,
        url=reverse("portal:contract_detail", args=[contract.pk]),
        link_for=frozenset({"corporation", "care"}),
        care_organisation_id=contract.care_organisation_id,
    )


class Monitoring(Rule):
    """5. Every running omklap contract has a monitoring moment at least every N months."""

    type = RuleType.MONITORING
    care = True
    params_spec = {
        "months": Param(gettext_lazy("number of months"), 1, 24, 6),
        "grace_days": Param(gettext_lazy("grace days"), 0, 90, 14),
    }

    def judge(self, data, association, period, day):
        months, grace = self.params["months"], self.params["grace_days"]
        good = judged = 0
        risk = False
        rows = []
        for contract in _contract_rows_running(data, association.pk, period, day):
            check_on = min(day, contract.closed_on) if contract.closed_on else day
            held = [d for d in contract.held if d <= check_on]
            last = held[-1] if held else contract.starts_on
            due = last + relativedelta(months=months) + dt.timedelta(days=grace)
            ok = check_on <= due
            judged += 1
            good += ok
            if ok and self.open_at_risk(last, check_on, (due - last).days):
                risk = True
            if not data.evidence:
                continue
            detail = (
                _("last moment %(last)s, next due %(due)s")
                if held
                else _("started %(last)s, no moment yet, first due %(due)s")
            ) % {"last": day_text(last), "due": day_text(due)}
            rows.append(_contract_evidence(contract, detail, ok))
        sentence = _(
            "%(good)s of %(judged)s running omklap contracts had a monitoring moment in time; "
            "the agreement asks %(threshold)s%%."
        )
        return self.share_result(good, judged, sentence, rows, at_risk=risk)


class DecisionBeforeEnd(Rule):
    """6. The conversion decision takes effect at least D days before the contract's end."""

    type = RuleType.DECISION_BEFORE_END
    care = True
    params_spec = {"days": Param(gettext_lazy("number of days"), 0, 365, 30)}

    def judge(self, data, association, period, day):
        days = self.params["days"]
        good = judged = 0
        risk = False
        rows = []
        for contract in data.contracts(association.pk):
            if not period.contains(contract.ends_on):
                continue
            deadline = contract.ends_on - dt.timedelta(days=days)
            decided = (
                [contract.decided_on] if contract.decided_on and contract.decided_on <= day else []
            )
            if decided:
                ok = decided[0] <= deadline
                detail = _("ends %(end)s, decided %(decided)s (due %(due)s)") % {
                    "end": day_text(contract.ends_on),
                    "decided": day_text(decided[0]),
                    "due": day_text(deadline),
                }
            elif day > deadline:
                ok = False
                detail = _("ends %(end)s, no decision by %(due)s") % {
                    "end": day_text(contract.ends_on),
                    "due": day_text(deadline),
                }
            else:
                ok = None
                risk = risk or (deadline - day).days <= 30
                detail = _("ends %(end)s, decision due %(due)s") % {
                    "end": day_text(contract.ends_on),
                    "due": day_text(deadline),
                }
            if ok is not None:
                judged += 1
                good += ok
            if data.evidence:
                rows.append(_contract_evidence(contract, detail, ok))
        sentence = _(
            "%(good)s of %(judged)s omklap contracts ending in this period had their decision "
            "in time; the agreement asks %(threshold)s%%."
        )
        return self.share_result(good, judged, sentence, rows, at_risk=risk)


def pseudonym(member_id: int) -> str:
    """'member 40718263': a keyed hash of the member's number, the same on every page. Never the
    number itself: it counts up in the order members were registered, which the corporation
    can follow (it registers the first board member and confirms who moves in when)."""
    key = derive_key(settings.SECRET_KEY, b"compliance member pseudonym")
    digest = hmac.new(key, str(member_id).encode(), hashlib.sha256).digest()
    return _("member %(number)s") % {"number": int.from_bytes(digest[:8]) % 10**8}


class ContributionHours(Rule):
    """8. At least P% of the regular and drager members meet their commitment (pledge or the
    association's default) on a rolling three-month average; exempted members left out."""

    type = RuleType.CONTRIBUTION_HOURS
    default_threshold = Decimal(75)
    MONTHS = 3

    def judge(self, data, association, period, day):
        window_end = month_start(day) + relativedelta(months=1)
        window_start = window_end - relativedelta(months=self.MONTHS)
        good = judged = 0
        rows = []
        for member in data.members(association.pk):
            if member.joined_on > day or (member.left_on is not None and member.left_on <= day):
                continue
            if data.group_on(member.pk, day) not in (MixGroup.REGULAR, MixGroup.DRAGER):
                continue
            exempt = [
                reason
                for reason, starts_on, ends_on in member.exemption_spans
                if starts_on < window_end and (ends_on is None or ends_on > window_start)
            ]
            if exempt:
                if data.evidence:
                    rows.append(
                        Evidence(
                            label=member.name,
                            detail=_("exempted: %(reason)s")
                            % {"reason": HoursExemption.Reason(exempt[0]).label},
                            member_id=member.pk,
                        )
                    )
                continue
            pledged = member.pledged_hours
            commitment = pledged if pledged is not None else association.monthly_hours
            total = sum(
                (h for d, h in data.hours.get(member.pk, []) if window_start <= d < window_end),
                Decimal(0),
            )
            average = (total / self.MONTHS).quantize(Decimal("0.1"), ROUND_HALF_UP)
            ok = average >= commitment
            judged += 1
            good += ok
            if not data.evidence:
                continue
            rows.append(
                Evidence(
                    label=member.name,
                    detail=_("%(average)s hours a month on average, commitment %(commitment)s")
                    % {"average": average, "commitment": commitment},
                    ok=ok,
                    member_id=member.pk,
                )
            )
        sentence = _(
            "%(good)s of %(judged)s regular and drager members met their hours on a rolling "
            "three-month average (exemptions left out); the agreement asks %(threshold)s%%."
        )
        return self.share_result(good, judged, sentence, rows)


class Activities(Rule):
    """9. At least N activities a month took place (not cancelled), optionally with at least
    M attendees; the figure is the lowest month of the period."""

    type = RuleType.ACTIVITIES
    unit = "activities"
    params_spec = {"min_attendees": Param(gettext_lazy("minimum attendees"), 0, 500, 0)}
    default_threshold = Decimal(4)
    default_band = Decimal(1)

    def judge(self, data, association, period, day):
        minimum = self.params["min_attendees"]
        # What has taken place by the end of the judged day (and not after now).
        cutoff = min(
            timezone.now(),
            timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)),
        )
        per_month: dict[dt.date, list[int]] = {m: [0, 0] for m in period.month_starts() if m <= day}
        rows = []
        for occurrence in data.occurrences(association.pk):
            month = month_start(timezone.localdate(occurrence.starts_at))
            if month not in per_month or occurrence.is_cancelled:
                continue
            took_place = occurrence.starts_at < cutoff
            attendees = occurrence.attended_count + occurrence.walk_ins
            counts = not minimum or attendees >= minimum
            if took_place and counts:
                per_month[month][0] += 1
            elif not took_place:
                per_month[month][1] += 1
        if not per_month:
            return self.result(None, _("The period has not started yet."))
        for month, (held, planned) in per_month.items():
            rows.append(
                Evidence(
                    label=date_format(month, "F Y"),
                    detail=_("%(held)s took place, %(planned)s still planned")
                    % {
                        "held": held,
                        "planned": planned,
                    },
                    ok=Decimal(held) >= self.threshold if not planned else None,
                )
            )
        lowest_month = min(per_month, key=lambda m: per_month[m][0])
        lowest = per_month[lowest_month][0]
        # The month in progress: activities still planned may yet make the number.
        planned_make_it = any(
            held < self.threshold <= held + planned for held, planned in per_month.values()
        )
        figure = Decimal(lowest)
        status_risk = planned_make_it and all(
            held + planned >= self.threshold for held, planned in per_month.values()
        )
        explanation = _(
            "The quietest month had %(count)s activities that took place%(attendees)s; the "
            "agreement asks at least %(threshold)s a month."
        ) % {
            "count": lowest,
            "threshold": number_text(self.threshold),
            "attendees": (_(" with at least %(n)s attendees") % {"n": minimum}) if minimum else "",
        }
        if status_risk:
            return Result(
                status=Status.AT_RISK,
                figure=figure,
                threshold=self.threshold,
                unit=self.unit,
                explanation=explanation,
                evidence=tuple(rows),
            )
        return self.result(figure, explanation, rows)


class VragersTakePart(Rule):
    """10. At least P% of the vragers attended at least one activity in the period."""

    type = RuleType.VRAGERS_TAKE_PART
    care = True
    default_threshold = Decimal(50)

    def judge(self, data, association, period, day):
        end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
        start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
        good = judged = 0
        for member in data.members(association.pk):
            if member.joined_on > day or (member.left_on is not None and member.left_on <= day):
                continue
            if data.group_on(member.pk, day) != MixGroup.VRAGER:
                continue
            judged += 1
            good += any(start <= at < end for at in data.attendance.get(member.pk, []))
        sentence = _(
            "%(good)s of %(judged)s vragers took part in at least one activity in this period; "
            "the agreement asks %(threshold)s%%."
        )
        # Aggregates only: no row per resident.
        return self.share_result(good, judged, sentence, [])


class Mix(Rule):
    """4. On the reference day the mix stays within X points of the target per group; the
    forecast adds the nominations still waiting for the corporation."""

    type = RuleType.MIX
    direction = Direction.AT_MOST
    unit = "points"
    default_threshold = Decimal(10)
    default_band = Decimal(3)

    def judge(self, data, association, period, day):
        counts = dict.fromkeys(MixGroup.values, 0)
        for tenancy in data.tenancies(association.pk):
            if tenancy.starts_on <= day and (tenancy.ends_on is None or day < tenancy.ends_on):
                group = data.group_on(tenancy.member_id, day)
                if group in counts:
                    counts[group] += 1
        total = sum(counts.values())
        if total == 0:
            return self.result(None, _("No residents on the reference day."))
        target = association.mix_target
        forecast = dict(counts)
        for nomination in data.nominations(association.pk):
            nominated = timezone.localdate(nomination.nominated_at)
            pending = (
                nomination.decided_at is None or timezone.localdate(nomination.decided_at) > day
            )
            if nominated <= day and pending and nomination.group in forecast:
                forecast[nomination.group] += 1
        forecast_total = sum(forecast.values())
        rows = []
        worst = Decimal(0)
        worst_forecast = Decimal(0)
        for group in MixGroup.values:
            share = percent(counts[group], total)
            off = abs(share - target[group])
            worst = max(worst, off)
            forecast_share = percent(forecast[group], forecast_total)
            worst_forecast = max(worst_forecast, abs(forecast_share - target[group]))
            rows.append(
                Evidence(
                    label=str(MixGroup(group).label),
                    detail=_(
                        "%(share)s%% (target %(target)s%%), with pending nominations %(forecast)s%%"
                    )
                    % {"share": share, "target": target[group], "forecast": forecast_share},
                    ok=off <= self.threshold,
                )
            )
        explanation = _(
            "On %(day)s the mix was at most %(points)s points off the target (%(forecast)s with "
            "the nominations waiting); the agreement allows %(threshold)s."
        ) % {
            "day": day_text(day),
            "points": worst,
            "forecast": worst_forecast,
            "threshold": number_text(self.threshold),
        }
        return self.result(worst, explanation, rows, at_risk=worst_forecast > self.threshold)


class MotivatedDecisions(Rule):
    """11. Every candidate not taken got a motivated decision within N days of the
    applications closing, and their data was erased within the retention period."""

    type = RuleType.MOTIVATED_DECISIONS
    params_spec = {"days": Param(gettext_lazy("number of days"), 1, 365, 14)}

    def judge(self, data, association, period, day):
        days = self.params["days"]
        retention = settings.COOP_CANDIDATE_RETENTION_DAYS
        good = judged = 0
        risk = False
        rows = []
        for candidate in data.candidates(association.pk):
            vacancy = candidate.vacancy
            closed = timezone.localdate(vacancy.applications_close_at)
            label = _("candidate %(number)s for %(unit)s") % {
                "number": candidate.pk,
                "unit": vacancy.unit,
            }
            # The motivated decision, judged in the period its deadline falls in.
            due = closed + dt.timedelta(days=days)
            if period.contains(due) and closed <= day:
                sent = (
                    timezone.localdate(candidate.rejection_sent_at)
                    if candidate.rejection_sent_at
                    else None
                )
                if sent is not None and sent <= day:
                    ok = sent <= due and bool(candidate.decision_reason)
                    detail = _("decision sent %(sent)s, due %(due)s") % {
                        "sent": day_text(sent),
                        "due": day_text(due),
                    }
                elif day > due:
                    ok = False
                    detail = _("no decision sent by %(due)s") % {"due": day_text(due)}
                else:
                    ok = None
                    risk = risk or self.open_at_risk(closed, day, days)
                    detail = _("decision due %(due)s") % {"due": day_text(due)}
                if ok is not None:
                    judged += 1
                    good += ok
                if data.evidence:
                    rows.append(Evidence(label=label, detail=detail, ok=ok))
            # The erasure, judged in the period its deadline falls in.
            if vacancy.closed_on is not None:
                erase_by = vacancy.closed_on + dt.timedelta(days=retention)
                if period.contains(erase_by) and erase_by <= day:
                    erased = (
                        timezone.localdate(candidate.erased_at) if candidate.erased_at else None
                    )
                    ok = erased is not None and erased <= erase_by
                    judged += 1
                    good += ok
                    if not data.evidence:
                        continue
                    rows.append(
                        Evidence(
                            label=label,
                            detail=(
                                _("data erased %(erased)s, due %(due)s")
                                if erased
                                else _("data not erased by %(due)s")
                            )
                            % {
                                "erased": day_text(erased) if erased else "",
                                "due": day_text(erase_by),
                            },
                            ok=ok,
                        )
                    )
        sentence = _(
            "%(good)s of %(judged)s decisions and erasures due in this period were in time; "
            "the agreement asks %(threshold)s%%."
        )
        return self.share_result(good, judged, sentence, rows, at_risk=risk)


class ConversionOutcomes(Rule):
    """7. Conversion outcomes of the period: converted, extended, ended, and whether those
    converted were still housed 12 and 24 months later; the figure is the share converted of
    the contracts that closed."""

    type = RuleType.CONVERSION_OUTCOMES
    care = True
    default_threshold = Decimal(60)

    def judge(self, data, association, period, day):
        converted = ended = extended = 0
        housed = {12: [0, 0], 24: [0, 0]}  # months after conversion: [still housed, judged]
        rows = []
        for contract in data.contracts(association.pk):
            closed = contract.closed_on
            on = contract.extended_on
            if on is not None and period.contains(on) and on <= day:
                extended += 1
            if closed is None or not period.contains(closed) or closed > day:
                continue
            if contract.stage == OmklapContract.Stage.CONVERTED:
                converted += 1
                outcome = _("converted %(day)s") % {"day": day_text(closed)}
                for months, tally in housed.items():
                    at = closed + relativedelta(months=months)
                    if at <= data.as_of:
                        tally[1] += 1
                        tally[0] += contract.housed_until is None or contract.housed_until > at
            else:
                ended += 1
                outcome = _("ended %(day)s") % {"day": day_text(closed)}
            if data.evidence:
                rows.append(_contract_evidence(contract, outcome, None))
        suppress = self.care
        if converted + ended == 0:
            return self.result(
                None,
                _("No omklap contract closed in this period (%(extended)s extended).")
                % {"extended": count_text(extended, suppress=suppress)},
                rows,
            )
        explanation = _(
            "Converted %(converted)s, extended %(extended)s, ended %(ended)s; still housed "
            "after 12 months %(h12)s of %(j12)s, after 24 months %(h24)s of %(j24)s. The "
            "agreement asks %(threshold)s%% converted."
        ) % {
            "converted": count_text(converted, suppress=suppress),
            "extended": count_text(extended, suppress=suppress),
            "ended": count_text(ended, suppress=suppress),
            "h12": count_text(housed[12][0], suppress=suppress),
            "j12": count_text(housed[12][1], suppress=suppress),
            "h24": count_text(housed[24][0], suppress=suppress),
            "j24": count_text(housed[24][1], suppress=suppress),
            "threshold": number_text(self.threshold),
        }
        return self.result(percent(converted, converted + ended), explanation, rows)


RULES: dict[str, type[Rule]] = {
    rule.type: rule
    for rule in (
        NominationOnTime,
        ConfirmationOnTime,
        VacantDays,
        Mix,
        Monitoring,
        DecisionBeforeEnd,
        ContributionHours,
        Activities,
        VragersTakePart,
        MotivatedDecisions,
        ConversionOutcomes,
    )
}


def rule_for(commitment) -> Rule:
    rule_class = RULES.get(commitment.rule)
    if rule_class is None:
        raise DomainError(
            _("This kind of rule cannot be judged yet."), code="rule_not_available", field="rule"
        )
    return rule_class(
        params=commitment.params, threshold=commitment.threshold, band=commitment.at_risk_band
    )


@dataclass
class Judged:
    """A commitment's result for one period, with the previous period's for the trend."""

    commitment: Any
    period: Period
    result: Result
    previous: Result | None = None
    history: list[tuple[Period, Result]] = field(default_factory=list)

    @property
    def trend(self) -> str:
        """better, worse or same against the previous period ('' when either has no figure)."""
        if self.previous is None or self.previous.figure is None or self.result.figure is None:
            return ""
        change = self.result.figure - self.previous.figure
        if change == 0:
            return "same"
        rule_class = RULES.get(self.commitment.rule)
        at_most = rule_class is not None and rule_class.direction == Direction.AT_MOST
        return "better" if (change < 0) == at_most else "worse"
