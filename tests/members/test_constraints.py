"""The database holds the invariants itself, also when code bypasses the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coop.models import Association
from members.models import AssociationRole, Invitation, Member, MixGroupPeriod, Role, Tenancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def test_a_unit_cannot_hold_two_open_tenancies(cast, today):
    newcomer = Member.objects.create(association=cast.association, name="Nina", joined_on=today)

    with pytest.raises(IntegrityError), transaction.atomic():
        Tenancy.objects.create(member=newcomer, unit=cast.units[0], kind="regular", starts_on=today)

    assert Tenancy.objects.filter(unit=cast.units[0]).count() == 1


def test_a_unit_may_hold_an_ended_tenancy_and_an_open_one(cast, today):
    Tenancy.objects.filter(unit=cast.units[0]).update(ends_on=today)
    newcomer = Member.objects.create(association=cast.association, name="Nina", joined_on=today)

    Tenancy.objects.create(member=newcomer, unit=cast.units[0], kind="regular", starts_on=today)

    assert Tenancy.objects.filter(unit=cast.units[0]).count() == 2


def test_a_tenancy_cannot_end_on_or_before_its_start(cast, today):
    tenancy = cast.vrager_member.tenancies.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Tenancy.objects.filter(pk=tenancy.pk).update(ends_on=tenancy.starts_on)

    tenancy.refresh_from_db()
    assert tenancy.ends_on is None


def test_a_member_cannot_have_two_open_group_periods(cast, today):
    member = cast.vrager_member

    with pytest.raises(IntegrityError), transaction.atomic():
        MixGroupPeriod.objects.create(member=member, group="drager", starts_on=today)

    assert list(member.group_periods.values_list("group", flat=True)) == ["vrager"]


def test_a_member_cannot_have_two_group_periods_from_the_same_day(cast):
    member = cast.vrager_member
    MixGroupPeriod.objects.filter(member=member).update(
        ends_on=member.joined_on + dt.timedelta(days=5)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        MixGroupPeriod.objects.create(member=member, group="drager", starts_on=member.joined_on)

    assert member.group_periods.count() == 1


@pytest.mark.parametrize(
    ("vrager", "drager", "regular"),
    [(35, 15, 49), (35, 15, 51), (100, 100, 0), (0, 0, 0), (60, 60, 80)],
)
def test_association_target_shares_must_add_up_to_100(cast, vrager, drager, regular):
    with pytest.raises(IntegrityError), transaction.atomic():
        Association.objects.create(
            name="Woonvereniging Scheef",
            slug="scheef",
            kind=Association.Kind.ASSOCIATION,
            corporation=cast.corporation,
            target_vrager=vrager,
            target_drager=drager,
            target_regular=regular,
        )

    assert not Association.objects.filter(slug="scheef").exists()


def test_changing_one_target_share_alone_is_refused(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Association.objects.filter(pk=cast.association.pk).update(target_vrager=40)

    cast.association.refresh_from_db()
    assert cast.association.mix_target == {"vrager": 35, "drager": 15, "regular": 50}


def test_association_target_shares_that_add_up_to_100_are_accepted(cast):
    association = Association.objects.create(
        name="Woonvereniging Recht",
        slug="recht",
        kind=Association.Kind.ASSOCIATION,
        corporation=cast.corporation,
        target_vrager=0,
        target_drager=0,
        target_regular=100,
    )

    assert association.mix_target == {"vrager": 0, "drager": 0, "regular": 100}


def test_a_member_cannot_hold_the_same_role_twice_at_once(cast, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssociationRole.objects.create(member=cast.board_member, role=Role.BOARD, starts_on=today)

    assert cast.board_member.roles.filter(role=Role.BOARD).count() == 1


def test_a_member_may_hold_two_different_roles_in_the_database(cast, today):
    AssociationRole.objects.create(member=cast.board_member, role=Role.COORDINATOR, starts_on=today)

    assert cast.board_member.roles.count() == 2


def test_a_user_cannot_have_two_active_memberships(cast, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            association=cast.other_association, user=cast.vrager, name="Vera", joined_on=today
        )

    assert Member.objects.filter(user=cast.vrager).count() == 1


def test_a_user_may_have_an_active_membership_after_one_that_ended(cast, today):
    Member.objects.create(
        association=cast.other_association,
        user=cast.vrager,
        name="Vera",
        joined_on=today - dt.timedelta(days=900),
        status=Member.Status.LEFT,
        left_on=today - dt.timedelta(days=500),
    )

    assert Member.objects.filter(user=cast.vrager).count() == 2


def test_a_member_who_left_needs_a_leaving_date(cast, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=cast.vrager_member.pk).update(status=Member.Status.LEFT)

    cast.vrager_member.refresh_from_db()
    assert cast.vrager_member.status == Member.Status.ACTIVE


def _invitation(cast, member, token_hash: str) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        association=cast.association,
        member=member,
        email="nina@example.org",
        token_hash=token_hash,
        invited_by=cast.board,
        sent_at=now,
        expires_at=now + dt.timedelta(days=14),
    )


def test_a_member_cannot_have_two_pending_invitations(cast, today):
    member = Member.objects.create(
        association=cast.association, name="Nina", email="nina@example.org", joined_on=today
    )
    _invitation(cast, member, "a" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        _invitation(cast, member, "b" * 64)

    assert member.invitations.count() == 1


def test_a_member_may_have_a_revoked_and_a_pending_invitation(cast, today):
    member = Member.objects.create(
        association=cast.association, name="Nina", email="nina@example.org", joined_on=today
    )
    first = _invitation(cast, member, "a" * 64)
    Invitation.objects.filter(pk=first.pk).update(revoked_at=timezone.now())

    _invitation(cast, member, "b" * 64)

    assert member.invitations.count() == 2
    assert member.invitations.pending().count() == 1


def test_two_active_members_of_one_association_cannot_share_an_address_in_any_case(cast, today):
    Member.objects.create(
        association=cast.association, name="Nina", email="nina@example.org", joined_on=today
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            association=cast.association, name="Nina 2", email="NINA@example.org", joined_on=today
        )

    assert Member.objects.filter(email__iexact="nina@example.org").count() == 1


def test_members_without_address_left_members_and_other_associations_share_freely(cast, today):
    Member.objects.create(association=cast.association, name="Zonder 1", joined_on=today)
    Member.objects.create(association=cast.association, name="Zonder 2", joined_on=today)
    Member.objects.create(
        association=cast.association,
        name="Vertrokken",
        email="nina@example.org",
        joined_on=today,
        status=Member.Status.LEFT,
        left_on=today,
    )
    Member.objects.create(
        association=cast.association, name="Nina", email="nina@example.org", joined_on=today
    )
    Member.objects.create(
        association=cast.other_association, name="Nina", email="nina@example.org", joined_on=today
    )

    assert Member.objects.filter(email="nina@example.org").count() == 3
