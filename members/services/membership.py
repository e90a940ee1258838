"""State changes of members, their groups, tenancies, roles, invitations and care links."""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.cleaning import check_date_window, clean_phone
from coop.cleaning import clean_email as _clean_email
from coop.cleaning import clean_name as _clean_name
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import replier_name, send_email_on_commit
from coop.models import Association, AuditAction, Organisation, StaffLink, Unit, User
from coop.services import audit_record
from members.models import (
    AssociationRole,
    CareAssignment,
    Invitation,
    Member,
    MixGroup,
    MixGroupPeriod,
    Role,
    Tenancy,
    hash_token,
)
from members.selectors.membership import closed_accounts, members_to_invite


def _locked_member(member: Member) -> Member:
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("association")
        .get(pk=member.pk)
    )


def _locked_active_member(member: Member) -> Member:
    member = _locked_member(member)
    if member.status != Member.Status.ACTIVE:
        raise DomainError(
            _("This member has left the association."), code="member_left", field="member"
        )
    return member


def _not_before_joining(member: Member, day: dt.date, *, field: str) -> None:
    if day < member.joined_on:
        raise DomainError(
            _("The date lies before the member joined."), code="before_joining", field=field
        )


def _sane_joining_day(joined_on: dt.date) -> None:
    """A joining day before 1950 or more than a year ahead is a typing mistake."""
    check_date_window(joined_on, field="joined_on", years_back=None, years_ahead=1)
    if joined_on.year < 1950:
        raise DomainError(_("Enter a date after 1950."), code="joined_too_early", field="joined_on")


@transaction.atomic
def member_register(
    *,
    actor: User | None,
    association: Association,
    name: str,
    email: str,
    group: str,
    joined_on: dt.date,
    phone: str = "",
    language: str = "",
) -> Member:
    """Register a resident as a member, in a group of the mix from the day they join, with
    the language their invitation and e-mails go out in (empty: the site's)."""
    if group not in MixGroup.values:
        raise DomainError(_("Choose a valid group."), code="group_invalid", field="group")
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a valid language."), code="language_invalid", field="language")
    name = _clean_name(name)
    if len(name) < 2:
        raise DomainError(_("Enter the member's full name."), code="name_too_short", field="name")
    _sane_joining_day(joined_on)
    email = _clean_email(email)
    phone = clean_phone(phone)
    if email and association.members.active().filter(email__iexact=email).exists():
        raise DomainError(
            _("A member with this e-mail address already exists in this association."),
            code="member_email_taken",
            field="email",
        )
    member = Member.objects.create(
        association=association,
        name=name,
        email=email,
        phone=phone,
        language=language,
        joined_on=joined_on,
    )
    MixGroupPeriod.objects.create(member=member, group=group, starts_on=joined_on)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBER_REGISTERED,
        target=member,
        data={"group": group, "joined_on": joined_on.isoformat()},
    )
    return member


@transaction.atomic
def member_set_group(
    *, actor: User | None, member: Member, group: str, starts_on: dt.date
) -> MixGroupPeriod:
    """Move a member to another group of the mix from a date on; earlier history stays."""
    if group not in MixGroup.values:
        raise DomainError(_("Choose a valid group."), code="group_invalid", field="group")
    # Lock the member: two changes of group must not both close the same open period.
    member = _locked_active_member(member)
    if starts_on < member.joined_on:
        raise DomainError(
            _("A group cannot start before the member joined."),
            code="group_before_joining",
            field="starts_on",
        )
    if member.group_periods.filter(starts_on__gt=starts_on).exists():
        raise DomainError(
            _("The member already has a later group change; the new group must start after it."),
            code="group_change_later_exists",
            field="starts_on",
        )
    current = member.group_periods.current(starts_on).first()
    if current is not None and current.group == group:
        raise DomainError(
            _("The member is already in this group on that date."),
            code="group_unchanged",
            field="group",
        )
    if current is not None and current.starts_on == starts_on:
        current.group = group
        current.save(update_fields=["group"])
        period = current
    else:
        if current is not None:
            current.ends_on = starts_on
            current.save(update_fields=["ends_on"])
        period = MixGroupPeriod.objects.create(member=member, group=group, starts_on=starts_on)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBER_GROUP_CHANGED,
        target=member,
        data={"group": group, "starts_on": starts_on.isoformat()},
    )
    return period


