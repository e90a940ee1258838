"""The member services: the state they leave, the audit entry they write, what they refuse."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry, StaffLink, Unit, User
from members import services
from members.models import (
    AssociationRole,
    CareAssignment,
    Invitation,
    Member,
    MixGroupPeriod,
    Role,
    Tenancy,
    hash_token,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TRACKED = (
    Member,
    MixGroupPeriod,
    Tenancy,
    AssociationRole,
    Invitation,
    CareAssignment,
    StaffLink,
    AuditEntry,
    User,
)


def db_state() -> dict[str, list[dict]]:
    """Every row of every model the services touch, to prove a refusal changed nothing."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in TRACKED}


def last_audit() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def assert_audit(entry, *, action, actor, association, target) -> None:
    assert entry.action == action
    assert entry.actor == actor
    assert entry.association == association
    assert entry.target_type == target._meta.label_lower
    assert entry.target_id == str(target.pk)


def refused(call, code: str, /, **kwargs) -> DomainError:
    """Run a service that must refuse with ``code``; assert the database is exactly as before."""
    before = db_state()
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.code == code
    assert db_state() == before
    return raised.value


def token_from(message) -> str:
    match = re.search(r"http://testserver/invitation/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def joined(cast) -> dt.date:
    return cast.vrager_member.joined_on


@pytest.fixture
def newcomer(cast, today) -> Member:
    """A registered resident without account, tenancy or role."""
    return services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="vrager",
        joined_on=today - dt.timedelta(days=30),
    )


@pytest.fixture
def invitation(cast, newcomer) -> Invitation:
    return services.invitation_send(actor=cast.board, member=newcomer)


def selection_member(cast) -> Member:
    return Member.objects.get(user=cast.selection)


# --- member_register -------------------------------------------------------------------------


def test_it_registers_a_member_in_a_group_from_the_day_they_join(cast, today):
    member = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="  Nina Nieuw ",
        email=" Nina@Example.ORG ",
        group="drager",
        joined_on=today,
        phone=" 06 1234 5678 ",
    )

    member.refresh_from_db()
    assert member.association == cast.association
    assert member.name == "Nina Nieuw"
    assert member.email == "nina@example.org"
    assert member.phone == "06 1234 5678"
    assert member.status == Member.Status.ACTIVE
    assert member.joined_on == today
    assert member.user is None
    period = member.group_periods.get()
    assert (period.group, period.starts_on, period.ends_on) == ("drager", today, None)
    entry = last_audit()
    assert_audit(
        entry,
        action="member.registered",
        actor=cast.board,
        association=cast.association,
        target=member,
    )
    assert entry.data == {"group": "drager", "joined_on": today.isoformat()}


def test_it_records_a_registration_without_actor_as_a_system_action(cast, today):
    member = services.member_register(
        actor=None,
        association=cast.association,
        name="Nina Nieuw",
        email="",
        group="regular",
        joined_on=today,
    )

    entry = last_audit()
    assert_audit(
        entry, action="member.registered", actor=None, association=cast.association, target=member
    )


def test_it_refuses_to_register_a_member_in_an_unknown_group(cast, today):
    error = refused(
        services.member_register,
        "group_invalid",
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="tenant",
        joined_on=today,
    )

    assert error.field == "group"


def test_it_refuses_a_second_active_member_with_the_same_email_address(cast, today):
    error = refused(
        services.member_register,
        "member_email_taken",
        actor=cast.board,
        association=cast.association,
        name="Vera Tweede",
        email=" VRAGER@example.org",
        group="vrager",
        joined_on=today,
    )

    assert error.field == "email"


@pytest.mark.parametrize(
    "name, joined_in_days, code",
    [
        pytest.param("V", 0, "name_too_short", id="one-letter-name"),
        pytest.param("Vera Verre", 367, "date_too_far_ahead", id="joins-over-a-year-ahead"),
        pytest.param("Vera Vroeg", -(365 * 80), "joined_too_early", id="joins-before-1950"),
    ],
)
def test_it_refuses_a_registration_the_invite_form_used_to_catch(
    cast, today, name, joined_in_days, code
):
    refused(
        services.member_register,
        code,
        actor=cast.board,
        association=cast.association,
        name=name,
        email="",
        group="regular",
        joined_on=today + dt.timedelta(days=joined_in_days),
    )


