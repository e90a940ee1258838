"""State changes of agreements: draft a version, add commitments, sign, follow up a breach."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit
from coop.models import Association, AuditAction, Organisation, User
from coop.services import audit_record
from coop.site.compliance.access import compliance_access
from coop.site.compliance.models import (
    Agreement,
    AgreementVersion,
    Commitment,
    ExportFile,
    FollowUp,
    FrozenResult,
    HoursExemption,
    Owner,
    PeriodKind,
)
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import RULES, Status, rule_for
from coop.site.compliance.selectors import (
    commitment_in,
    current_period,
    versions_in_force,
)
from members.access import Viewer, load_viewer
from members.models import Member

logger = logging.getLogger(__name__)


class Side:
    CORPORATION = "corporation"
    BOARD = "board"


def _corporation_staff(actor: User, corporation_id: int) -> Viewer:
    viewer = load_viewer(actor)
    if corporation_id not in viewer.corporation_ids:
        raise DomainError(
            _("Only the corporation's staff may do this."), code="not_corporation_staff"
        )
    return viewer


def _board(actor: User, association: Association) -> Viewer:
    viewer = load_viewer(actor)
    if not viewer.may_manage(association):
        raise DomainError(_("Only the association's board may do this."), code="not_the_board")
    return viewer


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    association: Association,
    title: str,
    care_organisation: Organisation | None = None,
    show_member_names: bool = False,
) -> Agreement:
    """The corporation's staff open the agreement with an association."""
    _corporation_staff(actor, association.corporation_id)
    title = title.strip()
    if not title:
        raise DomainError(_("Give the agreement a title."), code="title_missing", field="title")
    if care_organisation is not None and care_organisation.kind != Organisation.Kind.CARE:
        raise DomainError(
            _("Choose a care organisation."), code="not_a_care_organisation", field="care"
        )
    if Agreement.objects.filter(association=association).exists():
        raise DomainError(
            _("This association already has an agreement: make a new version of it."),
            code="agreement_exists",
        )
    agreement = Agreement.objects.create(
        corporation_id=association.corporation_id,
        association=association,
        care_organisation=care_organisation,
        title=title,
        show_member_names=show_member_names,
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_AGREEMENT_CREATED,
        target=agreement,
        association=association,
    )
    return agreement


def _check_start(agreement: Agreement, starts_on: dt.date) -> None:
    latest = agreement.versions.filter(in_force=True).aggregate(latest=Max("starts_on"))["latest"]
    if latest is not None and starts_on <= latest:
        raise DomainError(
            _("A new version must start after %(day)s, when the version in force began.")
            % {"day": latest.isoformat()},
            code="version_starts_too_early",
            field="starts_on",
        )


@transaction.atomic
def agreement_version_draft(
    *,
    actor: User,
    agreement: Agreement,
    starts_on: dt.date,
    note: str = "",
    copy_from: AgreementVersion | None = None,
) -> AgreementVersion:
    """A new draft version from a chosen date; editing copies the commitments of a version,
    which stays as it was for the periods it covered."""
    # Lock the agreement: two drafts must not take the same number.
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _corporation_staff(actor, agreement.corporation_id)
    _check_start(agreement, starts_on)
    if copy_from is not None and copy_from.agreement_id != agreement.pk:
        raise DomainError(_("That version belongs to another agreement."), code="wrong_agreement")
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        starts_on=starts_on,
        note=note.strip(),
        created_by=actor,
    )
    if copy_from is not None:
        Commitment.objects.bulk_create(
            Commitment(
                version=version,
                key=c.key,
                rule=c.rule,
                params=c.params,
                period_kind=c.period_kind,
                rolling_months=c.rolling_months,
                threshold=c.threshold,
                at_risk_band=c.at_risk_band,
                owner=c.owner,
                position=c.position,
            )
            for c in copy_from.commitments.all()
        )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_VERSION_DRAFTED,
        target=version,
        association=agreement.association,
        data={
            "number": number,
            "starts_on": starts_on.isoformat(),
            "copy_from": copy_from and copy_from.pk,
        },
    )
    return version


def _draft_locked(version: AgreementVersion) -> AgreementVersion:
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__association")
        .get(pk=version.pk)
    )
    if version.in_force:
        raise DomainError(
            _("A signed version cannot be changed: make a new version."), code="version_signed"
        )
    if version.corporation_signed_at or version.board_signed_at:
        raise DomainError(
            _("One side has signed this version: it cannot be changed any more."),
            code="version_signed",
        )
    return version