@transaction.atomic
def member_leave(*, actor: User | None, member: Member, left_on: dt.date) -> Member:
    """Record that a member left the association; open roles and groups end that day."""
    member = _locked_member(member)
    if member.status == Member.Status.LEFT:
        raise DomainError(_("This member has already left."), code="member_already_left")
    if left_on < member.joined_on:
        raise DomainError(
            _("A member cannot leave before joining."),
            code="leaves_before_joining",
            field="left_on",
        )
    if member.tenancies.ending_after(left_on).exists():
        raise DomainError(
            _("End the member's tenancy first: a resident with a current tenancy stays a member."),
            code="member_has_current_tenancy",
        )
    member.status = Member.Status.LEFT
    member.left_on = left_on
    member.save(update_fields=["status", "left_on"])
    # Periods that had not started by the leaving day never happened; open ones end that day.
    member.group_periods.filter(starts_on__gte=left_on).delete()
    member.group_periods.ending_after(left_on).update(ends_on=left_on)
    member.roles.filter(starts_on__gte=left_on).delete()
    member.roles.ending_after(left_on).update(ends_on=left_on)
    member.invitations.pending().update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.MEMBER_LEFT,
        target=member,
        data={"left_on": left_on.isoformat()},
    )
    return member


@transaction.atomic
def tenancy_start(
    *, actor: User | None, member: Member, unit: Unit, kind: str, starts_on: dt.date
) -> Tenancy:
    """Let a unit to a member from a date; a unit has at most one tenancy at a time."""
    if kind not in Tenancy.Kind.values:
        raise DomainError(
            _("Choose a valid kind of tenancy."), code="tenancy_kind_invalid", field="kind"
        )
    # Lock the member first (leaving checks tenancies under the same lock), then the unit:
    # two lettings of the same unit must not both pass the overlap check.
    member = _locked_active_member(member)
    _not_before_joining(member, starts_on, field="starts_on")
    unit = Unit.objects.select_for_update(of=("self",)).select_related("building").get(pk=unit.pk)
    if unit.building.association_id != member.association_id:
        raise DomainError(
            _("The unit belongs to another association."),
            code="unit_of_other_association",
            field="unit",
        )
    overlapping = unit.tenancies.ending_after(starts_on)
    if overlapping.exists():
        raise DomainError(
            _("This unit already has a tenancy on that date."),
            code="unit_already_let",
            field="unit",
        )
    try:
        with transaction.atomic():
            tenancy = Tenancy.objects.create(
                member=member, unit=unit, kind=kind, starts_on=starts_on
            )
    except IntegrityError:
        raise DomainError(
            _("This unit already has a tenancy on that date."),
            code="unit_already_let",
            field="unit",
        ) from None
    audit_record(
        actor=actor,
        action=AuditAction.TENANCY_STARTED,
        target=tenancy,
        data={"unit": unit.pk, "kind": kind, "starts_on": starts_on.isoformat()},
    )
    return tenancy


def _end_period(model, pk: int, ends_on: dt.date, *, already: str, too_early: str):
    """Lock a dated row and set its end; the caller writes the audit entry."""
    row = (
        model.objects.select_for_update(of=("self",))
        .select_related("member__association")
        .get(pk=pk)
    )
    if row.ends_on is not None:
        raise DomainError(already, code="already_ended")
    if ends_on <= row.starts_on:
        raise DomainError(too_early, code="ends_before_start", field="ends_on")
    row.ends_on = ends_on
    row.save(update_fields=["ends_on"])
    return row


@transaction.atomic
def tenancy_end(*, actor: User | None, tenancy: Tenancy, ends_on: dt.date) -> Tenancy:
    """Record the end date of a tenancy that ended through the legal route."""
    tenancy = _end_period(
        Tenancy,
        tenancy.pk,
        ends_on,
        already=_("This tenancy has already ended."),
        too_early=_("A tenancy must end after it started."),
    )
    audit_record(
        actor=actor,
        action=AuditAction.TENANCY_ENDED,
        target=tenancy,
        data={"ends_on": ends_on.isoformat()},
    )
    return tenancy