def test_it_registers_the_same_address_in_another_association(cast, today):
    member = services.member_register(
        actor=cast.board,
        association=cast.other_association,
        name="Vera Vrager",
        email="vrager@example.org",
        group="vrager",
        joined_on=today,
    )

    assert member.association == cast.other_association


def test_it_registers_the_address_of_a_member_who_left_again(cast, newcomer, today):
    services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    again = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="regular",
        joined_on=today,
    )

    assert again.pk != newcomer.pk
    assert again.status == Member.Status.ACTIVE


# --- member_set_group ------------------------------------------------------------------------


def test_a_member_moving_from_vrager_to_drager_counts_as_drager_from_that_date(cast, today):
    member = cast.vrager_member
    moved_on = today - dt.timedelta(days=10)

    period = services.member_set_group(
        actor=cast.board, member=member, group="drager", starts_on=moved_on
    )

    assert (period.group, period.starts_on, period.ends_on) == ("drager", moved_on, None)
    periods = list(member.group_periods.order_by("starts_on").values_list("group", "ends_on"))
    assert periods == [("vrager", moved_on), ("drager", None)]
    day_before = moved_on - dt.timedelta(days=1)
    assert Member.objects.with_group_on(day_before).get(pk=member.pk).group == "vrager"
    assert Member.objects.with_group_on(moved_on).get(pk=member.pk).group == "drager"
    assert Member.objects.with_group_on(today).get(pk=member.pk).group == "drager"
    entry = last_audit()
    assert_audit(
        entry,
        action="member.group_changed",
        actor=cast.board,
        association=cast.association,
        target=member,
    )
    assert entry.data == {"group": "drager", "starts_on": moved_on.isoformat()}


def test_it_refuses_a_group_change_before_a_later_change(cast, today):
    member = cast.vrager_member
    services.member_set_group(
        actor=cast.board, member=member, group="drager", starts_on=today - dt.timedelta(days=10)
    )

    error = refused(
        services.member_set_group,
        "group_change_later_exists",
        actor=cast.board,
        member=member,
        group="regular",
        starts_on=today - dt.timedelta(days=20),
    )

    assert error.field == "starts_on"


def test_a_second_change_on_the_same_day_replaces_the_first(cast, today):
    member = cast.vrager_member
    moved_on = today - dt.timedelta(days=10)
    first = services.member_set_group(
        actor=cast.board, member=member, group="drager", starts_on=moved_on
    )

    second = services.member_set_group(
        actor=cast.board, member=member, group="regular", starts_on=moved_on
    )

    assert second.pk == first.pk
    periods = list(
        member.group_periods.order_by("starts_on").values_list("group", "starts_on", "ends_on")
    )
    assert periods == [("vrager", member.joined_on, moved_on), ("regular", moved_on, None)]
    assert last_audit().data == {"group": "regular", "starts_on": moved_on.isoformat()}


def test_a_change_on_the_day_of_joining_replaces_the_first_group(cast, joined):
    member = cast.vrager_member

    services.member_set_group(actor=cast.board, member=member, group="regular", starts_on=joined)

    assert list(member.group_periods.values_list("group", "starts_on", "ends_on")) == [
        ("regular", joined, None)
    ]


def test_it_refuses_a_change_to_the_group_the_member_is_already_in(cast, today):
    error = refused(
        services.member_set_group,
        "group_unchanged",
        actor=cast.board,
        member=cast.vrager_member,
        group="vrager",
        starts_on=today,
    )

    assert error.field == "group"


def test_it_refuses_a_group_that_starts_before_the_member_joined(cast, joined):
    error = refused(
        services.member_set_group,
        "group_before_joining",
        actor=cast.board,
        member=cast.vrager_member,
        group="drager",
        starts_on=joined - dt.timedelta(days=1),
    )

    assert error.field == "starts_on"


def test_it_refuses_an_unknown_group_change(cast, today):
    error = refused(
        services.member_set_group,
        "group_invalid",
        actor=cast.board,
        member=cast.vrager_member,
        group="",
        starts_on=today,
    )

    assert error.field == "group"


# --- member_leave ----------------------------------------------------------------------------


