"""Append-only records: rows are added, never changed or removed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Base for logs; the database refuses changes too (trigger on PostgreSQL and SQLite)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AuditAction(models.TextChoices):
    """What an audit entry records, one value per kind of action: ``<entity>.<event>``."""

    ORGANISATION_CREATED = "organisation.created", _("organisation set up")
    ASSOCIATION_CREATED = "association.created", _("association set up")
    MEMBER_REGISTERED = "member.registered", _("member registered")
    MEMBER_GROUP_CHANGED = "member.group_changed", _("group in the mix changed")
    MEMBER_PROFILE_CHANGED = "member.profile_changed", _("member changed their profile")
    MEMBER_LEFT = "member.left", _("member left")
    ACCOUNT_CLOSED = "account.closed", _("account closed after leaving")
    PERSONAL_DATA_DOWNLOADED = "account.data_downloaded", _("own personal data downloaded")
    TENANCY_STARTED = "tenancy.started", _("tenancy started")
    TENANCY_ENDED = "tenancy.ended", _("tenancy ended")
    ROLE_ASSIGNED = "role.assigned", _("role assigned")
    ROLE_ENDED = "role.ended", _("role ended")
    INVITATION_SENT = "invitation.sent", _("invitation sent")
    INVITATION_RESENT = "invitation.resent", _("invitation sent again")
    INVITATION_REVOKED = "invitation.revoked", _("invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("invitation accepted")
    STAFF_LINKED = "staff.linked", _("staff member linked to an organisation")
    STAFF_INVITED = "staff.invited", _("staff member invited")
    STAFF_LINK_ENDED = "staff.link_ended", _("staff member's access ended")
    BUILDING_CREATED = "building.created", _("building added")
    UNIT_CREATED = "unit.created", _("unit added")
    UNIT_CHANGED = "unit.changed", _("unit changed")
    UNITS_IMPORTED = "units.imported", _("buildings and units imported")
    RESIDENTS_IMPORTED = "residents.imported", _("residents imported")
    CARE_ASSIGNED = "care.assigned", _("care worker assigned")
    CARE_ASSIGNMENT_ENDED = "care.assignment_ended", _("care worker's assignment ended")
    OMKLAP_CONTRACT_STARTED = "omklap.contract_started", _("omklap contract started")
    OMKLAP_MOMENT_ADDED = "omklap.moment_added", _("monitoring moment added")
    OMKLAP_MOMENT_RECORDED = "omklap.moment_recorded", _("monitoring moment recorded")
    OMKLAP_DECISION_PROPOSED = "omklap.decision_proposed", _("conversion decision proposed")
    OMKLAP_DECISION_SIGNED = "omklap.decision_signed", _("conversion decision signed")
    OMKLAP_DECISION_WITHDRAWN = "omklap.decision_withdrawn", _("conversion decision withdrawn")
    OMKLAP_CARE_DATA_ERASED = "omklap.care_data_erased", _("care data erased")
    VACANCY_REPORTED = "vacancy.reported", _("vacancy reported")
    VACANCY_OPENED = "vacancy.opened", _("applications opened")
    VACANCY_PROFILE_CHANGED = "vacancy.profile_changed", _("vacancy profile changed")
    VACANCY_WITHDRAWN = "vacancy.withdrawn", _("vacancy withdrawn")
    CANDIDATE_SHORTLIST_DECIDED = (
        "candidate.shortlist_decided",
        _("shortlist decision on a candidate"),
    )
    CANDIDATE_NOTES_CHANGED = "candidate.notes_changed", _("interview notes changed")
    VACANCY_SHORTLIST_FINAL = "vacancy.shortlist_final", _("shortlist made final")
    ROUND_SCHEDULED = "round.scheduled", _("voting round scheduled")
    ROUND_OPENED = "round.opened", _("voting round opened")
    ROUND_RECUSAL = "round.recusal", _("member stepped out of a vote")
    ROUND_CLOSED = "round.closed", _("voting round closed")
    VACANCY_NOMINATED = "vacancy.nominated", _("candidate nominated")
    VACANCY_LET = "vacancy.let", _("nomination confirmed, unit let")
    NOMINATION_REFUSED = "nomination.refused", _("nomination refused")
    NOMINATION_NEXT = "nomination.next", _("next candidate nominated")
    VACANCY_CANDIDATES_ERASED = "vacancy.candidates_erased", _("candidates' data erased")
    CATEGORY_ADDED = "category.added", _("category added")
    CATEGORY_RENAMED = "category.renamed", _("category renamed")
    ACTIVITY_PLANNED = "activity.planned", _("activity planned")
    ACTIVITY_PROPOSED = "activity.proposed", _("activity proposed")
    ACTIVITY_APPROVED = "activity.approved", _("activity approved")
    ACTIVITY_UPDATED = "activity.updated", _("activity changed")
    ACTIVITY_CANCELLED = "activity.cancelled", _("activity cancelled")
    OCCURRENCE_CANCELLED = "occurrence.cancelled", _("date of an activity cancelled")
    OCCURRENCE_MOVED = "occurrence.moved", _("date of an activity moved")
    CONTRIBUTION_CONFIRMED = "contribution.confirmed", _("hours confirmed")
    CONTRIBUTION_REJECTED = "contribution.rejected", _("hours rejected")
    COMPLIANCE_AGREEMENT_CREATED = "compliance.agreement_created", _("agreement created")
    COMPLIANCE_VERSION_DRAFTED = "compliance.version_drafted", _("agreement version drafted")
    COMPLIANCE_COMMITMENT_ADDED = "compliance.commitment_added", _("commitment added")
    COMPLIANCE_COMMITMENT_REMOVED = "compliance.commitment_removed", _("commitment removed")
    COMPLIANCE_VERSION_SIGNED = "compliance.version_signed", _("agreement version signed")
    COMPLIANCE_FOLLOW_UP_RECORDED = "compliance.follow_up_recorded", _("follow-up recorded")
    COMPLIANCE_FOLLOW_UP_RESOLVED = "compliance.follow_up_resolved", _("follow-up resolved")
    COMPLIANCE_HOURS_EXEMPTION_RECORDED = (
        "compliance.hours_exemption_recorded",
        _("exemption from hours recorded"),
    )
    COMPLIANCE_EXPORT_REQUESTED = "compliance.export_requested", _("compliance export requested")


class AuditEntry(AppendOnlyModel):
    """One governance action: who did what to which object, and when."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the system itself acted (a scheduled task)."),
    )
    action = models.CharField(
        _("action"), max_length=64, db_index=True, choices=AuditAction.choices
    )
    association = models.ForeignKey(
        "coop.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("association"),
    )
    target_type = models.CharField(_("object type"), max_length=100)
    target_id = models.CharField(_("object id"), max_length=64)
    target_repr = models.CharField(_("object"), max_length=200)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
