"""Who sees an association's compliance: its corporation's staff, its board, and the care
organisations of its residents (care commitments only). Everyone else: 404."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from django.http import Http404

from coop.models import Association
from coop.site.compliance.models import AgreementVersion, ExportFile, FollowUp
from coop.site.compliance.rules import RULES, Evidence, pseudonym
from members.access import Viewer, checked_need
from members.models import CareAssignment

Standing = Literal["corporation", "board", "care"]


class ComplianceNeed(StrEnum):
    VIEW = "view"  # the corporation's staff, the board, care organisations of residents
    FOLLOW_UP = "follow_up"  # the board: explanation and action for a breach
    RESOLVE = "resolve"  # the corporation's staff: mark a follow-up resolved


@dataclass(frozen=True)
class ComplianceAccess:
    viewer: Viewer
    association: Association
    standing: Standing
    # For care standing: the viewer's care organisations with clients in the association.
    care_organisation_ids: frozenset[int] = frozenset()

    @property
    def may_follow_up(self) -> bool:
        return self.standing == "board"

    @property
    def may_resolve(self) -> bool:
        return self.standing == "corporation"

    @property
    def sees_care_only(self) -> bool:
        return self.standing == "care"

    def may(self, need: ComplianceNeed) -> bool:
        match checked_need(need, ComplianceNeed):
            case ComplianceNeed.VIEW:
                return True
            case ComplianceNeed.FOLLOW_UP:
                return self.may_follow_up
            case ComplianceNeed.RESOLVE:
                return self.may_resolve
        raise ValueError(f"unhandled need {need!r}")

    def sees_rule(self, rule: str) -> bool:
        rule_class = RULES.get(rule)
        return not self.sees_care_only or (rule_class is not None and rule_class.care)

    def member_label(self, row: Evidence, *, names_shown: bool) -> str:
        """Hours per member reach the corporation pseudonymised unless the agreement says
        otherwise; the board sees its own members' names."""
        if row.member_id is None or self.standing == "board" or names_shown:
            return row.label
        return pseudonym(row.member_id)

    def shown_evidence(self, rule: str, rows, *, names_shown: bool) -> list[dict]:
        """The rows this viewer may see, each with its label and link (if it may follow it)."""
        rule_class = RULES.get(rule)
        shown = []
        for row in rows:
            if rule_class is not None and rule_class.care and row.care_organisation_id:
                # Care rows: the corporation sees the contracts, a care organisation only its
                # own clients', the board the aggregate only.
                if self.standing == "board":
                    continue
                if (
                    self.standing == "care"
                    and row.care_organisation_id not in self.care_organisation_ids
                ):
                    continue
            shown.append(
                {
                    "label": self.member_label(row, names_shown=names_shown),
                    "detail": row.detail,
                    "ok": row.ok,
                    "url": row.url if self.standing in row.link_for else "",
                }
            )
        return shown


def compliance_access(viewer: Viewer, association: Association) -> ComplianceAccess | None:
    if viewer.user is None:
        return None
    if association.corporation_id in viewer.corporation_ids:
        return ComplianceAccess(viewer, association, "corporation")
    if viewer.may_manage(association):
        return ComplianceAccess(viewer, association, "board")
    care_ids = [pk for pk, o in viewer.organisations.items() if o.kind == "care"]
    if care_ids:
        # One query, for care staff only: organisations with a client in the association.
        clients = set(
            CareAssignment.objects.current()
            .filter(organisation_id__in=care_ids, member__association=association)
            .values_list("organisation_id", flat=True)
        )
        if clients:
            return ComplianceAccess(viewer, association, "care", frozenset(clients))
    return None


def get_compliance_for(
    viewer: Viewer, slug: str, *, need: ComplianceNeed = ComplianceNeed.VIEW
) -> ComplianceAccess:
    """An association's compliance page; 404 for missing and refused alike."""
    need = checked_need(need, ComplianceNeed)
    own = viewer.member.association if viewer.member is not None else None
    if own is not None and own.slug == slug:
        association = own
    else:
        association = Association.objects.select_related("corporation").filter(slug=slug).first()
    access = compliance_access(viewer, association) if association is not None else None
    if access is None or not access.may(need):
        raise Http404
    return access


def get_follow_up_for(
    viewer: Viewer, pk: int, *, need: ComplianceNeed = ComplianceNeed.RESOLVE
) -> tuple[FollowUp, ComplianceAccess]:
    need = checked_need(need, ComplianceNeed)
    follow_up = (
        FollowUp.objects.select_related("commitment__version__agreement__association__corporation")
        .filter(pk=pk)
        .first()
    )
    if follow_up is None:
        raise Http404
    association = follow_up.commitment.version.agreement.association
    access = compliance_access(viewer, association)
    if access is None or not access.may(need):
        raise Http404
    return follow_up, access


def get_export_for(
    viewer: Viewer, pk: int, *, ready: bool = False
) -> tuple[ExportFile, ComplianceAccess]:
    """An export, for the person who asked for it only, while they may still see the
    association's compliance; 404 for missing and refused alike (and, with ``ready``, for a
    file not made yet)."""
    if viewer.user is None:
        raise Http404
    exports = ExportFile.objects.select_related("association__corporation").filter(
        pk=pk, requested_by_id=viewer.user.pk
    )
    exports = exports.filter(status=ExportFile.Status.READY) if ready else exports.defer("content")
    export = exports.first()
    access = compliance_access(viewer, export.association) if export is not None else None
    if export is None or access is None:
        raise Http404
    return export, access


class AgreementNeed(StrEnum):
    VIEW = "view"  # the corporation's staff and the association's board
    WRITE = "write"  # the corporation's staff: versions and commitments
    SIGN = "sign"  # either side, for itself


def _agreement_access(viewer: Viewer, association: Association, need: AgreementNeed):
    access = compliance_access(viewer, association)
    if access is None or access.standing == "care":
        raise Http404
    if need == AgreementNeed.WRITE and access.standing != "corporation":
        raise Http404
    return access


def get_agreement_access_for(
    viewer: Viewer, slug: str, *, need: AgreementNeed = AgreementNeed.VIEW
) -> ComplianceAccess:
    """An association's agreement: its corporation's staff write it, both sides sign it."""
    need = checked_need(need, AgreementNeed)
    own = viewer.member.association if viewer.member is not None else None
    if own is not None and own.slug == slug:
        association = own
    else:
        association = Association.objects.select_related("corporation").filter(slug=slug).first()
    if association is None:
        raise Http404
    return _agreement_access(viewer, association, need)


def get_version_for(
    viewer: Viewer, pk: int, *, need: AgreementNeed = AgreementNeed.VIEW
) -> tuple[AgreementVersion, ComplianceAccess]:
    need = checked_need(need, AgreementNeed)
    version = (
        AgreementVersion.objects.select_related("agreement__association__corporation")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    return version, _agreement_access(viewer, version.agreement.association, need)