def test_a_member_who_leaves_ends_their_open_group_and_roles_that_day(cast, newcomer, today):
    services.role_assign(
        actor=cast.board, member=newcomer, role=Role.COORDINATOR, starts_on=newcomer.joined_on
    )

    member = services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    member.refresh_from_db()
    assert member.status == Member.Status.LEFT
    assert member.left_on == today
    assert list(member.group_periods.values_list("ends_on", flat=True)) == [today]
    assert list(member.roles.values_list("ends_on", flat=True)) == [today]
    entry = last_audit()
    assert_audit(
        entry, action="member.left", actor=cast.board, association=cast.association, target=member
    )
    assert entry.data == {"left_on": today.isoformat()}


def test_a_member_may_leave_on_the_day_their_tenancy_ends(cast, today):
    tenancy = cast.drager_member.tenancies.get()
    services.tenancy_end(actor=cast.board, tenancy=tenancy, ends_on=today)

    member = services.member_leave(actor=cast.board, member=cast.drager_member, left_on=today)

    assert member.status == Member.Status.LEFT


def test_it_refuses_to_let_a_member_with_a_current_tenancy_leave(cast, today):
    refused(
        services.member_leave,
        "member_has_current_tenancy",
        actor=cast.board,
        member=cast.vrager_member,
        left_on=today,
    )


def test_it_refuses_to_let_a_member_leave_twice(cast, newcomer, today):
    services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    refused(
        services.member_leave,
        "member_already_left",
        actor=cast.board,
        member=newcomer,
        left_on=today,
    )


def test_it_refuses_a_leaving_date_before_joining(cast, newcomer):
    error = refused(
        services.member_leave,
        "leaves_before_joining",
        actor=cast.board,
        member=newcomer,
        left_on=newcomer.joined_on - dt.timedelta(days=1),
    )

    assert error.field == "left_on"


# --- tenancy_start / tenancy_end -------------------------------------------------------------


def test_it_lets_an_empty_unit_to_a_member(cast, newcomer, today):
    unit = cast.units[1]

    tenancy = services.tenancy_start(
        actor=cast.board, member=newcomer, unit=unit, kind="omklap", starts_on=today
    )

    tenancy.refresh_from_db()
    assert (tenancy.member, tenancy.unit, tenancy.kind) == (newcomer, unit, "omklap")
    assert (tenancy.starts_on, tenancy.ends_on) == (today, None)
    assert list(Tenancy.objects.current(today).filter(unit=unit)) == [tenancy]
    entry = last_audit()
    assert_audit(
        entry,
        action="tenancy.started",
        actor=cast.board,
        association=cast.association,
        target=tenancy,
    )
    assert entry.data == {"unit": unit.pk, "kind": "omklap", "starts_on": today.isoformat()}


def test_it_refuses_a_second_current_tenancy_for_a_unit(cast, newcomer, today):
    error = refused(
        services.tenancy_start,
        "unit_already_let",
        actor=cast.board,
        member=newcomer,
        unit=cast.units[0],
        kind="regular",
        starts_on=today,
    )

    assert error.field == "unit"


def test_it_refuses_a_tenancy_that_overlaps_a_dated_tenancy(cast, newcomer, today):
    services.tenancy_end(
        actor=cast.board,
        tenancy=cast.vrager_member.tenancies.get(),
        ends_on=today + dt.timedelta(days=30),
    )

    error = refused(
        services.tenancy_start,
        "unit_already_let",
        actor=cast.board,
        member=newcomer,
        unit=cast.units[0],
        kind="omklap",
        starts_on=today + dt.timedelta(days=29),
    )

    assert error.field == "unit"


def test_it_refuses_a_tenancy_before_a_future_tenancy_of_the_unit(cast, newcomer, today):
    later = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Lars Later",
        email="",
        group="regular",
        joined_on=today,
    )
    services.tenancy_start(
        actor=cast.board,
        member=later,
        unit=cast.units[1],
        kind="regular",
        starts_on=today + dt.timedelta(days=60),
    )

    refused(
        services.tenancy_start,
        "unit_already_let",
        actor=cast.board,
        member=newcomer,
        unit=cast.units[1],
        kind="regular",
        starts_on=today,
    )


