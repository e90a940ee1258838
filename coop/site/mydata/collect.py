"""Everything the platform holds about one person, read from every app (so it lives on the top
floor): their account, their memberships with all that hangs from them, and the records they
made as staff, board member or editor.

Every foreign key to a user or a member in the project is either read here (``COVERED``) or
left out with the reason (``EXCLUDED``); tests/mydata/test_coverage.py walks all models and
fails when a new one is neither. Another person's data never comes along: records a person
made about others are listed by kind, id and date only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import models
from django.utils import timezone

from activities.models import Activity, ContributionLog, SignUp
from coop.models import AuditEntry, StaffLink, User
from coop.site.compliance.models import HoursExemption
from members.access import ContractAccess
from members.models import (
    CARE_DATA_FIELDS,
    AssociationRole,
    CareAssignment,
    CareDataAccess,
    Invitation,
    Member,
    MixGroupPeriod,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from vacancies import ballots
from vacancies.models import Ballot, Elector, Nomination, Recusal, VoteRecord, VotingRound

# Links read field by field in the sections below, each named "app_label.Model.field".
COVERED: dict[str, str] = {
    "members.Member.user": "memberships",
    "coop.StaffLink.user": "staff_links",
    "coop.AuditEntry.actor": "audit_entries",
    "account.EmailAddress.user": "account.email_addresses",
    # Which kinds of second factor are set up and when; never the secret (see _account).
    "mfa.Authenticator.user": "account.second_factors",
    "members.MixGroupPeriod.member": "memberships.groups",
    "members.Tenancy.member": "memberships.tenancies",
    "members.AssociationRole.member": "memberships.roles",
    "members.Invitation.member": "memberships.invitations",
    "members.CareAssignment.member": "memberships.care_assignments",
    "members.CareDataAccess.member": "memberships.omklap_contracts.access_log",
    "vacancies.Elector.member": "memberships.voting_rounds",
    "vacancies.VoteRecord.member": "memberships.voting_rounds",
    "vacancies.Recusal.member": "memberships.voting_rounds",
    "vacancies.Nomination.member": "memberships.applications",
    "activities.Activity.proposed_by": "memberships.activities_proposed",
    "activities.SignUp.member": "memberships.signups",
    "activities.CalendarToken.member": "memberships.calendar_link",
    "activities.ContributionLog.member": "memberships.contributions",
    "compliance.HoursExemption.member": "memberships.hours_exemptions",
}

# Records a person made about others or about the association: listed as kind, id and date,
# never with the other person's data (section "records_made").
RECORDS_MADE: tuple[str, ...] = (
    "members.Invitation.invited_by",
    "members.CareAssignment.worker",
    "members.MonitoringMoment.recorded_by",
    "members.OmklapDecision.proposed_by",
    "members.OmklapDecision.care_signed_by",
    "members.OmklapDecision.corporation_signed_by",
    "members.OmklapDecision.withdrawn_by",
    "members.CareDataAccess.user",
    "members.OmklapReminder.recipient",
    "vacancies.Vacancy.reported_by",
    "vacancies.Nomination.decided_by",
    "activities.ContributionLog.logged_by",
    "activities.ContributionLog.decided_by",
    "compliance.AgreementVersion.created_by",
    "compliance.AgreementVersion.corporation_signed_by",
    "compliance.AgreementVersion.board_signed_by",
    "compliance.HoursExemption.recorded_by",
    "compliance.FollowUp.recorded_by",
    "compliance.FollowUp.resolved_by",
    "compliance.ExportFile.requested_by",
    # The website editor (Wagtail) and the Django admin: content editors' and administrators'
    # own work on the public pages.
    "wagtailcore.Page.owner",
    "wagtailcore.Page.locked_by",
    "wagtailcore.Revision.user",
    "wagtailcore.PageLogEntry.user",
    "wagtailcore.ModelLogEntry.user",
    "wagtailcore.Comment.user",
    "wagtailcore.Comment.resolved_by",
    "wagtailcore.CommentReply.user",
    "wagtailcore.PageSubscription.user",
    "wagtailcore.WorkflowState.requested_by",
    "wagtailcore.TaskState.finished_by",
    "wagtailcore.UploadedFile.uploaded_by_user",
    "wagtaildocs.Document.uploaded_by_user",
    "wagtailimages.Image.uploaded_by_user",
    "wagtailusers.UserProfile.user",
    "wagtailadmin.EditingSession.user",
    "wagtailadmin.FormState.user",
    "admin.LogEntry.user",
)
COVERED.update(dict.fromkeys(RECORDS_MADE, "records_made"))

EXCLUDED: dict[str, str] = {
    # A secret that opens the editor's API: handing it out in a file would spread a
    # credential; the export says no more than that the account exists.
    "wagtailcore.APIToken.user": "an API credential (a secret), never exported",
}

# Fields a record's date is read from for "records_made", first found wins.
_DATE_FIELDS = (
    "at",
    "created_at",
    "timestamp",
    "proposed_at",
    "recorded_at",
    "requested_at",
    "decided_at",
    "logged_at",
    "reported_at",
    "sent_at",
    "created_on",
    "first_published_at",
    "last_seen_at",
    "started_at",
    "finished_at",
    "action_time",
)


def _plain(value: Any) -> Any:
    """A value kept as Python holds it (the page formats dates for the reader; the JSON file's
    encoder writes dates in ISO 8601 and amounts as text); translated labels become text."""
    if isinstance(value, dt.date | Decimal | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def _row(obj: models.Model, fields: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    """The fields' values; a field with choices also gives its label (``<name>_label``), in
    the reader's language, beside the stored value."""
    row: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        row[name] = _plain(value)
        field = obj._meta.get_field(name) if not name.endswith("_id") else None
        if field is not None and field.choices and value:
            row[f"{name}_label"] = str(dict(field.flatchoices).get(value, value))
    row.update({k: _plain(v) for k, v in extra.items()})
    return row


