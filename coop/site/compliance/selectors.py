"""Reads: the versions in force, and each commitment judged per period for many associations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Association
from coop.site.compliance.models import AgreementVersion, Commitment, ExportFile, FollowUp
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import (
    RULES,
    SEVERITY,
    Data,
    Judged,
    Result,
    Status,
)

HISTORY = 12


def versions_in_force(association_ids: Iterable[int]) -> dict[int, list[AgreementVersion]]:
    """One query: the commitments of the signed versions of the associations' agreements,
    with their versions (newest first); each version's are in ``version.commitment_list``."""
    commitments = (
        Commitment.objects.filter(
            version__agreement__association_id__in=list(association_ids),
            version__in_force=True,
        )
        .select_related("version__agreement")
        .order_by("-version__starts_on", "-version__number", "position", "pk")
    )
    versions: dict[int, AgreementVersion] = {}
    grouped: dict[int, list[AgreementVersion]] = defaultdict(list)
    for commitment in commitments:
        version = versions.get(commitment.version_id)
        if version is None:
            version = versions[commitment.version_id] = commitment.version
            version.commitment_list = []
            grouped[version.agreement.association_id].append(version)
        commitment.version = version
        version.commitment_list.append(commitment)
    return grouped


def version_for(versions: list[AgreementVersion], day: dt.date) -> AgreementVersion | None:
    """The version in force on ``day``: the newest signed one that had started by then."""
    for version in versions:  # newest first
        if version.starts_on <= day:
            return version
    return None


def commitment_in(versions: list[AgreementVersion], key: str, period: Period) -> Commitment | None:
    """The commitment with ``key`` of the version that governed ``period`` (its last day)."""
    version = version_for(versions, period.last_day)
    if version is None:
        return None
    for commitment in version.commitment_list:
        if commitment.key == key:
            return commitment
    return None


def _no_agreement(period: Period) -> Result:
    return Result(
        status=Status.NO_DATA,
        figure=None,
        threshold=None,
        unit="",
        explanation=_("No signed agreement covered this period."),
    )


def current_period(commitment: Commitment, today: dt.date) -> Period:
    return Period.containing(
        commitment.period_kind, today, rolling_months=commitment.rolling_months
    )


def _judge(versions, commitment, association, period, data, as_of) -> Result:
    governing = commitment_in(versions, commitment.key, period)
    if governing is None:
        return _no_agreement(period)
    rule_class = RULES.get(governing.rule)
    if rule_class is None:
        return Result(
            status=Status.NO_DATA,
            figure=None,
            threshold=governing.threshold,
            unit="",
            explanation=_("This kind of rule cannot be judged yet."),
        )
    rule = rule_class(
        params=governing.params, threshold=governing.threshold, band=governing.at_risk_band
    )
    return rule.evaluate(association, period, as_of=as_of, data=data)


@dataclass
class AssociationLine:
    association: Association
    judged: list[Judged] = field(default_factory=list)

    @property
    def worst(self) -> int:
        return min((SEVERITY[j.result.status] for j in self.judged), default=9)


def corporation_overview(
    associations: list[Association],
    *,
    today: dt.date | None = None,
    history: int = 1,
    evidence: bool = False,
) -> list[AssociationLine]:
    """Every association against every commitment of its version in force, for the current
    period, with the previous period for the trend (and ``history`` periods for a chart).
    The queries depend on the kinds of rule in the agreements, not on the associations.
    The overview shows states and figures only: its results carry evidence rows only when
    asked for ``evidence`` (an association's own page, the exports)."""
    today = today or timezone.localdate()
    versions = versions_in_force(a.pk for a in associations)
    plans = []
    periods = []
    for association in associations:
        current = version_for(versions.get(association.pk, []), today)
        commitments = list(current.commitment_list) if current else []
        for commitment in commitments:
            period = current_period(commitment, today)
            series = period.last(max(history, 2))
            periods.extend(series)
            plans.append((association, commitment, series))
    lines = {a.pk: AssociationLine(a) for a in associations}
    if not plans:
        return list(lines.values())
    data = Data.for_periods(lines, periods, today, evidence=evidence)
    for association, commitment, series in plans:
        own = versions.get(association.pk, [])
        results = [(p, _judge(own, commitment, association, p, data, today)) for p in series]
        lines[association.pk].judged.append(
            Judged(
                commitment=commitment,
                period=series[-1],
                result=results[-1][1],
                previous=results[-2][1],
                history=results[-history:],
            )
        )
    return list(lines.values())


def association_compliance(
    association: Association, *, today: dt.date | None = None, history: int = HISTORY
) -> list[Judged]:
    """Each commitment in force for one association with its last ``history`` periods."""
    (line,) = corporation_overview([association], today=today, history=history, evidence=True)
    return line.judged


def follow_ups_for(commitments: Iterable[Commitment]) -> dict[tuple[str, dt.date], FollowUp]:
    """The follow-ups of the commitments' keys, by (key, period start): one query."""
    commitments = list(commitments)
    if not commitments:
        return {}
    agreement_ids = {c.version.agreement_id for c in commitments}
    rows = FollowUp.objects.filter(
        commitment__version__agreement_id__in=agreement_ids
    ).select_related("commitment", "recorded_by", "resolved_by")
    return {(f.commitment.key, f.period_start): f for f in rows}


def export_status_shown(export: ExportFile, *, now: dt.datetime | None = None) -> str:
    """The export's status as its page tells it: one still waiting or being made that has not
    moved for ``COMPLIANCE_EXPORT_STALE_MINUTES`` counts as failed (no worker took it up, or
    it died), so the page stops refreshing and offers to try again. A worker that still
    finishes it later makes it ready."""
    if not export.is_pending:
        return export.status
    now = now or timezone.now()
    still_for = now - export.progressed_at
    if still_for >= dt.timedelta(minutes=settings.COMPLIANCE_EXPORT_STALE_MINUTES):
        return ExportFile.Status.FAILED
    return export.status