def test_a_new_tenancy_may_start_on_the_day_the_previous_one_ends(cast, newcomer, today):
    ends_on = today + dt.timedelta(days=30)
    services.tenancy_end(
        actor=cast.board, tenancy=cast.vrager_member.tenancies.get(), ends_on=ends_on
    )

    tenancy = services.tenancy_start(
        actor=cast.board, member=newcomer, unit=cast.units[0], kind="omklap", starts_on=ends_on
    )

    assert tenancy.starts_on == ends_on
    assert Tenancy.objects.filter(unit=cast.units[0]).count() == 2


def test_it_refuses_a_unit_of_another_association(cast, newcomer, today):
    empty_unit = Unit.objects.create(
        building=cast.other_building, number="2", kind=Unit.Kind.REGULAR, rent=Decimal("700")
    )

    error = refused(
        services.tenancy_start,
        "unit_of_other_association",
        actor=cast.board,
        member=newcomer,
        unit=empty_unit,
        kind="regular",
        starts_on=today,
    )

    assert error.field == "unit"


def test_it_refuses_a_tenancy_for_a_member_who_left(cast, newcomer, today):
    left = services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    error = refused(
        services.tenancy_start,
        "member_left",
        actor=cast.board,
        member=left,
        unit=cast.units[1],
        kind="regular",
        starts_on=today,
    )

    assert error.field == "member"


def test_it_refuses_an_unknown_kind_of_tenancy(cast, newcomer, today):
    error = refused(
        services.tenancy_start,
        "tenancy_kind_invalid",
        actor=cast.board,
        member=newcomer,
        unit=cast.units[1],
        kind="forever",
        starts_on=today,
    )

    assert error.field == "kind"


def test_it_ends_a_tenancy(cast, today):
    tenancy = cast.vrager_member.tenancies.get()

    ended = services.tenancy_end(actor=cast.board, tenancy=tenancy, ends_on=today)

    tenancy.refresh_from_db()
    assert tenancy.ends_on == today
    assert ended.ends_on == today
    assert not Tenancy.objects.current(today).filter(pk=tenancy.pk).exists()
    entry = last_audit()
    assert_audit(
        entry,
        action="tenancy.ended",
        actor=cast.board,
        association=cast.association,
        target=tenancy,
    )
    assert entry.data == {"ends_on": today.isoformat()}


def test_it_refuses_to_end_a_tenancy_twice(cast, today):
    tenancy = cast.vrager_member.tenancies.get()
    services.tenancy_end(actor=cast.board, tenancy=tenancy, ends_on=today)

    refused(
        services.tenancy_end,
        "already_ended",
        actor=cast.board,
        tenancy=tenancy,
        ends_on=today + dt.timedelta(days=1),
    )


def test_it_refuses_to_end_a_tenancy_on_or_before_its_start(cast):
    tenancy = cast.vrager_member.tenancies.get()

    error = refused(
        services.tenancy_end,
        "ends_before_start",
        actor=cast.board,
        tenancy=tenancy,
        ends_on=tenancy.starts_on,
    )

    assert error.field == "ends_on"


# --- role_assign / role_end ------------------------------------------------------------------


def test_it_gives_a_member_a_role(cast, today):
    member = cast.vrager_member

    assigned = services.role_assign(
        actor=cast.board, member=member, role=Role.COORDINATOR, starts_on=today
    )

    assigned.refresh_from_db()
    assert (assigned.member, assigned.role, assigned.starts_on) == (member, "coordinator", today)
    assert assigned.ends_on is None
    entry = last_audit()
    assert_audit(
        entry, action="role.assigned", actor=cast.board, association=cast.association, target=member
    )
    assert entry.data == {"role": "coordinator", "starts_on": today.isoformat()}


def test_it_refuses_a_board_member_on_the_selection_committee(cast, today):
    error = refused(
        services.role_assign,
        "roles_exclusive",
        actor=cast.board,
        member=cast.board_member,
        role=Role.SELECTION,
        starts_on=today,
    )

    assert error.field == "role"


def test_it_refuses_a_selection_committee_member_on_the_board(cast, today):
    error = refused(
        services.role_assign,
        "roles_exclusive",
        actor=cast.board,
        member=selection_member(cast),
        role=Role.BOARD,
        starts_on=today,
    )

    assert error.field == "role"


