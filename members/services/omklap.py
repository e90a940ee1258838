"""State changes of omklap contracts: start, monitoring moments, decisions, reminders, purge.

Care data (the fields in ``CARE_DATA_FIELDS``) is read and written only here, and every read
and write appends a ``CareDataAccess`` row (QUALITY 5).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.cleaning import clean_text as _clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit
from coop.models import AuditAction, Organisation, StaffLink, User
from coop.services import audit_record
from members.models import (
    ASSESSMENT_DOMAINS,
    CARE_DATA_FIELDS,
    Assessment,
    CareAssignment,
    CareDataAccess,
    MixGroup,
    MixGroupPeriod,
    MomentOutcome,
    MonitoringMoment,
    OmklapCondition,
    OmklapContract,
    OmklapDecision,
    OmklapReminder,
    Tenancy,
    WarningCard,
)
from members.services.membership import member_set_group, tenancy_end, tenancy_start

MAX_LENGTH_MONTHS = 120
NOTES_MAX = 10_000
REASONS_MAX = 5_000
# Reminders: this long before a moment falls due, and before the end of a contract.
MOMENT_DUE_NOTICE = dt.timedelta(weeks=2)
END_NOTICE = relativedelta(months=3)

Side = OmklapDecision.Side


# --------------------------------------------------------------------------------------------
# Helpers


def moment_schedule(
    *, after: dt.date, ends_on: dt.date, interval_months: int, final_weeks: int
) -> list[tuple[str, dt.date]]:
    """Moments every ``interval_months`` after ``after``, then the final evaluation."""
    final = ends_on - dt.timedelta(weeks=final_weeks)
    schedule: list[tuple[str, dt.date]] = []
    step = 1
    while (due := after + relativedelta(months=interval_months * step)) < final:
        schedule.append((MonitoringMoment.Kind.SCHEDULED, due))
        step += 1
    if final > after:
        schedule.append((MonitoringMoment.Kind.FINAL, final))
    return schedule


def contract_moments(contract: OmklapContract, *, after: dt.date) -> list[MonitoringMoment]:
    """A contract's monitoring moments after ``after`` by its association's rules, unsaved."""
    association = contract.tenancy.unit.building.association
    schedule = moment_schedule(
        after=after,
        ends_on=contract.ends_on,
        interval_months=association.monitoring_interval_months,
        final_weeks=association.final_evaluation_weeks,
    )
    return [MonitoringMoment(contract=contract, kind=kind, due_on=due) for kind, due in schedule]


def _create_moments(contract: OmklapContract, *, after: dt.date) -> list[MonitoringMoment]:
    return MonitoringMoment.objects.bulk_create(contract_moments(contract, after=after))


def _locked_contract(contract: OmklapContract) -> OmklapContract:
    return (
        OmklapContract.objects.select_for_update(of=("self",))
        .select_related("tenancy__member", "tenancy__unit__building__association")
        .get(pk=contract.pk)
    )


def _audit(
    *, actor: User | None, action: AuditAction, contract: OmklapContract, data: dict
) -> None:
    audit_record(actor=actor, action=action, target=contract, data=data)


def _running(contract: OmklapContract) -> None:
    if contract.stage != OmklapContract.Stage.RUNNING:
        raise DomainError(
            _("This contract is closed; it can no longer be changed."), code="contract_closed"
        )


def care_data_log(
    *, actor: User | None, contract: OmklapContract, action: str, subject: str
) -> CareDataAccess:
    """Append one row to the care-data access log, on behalf of the contract's care organisation."""
    return CareDataAccess.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        organisation_id=contract.care_organisation_id,
        member_id=contract.tenancy.member_id,
        contract=contract,
        action=action,
        subject=subject[:100],
    )


def care_data_read(
    *, actor: User, contract: OmklapContract, subject: str = "contract"
) -> list[MonitoringMoment]:
    """The contract's moments with their care data; the read is logged before it happens.

    Not wrapped in a transaction of its own: the log row is one INSERT, written before the
    SELECT, so the care data is never read without its log row (a failed insert raises).
    """
    action = CareDataAccess.Action.READ
    care_data_log(actor=actor, contract=contract, action=action, subject=subject)
    return list(contract.moments.select_related("recorded_by").order_by("due_on", "pk"))