# The selection committee judges candidates apart from the board (DESIGN 1).
_EXCLUSIVE_ROLES = {Role.BOARD: Role.SELECTION, Role.SELECTION: Role.BOARD}


@transaction.atomic
def role_assign(
    *, actor: User | None, member: Member, role: str, starts_on: dt.date
) -> AssociationRole:
    """Give a member a role in the association from a date."""
    if role not in Role.values:
        raise DomainError(_("Choose a valid role."), code="role_invalid", field="role")
    member = _locked_active_member(member)
    _not_before_joining(member, starts_on, field="starts_on")
    # The new role has no end: any role still running on or after its start overlaps.
    overlapping = member.roles.ending_after(starts_on)
    if overlapping.filter(role=role).exists():
        raise DomainError(
            _("The member already holds this role."), code="role_already_held", field="role"
        )
    excluded = _EXCLUSIVE_ROLES.get(Role(role))
    if excluded and overlapping.filter(role=excluded).exists():
        raise DomainError(
            _("Members of the board cannot sit on the selection committee at the same time."),
            code="roles_exclusive",
            field="role",
        )
    assigned = AssociationRole.objects.create(member=member, role=role, starts_on=starts_on)
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_ASSIGNED,
        target=member,
        data={"role": role, "starts_on": starts_on.isoformat()},
    )
    return assigned


@transaction.atomic
def role_end(*, actor: User | None, assignment: AssociationRole, ends_on: dt.date) -> None:
    """End a member's role on a date."""
    assignment = _end_period(
        AssociationRole,
        assignment.pk,
        ends_on,
        already=_("This role has already ended."),
        too_early=_("A role must end after it started."),
    )
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_ENDED,
        target=assignment.member,
        data={"role": assignment.role, "ends_on": ends_on.isoformat()},
    )


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=settings.COOP_INVITATION_DAYS)
    return token


def _send_invitation(invitation: Invitation, token: str, language: str, *, actor: User) -> None:
    """The member's own language, when the register holds it, wins over the sender's. It comes
    from the association by name; a reply reaches the board member who sent it."""
    path = reverse("invitation_accept", kwargs={"token": token})
    send_email_on_commit(
        template="members/email/invitation",
        to=invitation.email,
        language=invitation.member.language or language,
        context={
            "invitation": invitation,
            "association": invitation.association,
            "member": invitation.member,
            "accept_url": absolute_url(path),
            "days": settings.COOP_INVITATION_DAYS,
            "replier": replier_name(actor),
        },
        sender=invitation.association.name,
        reply_to=actor.email,
    )


@transaction.atomic
def invitation_send(*, actor: User, member: Member, language: str | None = None) -> Invitation:
    """Invite a registered member to create an account with the address on file."""
    member = _locked_member(member)
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("Only active members can be invited."), code="invite_inactive_member")
    if member.user_id is not None:
        raise DomainError(_("This member already has an account."), code="member_has_account")
    if not member.email:
        raise DomainError(
            _("Add an e-mail address to the member first."),
            code="member_without_email",
            field="email",
        )
    # A former member's closed account is reopened when they accept; anyone else's is refused.
    taken = User.objects.filter(email__iexact=member.email).exclude(
        pk__in=closed_accounts().values("pk")
    )
    if taken.exists():
        raise DomainError(
            _("An account with this e-mail address already exists."),
            code="account_email_taken",
            field="email",
        )
    pending = member.invitations.pending().first()
    if pending is not None and not pending.is_expired:
        raise DomainError(
            _("This member already has an open invitation; resend or revoke it instead."),
            code="invitation_open",
        )
    if pending is not None:
        # An expired link cannot be used any more: it is withdrawn for the new one.
        pending.revoked_at = timezone.now()
        pending.save(update_fields=["revoked_at"])
    invitation = Invitation(
        association=member.association, member=member, email=member.email, invited_by=actor
    )
    token = _issue_token(invitation)
    invitation.save()
    _send_invitation(invitation, token, language or settings.LANGUAGE_CODE, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_SENT,
        target=invitation,
        data={"replaces": pending.pk} if pending is not None else None,
    )
    return invitation