def _link(label: str) -> tuple[type[models.Model], str]:
    app_label, model_name, field = label.split(".")
    return apps.get_model(app_label, model_name), field


def personal_data(user: User) -> dict[str, Any]:
    """Everything held about ``user``: plain values, dates and amounts that Django's JSON
    encoder writes as ISO 8601 dates and text."""
    members = list(
        Member.objects.filter(user=user)
        .select_related("association", "calendar_token")
        .order_by("joined_on", "pk")
    )
    return {
        "generated_at": timezone.now(),
        "account": _account(user),
        "staff_links": [
            _row(link, ("starts_on", "ends_on"), organisation=link.organisation.name)
            for link in StaffLink.objects.filter(user=user)
            .select_related("organisation")
            .order_by("starts_on", "pk")
        ],
        "memberships": _memberships(members),
        "audit_entries": [
            # What they did; the object's description is left out: it can name another person.
            _row(entry, ("at", "action", "target_type", "target_id"))
            for entry in AuditEntry.objects.filter(actor=user).order_by("at", "pk")
        ],
        "records_made": _records_made(user),
    }


def _account(user: User) -> dict[str, Any]:
    factors = list(Authenticator.objects.filter(user=user).order_by("created_at"))
    return {
        **_row(
            user,
            ("email", "first_name", "last_name", "language", "is_active", "date_joined"),
        ),
        "last_login": _plain(user.last_login),
        "email_addresses": [
            _row(address, ("email", "verified", "primary"))
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "second_factor": bool(factors),
        # Kind and dates only: the secrets and recovery codes never leave the database.
        "second_factors": [
            _row(factor, ("type", "created_at", "last_used_at")) for factor in factors
        ],
    }


def _grouped[M: models.Model](rows: Iterable[M], key: str) -> defaultdict[Any, list[M]]:
    """Rows by the value of ``key`` (a member's or a contract's id), in the order read."""
    grouped: defaultdict[Any, list[M]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _memberships(members: list[Member]) -> list[dict[str, Any]]:
    """All memberships at once: every kind of row is read in one query for all of them, so the
    count stays the same however many rows or memberships a person has."""
    ids = [member.pk for member in members]
    groups = _grouped(
        MixGroupPeriod.objects.filter(member__in=ids).order_by("starts_on"), "member_id"
    )
    tenancies = _grouped(
        Tenancy.objects.filter(member__in=ids)
        .select_related("unit__building")
        .order_by("starts_on", "pk"),
        "member_id",
    )
    roles = _grouped(
        AssociationRole.objects.filter(member__in=ids).order_by("starts_on", "pk"), "member_id"
    )
    invitations = _grouped(
        Invitation.objects.filter(member__in=ids).order_by("sent_at", "pk"), "member_id"
    )
    care_assignments = _grouped(
        CareAssignment.objects.filter(member__in=ids)
        .select_related("organisation", "worker")
        .order_by("starts_on", "pk"),
        "member_id",
    )
    contracts = _contracts(ids)
    voting_rounds = _voting_rounds(ids)
    applications = _applications(ids)
    activities_proposed = _grouped(
        Activity.objects.filter(proposed_by__in=ids).order_by("pk"), "proposed_by_id"
    )
    signups = _grouped(
        SignUp.objects.filter(member__in=ids)
        .select_related("occurrence__activity")
        .order_by("occurrence__starts_at", "pk"),
        "member_id",
    )
    contributions = _grouped(
        ContributionLog.objects.filter(member__in=ids)
        .select_related("activity")
        .order_by("date", "pk"),
        "member_id",
    )
    exemptions = _grouped(HoursExemption.objects.filter(member__in=ids).order_by("pk"), "member_id")
    result = []
    for member in members:
        data = _row(
            member,
            (
                "name",
                "email",
                "phone",
                "language",
                "status",
                "joined_on",
                "left_on",
                "pledged_hours",
            ),
            association=member.association.name,
        )
        data["groups"] = [
            _row(period, ("group", "starts_on", "ends_on")) for period in groups[member.pk]
        ]
        data["tenancies"] = [
            _row(tenancy, ("kind", "starts_on", "ends_on"), unit=str(tenancy.unit))
            for tenancy in tenancies[member.pk]
        ]
        data["roles"] = [_row(role, ("role", "starts_on", "ends_on")) for role in roles[member.pk]]
        data["invitations"] = [
            _row(invitation, ("email", "sent_at", "expires_at", "accepted_at", "revoked_at"))
            for invitation in invitations[member.pk]
        ]
        data["care_assignments"] = [
            _row(
                assignment,
                ("starts_on", "ends_on"),
                organisation=assignment.organisation.name,
                care_worker=assignment.worker.get_full_name() or assignment.worker.email,
            )
            for assignment in care_assignments[member.pk]
        ]
        data["omklap_contracts"] = contracts[member.pk]
        data["voting_rounds"] = voting_rounds[member.pk]
        data["applications"] = applications[member.pk]
        data["activities_proposed"] = [
            _row(activity, ("title", "status")) for activity in activities_proposed[member.pk]
        ]
        data["signups"] = [
            _row(
                signup,
                ("status", "created_at", "attended"),
                activity=signup.occurrence.activity.title,
                starts_at=signup.occurrence.starts_at,
            )
            for signup in signups[member.pk]
        ]
        # Read with the membership; a membership without a link has none.
        token = getattr(member, "calendar_token", None)
        # Only a hash of the private link is kept; the link itself was shown once.
        data["calendar_link"] = {"created_at": _plain(token.created_at)} if token else None
        data["contributions"] = [
            _row(
                log,
                ("date", "hours", "kind", "note", "status", "reason", "logged_at", "decided_at"),
                activity=log.activity.title if log.activity else None,
            )
            for log in contributions[member.pk]
        ]
        data["hours_exemptions"] = [
            _row(exemption, ("reason", "starts_on", "ends_on", "recorded_at"))
            for exemption in exemptions[member.pk]
        ]
        result.append(data)
    return result


def _contracts(member_ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """The residents' own omklap contracts as the resident sees them today: moments with their
    dates, outcomes and warnings, decisions, and who read their file; the care notes and
    assessments only where the resident's standing lets them see those. Moments, decisions and
    the access log are read for all contracts at once."""
    contracts = list(
        OmklapContract.objects.filter(tenancy__member__in=member_ids)
        .select_related("tenancy__unit__building", "care_organisation")
        .order_by("starts_on", "pk")
    )
    contract_ids = [contract.pk for contract in contracts]
    # Without their care data, as the selector contract_moments reads them.
    moments = _grouped(
        MonitoringMoment.objects.filter(contract__in=contract_ids)
        .defer(*CARE_DATA_FIELDS)
        .order_by("due_on", "pk"),
        "contract_id",
    )
    decisions = _grouped(
        OmklapDecision.objects.filter(contract__in=contract_ids).order_by("-proposed_at", "-pk"),
        "contract_id",
    )
    access_log: defaultdict[tuple[int, int], list[CareDataAccess]] = defaultdict(list)
    for entry in (
        CareDataAccess.objects.filter(contract__in=contract_ids, member__in=member_ids)
        .select_related("organisation", "user")
        .order_by("at", "pk")
    ):
        access_log[entry.contract_id, entry.member_id].append(entry)
    result: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for contract in contracts:
        member_id = contract.tenancy.member_id
        access = ContractAccess(contract=contract, standing="resident")
        moment_fields = ("kind", "due_on", "held_on", "outcome", "card", "card_reason")
        if access.may_see_care_data:  # never for the resident today; kept with the rule
            moment_fields += ("participants", "care_notes")
        result[member_id].append(
            {
                **_row(
                    contract,
                    ("starts_on", "ends_on", "length_months", "conditions", "stage", "closed_on"),
                    unit=str(contract.tenancy.unit),
                    care_organisation=contract.care_organisation.name,
                ),
                "moments": [_row(moment, moment_fields) for moment in moments[contract.pk]],
                "decisions": [
                    _row(
                        decision,
                        (
                            "kind",
                            "status",
                            "effective_on",
                            "new_ends_on",
                            "new_group",
                            "reasons",
                            "proposed_side",
                            "proposed_at",
                            "care_signed_at",
                            "corporation_signed_at",
                            "took_effect_on",
                            "withdrawn_at",
                            "withdrawal_reason",
                        ),
                    )
                    for decision in decisions[contract.pk]
                ],
                "access_log": (
                    [
                        _row(
                            entry,
                            ("at", "action", "subject"),
                            organisation=entry.organisation.name,
                            by=entry.user.get_full_name() or entry.user.email,
                        )
                        for entry in access_log[contract.pk, member_id]
                    ]
                    if access.may_read_access_log
                    else []
                ),
            }
        )
    return result


def _voting_rounds(member_ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """The rounds each membership could vote in, whether they voted or stepped out, and the
    receipt code of their ballot while the round is open. Never a choice: it is not in the
    database in a readable form, and after the close nothing links a ballot to a member any
    more (the receipt was e-mailed at the cast)."""
    electors = (
        Elector.objects.filter(member__in=member_ids)
        .select_related("round__vacancy__unit__building")
        .order_by("round__starts_at", "round__pk")
    )
    rounds = {
        member_id: [elector.round for elector in rows]
        for member_id, rows in _grouped(electors, "member_id").items()
    }
    voted: defaultdict[int, set[int]] = defaultdict(set)
    for member_id, round_id in VoteRecord.objects.filter(member__in=member_ids).values_list(
        "member_id", "round_id"
    ):
        voted[member_id].add(round_id)
    recusals: defaultdict[int, dict[int, Recusal]] = defaultdict(dict)
    for recusal in Recusal.objects.filter(member__in=member_ids):
        recusals[recusal.member_id][recusal.round_id] = recusal
    # The seal of each ballot cast in a round still open: one query for all their receipts.
    seals = {
        (voting_round.pk, member_id): ballots.seal_for(voting_round.pk, member_id)
        for member_id, member_rounds in rounds.items()
        for voting_round in member_rounds
        if voting_round.pk in voted[member_id] and voting_round.status == VotingRound.Status.OPEN
    }
    receipts = {
        (round_id, seal): receipt
        for round_id, seal, receipt in Ballot.objects.filter(
            round__in={round_id for round_id, _ in seals}, seal__in=set(seals.values())
        ).values_list("round_id", "seal", "receipt")
    }
    result: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for member_id in member_ids:
        member_rounds = rounds.get(member_id, [])
        member_voted, member_recusals = voted[member_id], recusals[member_id]
        rows = result[member_id]
        for voting_round in member_rounds:
            seal = seals.get((voting_round.pk, member_id))
            recusal = member_recusals.get(voting_round.pk)
            rows.append(
                {
                    "unit": str(voting_round.vacancy.unit),
                    "round": voting_round.number,
                    "opens_at": _plain(voting_round.starts_at),
                    "closes_at": _plain(voting_round.ends_at),
                    "status": voting_round.status,
                    "voted": voting_round.pk in member_voted,
                    "receipt": receipts.get((voting_round.pk, seal)) if seal else None,
                    "stepped_out": _row(recusal, ("reason", "created_at")) if recusal else None,
                }
            )
        # Electors are written when a round opens; a recusal or vote without that row still
        # shows.
        listed = {r.pk for r in member_rounds}
        for round_id in (member_voted | set(member_recusals)) - listed:
            rows.append({"round_id": round_id, "voted": round_id in member_voted})
    return result


def _applications(member_ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """The application that made them a member: the candidate the corporation's confirmed
    nomination names. Applications are never matched by e-mail address: an address typed on a
    public form proves nobody's identity. Interview notes stay with the selection committee."""
    nominations = Nomination.objects.filter(member__in=member_ids).select_related(
        "candidate", "vacancy__unit__building"
    )
    result: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for nomination in nominations:
        result[nomination.member_id].append(
            {
                **_row(
                    nomination.candidate,
                    (
                        "name",
                        "email",
                        "phone",
                        "household_size",
                        "motivation",
                        "contribution",
                        "pledged_hours",
                        "language",
                        "applied_at",
                        "status",
                        "decision_reason",
                    ),
                ),
                "unit": str(nomination.vacancy.unit),
                "nomination": nomination.status,
            }
        )
    return result


def _records_made(user: User) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for label in RECORDS_MADE:
        model, field_name = _link(label)
        field = model._meta.get_field(field_name)
        names = {f.name for f in model._meta.concrete_fields}
        date_field = next((name for name in _DATE_FIELDS if name in names), None)
        values = ("pk", date_field) if date_field else ("pk",)
        for found in model.objects.filter(**{field_name: user}).values_list(*values):
            rows.append(
                {
                    "record": label.rsplit(".", 1)[0],
                    "kind": str(model._meta.verbose_name),
                    "as": str(field.verbose_name),
                    "id": _plain(found[0]),
                    "date": _plain(found[1]) if date_field else None,
                }
            )
    return rows
