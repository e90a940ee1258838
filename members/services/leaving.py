"""Membership changes that fall due on a day: a move-out recorded ahead takes effect, and a
former member's account is closed a set period after their last membership ended."""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditAction, StaffLink, User
from coop.services import audit_record
from members.models import AssociationRole, Member, Tenancy
from members.services.membership import member_leave_when_moved_out

logger = logging.getLogger(__name__)


def membership_changes_apply(today: dt.date | None = None) -> dict[str, int]:
    """Daily: members whose last tenancy ended leave, then former members' accounts past the
    period close. Running it again the same day changes nothing."""
    today = today or timezone.localdate()
    return {
        "left": members_leave_after_move_out(today=today),
        "closed": accounts_close_after_leaving(today=today),
    }


def members_leave_after_move_out(*, today: dt.date) -> int:
    """Active members with an ended tenancy and no home left on ``today`` leave on the day their
    last tenancy ended (a move-out recorded ahead); each in its own transaction."""
    ended = Tenancy.objects.filter(member=OuterRef("pk"), ends_on__lte=today)
    housed = Tenancy.objects.ending_after(today).filter(member=OuterRef("pk"))
    due = Member.objects.active().filter(Exists(ended)).exclude(Exists(housed)).order_by("pk")
    left = 0
    for member in due:
        try:
            member = member_leave_when_moved_out(actor=None, member=member, today=today)
        except DomainError:
            logger.exception("member %s could not leave after their move-out", member.pk)
            continue
        left += member.status == Member.Status.LEFT
    return left


def accounts_to_close(*, today: dt.date):
    """Accounts of people whose memberships all ended more than
    ``MEMBER_ACCOUNT_DAYS_AFTER_LEAVING`` days ago, with no staff link and no role running.
    The platform administrator's and the site staff's accounts are never closed this way (an
    invitation would never reopen them)."""
    cutoff = today - dt.timedelta(days=settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING)
    memberships = Member.objects.filter(user=OuterRef("pk"))
    recent = memberships.exclude(status=Member.Status.LEFT, left_on__lt=cutoff)
    staff = StaffLink.objects.ending_after(today).filter(user=OuterRef("pk"))
    roles = AssociationRole.objects.ending_after(today).filter(member__user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True, is_superuser=False, is_staff=False)
        .filter(Exists(memberships))
        .exclude(Exists(recent))
        .exclude(Exists(staff))
        .exclude(Exists(roles))
        .annotate(last_left_on=Max("memberships__left_on"))
        .order_by("pk")
    )


def accounts_close_after_leaving(*, today: dt.date) -> int:
    """Close each due account: it can no longer log in and its sessions end."""
    closed = 0
    for user in accounts_to_close(today=today):
        if account_close(user=user, left_on=user.last_left_on):
            closed += 1
    return closed


@transaction.atomic
def account_close(*, user: User, left_on: dt.date) -> bool:
    """Deactivate a former member's account and end its sessions, with an audit entry; an
    account already closed is left alone."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=None,
        action=AuditAction.ACCOUNT_CLOSED,
        target=user,
        target_repr=f"user {user.pk}",
        data={"left_on": left_on.isoformat(), "sessions_ended": _sessions_end(user)},
    )
    return True


def _sessions_end(user: User) -> int:
    """Delete the user's sessions (database row and cached copy); the number ended."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store_class()
    ended = 0
    rows = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for row in rows.iterator():
        if decoder.decode(row.session_data).get("_auth_user_id") == str(user.pk):
            store_class(session_key=row.session_key).delete()
            ended += 1
    return ended
