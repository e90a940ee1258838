"""Reads across members, tenancies and groups: the mix and the people a user may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, Exists, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from coop.counting import Waiting
from coop.models import Association, AuditAction, AuditEntry, Building, Organisation, Unit, User
from members.models import CareAssignment, Invitation, Member, MixGroup, Tenancy, group_on

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GROUPS: tuple[str, ...] = tuple(MixGroup.values)


@dataclass(frozen=True)
class Mix:
    """Counts of residents per group against the target shares (in percent)."""

    counts: dict[str, int]
    target: dict[str, int]
    unknown: int = 0

    @cached_property
    def total(self) -> int:
        return sum(self.counts.values())

    @cached_property
    def shares(self) -> dict[str, float]:
        total = self.total
        return {g: (100.0 * self.counts[g] / total if total else 0.0) for g in GROUPS}

    @cached_property
    def deviation(self) -> dict[str, float]:
        """Share minus target, in percentage points (negative: too few)."""
        shares = self.shares
        return {g: shares[g] - self.target[g] for g in GROUPS}

    @property
    def max_deviation_pts(self) -> int:
        return round(self.max_deviation)

    @property
    def off_target(self) -> bool:
        return self.max_deviation > MixRow.TOLERANCE

    @cached_property
    def max_deviation(self) -> float:
        return max((abs(v) for v in self.deviation.values()), default=0.0)

    @cached_property
    def rows(self) -> list[MixRow]:
        shares, deviation = self.shares, self.deviation
        return [
            MixRow(
                group=g,
                label=MixGroup(g).label,
                count=self.counts[g],
                share=shares[g],
                target=self.target[g],
                deviation=deviation[g],
            )
            for g in GROUPS
        ]

    def with_change(self, *, add: str | None, remove: str | None) -> Mix:
        counts = dict(self.counts)
        if remove:
            counts[remove] = max(0, counts[remove] - 1)
        if add:
            counts[add] += 1
        return Mix(counts=counts, target=self.target, unknown=self.unknown)

    def suggested_group(self) -> str:
        """The group whose next resident brings the mix closest to the target."""
        return min(GROUPS, key=lambda g: (self.with_change(add=g, remove=None).max_deviation, g))

    @property
    def suggested_group_label(self) -> str:
        return str(MixGroup(self.suggested_group()).label)


@dataclass(frozen=True)
class MixRow:
    group: str
    label: StrOrPromise
    count: int
    share: float
    target: int
    deviation: float

    # Shown as whole percentages and points; more than this many points off is flagged.
    TOLERANCE = 5

    @property
    def share_pct(self) -> int:
        return round(self.share)

    @property
    def deviation_pts(self) -> str:
        points = round(self.deviation)
        return f"+{points}" if points > 0 else str(points)

    @property
    def off_target(self) -> bool:
        return abs(self.deviation) > self.TOLERANCE


@dataclass(frozen=True)
class MixLine:
    """One line of a mix overview: an association or a building."""

    name: str
    mix: Mix
    url: str = ""
    address: str = ""


@dataclass
class AssociationMix:
    association: Association
    mix: Mix
    buildings: list[tuple[Building, Mix]] = field(default_factory=list)


def _resident_counts(tenancies, on: dt.date) -> dict[tuple[int, int], dict[str, int]]:
    """(association id, building id) -> counts per group of current residents, in one query."""
    rows = (
        tenancies.current(on)
        .annotate(group=group_on(on, member=OuterRef("member_id")))
        .values("unit__building__association_id", "unit__building_id", "group")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for row in rows:
        key = (row["unit__building__association_id"], row["unit__building_id"])
        group = row["group"]
        counts[key][group] = counts[key].get(group, 0) + row["n"]
    return counts


def _mix_from(counts: Iterable[dict[str, int]], target: dict[str, int]) -> Mix:
    total = {g: 0 for g in GROUPS}
    unknown = 0
    for per_group in counts:
        for group, n in per_group.items():
            if group in total:
                total[group] += n
            else:
                unknown += n
    return Mix(counts=total, target=target, unknown=unknown)


def association_mix(association: Association, *, on: dt.date | None = None) -> AssociationMix:
    """The mix of an association and of each of its buildings (two queries)."""
    on = on or timezone.localdate()
    counts = _resident_counts(Tenancy.objects.filter(unit__building__association=association), on)
    target = association.mix_target
    buildings = list(association.buildings.all())
    return AssociationMix(
        association=association,
        mix=_mix_from(counts.values(), target),
        buildings=[
            (b, _mix_from([counts.get((association.pk, b.pk), {})], target)) for b in buildings
        ],
    )


def corporation_mixes(
    corporation: Organisation, *, on: dt.date | None = None
) -> list[AssociationMix]:
    """Every association of a corporation with its mix against the target (two queries)."""
    on = on or timezone.localdate()
    associations = list(corporation.associations.order_by("name"))
    counts = _resident_counts(
        Tenancy.objects.filter(unit__building__association__corporation=corporation), on
    )
    by_association: dict[int, list[dict[str, int]]] = defaultdict(list)
    for (association_id, _building_id), per_group in counts.items():
        by_association[association_id].append(per_group)
    return [
        AssociationMix(association=a, mix=_mix_from(by_association[a.pk], a.mix_target))
        for a in associations
    ]


@dataclass(frozen=True)
class UnitOutlook:
    """A unit's building: its mix now, and with a new resident of each group in the unit."""

    current: Mix
    leaving: str | None
    projections: dict[str, Mix]

    @property
    def suggested_group(self) -> str:
        return min(GROUPS, key=lambda g: (self.projections[g].max_deviation, g))


