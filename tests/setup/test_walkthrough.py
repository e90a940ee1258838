"""A new installation through the pages only: the corporation sets up an association with its
building and units and invites the first board member, who signs up, registers the residents
who already live there, invites them all, records a move-out and reports the vacancy."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coop.models import Association, AuditEntry, User
from members.models import Member, Tenancy
from tests.conftest import add_totp
from vacancies.models import Vacancy

PASSWORD = "a-long-new-password-41"


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _ok(response, status=302):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def test_a_new_association_is_set_up_and_run_through_the_pages(
    cast, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    today = timezone.localdate()
    corporation = _en(client_for("corporation_staff"))
    slug = cast.corporation.slug
    _ok(
        corporation.post(
            reverse("setup:association_new", args=[slug]),
            {
                "name": "Woonvereniging De Linde",
                "slug": "de-linde",
                "kind": "cooperative",
                "target_vrager": "35",
                "target_drager": "15",
                "target_regular": "50",
                "monthly_hours": "16",
                "omklap_length_months": "24",
                "monitoring_interval_months": "6",
                "final_evaluation_weeks": "8",
            },
        )
    )
    association = Association.objects.get(slug="de-linde")
    _ok(
        corporation.post(
            reverse("setup:building_new", args=[slug, "de-linde"]),
            {
                "name": "Lindehof",
                "street_address": "Lindeweg 1",
                "postal_code": "1011 AA",
                "city": "Amsterdam",
            },
        )
    )
    building = association.buildings.get()
    for number, kind in (("1", "regular"), ("2", "regular"), ("3", "drager"), ("4", "omklap")):
        _ok(
            corporation.post(
                reverse("setup:unit_new", args=[slug, "de-linde"]),
                {"building": building.pk, "number": number, "kind": kind, "rent": "650"},
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            corporation.post(
                reverse("setup:board_invite", args=[slug, "de-linde"]),
                {
                    "name": "Bea Bestuur",
                    "email": "bea@example.net",
                    "group": "regular",
                    "joined_on": (today - dt.timedelta(days=800)).isoformat(),
                    "language": "en",
                },
            )
        )

    # The board member opens the link, signs up and sets up a second factor.
    link = re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)
    board = _en(Client())
    _ok(board.get(link))
    _ok(
        board.post(
            reverse("account_signup"),
            {"email": "bea@example.net", "password1": PASSWORD, "password2": PASSWORD},
        )
    )
    bea = User.objects.get(email="bea@example.net")
    assert Member.objects.get(association=association, user=bea).name == "Bea Bestuur"
    add_totp(bea)
    board.force_login(bea)

    # The board registers the residents who already live there and invites them all.
    units = {u.number: u for u in building.units.all()}
    residents = [
        ("Bea Bestuur", None, None),
        ("Rob Regulier", "rob@example.net", ("1", "regular", "regular", None)),
        ("Dora Drager", "dora@example.net", ("3", "regular", "drager", None)),
        ("Vera Vrager", "", ("4", "omklap", "vrager", today + dt.timedelta(days=90))),
    ]
    for name, email, home in residents[1:]:
        number, kind, group, ends_on = home
        _ok(
            board.post(
                reverse("register:resident_new", args=["de-linde"]),
                {
                    "name": name,
                    "email": email,
                    "group": group,
                    "unit": units[number].pk,
                    "tenancy_kind": kind,
                    "starts_on": (today - dt.timedelta(days=300)).isoformat(),
                    "ends_on": ends_on.isoformat() if ends_on else "",
                },
            )
        )
    register = reverse("register:register", args=["de-linde"])
    text = board.get(register).content.decode()
    assert "3 members have no account yet and cannot vote online." in text
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        text = _ok(
            board.post(reverse("register:invite_all", args=["de-linde"]), follow=True), 200
        ).content.decode()
    assert "2 invitations were sent." in text
    assert "Vera Vrager: Add an e-mail address to the member first." in text
    assert sorted(m.to[0] for m in mailoutbox) == ["dora@example.net", "rob@example.net"]

    # Rob moves out today: he leaves, and the board reports his home as vacant.
    tenancy = Tenancy.objects.get(member__name="Rob Regulier")
    text = _ok(
        board.post(reverse("register:move_out", args=[tenancy.pk]), {"ends_on": today.isoformat()}),
        200,
    ).content.decode()
    report = re.search(r'href="([^"]*/vacancies/new/[^"]*)"', text)
    assert report, text
    report_url = report.group(1).replace("&amp;", "&")
    form = board.get(report_url).content.decode()
    assert f'<option value="{units["1"].pk}" selected>' in form
    _ok(
        board.post(
            report_url.split("?")[0],
            {"unit": units["1"].pk, "available_from": today.isoformat()},
        )
    )
    vacancy = Vacancy.objects.get(unit=units["1"])
    assert vacancy.available_from == today
    assert Member.objects.get(name="Rob Regulier").status == Member.Status.LEFT
    # Every change went through a service: each left its audit entry in the association.
    actions = set(
        AuditEntry.objects.filter(association=association).values_list("action", flat=True)
    )
    assert {
        "association.created",
        "building.created",
        "unit.created",
        "member.registered",
        "role.assigned",
        "invitation.sent",
        "invitation.accepted",
        "tenancy.started",
        "tenancy.ended",
        "member.left",
        "vacancy.reported",
    } <= actions