def _locked_pending_invitation(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("association", "member")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise DomainError(
            _("This invitation has already been accepted."), code="invitation_accepted"
        )
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation has been revoked."), code="invitation_revoked")
    return invitation


@transaction.atomic
def invitation_resend(
    *, actor: User, invitation: Invitation, language: str | None = None
) -> Invitation:
    """Send a fresh link; the old link stops working and the expiry starts again."""
    invitation = _locked_pending_invitation(invitation)
    token = _issue_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _send_invitation(invitation, token, language or settings.LANGUAGE_CODE, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_RESENT,
        target=invitation,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation; its link stops working at once."""
    invitation = _locked_pending_invitation(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_REVOKED,
        target=invitation,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation that a link carries; refuses unknown, used, revoked or old links."""
    invitation = (
        Invitation.objects.select_related("association", "member")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise DomainError(_("This invitation link is not valid."), code="invitation_invalid")
    if invitation.revoked_at is not None:
        raise DomainError(
            _("This invitation has been revoked. Ask the board for a new one."),
            code="invitation_revoked",
        )
    if invitation.accepted_at is not None:
        raise DomainError(
            _("This invitation has already been used. You can log in."), code="invitation_accepted"
        )
    if invitation.is_expired:
        raise DomainError(
            _("This invitation has expired. Ask the board to send it again."),
            code="invitation_expired",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Member:
    """Link the new account to the invited member."""
    invitation = _locked_pending_invitation(invitation)
    if invitation.is_expired:
        raise DomainError(
            _("This invitation has expired. Ask the board to send it again."),
            code="invitation_expired",
        )
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            _("Sign up with the e-mail address the invitation was sent to."),
            code="invitation_email_mismatch",
        )
    member = _locked_active_member(invitation.member)
    if member.user_id is not None:
        raise DomainError(_("This member already has an account."), code="member_has_account")
    if Member.objects.active().filter(user=user).exists():
        raise DomainError(_("This account already belongs to a member."), code="account_has_member")
    reopened = not user.is_active
    if reopened:
        # Only a former member's account closed after leaving comes back, never another one.
        if not closed_accounts().filter(pk=user.pk).exists():
            raise DomainError(
                _("This account cannot be used. Ask the board for help."),
                code="account_not_reopenable",
            )
        user.is_active = True
        user.save(update_fields=["is_active"])
    member.user = user
    member.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action=AuditAction.INVITATION_ACCEPTED,
        target=invitation,
        data={"account_reopened": user.pk} if reopened else None,
    )
    return member


@transaction.atomic
def staff_link_add(
    *, actor: User | None, organisation: Organisation, user: User, starts_on: dt.date
) -> StaffLink:
    """Record that a user works for a corporation or care organisation."""
    links = StaffLink.objects.filter(organisation=organisation, user=user)
    # A link still open (the constraint allows one) or in force on the first day refuses.
    if (links.current(starts_on) | links.open()).exists():
        raise DomainError(
            _("This person already works for this organisation."), code="staff_already_linked"
        )
    link = StaffLink.objects.create(organisation=organisation, user=user, starts_on=starts_on)
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_LINKED,
        target=link,
        data={"organisation": organisation.pk, "starts_on": starts_on.isoformat()},
    )
    return link


def _set_password_url(user: User) -> str:
    """allauth's own "set a new password" link: it works once and expires with its setting."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path)


@transaction.atomic
def staff_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    starts_on: dt.date,
) -> StaffLink:
    """Give a colleague access to an organisation's pages from a date; someone without an
    account gets one, with a link to choose a password, in the language chosen for them."""
    email = _clean_email(email, required=True)
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a valid language."), code="language_invalid", field="language")
    check_date_window(starts_on, field="starts_on")
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(
            email=email,
            first_name=_clean_name(first_name),
            last_name=_clean_name(last_name),
            language=language,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # The link arrives at this address, so the address counts as verified.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    link = staff_link_add(actor=actor, organisation=organisation, user=user, starts_on=starts_on)
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_INVITED,
        target=link,
        data={"organisation": organisation.pk, "new_account": created},
    )
    context = {
        "organisation": organisation,
        "user": user,
        "starts_on": starts_on,
        "login_url": absolute_url(reverse("account_login")),
        "replier": replier_name(actor),
    }
    if created:
        # Made after the unusable password is saved: the token changes with the password.
        context["password_url"] = _set_password_url(user)
    send_email_on_commit(
        template="members/email/staff_invitation",
        to=user.email,
        language=user.language,
        context=context,
        sender=organisation.name,
        reply_to=actor.email,
    )
    return link


@transaction.atomic
def staff_link_end(*, actor: User, link: StaffLink, ends_on: dt.date) -> StaffLink:
    """End a colleague's access to an organisation's pages on a date."""
    # Lock the link: ending it twice must not pass the check twice.
    link = (
        StaffLink.objects.select_for_update().select_related("organisation", "user").get(pk=link.pk)
    )
    if link.user_id == actor.pk:
        raise DomainError(
            _("You cannot end your own access; ask a colleague."), code="staff_link_own"
        )
    if link.ends_on is not None:
        raise DomainError(_("This access has already ended."), code="already_ended")
    if ends_on <= link.starts_on:
        raise DomainError(
            _("The access must end after it started."), code="ends_before_start", field="ends_on"
        )
    check_date_window(ends_on, field="ends_on")
    link.ends_on = ends_on
    link.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action=AuditAction.STAFF_LINK_ENDED,
        target=link,
        data={"organisation": link.organisation_id, "ends_on": ends_on.isoformat()},
    )
    return link


@transaction.atomic
def care_assign(
    *,
    actor: User | None,
    member: Member,
    worker: User,
    starts_on: dt.date,
    organisation: Organisation | None = None,
) -> CareAssignment:
    """Assign a care worker to guide a member for their care organisation (``organisation``,
    or the one they work for)."""
    member = _locked_active_member(member)
    _not_before_joining(member, starts_on, field="starts_on")
    # A start long ago is history being recorded; one years ahead is a typing mistake.
    check_date_window(starts_on, field="starts_on", years_back=None)
    links = StaffLink.objects.current().filter(
        user=worker, organisation__kind=Organisation.Kind.CARE
    )
    if organisation is not None:
        links = links.filter(organisation=organisation)
    link = links.select_related("organisation").first()
    if link is None:
        raise DomainError(
            _("Only a care worker of a care organisation can be assigned."),
            code="not_a_care_worker",
        )
    if CareAssignment.objects.filter(member=member, worker=worker, ends_on__isnull=True).exists():
        raise DomainError(
            _("This care worker is already assigned to this resident."),
            code="care_worker_already_assigned",
        )
    assignment = CareAssignment.objects.create(
        member=member, organisation=link.organisation, worker=worker, starts_on=starts_on
    )
    audit_record(
        actor=actor,
        action=AuditAction.CARE_ASSIGNED,
        target=assignment,
        data={"organisation": link.organisation_id, "starts_on": starts_on.isoformat()},
    )
    return assignment


@transaction.atomic
def member_profile_update(
    *, actor: User, member: Member, name: str, phone: str, language: str
) -> Member:
    """A member changes their own name, phone number and language; e-mails to them go out in
    that language from then on."""
    member = _locked_active_member(member)
    if member.user_id != actor.pk:
        raise DomainError(_("Only the member changes their own profile."), code="not_own_profile")
    name = _clean_name(name)
    phone = clean_phone(phone)
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a valid language."), code="language_invalid", field="language")
    changed = [
        field
        for field, old, new in (
            ("name", member.name, name),
            ("phone", member.phone, phone),
            ("language", actor.language, language),
        )
        if old != new
    ]
    if not changed:
        return member
    member.name, member.phone, member.language = name, phone, language
    member.save(update_fields=["name", "phone", "language"])
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    # The fields only: the values are personal data the log keeps after they are erased.
    audit_record(
        actor=actor,
        action=AuditAction.MEMBER_PROFILE_CHANGED,
        target=member,
        data={"fields": changed},
    )
    return member


@transaction.atomic
def care_assignment_end(
    *, actor: User, assignment: CareAssignment, ends_on: dt.date
) -> CareAssignment:
    """End a care worker's guidance of a resident on a date."""
    # Lock the assignment: ending it twice must not pass the check twice.
    assignment = (
        CareAssignment.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=assignment.pk)
    )
    if assignment.ends_on is not None:
        raise DomainError(_("This assignment has already ended."), code="already_ended")
    if ends_on <= assignment.starts_on:
        raise DomainError(
            _("The assignment must end after it started."),
            code="ends_before_start",
            field="ends_on",
        )
    check_date_window(ends_on, field="ends_on")
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action=AuditAction.CARE_ASSIGNMENT_ENDED,
        target=assignment,
        data={"organisation": assignment.organisation_id, "ends_on": ends_on.isoformat()},
    )
    return assignment


