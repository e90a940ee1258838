"""The board's member register in the portal: residents who already live there, who has no
account yet and one invitation for all of them, a move-out that leads to a vacancy report."""

from __future__ import annotations

import datetime as dt
from html import unescape

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from members.models import AssociationRole, Invitation, Member, MixGroupPeriod, Tenancy
from members.services import member_register
from tests.helpers import assert_flat_query_count


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_board_registers_a_resident_who_already_lives_there(cast, client_for):
    client = _en(client_for("board"))
    url = reverse("register:resident_new", args=[cast.association.slug])
    text = client.get(url).content.decode()
    assert "Kapelgebouw 3 (regular): let to Bram Bestuur" in unescape(text)
    start = timezone.localdate() - dt.timedelta(days=700)
    response = client.post(
        url,
        {
            "name": "Henk Huurder",
            "email": "",
            "group": "drager",
            "unit": cast.units[1].pk,
            "tenancy_kind": "omklap",
            "starts_on": start.isoformat(),
            "ends_on": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("register:register", args=[cast.association.slug])
    tenancy = Tenancy.objects.get(unit=cast.units[1])
    assert (tenancy.member.name, tenancy.kind, tenancy.starts_on) == (
        "Henk Huurder",
        "omklap",
        start,
    )
    assert MixGroupPeriod.objects.get(member=tenancy.member).group == "drager"


def test_a_resident_for_a_let_unit_is_refused_on_the_form(cast, client_for):
    client = _en(client_for("board"))
    response = client.post(
        reverse("register:resident_new", args=[cast.association.slug]),
        {
            "name": "Henk Huurder",
            "group": "regular",
            "unit": cast.units[2].pk,
            "tenancy_kind": "regular",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "This unit already has a tenancy on that date." in response.content.decode()
    assert not Member.objects.filter(name="Henk Huurder").exists()


def test_the_register_lists_who_has_no_account_and_invites_them_all(
    cast, client_for, django_capture_on_commit_callbacks
):
    for name, email in (("Anna Adres", "anna@example.net"), ("Cees Zonder", "")):
        member_register(
            actor=cast.board,
            association=cast.association,
            name=name,
            email=email,
            group="regular",
            joined_on=timezone.localdate(),
        )
    client = _en(client_for("board"))
    url = reverse("register:register", args=[cast.association.slug])
    text = client.get(url).content.decode()
    assert "2 members have no account yet and cannot vote online." in text
    assert "Cees Zonder (no e-mail address)" in text
    assert "Invite 1 member" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("register:invite_all", args=[cast.association.slug]), follow=True
        )
    text = response.content.decode()
    assert "1 invitation was sent." in text
    assert "Cees Zonder: Add an e-mail address to the member first." in text
    assert [m.to for m in mail.outbox] == [["anna@example.net"]]
    assert Invitation.objects.get().member.name == "Anna Adres"
    assert "Anna Adres (invited)" in text


def test_a_move_out_ends_the_membership_and_offers_the_vacancy_report(cast, client_for):
    tenancy = Tenancy.objects.get(member=cast.drager_member)
    client = _en(client_for("board"))
    register = reverse("register:register", args=[cast.association.slug])
    url = reverse("register:move_out", args=[tenancy.pk])
    assert url in client.get(register).content.decode()
    today = timezone.localdate()
    response = client.post(url, {"ends_on": today.isoformat()})
    assert response.status_code == 200
    text = unescape(response.content.decode())
    report = reverse("vacancies:vacancy_report", args=[cast.association.slug])
    assert f"{report}?unit={tenancy.unit_id}&available_from={today.isoformat()}" in text
    assert "Dirk Drager has left the association." in text
    tenancy.refresh_from_db()
    assert tenancy.ends_on == today
    assert Member.objects.get(pk=cast.drager_member.pk).status == Member.Status.LEFT
    # Recorded once: the form refuses the same move-out again.
    response = client.post(url, {"ends_on": today.isoformat()})
    assert response.status_code == 400
    assert "This tenancy has already ended." in response.content.decode()


def test_the_register_has_a_flat_query_count(cast, client_for):
    client = client_for("board")

    def grow(n: int) -> None:
        have = Member.objects.filter(association=cast.association).count()
        members = Member.objects.bulk_create(
            Member(
                association=cast.association,
                name=f"Bewoner {i:03}",
                email=f"b{i}@example.net",
                joined_on=timezone.localdate(),
            )
            for i in range(have, n)
        )
        MixGroupPeriod.objects.bulk_create(
            MixGroupPeriod(member=m, group="regular", starts_on=m.joined_on) for m in members
        )

    # session, user, viewer (one cache read), the members with their group, home and
    # invitation, the former members
    assert_flat_query_count(
        lambda: client.get(reverse("register:register", args=[cast.association.slug])),
        grow,
        queries=5,
    )


def test_the_board_changes_a_group_from_a_date_and_the_history_stays(cast, client_for):
    client = _en(client_for("board"))
    member = cast.drager_member
    page = reverse("register:member", args=[member.pk])
    day = timezone.localdate() - dt.timedelta(days=10)
    response = client.post(
        reverse("register:member_group", args=[member.pk]),
        {"group": "vrager", "starts_on": day.isoformat()},
    )
    assert response.status_code == 302 and response["Location"] == page
    assert list(member.group_periods.order_by("starts_on").values_list("group", "ends_on")) == [
        ("drager", day),
        ("vrager", None),
    ]
    text = client.get(page).content.decode()
    assert text.index("drager") < text.index("vrager")
    # The same group again is refused, on the form, and changes nothing.
    response = client.post(
        reverse("register:member_group", args=[member.pk]),
        {"group": "vrager", "starts_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "already in this group on that date" in response.content.decode()
    assert member.group_periods.count() == 2


def test_the_board_assigns_and_ends_roles_and_keeps_board_and_committee_apart(cast, client_for):
    client = _en(client_for("board"))
    member = cast.drager_member
    today = timezone.localdate().isoformat()
    url = reverse("register:member_role", args=[member.pk])
    assert client.post(url, {"role": "board", "starts_on": today}).status_code == 302
    response = client.post(url, {"role": "selection", "starts_on": today})
    assert response.status_code == 400
    assert "cannot sit on the selection committee" in response.content.decode()
    role = AssociationRole.objects.get(member=member)
    end = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("register:role_end", args=[role.pk]), {"ends_on": end.isoformat()}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.ends_on == end
    assert AuditEntry.objects.filter(action="role.ended", actor=cast.board).count() == 1