def _works_for(user: User, organisation_id: int, on: dt.date) -> bool:
    return StaffLink.objects.current(on).filter(user=user, organisation_id=organisation_id).exists()


def _side_organisation_id(contract: OmklapContract, side: str) -> int:
    if side == Side.CARE:
        return contract.care_organisation_id
    return contract.tenancy.unit.building.association.corporation_id


def _check_side(actor: User, contract: OmklapContract, side: str) -> None:
    """Only staff of the care organisation or the corporation of the contract sign for it."""
    if side not in Side.values or not _works_for(
        actor, _side_organisation_id(contract, side), timezone.localdate()
    ):
        raise DomainError(
            _("You cannot sign for this side of the agreement."), code="not_a_signatory"
        )


# --------------------------------------------------------------------------------------------
# Contracts and moments


@transaction.atomic
def omklap_contract_start(
    *,
    actor: User | None,
    tenancy: Tenancy,
    care_organisation: Organisation,
    starts_on: dt.date | None = None,
    length_months: int | None = None,
    conditions: Iterable[str] = (),
) -> OmklapContract:
    """Start an omklap contract on an omklap tenancy and generate its monitoring moments."""
    # Lock the tenancy: two starts must not both pass the one-running-contract check.
    tenancy = (
        Tenancy.objects.select_for_update(of=("self",))
        .select_related("member", "unit__building__association")
        .get(pk=tenancy.pk)
    )
    association = tenancy.unit.building.association
    if tenancy.kind != Tenancy.Kind.OMKLAP:
        raise DomainError(
            _("An omklap contract needs an omklap tenancy."),
            code="tenancy_not_omklap",
            field="tenancy",
        )
    starts_on = starts_on or tenancy.starts_on
    if starts_on < tenancy.starts_on:
        raise DomainError(
            _("The contract cannot start before the tenancy."),
            code="contract_before_tenancy",
            field="starts_on",
        )
    if tenancy.ends_on is not None and tenancy.ends_on <= starts_on:
        raise DomainError(_("This tenancy has ended."), code="tenancy_ended", field="tenancy")
    if care_organisation.kind != Organisation.Kind.CARE:
        raise DomainError(
            _("Choose a care organisation."),
            code="care_organisation_invalid",
            field="care_organisation",
        )
    length = association.omklap_length_months if length_months is None else length_months
    if not 1 <= length <= MAX_LENGTH_MONTHS:
        raise DomainError(
            _("The length must be between 1 and %(max)s months.") % {"max": MAX_LENGTH_MONTHS},
            code="length_out_of_range",
            field="length_months",
        )
    chosen = set(conditions)
    if not chosen <= set(OmklapCondition.values):
        raise DomainError(
            _("Choose valid conditions."), code="conditions_invalid", field="conditions"
        )
    today = timezone.localdate()
    assigned = (
        CareAssignment.objects.filter(member=tenancy.member, organisation=care_organisation)
        .exclude(ends_on__lte=today)
        .exists()
    )
    if not assigned:
        raise DomainError(
            _("Assign a care worker of this organisation to the resident first."),
            code="no_care_worker_assigned",
            field="care_organisation",
        )
    if tenancy.omklap_contracts.running().exists():
        raise DomainError(
            _("This tenancy already has a running omklap contract."),
            code="contract_already_running",
        )
    try:
        with transaction.atomic():
            contract = OmklapContract.objects.create(
                tenancy=tenancy,
                care_organisation=care_organisation,
                starts_on=starts_on,
                ends_on=starts_on + relativedelta(months=length),
                length_months=length,
                conditions=[c for c in OmklapCondition.values if c in chosen],
            )
    except IntegrityError:
        raise DomainError(
            _("This tenancy already has a running omklap contract."),
            code="contract_already_running",
        ) from None
    _create_moments(contract, after=starts_on)
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_CONTRACT_STARTED,
        contract=contract,
        data={
            "tenancy": tenancy.pk,
            "care_organisation": care_organisation.pk,
            "starts_on": starts_on.isoformat(),
            "length_months": length,
        },
    )
    return contract