@transaction.atomic
def member_invite(
    *,
    actor: User,
    association: Association,
    name: str,
    email: str,
    group: str,
    joined_on: dt.date,
    phone: str = "",
    language: str | None = None,
) -> Invitation:
    """Invite a resident to create an account: a member registered with this address and no
    account yet is invited as they are (in their recorded language, when there is one); anyone
    else is registered first, in one step, with ``language`` as theirs."""
    if not email.strip():
        raise DomainError(
            _("An invitation needs an e-mail address."),
            code="invitation_without_email",
            field="email",
        )
    existing = (
        association.members.active()
        .filter(email__iexact=_clean_email(email), user__isnull=True)
        .first()
    )
    if existing is not None:
        return invitation_send(actor=actor, member=existing, language=language)
    member = member_register(
        actor=actor,
        association=association,
        name=name,
        email=email,
        group=group,
        joined_on=joined_on,
        phone=phone,
        language=language or "",
    )
    return invitation_send(actor=actor, member=member, language=language)


@transaction.atomic
def resident_register(
    *,
    actor: User,
    association: Association,
    name: str,
    email: str,
    group: str,
    unit: Unit,
    tenancy_kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    phone: str = "",
    language: str = "",
) -> Tenancy:
    """Register a resident who already lives in a unit: a member from the tenancy's start, in
    a group of the mix, with the tenancy (and its end, when notice was given)."""
    if ends_on is not None and ends_on <= starts_on:
        raise DomainError(
            _("A tenancy must end after it started."), code="ends_before_start", field="ends_on"
        )
    member = member_register(
        actor=actor,
        association=association,
        name=name,
        email=email,
        group=group,
        joined_on=starts_on,
        phone=phone,
        language=language,
    )
    tenancy = tenancy_start(
        actor=actor, member=member, unit=unit, kind=tenancy_kind, starts_on=starts_on
    )
    if ends_on is not None:
        tenancy = tenancy_end(actor=actor, tenancy=tenancy, ends_on=ends_on)
    return tenancy


