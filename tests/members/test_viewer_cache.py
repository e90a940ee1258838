"""The viewer kept per session: every change of standing counts from the very next request."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coop.models import StaffLink
from members import services
from members.models import AssociationRole, Role
from tests.conftest import add_totp

DASHBOARD = "/portal/"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _roles(client: Client) -> list[str]:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.context["roles"]


def _members_page(cast) -> str:
    return reverse("portal:association_members", args=[cast.association.slug])


def test_the_second_request_takes_the_viewer_from_the_cache(cast):
    client = _logged_in(cast.drager)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        client.get(DASHBOARD)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "members_associationrole" not in tables
    assert "coop_stafflink" not in tables


def test_a_role_granted_counts_on_the_next_request(cast):
    client = _logged_in(cast.drager)
    assert _roles(client) == []
    services.role_assign(
        actor=cast.board,
        member=cast.drager_member,
        role=Role.COORDINATOR,
        starts_on=timezone.localdate(),
    )
    assert _roles(client) == [Role.COORDINATOR.label]


def test_a_board_role_granted_opens_the_board_pages_on_the_next_request(cast):
    add_totp(cast.drager)
    client = _logged_in(cast.drager)
    assert client.get(_members_page(cast)).status_code == 404
    services.role_assign(
        actor=cast.board, member=cast.drager_member, role=Role.BOARD, starts_on=timezone.localdate()
    )
    assert client.get(_members_page(cast)).status_code == 200


def test_a_role_ended_counts_on_the_next_request(cast):
    client = _logged_in(cast.board)
    assert client.get(_members_page(cast)).status_code == 200
    services.role_end(
        actor=cast.board,
        assignment=AssociationRole.objects.get(member=cast.board_member, role=Role.BOARD),
        ends_on=timezone.localdate(),
    )
    assert client.get(_members_page(cast)).status_code == 404


def test_a_role_ending_tomorrow_holds_today_and_stops_on_the_first_request_tomorrow(cast):
    role = services.role_assign(
        actor=cast.board,
        member=cast.drager_member,
        role=Role.COORDINATOR,
        starts_on=timezone.localdate() - dt.timedelta(days=3),
    )
    services.role_end(
        actor=cast.board, assignment=role, ends_on=timezone.localdate() + dt.timedelta(days=1)
    )
    client = _logged_in(cast.drager)
    assert _roles(client) == [Role.COORDINATOR.label]
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        assert _roles(client) == []


def test_a_membership_ended_counts_on_the_next_request(cast):
    client = _logged_in(cast.drager)
    page = reverse("portal:association_detail", args=[cast.association.slug])
    assert client.get(page).status_code == 200
    today = timezone.localdate()
    services.tenancy_end(
        actor=cast.board, tenancy=cast.drager_member.tenancies.get(), ends_on=today
    )
    services.member_leave(actor=cast.board, member=cast.drager_member, left_on=today)
    assert client.get(page).status_code == 404


def test_a_staff_link_ended_counts_on_the_next_request(cast):
    client = _logged_in(cast.corporation_staff)
    page = reverse("portal:organisation_detail", args=[cast.corporation.slug])
    assert client.get(page).status_code == 200
    link = StaffLink.objects.get(user=cast.corporation_staff, organisation=cast.corporation)
    link.ends_on = timezone.localdate()
    link.save(update_fields=["ends_on"])
    assert client.get(page).status_code == 404


def test_a_staff_link_added_counts_on_the_next_request(cast):
    client = _logged_in(cast.care_worker)
    page = reverse("portal:organisation_detail", args=[cast.corporation.slug])
    assert client.get(page).status_code == 404
    services.staff_link_add(
        actor=None,
        organisation=cast.corporation,
        user=cast.care_worker,
        starts_on=timezone.localdate(),
    )
    assert client.get(page).status_code == 200


def test_a_second_factor_set_up_lifts_the_set_up_demand_on_the_next_request(cast):
    services.role_assign(
        actor=cast.board, member=cast.drager_member, role=Role.BOARD, starts_on=timezone.localdate()
    )
    client = _logged_in(cast.drager)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    add_totp(cast.drager)
    assert client.get(DASHBOARD).status_code == 200


def test_a_group_that_reaches_the_admin_demands_a_second_factor_on_the_next_request(cast):
    client = _logged_in(cast.drager)
    assert client.get(DASHBOARD).status_code == 200
    editors = Group.objects.create(name="Redactie")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    cast.drager.groups.add(editors)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_each_session_gets_its_own_viewer(cast):
    board, drager = _logged_in(cast.board), _logged_in(cast.drager)
    for _ in range(2):
        assert board.get(_members_page(cast)).status_code == 200
        assert drager.get(_members_page(cast)).status_code == 404
        assert _roles(board) == [Role.BOARD.label]
        assert _roles(drager) == []