@transaction.atomic
def omklap_moment_add(
    *, actor: User, contract: OmklapContract, due_on: dt.date
) -> MonitoringMoment:
    """Add a monitoring moment by hand."""
    # Lock the contract: a decision closing it must not slip in between the check and the add.
    contract = _locked_contract(contract)
    _running(contract)
    if not contract.starts_on <= due_on <= contract.ends_on:
        raise DomainError(
            _("The moment must fall within the contract (%(start)s to %(end)s).")
            % {"start": contract.starts_on, "end": contract.ends_on},
            code="moment_outside_contract",
            field="due_on",
        )
    moment = MonitoringMoment.objects.create(
        contract=contract, kind=MonitoringMoment.Kind.EXTRA, due_on=due_on
    )
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_MOMENT_ADDED,
        contract=contract,
        data={"due_on": due_on.isoformat()},
    )
    return moment


@transaction.atomic
def omklap_moment_record(
    *,
    actor: User,
    moment: MonitoringMoment,
    held_on: dt.date,
    outcome: str,
    participants: str,
    assessments: Mapping[str, str] | None = None,
    card: str = "",
    card_reason: str = "",
    care_notes: str = "",
) -> MonitoringMoment:
    """Record what a monitoring moment found; the write of care data is logged."""
    # Lock the moment: two saves of one moment must not interleave their checks and writes.
    moment = (
        MonitoringMoment.objects.select_for_update(of=("self",))
        .select_related("contract__tenancy__unit__building__association")
        .get(pk=moment.pk)
    )
    contract = moment.contract
    _running(contract)
    if moment.care_data_erased_on is not None:
        raise DomainError(
            _("The care data of this moment has been erased."), code="care_data_erased"
        )
    if held_on > timezone.localdate():
        raise DomainError(
            _("A moment cannot be recorded before it was held."),
            code="moment_not_held",
            field="held_on",
        )
    if held_on < contract.starts_on:
        raise DomainError(
            _("The date lies before the contract started."),
            code="before_contract_start",
            field="held_on",
        )
    if outcome not in MomentOutcome.values:
        raise DomainError(_("Choose an outcome."), code="outcome_invalid", field="outcome")
    assessments = dict(assessments or {})
    for domain, value in assessments.items():
        if domain not in ASSESSMENT_DOMAINS:
            raise DomainError(_("Unknown assessment domain."), code="assessment_domain_unknown")
        if value and value not in Assessment.values:
            raise DomainError(
                _("Choose a valid assessment."), code="assessment_invalid", field=domain
            )
    if card and card not in WarningCard.values:
        raise DomainError(_("Choose a yellow or a red card."), code="card_invalid", field="card")
    card_reason = _clean_text(card_reason, field="card_reason", max_length=500, required=False)
    if card and not card_reason:
        raise DomainError(
            _("Give the reason for the warning."),
            code="warning_reason_missing",
            field="card_reason",
        )
    if card_reason and not card:
        raise DomainError(
            _("Choose the card this reason belongs to."),
            code="warning_reason_without_card",
            field="card",
        )
    moment.held_on = held_on
    moment.outcome = outcome
    moment.participants = _clean_text(
        participants, field="participants", max_length=500, required=True
    )
    for domain in ASSESSMENT_DOMAINS:
        setattr(moment, domain, assessments.get(domain, ""))
    moment.card = card
    moment.card_reason = card_reason
    moment.care_notes = _clean_text(
        care_notes, field="care_notes", max_length=NOTES_MAX, required=False, multiline=True
    )
    moment.recorded_by = actor
    moment.recorded_at = timezone.now()
    moment.save()
    care_data_log(
        actor=actor,
        contract=contract,
        action=CareDataAccess.Action.WRITE,
        subject=f"monitoring moment {moment.due_on.isoformat()}",
    )
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_MOMENT_RECORDED,
        contract=contract,
        data={"moment": moment.pk, "outcome": outcome, "card": card},
    )
    return moment