@dataclass(frozen=True)
class CommitmentTerms:
    rule: str
    threshold: Decimal | int | str | None = None
    at_risk_band: Decimal | int | str | None = None
    params: dict[str, Any] | None = None
    period_kind: str = PeriodKind.MONTH
    rolling_months: int | None = None
    owner: str | None = None
    key: str = ""


def _decimal(value, *, field: str, default: Decimal) -> Decimal:
    if value is None or value == "":
        return default
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number > Decimal("99999"):
        raise DomainError(_("Give a number of zero or more."), code="invalid_number", field=field)
    return number.quantize(Decimal("0.1"))


@transaction.atomic
def commitment_add(*, actor: User, version: AgreementVersion, terms: CommitmentTerms) -> Commitment:
    """A commitment on a draft version, its parameters checked against its rule type."""
    # Lock the version: a signature and a change must not interleave.
    version = _draft_locked(version)
    _corporation_staff(actor, version.agreement.corporation_id)
    rule_class = RULES.get(terms.rule)
    if rule_class is None:
        raise DomainError(_("Choose a kind of rule."), code="unknown_rule", field="rule")
    params = rule_class.validate(terms.params)
    if terms.period_kind not in PeriodKind.values:
        raise DomainError(_("Choose a period."), code="unknown_period", field="period_kind")
    rolling = terms.rolling_months
    if terms.period_kind == PeriodKind.ROLLING:
        if not isinstance(rolling, int) or not 1 <= rolling <= 24:
            raise DomainError(
                _("A rolling period runs over 1 to 24 months."),
                code="invalid_rolling_months",
                field="rolling_months",
            )
    else:
        rolling = None
    owner = terms.owner or (
        Owner.CORPORATION if terms.rule == "confirmation_on_time" else Owner.ASSOCIATION
    )
    if owner not in Owner.values:
        raise DomainError(_("Choose who owns the commitment."), code="unknown_owner", field="owner")
    key = terms.key or terms.rule.replace("_", "-")
    if version.commitments.filter(key=key).exists():
        raise DomainError(
            _("This version already has that commitment."), code="commitment_exists", field="rule"
        )
    commitment = Commitment.objects.create(
        version=version,
        key=key,
        rule=terms.rule,
        params=params,
        period_kind=terms.period_kind,
        rolling_months=rolling,
        threshold=_decimal(
            terms.threshold, field="threshold", default=rule_class.default_threshold
        ),
        at_risk_band=_decimal(
            terms.at_risk_band, field="at_risk_band", default=rule_class.default_band
        ),
        owner=owner,
        position=version.commitments.count(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_COMMITMENT_ADDED,
        target=commitment,
        association=version.agreement.association,
        data={"version": version.pk, "rule": terms.rule, "params": params},
    )
    return commitment


@transaction.atomic
def commitment_remove(*, actor: User, commitment: Commitment) -> None:
    version = _draft_locked(commitment.version)
    _corporation_staff(actor, version.agreement.corporation_id)
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_COMMITMENT_REMOVED,
        target=commitment,
        association=version.agreement.association,
        data={"version": version.pk, "rule": commitment.rule},
    )
    commitment.delete()


@transaction.atomic
def agreement_version_sign(
    *, actor: User, version: AgreementVersion, side: str
) -> AgreementVersion:
    """One side signs (corporation staff or the association's board); with both signatures the
    version is in force from its start date."""
    # Lock the version: two signatures must not both think they are the first.
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__association")
        .get(pk=version.pk)
    )
    association = version.agreement.association
    if side == Side.CORPORATION:
        _corporation_staff(actor, version.agreement.corporation_id)
    elif side == Side.BOARD:
        _board(actor, association)
    else:
        raise DomainError(_("You cannot sign for this side."), code="not_a_signatory")
    if version.in_force or getattr(version, f"{side}_signed_at") is not None:
        raise DomainError(_("Your side has already signed this version."), code="already_signed")
    if not version.commitments.exists():
        raise DomainError(
            _("A version without commitments cannot be signed."), code="version_empty"
        )
    _check_start(version.agreement, version.starts_on)
    setattr(version, f"{side}_signed_by", actor)
    setattr(version, f"{side}_signed_at", timezone.now())
    version.in_force = bool(version.corporation_signed_at and version.board_signed_at)
    version.save()
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_VERSION_SIGNED,
        target=version,
        association=association,
        data={"side": side, "in_force": version.in_force},
    )
    return version


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    commitment: Commitment,
    period: Period,
    explanation: str,
    action: str,
    due_on: dt.date,
) -> FollowUp:
    """The board explains a breach and says what it will do, by when."""
    association = commitment.version.agreement.association
    _board(actor, association)
    explanation, action = explanation.strip(), action.strip()
    if not explanation or not action:
        raise DomainError(
            _("Give both the explanation and the action."), code="follow_up_incomplete"
        )
    today = timezone.localdate()
    if due_on < today:
        raise DomainError(
            _("The action cannot be due in the past."), code="due_in_past", field="due_on"
        )
    if due_on > today + dt.timedelta(days=730):
        raise DomainError(
            _("The action must be due within two years."), code="due_too_far", field="due_on"
        )
    if rule_for(commitment).evaluate(association, period).status != Status.BREACHED:
        raise DomainError(_("Only a breached commitment gets a follow-up."), code="not_breached")
    if FollowUp.objects.filter(
        commitment__version__agreement=commitment.version.agreement,
        commitment__key=commitment.key,
        period_start=period.start,
    ).exists():
        raise DomainError(_("This breach already has a follow-up."), code="follow_up_exists")
    follow_up = FollowUp.objects.create(
        commitment=commitment,
        period_start=period.start,
        period_end=period.end,
        explanation=explanation,
        action=action,
        due_on=due_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_FOLLOW_UP_RECORDED,
        target=follow_up,
        association=association,
        data={"commitment": commitment.pk, "period": period.start.isoformat()},
    )
    return follow_up


