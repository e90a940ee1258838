"""The board's member register: residents who already live there, move-outs, invite everyone
without an account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry
from members import services
from members.models import Invitation, Member, Tenancy


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def test_a_resident_who_already_lives_there_is_registered_with_tenancy_and_group(cast, today):
    start = today - dt.timedelta(days=3 * 365)
    notice = today + dt.timedelta(days=60)
    tenancy = services.resident_register(
        actor=cast.board,
        association=cast.association,
        name="Henk Huurder",
        email="henk@example.net",
        group="drager",
        unit=cast.units[1],
        tenancy_kind="omklap",
        starts_on=start,
        ends_on=notice,
    )
    member = tenancy.member
    assert (member.joined_on, member.status) == (start, Member.Status.ACTIVE)
    assert member.group_periods.get().group == "drager"
    assert (tenancy.unit, tenancy.kind, tenancy.starts_on, tenancy.ends_on) == (
        cast.units[1],
        "omklap",
        start,
        notice,
    )
    assert list(
        AuditEntry.objects.filter(actor=cast.board).order_by("id").values_list("action", flat=True)
    ) == ["member.registered", "tenancy.started", "tenancy.ended"]


@pytest.mark.parametrize(
    "unit_index, ends_in, code",
    [(2, None, "unit_already_let"), (1, -1, "ends_before_start")],
)
def test_a_resident_for_a_let_unit_or_with_an_early_end_is_refused_and_nothing_is_kept(
    cast, today, unit_index, ends_in, code
):
    members, tenancies = Member.objects.count(), Tenancy.objects.count()
    with pytest.raises(DomainError) as raised:
        services.resident_register(
            actor=cast.board,
            association=cast.association,
            name="Henk Huurder",
            email="henk@example.net",
            group="regular",
            unit=cast.units[unit_index],
            tenancy_kind="regular",
            starts_on=today - dt.timedelta(days=10),
            ends_on=None if ends_in is None else today + dt.timedelta(days=ends_in - 10),
        )
    assert raised.value.code == code
    assert (Member.objects.count(), Tenancy.objects.count()) == (members, tenancies)


def test_a_move_out_ends_the_tenancy_and_the_membership(cast, today):
    tenancy = Tenancy.objects.get(member=cast.drager_member)
    member = services.member_move_out(actor=cast.board, tenancy=tenancy, ends_on=today)
    tenancy.refresh_from_db()
    assert tenancy.ends_on == today
    assert (member.status, member.left_on) == (Member.Status.LEFT, today)
    assert list(
        AuditEntry.objects.filter(actor=cast.board).order_by("id").values_list("action", flat=True)
    ) == ["tenancy.ended", "member.left"]


def test_a_move_out_ahead_keeps_the_member_until_then(cast, today):
    tenancy = Tenancy.objects.get(member=cast.drager_member)
    later = today + dt.timedelta(days=30)
    member = services.member_move_out(actor=cast.board, tenancy=tenancy, ends_on=later)
    assert member.status == Member.Status.ACTIVE
    assert Tenancy.objects.get(pk=tenancy.pk).ends_on == later


def test_a_move_to_another_unit_keeps_the_member(cast, today):
    member = cast.drager_member
    services.tenancy_start(
        actor=cast.board, member=member, unit=cast.units[1], kind="regular", starts_on=today
    )
    old = Tenancy.objects.get(member=member, unit=cast.units[5])
    member = services.member_move_out(actor=cast.board, tenancy=old, ends_on=today)
    assert member.status == Member.Status.ACTIVE


def test_invite_all_invites_each_member_without_account_once_and_reports_the_rest(
    cast, today, django_capture_on_commit_callbacks
):
    def register(name, email):
        return services.member_register(
            actor=cast.board,
            association=cast.association,
            name=name,
            email=email,
            group="regular",
            joined_on=today,
        )

    anna = register("Anna Adres", "anna@example.net")
    bert = register("Bert Bezet", cast.outsider.email)  # an address with an account elsewhere
    cees = register("Cees Zonder", "")
    dora = register("Dora Al", "dora@example.net")
    already = services.invitation_send(actor=cast.board, member=dora)
    with django_capture_on_commit_callbacks(execute=True):
        sent, refused = services.invitations_send_all(
            actor=cast.board, association=cast.association, language="en"
        )
    assert [i.member for i in sent] == [anna]
    assert [(m, error.code) for m, error in refused] == [
        (bert, "account_email_taken"),
        (cees, "member_without_email"),
    ]
    assert [m.to for m in mail.outbox] == [["anna@example.net"]]
    assert list(Invitation.objects.pending().filter(member=dora)) == [already]
    # A second round finds nobody left to invite.
    sent, _refused = services.invitations_send_all(actor=cast.board, association=cast.association)
    assert sent == []