# --------------------------------------------------------------------------------------------
# Decisions


@transaction.atomic
def omklap_decision_propose(
    *,
    actor: User,
    side: str,
    contract: OmklapContract,
    kind: str,
    reasons: str,
    moments: Iterable[MonitoringMoment] = (),
    effective_on: dt.date | None = None,
    new_ends_on: dt.date | None = None,
    new_group: str = "",
) -> OmklapDecision:
    """Propose to convert, extend or end; proposing counts as the proposing side's sign-off."""
    # Lock the contract: one open proposal per contract, and none after it closed.
    contract = _locked_contract(contract)
    _running(contract)
    _check_side(actor, contract, side)
    if kind not in OmklapDecision.Kind.values:
        raise DomainError(
            _("Choose convert, extend or end."), code="decision_kind_invalid", field="kind"
        )
    reasons = _clean_text(
        reasons, field="reasons", max_length=REASONS_MAX, required=True, multiline=True
    )
    moment_ids = {m.pk for m in moments}
    linked = list(contract.moments.filter(pk__in=moment_ids, held_on__isnull=False))
    if not moment_ids or len(linked) != len(moment_ids):
        raise DomainError(
            _("Link the held monitoring moments of this contract the decision rests on."),
            code="decision_moments_invalid",
            field="moments",
        )
    if new_group and new_group not in MixGroup.values:
        raise DomainError(_("Choose a valid group."), code="group_invalid", field="new_group")
    if kind == OmklapDecision.Kind.EXTEND:
        latest = contract.starts_on + relativedelta(months=MAX_LENGTH_MONTHS)
        if new_ends_on is None or not contract.ends_on < new_ends_on <= latest:
            raise DomainError(
                _(
                    "The new end date must lie after the current one and within %(max)s months "
                    "of the start."
                )
                % {"max": MAX_LENGTH_MONTHS},
                code="extension_out_of_range",
                field="new_ends_on",
            )
        effective_on, new_group = None, ""
    else:
        if effective_on is None or effective_on <= contract.starts_on:
            raise DomainError(
                _("Give a date after the contract started."),
                code="decision_date_before_start",
                field="effective_on",
            )
        if effective_on > contract.ends_on + dt.timedelta(days=366):
            raise DomainError(
                _("Give a date at most a year after the contract ends."),
                code="decision_date_too_late",
                field="effective_on",
            )
        if kind == OmklapDecision.Kind.END:
            new_group = ""
        new_ends_on = None
    if contract.decisions.proposed().exists():
        raise DomainError(
            _("A proposal for this contract already awaits sign-off."), code="decision_pending"
        )
    now = timezone.now()
    decision = OmklapDecision.objects.create(
        contract=contract,
        kind=kind,
        effective_on=effective_on,
        new_ends_on=new_ends_on,
        new_group=new_group,
        reasons=reasons,
        proposed_side=side,
        proposed_by=actor,
        **{f"{side}_signed_by": actor, f"{side}_signed_at": now},
    )
    decision.moments.set(linked)
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_DECISION_PROPOSED,
        contract=contract,
        data={"decision": decision.pk, "kind": kind, "side": side},
    )
    return decision


def _locked_open_decision(decision: OmklapDecision) -> tuple[OmklapContract, OmklapDecision]:
    contract = _locked_contract(decision.contract)
    decision = OmklapDecision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    decision.contract = contract
    if decision.status != OmklapDecision.Status.PROPOSED:
        raise DomainError(
            _("This decision no longer awaits sign-off."), code="decision_not_pending"
        )
    return contract, decision