@transaction.atomic
def member_move_out(*, actor: User, tenancy: Tenancy, ends_on: dt.date) -> Member:
    """Record a move-out: the tenancy ends; a resident with no other home in the association
    leaves it that day (a move-out ahead is recorded now; the daily membership_changes_apply
    lets the member leave on the day itself)."""
    tenancy = tenancy_end(actor=actor, tenancy=tenancy, ends_on=ends_on)
    return member_leave_when_moved_out(actor=actor, member=tenancy.member)


@transaction.atomic
def member_leave_when_moved_out(
    *, actor: User | None, member: Member, today: dt.date | None = None
) -> Member:
    """An active member whose every tenancy has ended by ``today`` leaves the association on
    the day the last one ended; anyone else is left as they are (running again is harmless)."""
    today = today or timezone.localdate()
    member = _locked_member(member)
    if member.status != Member.Status.ACTIVE or member.tenancies.ending_after(today).exists():
        return member
    last_end = member.tenancies.aggregate(last=Max("ends_on"))["last"]
    if last_end is None:
        return member
    return member_leave(actor=actor, member=member, left_on=last_end)


def invitations_send_all(
    *, actor: User, association: Association, language: str | None = None
) -> tuple[list[Invitation], list[tuple[Member, DomainError]]]:
    """Invite every active member who has no account and no valid invitation, each in its own
    transaction: one refusal (an address already in use) does not stop the others."""
    waiting = members_to_invite(association)
    sent: list[Invitation] = []
    refused: list[tuple[Member, DomainError]] = []
    for member in waiting:
        try:
            sent.append(invitation_send(actor=actor, member=member, language=language))
        except DomainError as error:
            refused.append((member, error))
    return sent, refused
