"""A move-out recorded ahead takes effect on its day, and a former member's account closes a
set period after they left: one daily job, run as often as one likes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_q.models import Schedule

from coop.models import AuditEntry, StaffLink
from members import tasks
from members.models import AssociationRole, Member, Role
from members.services import member_move_out
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.frozen_at("2026-06-10T10:00+02:00")

TODAY = dt.date(2026, 6, 10)
MOVE_OUT = dt.date(2026, 6, 20)


def _at(day: dt.date, hour: int = 1):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC))


def _drager(cast) -> Member:
    return Member.objects.get(pk=cast.drager_member.pk)


def test_the_daily_schedule_exists_once_by_name(db):
    schedules = Schedule.objects.filter(func="members.tasks.membership_changes_apply")
    assert list(schedules.values_list("name", "schedule_type")) == [
        ("members: membership changes", "D")
    ]


def test_a_move_out_ahead_lets_the_member_leave_on_that_day_and_not_before(cast):
    tenancy = cast.drager_member.tenancies.get()
    member = member_move_out(actor=cast.board, tenancy=tenancy, ends_on=MOVE_OUT)
    assert (member.status, member.left_on) == (Member.Status.ACTIVE, None)

    with _at(MOVE_OUT - dt.timedelta(days=1), hour=20):  # 22:00 the evening before, in Dutch time
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}
    assert _drager(cast).status == Member.Status.ACTIVE

    with _at(MOVE_OUT):
        assert tasks.membership_changes_apply() == {"left": 1, "closed": 0}
        # Again the same day, and the next: nothing more happens.
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}
    with _at(MOVE_OUT + dt.timedelta(days=1)):
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}

    member = _drager(cast)
    assert (member.status, member.left_on) == (Member.Status.LEFT, MOVE_OUT)
    entries = AuditEntry.objects.filter(action="member.left", target_id=str(member.pk))
    assert [(e.actor_id, e.data["left_on"]) for e in entries] == [(None, MOVE_OUT.isoformat())]


def test_a_missed_run_lets_the_member_leave_on_the_tenancys_end_date(cast):
    tenancy = cast.drager_member.tenancies.get()
    member_move_out(actor=cast.board, tenancy=tenancy, ends_on=MOVE_OUT)
    with _at(MOVE_OUT + dt.timedelta(days=5)):
        tasks.membership_changes_apply()
    assert _drager(cast).left_on == MOVE_OUT


def test_a_move_out_today_leaves_at_once_through_the_same_rule(cast):
    tenancy = cast.drager_member.tenancies.get()
    member = member_move_out(actor=cast.board, tenancy=tenancy, ends_on=TODAY)
    assert (member.status, member.left_on) == (Member.Status.LEFT, TODAY)
    assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}


def test_a_member_moving_to_another_unit_stays(cast):
    member = cast.drager_member
    old = member.tenancies.get()
    member_move_out(actor=cast.board, tenancy=old, ends_on=MOVE_OUT)
    member.tenancies.create(unit=cast.units[1], kind="regular", starts_on=MOVE_OUT)
    with _at(MOVE_OUT + dt.timedelta(days=1)):
        assert tasks.membership_changes_apply()["left"] == 0
    assert _drager(cast).status == Member.Status.ACTIVE


def _session_of(client, user) -> str:
    client.force_login(user)
    return client.session.session_key


def test_the_account_closes_after_the_set_period_with_its_sessions(cast, client, settings):
    settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING = 3
    key = _session_of(client, cast.drager)
    member_move_out(actor=cast.board, tenancy=cast.drager_member.tenancies.get(), ends_on=TODAY)

    with _at(TODAY + dt.timedelta(days=3)):
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}
    cast.drager.refresh_from_db()
    assert cast.drager.is_active
    assert Session.objects.filter(session_key=key).exists()

    with _at(TODAY + dt.timedelta(days=4)):
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 1}
        assert tasks.membership_changes_apply() == {"left": 0, "closed": 0}
        cast.drager.refresh_from_db()
        assert not cast.drager.is_active
        assert not Session.objects.filter(session_key=key).exists()
        # The browser that held the session is logged out.
        response = client.get(reverse("portal:dashboard"))
        assert response.status_code == 302
        assert SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(action="account.closed")
    assert entry.actor_id is None
    assert entry.target_id == str(cast.drager.pk)
    assert entry.data == {"left_on": TODAY.isoformat(), "sessions_ended": 1}
    assert "Dirk" not in entry.target_repr
    # Other people's sessions stay.
    assert AuditEntry.objects.filter(action="account.closed").count() == 1


def test_an_account_with_another_membership_a_staff_link_or_a_role_stays_open(cast, settings):
    settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING = 0
    for member in (cast.drager_member, cast.vrager_member, cast.board_member):
        member_move_out(actor=cast.board, tenancy=member.tenancies.get(), ends_on=TODAY)
    # The drager joins the other association; the vrager works for the care organisation;
    # the board member keeps a role in the other association.
    Member.objects.create(
        association=cast.other_association, user=cast.drager, name="Dirk", joined_on=TODAY
    )
    StaffLink.objects.create(organisation=cast.care, user=cast.vrager, starts_on=TODAY)
    elsewhere = Member.objects.create(
        association=cast.other_association,
        user=cast.board,
        name="Bram",
        joined_on=TODAY - dt.timedelta(days=5),
        status=Member.Status.LEFT,
        left_on=TODAY - dt.timedelta(days=1),
    )
    AssociationRole.objects.create(member=elsewhere, role=Role.BOARD, starts_on=elsewhere.joined_on)
    with _at(TODAY + dt.timedelta(days=3)):
        assert tasks.membership_changes_apply()["closed"] == 0
    for user in (cast.drager, cast.vrager, cast.board):
        user.refresh_from_db()
        assert user.is_active


def test_the_register_shows_former_members_apart(cast, client_for):
    member_move_out(actor=cast.board, tenancy=cast.drager_member.tenancies.get(), ends_on=TODAY)
    client = client_for("board")
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("register:register", args=[cast.association.slug]))
    text = response.content.decode()
    assert "Vertrokken leden" in text
    former = text.split('id="former-members"')[1]
    residents = text.split('id="former-members"')[0].split('id="members-heading"')[1]
    assert "Dirk Drager" in former and "10 juni 2026" in former
    assert "Dirk Drager" not in residents
    assert "Vera Vrager" in residents and "Vera Vrager" not in former


def test_the_former_members_keep_the_register_query_count_flat(cast, client_for):
    client = client_for("board")

    def grow(n: int) -> None:
        have = Member.objects.filter(association=cast.association, status="left").count()
        Member.objects.bulk_create(
            Member(
                association=cast.association,
                name=f"Oud-lid {i:03}",
                joined_on=TODAY - dt.timedelta(days=100),
                status=Member.Status.LEFT,
                left_on=TODAY - dt.timedelta(days=i % 90 + 1),
            )
            for i in range(have, n)
        )

    # session, user, viewer (one cache read), the members, the former members
    assert_flat_query_count(
        lambda: client.get(reverse("register:register", args=[cast.association.slug])),
        grow,
        queries=5,
    )