@transaction.atomic
def omklap_decision_sign(*, actor: User, side: str, decision: OmklapDecision) -> OmklapDecision:
    """Sign a proposal off for one side; with both signatures the decision takes effect."""
    # Lock the contract, then the decision: two sign-offs (or a sign-off and a withdrawal)
    # must not interleave, and the effect is applied exactly once.
    contract, decision = _locked_open_decision(decision)
    _check_side(actor, contract, side)
    if decision.signed_by_side(side):
        raise DomainError(
            _("Your side has already signed off this decision."), code="already_signed_off"
        )
    setattr(decision, f"{side}_signed_by", actor)
    setattr(decision, f"{side}_signed_at", timezone.now())
    if decision.care_signed_at and decision.corporation_signed_at:
        decision.status = OmklapDecision.Status.IN_EFFECT
        decision.took_effect_on = timezone.localdate()
        _apply_decision(actor=actor, decision=decision, contract=contract)
    decision.save()
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_DECISION_SIGNED,
        contract=contract,
        data={"decision": decision.pk, "side": side, "status": decision.status},
    )
    return decision


def _apply_decision(*, actor: User, decision: OmklapDecision, contract: OmklapContract) -> None:
    """The effect of a decision both sides signed; the platform never ends a tenancy itself."""
    Kind = OmklapDecision.Kind
    if decision.kind == Kind.CONVERT:
        day = decision.effective_on
        assert day is not None, "a conversion has its date (decision_propose requires it)"
        tenancy = contract.tenancy
        # Tenancy periods run up to, not including, their end: the omklap tenancy's last day
        # is the day before the conversion, the regular tenancy starts on it.
        tenancy_end(actor=actor, tenancy=tenancy, ends_on=day)
        tenancy_start(
            actor=actor,
            member=tenancy.member,
            unit=tenancy.unit,
            kind=Tenancy.Kind.REGULAR,
            starts_on=day,
        )
        if decision.new_group:
            current = MixGroupPeriod.objects.current(day).filter(member=tenancy.member).first()
            if current is None or current.group != decision.new_group:
                member_set_group(
                    actor=actor, member=tenancy.member, group=decision.new_group, starts_on=day
                )
        contract.stage, contract.closed_on = OmklapContract.Stage.CONVERTED, day
        contract.save(update_fields=["stage", "closed_on"])
    elif decision.kind == Kind.EXTEND:
        assert decision.new_ends_on is not None, "an extension has its new end date"
        contract.ends_on = decision.new_ends_on
        span = relativedelta(contract.ends_on, contract.starts_on)
        contract.length_months = span.years * 12 + span.months + (1 if span.days else 0)
        contract.save(update_fields=["ends_on", "length_months"])
        # The old final evaluation, if not held, gives way to the new schedule.
        contract.moments.filter(kind=MonitoringMoment.Kind.FINAL, held_on__isnull=True).delete()
        last = contract.moments.order_by("-due_on").values_list("due_on", flat=True).first()
        _create_moments(contract, after=last or contract.starts_on)
    else:
        # Only recorded: the tenancy itself ends only through the legal route.
        contract.stage, contract.closed_on = OmklapContract.Stage.ENDED, decision.effective_on
        contract.save(update_fields=["stage", "closed_on"])


@transaction.atomic
def omklap_decision_withdraw(
    *, actor: User, side: str, decision: OmklapDecision, reason: str
) -> OmklapDecision:
    """Withdraw a proposal (the proposer) or decline it (the other side), with a reason."""
    # Lock as in omklap_decision_sign: a withdrawal must not cross a sign-off.
    contract, decision = _locked_open_decision(decision)
    _check_side(actor, contract, side)
    decision.withdrawal_reason = _clean_text(reason, field="reason", max_length=500, required=True)
    decision.status = OmklapDecision.Status.WITHDRAWN
    decision.withdrawn_by = actor
    decision.withdrawn_at = timezone.now()
    decision.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    _audit(
        actor=actor,
        action=AuditAction.OMKLAP_DECISION_WITHDRAWN,
        contract=contract,
        data={"decision": decision.pk, "side": side},
    )
    return decision


# --------------------------------------------------------------------------------------------
# Reminders and retention (django-q2 schedules, see members/tasks.py)


def _contract_url(contract_id: int) -> str:
    return absolute_url(reverse("portal:contract_detail", args=[contract_id]))