def test_a_former_board_member_may_join_the_selection_committee_when_the_board_term_ends(
    cast, today
):
    board_role = cast.board_member.roles.get(role=Role.BOARD)
    services.role_end(actor=cast.board, assignment=board_role, ends_on=today)

    assigned = services.role_assign(
        actor=cast.board, member=cast.board_member, role=Role.SELECTION, starts_on=today
    )

    assert assigned.role == Role.SELECTION


def test_the_coordinator_role_goes_together_with_the_board(cast, today):
    assigned = services.role_assign(
        actor=cast.board, member=cast.board_member, role=Role.COORDINATOR, starts_on=today
    )

    assert assigned.role == Role.COORDINATOR


def test_it_refuses_a_role_the_member_already_holds(cast, today):
    error = refused(
        services.role_assign,
        "role_already_held",
        actor=cast.board,
        member=cast.board_member,
        role=Role.BOARD,
        starts_on=today,
    )

    assert error.field == "role"


def test_it_refuses_a_role_for_a_member_who_left(cast, newcomer, today):
    services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    refused(
        services.role_assign,
        "member_left",
        actor=cast.board,
        member=newcomer,
        role=Role.COORDINATOR,
        starts_on=today,
    )


def test_it_refuses_an_unknown_role(cast, today):
    error = refused(
        services.role_assign,
        "role_invalid",
        actor=cast.board,
        member=cast.vrager_member,
        role="treasurer",
        starts_on=today,
    )

    assert error.field == "role"


def test_it_ends_a_role(cast, today):
    assignment = cast.board_member.roles.get(role=Role.BOARD)

    services.role_end(actor=cast.board, assignment=assignment, ends_on=today)

    assignment.refresh_from_db()
    assert assignment.ends_on == today
    assert not AssociationRole.objects.current(today).filter(pk=assignment.pk).exists()
    entry = last_audit()
    assert_audit(
        entry,
        action="role.ended",
        actor=cast.board,
        association=cast.association,
        target=cast.board_member,
    )
    assert entry.data == {"role": "board", "ends_on": today.isoformat()}


def test_it_refuses_to_end_a_role_twice(cast, today):
    assignment = cast.board_member.roles.get(role=Role.BOARD)
    services.role_end(actor=cast.board, assignment=assignment, ends_on=today)

    refused(
        services.role_end,
        "already_ended",
        actor=cast.board,
        assignment=assignment,
        ends_on=today + dt.timedelta(days=1),
    )


def test_it_refuses_to_end_a_role_on_or_before_its_start(cast):
    assignment = cast.board_member.roles.get(role=Role.BOARD)

    error = refused(
        services.role_end,
        "ends_before_start",
        actor=cast.board,
        assignment=assignment,
        ends_on=assignment.starts_on,
    )

    assert error.field == "ends_on"


# --- invitation_send -------------------------------------------------------------------------


def test_it_invites_a_member_and_mails_the_link_after_commit(
    cast, newcomer, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = services.invitation_send(actor=cast.board, member=newcomer)
        assert mail.outbox == []

    assert len(callbacks) == 1
    invitation.refresh_from_db()
    assert invitation.member == newcomer
    assert invitation.association == cast.association
    assert invitation.email == "nina@example.org"
    assert invitation.invited_by == cast.board
    assert invitation.is_pending
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(
        days=settings.COOP_INVITATION_DAYS
    )
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    assert cast.association.name in message.subject
    assert cast.association.name in message.body
    assert "Nina Nieuw" in message.body
    token = token_from(message)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert services.invitation_for_token(token) == invitation
    entry = last_audit()
    assert_audit(
        entry,
        action="invitation.sent",
        actor=cast.board,
        association=cast.association,
        target=invitation,
    )


@pytest.mark.parametrize("language", [None, "nl", "en"])
def test_the_invitation_mail_carries_the_link_and_the_association_in_every_language(
    cast, newcomer, django_capture_on_commit_callbacks, language
):
    # Dutch is the default; once nl translations exist, assert the Dutch subject here too.
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(actor=cast.board, member=newcomer, language=language)

    [message] = mail.outbox
    assert "http://testserver/invitation/" in message.body
    assert cast.association.name in message.body
    assert cast.association.name in message.subject


def test_no_invitation_mail_leaves_when_the_transaction_rolls_back(
    cast, newcomer, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        services.invitation_send(actor=cast.board, member=newcomer)
        raise Abort

    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.filter(member=newcomer).exists()
    assert not AuditEntry.objects.filter(action="invitation.sent").exists()


def test_it_refuses_to_invite_a_member_who_left(cast, newcomer, today):
    services.member_leave(actor=cast.board, member=newcomer, left_on=today)

    refused(services.invitation_send, "invite_inactive_member", actor=cast.board, member=newcomer)

    assert mail.outbox == []


def test_it_refuses_to_invite_a_member_who_has_an_account(cast):
    refused(
        services.invitation_send, "member_has_account", actor=cast.board, member=cast.drager_member
    )


def test_it_refuses_to_invite_a_member_without_email_address(cast, today):
    member = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Zonder Adres",
        email="",
        group="regular",
        joined_on=today,
    )

    error = refused(
        services.invitation_send, "member_without_email", actor=cast.board, member=member
    )

    assert error.field == "email"


def test_it_refuses_to_invite_an_address_that_already_has_an_account(
    cast, today, django_capture_on_commit_callbacks
):
    member = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Zoë Zorg",
        email="ZORG@example.org",
        group="regular",
        joined_on=today,
    )

    with django_capture_on_commit_callbacks(execute=True):
        error = refused(
            services.invitation_send, "account_email_taken", actor=cast.board, member=member
        )

    assert error.field == "email"
    assert mail.outbox == []