def unit_outlook(unit: Unit, *, on: dt.date | None = None) -> UnitOutlook:
    """The building's mix now and as it would be after each kind of letting (one query:
    residents per group, with the unit's own current resident counted apart)."""
    on = on or timezone.localdate()
    building = unit.building
    rows = (
        Tenancy.objects.current(on)
        .filter(unit__building=building)
        .annotate(
            group=group_on(on, member=OuterRef("member_id")),
            here=Case(When(unit_id=unit.pk, then=Value(True)), default=Value(False)),
        )
        .values("group", "here")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, int] = {}
    leaving = None
    for row in rows:
        counts[row["group"]] = counts.get(row["group"], 0) + row["n"]
        if row["here"]:
            leaving = row["group"]
    mix = _mix_from([counts], building.association.mix_target)
    return UnitOutlook(
        current=mix,
        leaving=leaving,
        projections={g: mix.with_change(add=g, remove=leaving) for g in GROUPS},
    )


def members_without_account(association: Association):
    """Active members who have not accepted an invitation yet: they cannot vote online."""
    return Member.objects.active().filter(association=association, user__isnull=True)


def current_home(member: Member, *, on: dt.date | None = None) -> Tenancy | None:
    """The member's current tenancy with its unit and building, if any."""
    return (
        Tenancy.objects.current(on)
        .filter(member=member)
        .select_related("unit__building")
        .order_by("-starts_on")
        .first()
    )


def care_clients(organisation: Organisation, *, on: dt.date | None = None):
    """Current clients of a care organisation's workers, with their worker and home."""
    on = on or timezone.localdate()
    home = Tenancy.objects.current(on).filter(member=OuterRef("member_id"))
    return (
        CareAssignment.objects.current(on)
        .filter(organisation=organisation)
        .select_related("member__association", "worker")
        .annotate(
            unit_number=Subquery(home.values("unit__number")[:1]),
            building_name=Subquery(home.values("unit__building__name")[:1]),
        )
        .order_by("member__name", "worker__last_name")
    )


# -- what waits for the board, for the dashboard's "For you" (counted together with the rest) --


def members_to_invite(association: Association, *, now: dt.datetime | None = None):
    """Active members without an account and without a valid invitation, by name."""
    valid = Invitation.objects.pending().filter(
        member=OuterRef("pk"), expires_at__gt=now or timezone.now()
    )
    return members_without_account(association).exclude(Exists(valid)).order_by("name")


def members_to_invite_waiting(association: Association) -> Waiting:
    """The members inviting everyone would invite."""
    return Waiting(members_to_invite(association))


def invitations_expired(association: Association) -> Waiting:
    """Invitations that ran out unanswered for members still without an account: the one that
    expired first and how many."""
    invitations = (
        Invitation.objects.pending()
        .filter(association=association, expires_at__lte=timezone.now(), member__user__isnull=True)
        .order_by("expires_at", "pk")
    )
    return Waiting(invitations, ("expires_at",))


def closed_accounts():
    """Accounts closed after their owner left: inactive, neither the platform administrator nor
    staff of the site, with a membership that ended, and closed by the daily job (its audit
    entry), not switched off by hand. An invitation to the same address may reopen one."""
    closed_by_leaving = AuditEntry.objects.filter(
        action=AuditAction.ACCOUNT_CLOSED,
        target_type=User._meta.label_lower,
        target_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return User.objects.filter(is_active=False, is_superuser=False, is_staff=False).filter(
        Exists(Member.objects.filter(user=OuterRef("pk"), status=Member.Status.LEFT)),
        Exists(closed_by_leaving),
    )


def closed_account_for(email: str) -> User | None:
    """The closed account of a former member with this address, if there is one."""
    return closed_accounts().filter(email__iexact=email).first()