@transaction.atomic
def follow_up_resolve(*, actor: User, follow_up: FollowUp, resolution: str = "") -> FollowUp:
    """The corporation marks the board's follow-up resolved."""
    # Lock the follow-up: it is resolved once.
    follow_up = (
        FollowUp.objects.select_for_update()
        .select_related("commitment__version__agreement__association")
        .get(pk=follow_up.pk)
    )
    agreement = follow_up.commitment.version.agreement
    _corporation_staff(actor, agreement.corporation_id)
    if follow_up.resolved_at is not None:
        raise DomainError(_("This follow-up is already resolved."), code="already_resolved")
    follow_up.resolved_by = actor
    follow_up.resolved_at = timezone.now()
    follow_up.resolution = resolution.strip()
    follow_up.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_FOLLOW_UP_RESOLVED,
        target=follow_up,
        association=agreement.association,
    )
    return follow_up


@transaction.atomic
def hours_exemption_record(
    *,
    actor: User,
    member: Member,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> HoursExemption:
    """The board leaves a member out of the hours commitment for a while."""
    _board(actor, member.association)
    if reason not in HoursExemption.Reason.values:
        raise DomainError(_("Choose a reason."), code="unknown_reason", field="reason")
    if ends_on is not None and ends_on <= starts_on:
        raise DomainError(
            _("The exemption must end after it starts."), code="ends_before_start", field="ends_on"
        )
    exemption = HoursExemption.objects.create(
        member=member, reason=reason, starts_on=starts_on, ends_on=ends_on, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_HOURS_EXEMPTION_RECORDED,
        target=exemption,
        association=member.association,
        data={"reason": reason},
    )
    return exemption


def _frozen_content(association_id: int, commitment: Commitment, period: Period, result) -> dict:
    return {
        "association": association_id,
        "key": commitment.key,
        "rule": commitment.rule,
        "params": commitment.params,
        "period": [period.start.isoformat(), period.end.isoformat()],
        "status": str(result.status),
        "figure": None if result.figure is None else str(result.figure),
        "threshold": str(commitment.threshold),
        "explanation": str(result.explanation),
        "evidence": [
            {"label": row.label, "detail": row.detail, "ok": row.ok, "url": row.url}
            for row in result.evidence
        ],
    }


def content_digest(content: dict) -> str:
    """SHA-256 over the content in a canonical form (sorted keys, no spaces)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


CATCH_UP = 3


@transaction.atomic
def periods_freeze(*, today: dt.date | None = None) -> int:
    """Freeze the results of periods that have ended (the last three of each commitment, so a
    missed day is caught up); a period frozen once is never frozen again or changed."""
    today = today or timezone.localdate()
    association_ids = list(
        Agreement.objects.filter(versions__in_force=True)
        .values_list("association_id", flat=True)
        .distinct()
    )
    versions = versions_in_force(association_ids)
    associations = {a.pk: a for a in Association.objects.filter(pk__in=association_ids)}
    frozen = set(
        FrozenResult.objects.filter(association_id__in=association_ids).values_list(
            "association_id", "key", "period_start"
        )
    )
    made = []
    for association_id, own in versions.items():
        keys = {}
        for version in own:
            for commitment in version.commitment_list:
                keys.setdefault(commitment.key, commitment)
        for key, commitment in keys.items():
            closed = current_period(commitment, today).previous()
            for period in closed.last(CATCH_UP):
                if (association_id, key, period.start) in frozen:
                    continue
                governing = commitment_in(own, key, period)
                if governing is None or governing.rule not in RULES:
                    continue
                result = rule_for(governing).evaluate(
                    associations[association_id], period, as_of=period.last_day
                )
                content = _frozen_content(association_id, governing, period, result)
                made.append(
                    FrozenResult(
                        commitment=governing,
                        association_id=association_id,
                        key=key,
                        period_start=period.start,
                        period_end=period.end,
                        status=result.status,
                        figure=result.figure,
                        threshold=governing.threshold,
                        explanation=content["explanation"],
                        evidence=content["evidence"],
                        sha256=content_digest(content),
                    )
                )
    FrozenResult.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


EARLIEST_EXPORT_YEAR = 2000


@transaction.atomic
def compliance_export_request(
    *,
    actor: User,
    association: Association,
    format: str = ExportFile.Format.CSV,
    scope: str = ExportFile.Scope.CURRENT,
    year: int | None = None,
) -> ExportFile:
    """Queue an export (CSV, XLSX or PDF) of a period or a year of the association's
    compliance, for the person who asked; a django-q2 task makes it."""
    if compliance_access(load_viewer(actor), association) is None:
        raise DomainError(_("You cannot export this association's compliance."), code="no_access")
    if format not in ExportFile.Format.values:
        raise DomainError(_("Choose a format."), code="unknown_format", field="format")
    if scope not in ExportFile.Scope.values:
        raise DomainError(_("Choose a period or a year."), code="unknown_scope", field="scope")
    if scope == ExportFile.Scope.YEAR:
        this_year = timezone.localdate().year
        if not isinstance(year, int) or not EARLIEST_EXPORT_YEAR <= year <= this_year:
            raise DomainError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": EARLIEST_EXPORT_YEAR, "last": this_year},
                code="invalid_year",
                field="year",
            )
    else:
        year = None
    export = ExportFile.objects.create(
        association=association, requested_by=actor, format=format, scope=scope, year=year
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPLIANCE_EXPORT_REQUESTED,
        target=export,
        association=association,
        data={"format": format, "scope": scope, "year": year},
    )
    transaction.on_commit(
        lambda: async_task("coop.site.compliance.tasks.compliance_export_build", export.pk)
    )
    return export


def _export_finish(export: ExportFile, status: str) -> None:
    export.status = status
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "finished_at"])


def compliance_export_build(export_id: int) -> ExportFile:
    """Make a queued export, telling its progress as it goes, with what the requester may
    see (pseudonyms, aggregates and care rows as on the page); e-mail them when it is ready.
    A build that fails is marked failed (the page offers to try again) and sends nothing.
    django-q2 runs the task again after a worker died mid-build: a building export is then
    made anew; a finished one is left alone."""
    from coop.site.compliance import exports

    export = ExportFile.objects.select_related("association", "requested_by").get(pk=export_id)
    if not export.is_pending:
        return export
    requester = export.requested_by
    access = compliance_access(load_viewer(requester), export.association)
    if access is None:
        _export_finish(export, ExportFile.Status.FAILED)
        return export
    export.status = ExportFile.Status.BUILDING
    export.progressed_at = timezone.now()
    export.save(update_fields=["status", "progressed_at"])

    def progress(done: int, total: int) -> None:
        export.progress_done, export.progress_total = done, total
        export.progressed_at = timezone.now()
        export.save(update_fields=["progress_done", "progress_total", "progressed_at"])

    try:
        with translation.override(requester.language or settings.LANGUAGE_CODE):
            content = exports.export_content(export, access, progress=progress)
            data = exports.WRITERS[export.format](content)
    except Exception:
        logger.exception("compliance export %s failed", export.pk)
        _export_finish(export, ExportFile.Status.FAILED)
        return export
    with transaction.atomic():
        # Lock the export: of two runs of the same task, one finishes it and sends the e-mail.
        if ExportFile.objects.select_for_update().get(pk=export.pk).status != (
            ExportFile.Status.BUILDING
        ):
            return export
        export.content = data
        export.filename = exports.filename(export, timezone.localdate())
        export.progress_done = export.progress_total
        export.status = ExportFile.Status.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["content", "filename", "progress_done", "status", "finished_at"])
        mail_on_commit(
            requester,
            template="compliance/email/export_ready",
            context={
                "recipient": requester,
                "association": export.association.name,
                "format": export.get_format_display(),
                "scope": content.scope,
                "url": absolute_url(reverse("compliance:export_status", args=[export.pk])),
            },
        )
    return export