def test_it_refuses_a_second_invitation_while_one_is_open(cast, invitation):
    refused(services.invitation_send, "invitation_open", actor=cast.board, member=invitation.member)


def test_a_member_can_be_invited_again_after_the_invitation_was_revoked(cast, invitation):
    services.invitation_revoke(actor=cast.board, invitation=invitation)

    again = services.invitation_send(actor=cast.board, member=invitation.member)

    assert again.pk != invitation.pk
    assert again.is_pending


# --- invitation_resend -----------------------------------------------------------------------


def test_resending_issues_a_new_link_and_restarts_the_expiry(
    cast, newcomer, django_capture_on_commit_callbacks, time_machine, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=newcomer)
    old_token = token_from(mail.outbox[0])
    old_expiry = invitation.expires_at
    time_machine.move_to(timezone.now() + dt.timedelta(days=20), tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        resent = services.invitation_resend(actor=cast.board, invitation=invitation)

    resent.refresh_from_db()
    assert resent.pk == invitation.pk
    assert resent.expires_at == timezone.now() + dt.timedelta(days=settings.COOP_INVITATION_DAYS)
    assert resent.expires_at > old_expiry
    assert len(mail.outbox) == 2
    new_token = token_from(mail.outbox[1])
    assert new_token != old_token
    assert services.invitation_for_token(new_token) == invitation
    with pytest.raises(DomainError) as raised:
        services.invitation_for_token(old_token)
    assert raised.value.code == "invitation_invalid"
    assert_audit(
        last_audit(),
        action="invitation.resent",
        actor=cast.board,
        association=cast.association,
        target=invitation,
    )


def test_it_refuses_to_resend_a_revoked_invitation(
    cast, invitation, django_capture_on_commit_callbacks
):
    services.invitation_revoke(actor=cast.board, invitation=invitation)

    with django_capture_on_commit_callbacks(execute=True):
        refused(
            services.invitation_resend,
            "invitation_revoked",
            actor=cast.board,
            invitation=invitation,
        )

    assert mail.outbox == []


def test_it_refuses_to_resend_an_accepted_invitation(cast, invitation):
    user = make_user("nina@example.org")
    services.invitation_accept(invitation=invitation, user=user)

    refused(
        services.invitation_resend, "invitation_accepted", actor=cast.board, invitation=invitation
    )


# --- invitation_revoke -----------------------------------------------------------------------


def test_revoking_an_invitation_stops_its_link_at_once(
    cast, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=newcomer)
    token = token_from(mail.outbox[0])

    services.invitation_revoke(actor=cast.board, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_pending
    with pytest.raises(DomainError) as raised:
        services.invitation_for_token(token)
    assert raised.value.code == "invitation_revoked"
    assert_audit(
        last_audit(),
        action="invitation.revoked",
        actor=cast.board,
        association=cast.association,
        target=invitation,
    )


def test_it_refuses_to_revoke_an_invitation_twice(cast, invitation):
    services.invitation_revoke(actor=cast.board, invitation=invitation)

    refused(
        services.invitation_revoke, "invitation_revoked", actor=cast.board, invitation=invitation
    )


def test_it_refuses_to_revoke_an_accepted_invitation(cast, invitation):
    services.invitation_accept(invitation=invitation, user=make_user("nina@example.org"))

    refused(
        services.invitation_revoke, "invitation_accepted", actor=cast.board, invitation=invitation
    )


# --- invitation_for_token --------------------------------------------------------------------


def test_it_refuses_an_unknown_invitation_link(cast, invitation):
    with pytest.raises(DomainError) as raised:
        services.invitation_for_token("not-a-token")
    assert raised.value.code == "invitation_invalid"


def test_it_refuses_an_invitation_link_after_it_expired(
    cast, newcomer, django_capture_on_commit_callbacks, time_machine
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=newcomer)
    token = token_from(mail.outbox[0])
    time_machine.move_to(invitation.expires_at - dt.timedelta(seconds=1), tick=False)
    assert services.invitation_for_token(token) == invitation

    time_machine.move_to(invitation.expires_at, tick=False)

    with pytest.raises(DomainError) as raised:
        services.invitation_for_token(token)
    assert raised.value.code == "invitation_expired"


def test_it_refuses_the_link_of_an_accepted_invitation(
    cast, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(actor=cast.board, member=newcomer)
    services.invitation_accept(invitation=invitation, user=make_user("nina@example.org"))

    with pytest.raises(DomainError) as raised:
        services.invitation_for_token(token_from(mail.outbox[0]))
    assert raised.value.code == "invitation_accepted"


# --- invitation_accept -----------------------------------------------------------------------


def test_accepting_an_invitation_links_the_new_account_to_the_member(cast, invitation):
    user = make_user("Nina@example.org")

    member = services.invitation_accept(invitation=invitation, user=user)

    member.refresh_from_db()
    invitation.refresh_from_db()
    assert member == invitation.member
    assert member.user == user
    assert invitation.accepted_at is not None
    assert not Invitation.objects.pending().filter(pk=invitation.pk).exists()
    assert_audit(
        last_audit(),
        action="invitation.accepted",
        actor=user,
        association=cast.association,
        target=invitation,
    )


def test_it_refuses_an_account_with_another_email_address(cast, invitation):
    user = make_user("iemand-anders@example.org")

    refused(
        services.invitation_accept, "invitation_email_mismatch", invitation=invitation, user=user
    )


def test_it_refuses_to_accept_an_expired_invitation(cast, invitation, time_machine):
    user = make_user("nina@example.org")
    time_machine.move_to(invitation.expires_at + dt.timedelta(minutes=1), tick=False)

    refused(services.invitation_accept, "invitation_expired", invitation=invitation, user=user)


def test_it_refuses_to_accept_a_revoked_invitation(cast, invitation):
    services.invitation_revoke(actor=cast.board, invitation=invitation)
    user = make_user("nina@example.org")

    refused(services.invitation_accept, "invitation_revoked", invitation=invitation, user=user)


def test_it_refuses_to_accept_an_invitation_twice(cast, invitation):
    user = make_user("nina@example.org")
    services.invitation_accept(invitation=invitation, user=user)

    refused(services.invitation_accept, "invitation_accepted", invitation=invitation, user=user)


# --- member_invite ---------------------------------------------------------------------------


def test_inviting_a_new_resident_registers_and_invites_them_in_one_step(
    cast, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.member_invite(
            actor=cast.board,
            association=cast.association,
            name="Nina Nieuw",
            email="Nina@example.org",
            group="vrager",
            joined_on=today,
            language="en",
        )

    member = invitation.member
    assert member.name == "Nina Nieuw"
    assert member.email == "nina@example.org"
    assert member.group_periods.get().group == "vrager"
    assert invitation.email == "nina@example.org"
    assert invitation.is_pending
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    assert services.invitation_for_token(token_from(message)) == invitation
    actions = list(
        AuditEntry.objects.filter(actor=cast.board).order_by("id").values_list("action", flat=True)
    )
    assert actions[-2:] == ["member.registered", "invitation.sent"]


def test_it_refuses_to_invite_a_new_resident_without_email_address(cast, today):
    error = refused(
        services.member_invite,
        "invitation_without_email",
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="   ",
        group="vrager",
        joined_on=today,
    )

    assert error.field == "email"


def test_an_invitation_refused_after_registration_registers_nobody(
    cast, today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        error = refused(
            services.member_invite,
            "account_email_taken",
            actor=cast.board,
            association=cast.association,
            name="Kees Corporatie",
            email="corporatie@example.org",
            group="regular",
            joined_on=today,
        )

    assert error.field == "email"
    assert mail.outbox == []


def test_it_refuses_to_invite_a_new_resident_in_an_unknown_group(cast, today):
    refused(
        services.member_invite,
        "group_invalid",
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="vragers",
        joined_on=today,
    )


# --- staff_link_add --------------------------------------------------------------------------


def test_it_links_a_user_to_an_organisation(cast, today):
    user = make_user("medewerker@example.org")

    link = services.staff_link_add(
        actor=cast.corporation_staff, organisation=cast.corporation, user=user, starts_on=today
    )

    link.refresh_from_db()
    assert (link.organisation, link.user, link.starts_on, link.ends_on) == (
        cast.corporation,
        user,
        today,
        None,
    )
    entry = last_audit()
    assert_audit(
        entry, action="staff.linked", actor=cast.corporation_staff, association=None, target=link
    )
    assert entry.data == {"organisation": cast.corporation.pk, "starts_on": today.isoformat()}


def test_it_refuses_a_second_open_link_to_the_same_organisation(cast, today):
    refused(
        services.staff_link_add,
        "staff_already_linked",
        actor=None,
        organisation=cast.care,
        user=cast.care_worker,
        starts_on=today,
    )


def test_a_user_may_work_for_the_organisation_again_after_the_link_ended(cast, today):
    StaffLink.objects.filter(user=cast.care_worker, organisation=cast.care).update(ends_on=today)

    link = services.staff_link_add(
        actor=None, organisation=cast.care, user=cast.care_worker, starts_on=today
    )

    assert StaffLink.objects.filter(user=cast.care_worker, organisation=cast.care).count() == 2
    assert link.ends_on is None


# --- care_assign -----------------------------------------------------------------------------


def test_it_assigns_a_care_worker_with_their_organisation(cast, today):
    assignment = services.care_assign(
        actor=cast.care_worker, member=cast.drager_member, worker=cast.care_worker, starts_on=today
    )

    assignment.refresh_from_db()
    assert assignment.member == cast.drager_member
    assert assignment.worker == cast.care_worker
    assert assignment.organisation == cast.care
    assert (assignment.starts_on, assignment.ends_on) == (today, None)
    entry = last_audit()
    assert_audit(
        entry,
        action="care.assigned",
        actor=cast.care_worker,
        association=cast.association,
        target=assignment,
    )
    assert entry.data == {"organisation": cast.care.pk, "starts_on": today.isoformat()}


def test_a_second_care_worker_may_guide_the_same_resident(cast, today):
    assignment = services.care_assign(
        actor=None, member=cast.vrager_member, worker=cast.other_care_worker, starts_on=today
    )

    assert assignment.organisation == cast.other_care
    assert CareAssignment.objects.current(today).filter(member=cast.vrager_member).count() == 2


@pytest.mark.parametrize("worker", ["corporation_staff", "outsider"])
def test_it_refuses_a_worker_who_does_not_work_for_a_care_organisation(cast, today, worker):
    refused(
        services.care_assign,
        "not_a_care_worker",
        actor=None,
        member=cast.drager_member,
        worker=getattr(cast, worker),
        starts_on=today,
    )


def test_it_refuses_a_care_worker_whose_link_ended(cast, today):
    StaffLink.objects.filter(user=cast.other_care_worker).update(ends_on=today)

    refused(
        services.care_assign,
        "not_a_care_worker",
        actor=None,
        member=cast.drager_member,
        worker=cast.other_care_worker,
        starts_on=today,
    )


def test_it_refuses_to_assign_the_same_care_worker_twice(cast, today):
    refused(
        services.care_assign,
        "care_worker_already_assigned",
        actor=None,
        member=cast.vrager_member,
        worker=cast.care_worker,
        starts_on=today,
    )