def _remind(
    *, kind: str, contract: OmklapContract, moment: MonitoringMoment | None, recipient: User
) -> bool:
    """Record and send one reminder; False when it was sent before (the unique constraint)."""
    try:
        with transaction.atomic():
            OmklapReminder.objects.create(
                kind=kind, contract=contract, moment=moment, recipient=recipient
            )
    except IntegrityError:
        return False
    mail_on_commit(
        recipient,
        template=f"members/email/omklap_{kind}",
        context={
            "recipient": recipient,
            "resident": contract.tenancy.member.name,
            "contract": contract,
            "moment": moment,
            "url": _contract_url(contract.pk),
        },
    )
    return True


@transaction.atomic
def omklap_reminders_send() -> int:
    """Remind of moments falling due or overdue and of contract ends without a decision."""
    today = timezone.localdate()
    running = OmklapContract.objects.running().select_related(
        "tenancy__member", "tenancy__unit__building__association"
    )
    moments = list(
        MonitoringMoment.objects.filter(
            contract__in=running, held_on__isnull=True, due_on__lte=today + MOMENT_DUE_NOTICE
        ).select_related("contract__tenancy__member")
    )
    ending = list(
        running.filter(ends_on__lte=today + END_NOTICE).exclude(decisions__status="in_effect")
    )
    member_ids = {m.contract.tenancy.member_id for m in moments} | {
        c.tenancy.member_id for c in ending
    }
    workers: dict[tuple[int, int], list[User]] = defaultdict(list)
    for assignment in (
        CareAssignment.objects.current(today)
        .filter(member_id__in=member_ids)
        .select_related("worker")
    ):
        workers[(assignment.member_id, assignment.organisation_id)].append(assignment.worker)
    corporation_ids = {c.tenancy.unit.building.association.corporation_id for c in ending}
    corporation_staff: dict[int, list[User]] = defaultdict(list)
    for link in (
        StaffLink.objects.current(today)
        .filter(organisation_id__in=corporation_ids)
        .select_related("user")
    ):
        corporation_staff[link.organisation_id].append(link.user)

    sent = 0
    for moment in moments:
        contract = moment.contract
        kind = (
            OmklapReminder.Kind.MOMENT_OVERDUE
            if moment.due_on < today
            else OmklapReminder.Kind.MOMENT_DUE
        )
        for worker in workers[(contract.tenancy.member_id, contract.care_organisation_id)]:
            sent += _remind(kind=kind, contract=contract, moment=moment, recipient=worker)
    for contract in ending:
        corporation_id = contract.tenancy.unit.building.association.corporation_id
        recipients = {
            u.pk: u
            for u in workers[(contract.tenancy.member_id, contract.care_organisation_id)]
            + corporation_staff[corporation_id]
        }
        for user in recipients.values():
            sent += _remind(
                kind=OmklapReminder.Kind.END_NEAR, contract=contract, moment=None, recipient=user
            )
    return sent


@transaction.atomic
def care_data_purge() -> int:
    """Erase the care data of contracts closed longer ago than the retention period."""
    today = timezone.localdate()
    cutoff = today - relativedelta(years=settings.COOP_CARE_DATA_RETENTION_YEARS)
    due = (
        MonitoringMoment.objects.exclude(contract__stage=OmklapContract.Stage.RUNNING)
        .filter(contract__closed_on__lte=cutoff, care_data_erased_on__isnull=True)
        .values("contract_id")
    )
    # Lock the contracts: a purge and a late change to their moments must not interleave.
    contracts = list(
        OmklapContract.objects.select_for_update(of=("self",))
        .filter(pk__in=due)
        .select_related("tenancy__unit__building__association")
        .order_by("pk")
    )
    blank = {field: "" for field in CARE_DATA_FIELDS}
    for contract in contracts:
        contract.moments.filter(care_data_erased_on__isnull=True).update(
            **blank, care_data_erased_on=today
        )
        contract.reminders.all().delete()
        care_data_log(
            actor=None,
            contract=contract,
            action=CareDataAccess.Action.ERASE,
            subject="retention period over",
        )
        _audit(
            actor=None,
            action=AuditAction.OMKLAP_CARE_DATA_ERASED,
            contract=contract,
            data={"closed_on": str(contract.closed_on)},
        )
    return len(contracts)
