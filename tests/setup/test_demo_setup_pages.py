"""The demo is built through the set-up services, so its set-up pages show filled lists: the
corporation's associations with buildings and units and its colleagues, the care organisation's
assignments, and the board's register with homes, groups, roles and invitations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from coop.demo.logins import LOGINS
from coop.demo.members import CARE, CORPORATION
from coop.models import AuditEntry, User
from members.models import Member


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet")
    return timezone.localdate()


def _page(client, key: str, url: str) -> str:
    client.force_login(User.objects.get(email=LOGINS[key].email))
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", response.content.decode())


DASH = "\u2013"  # the en dash between "from" and "until" in the register


def _day(day: dt.date) -> str:
    with translation.override("en"):
        return date_format(day, "j N Y")


def _row(text: str, name: str) -> str:
    """The table row that names ``name``."""
    match = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", text)
    assert match, name
    return match.group(0)


def _cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
    ]


def test_the_corporation_sees_its_associations_buildings_units_and_colleagues(client, demo):
    text = _page(client, "corporation_staff", reverse("setup:home", args=[CORPORATION[0]]))
    assert _cells(_row(text, "De Zonnewijzer"))[2:] == ["2", "24"]
    assert _cells(_row(text, "Het Weverhof"))[2:] == ["1", "10"]
    # The set-up services left their audit entries: the demo tells its story as a real one.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organisation.created", "association.created", "building.created"} <= actions
    assert {"unit.created", "staff.invited", "staff.link_ended", "role.ended"} <= actions

    association = _page(
        client,
        "corporation_staff",
        reverse("setup:association", args=[CORPORATION[0], "de-zonnewijzer"]),
    )
    assert "Zonnewijzer Noord" in association and "Marieke Jansen" in association

    staff = _page(client, "corporation_staff", reverse("setup:staff", args=[CORPORATION[0]]))
    kees = _cells(_row(staff, LOGINS["corporation_staff"].email))
    assert kees[2] == _day(demo - dt.timedelta(days=1500)) and kees[3] == "—"
    petra = _cells(_row(staff, "oud-collega@"))
    assert petra[0] == "Petra van den Berg"
    assert petra[2:4] == [_day(demo - dt.timedelta(days=700)), _day(demo - dt.timedelta(days=120))]
    # An ended access has nothing left to end.
    assert "End access" not in _row(staff, "oud-collega@")


def test_the_care_organisation_sees_its_assignments_one_with_its_end(client, demo):
    text = _page(client, "care_worker", reverse("setup:care", args=[CARE[0]]))
    sanne = _cells(_row(text, "Sanne Bakker"))
    assert sanne[2] == "Zonnewijzer Noord 1" and sanne[3] == "Zoë Verbeek" and sanne[5] == "—"
    handover = _cells(_row(text, "Joost Meijer"))
    assert handover[0] == "Kevin Smit"
    assert handover[4:6] == [
        _day(demo - dt.timedelta(days=400)),
        _day(demo + dt.timedelta(days=45)),
    ]
    assert "End" not in handover[6]
    assert text.count("<tr>") >= 10  # every vrager of both associations, and the handover


def test_the_board_sees_homes_groups_roles_and_who_has_no_account(client, demo):
    register = reverse("register:register", args=["de-zonnewijzer"])
    text = _page(client, "board", register)
    assert _cells(_row(text, "Sanne Bakker"))[1:3] == ["Zonnewijzer Noord 1", "vrager"]
    assert _cells(_row(text, "Fenna Mulder"))[1:3] == ["Zonnewijzer Zuid 5", "drager"]
    without = re.search(r'id="without-account">(.*?)</section>', text).group(1)
    # The logins have accounts; the other residents do not, and one of them is invited.
    assert "Marieke Jansen" not in without and "Iris Peters" in without
    assert "Esther de Jong (invited)" in without
    count = Member.objects.filter(association__slug="de-zonnewijzer", user__isnull=True).count()
    assert f"{count} members have no account yet and cannot vote online." in without
    assert f"Invite all {count - 1} members" in without

    fenna = Member.objects.get(name="Fenna Mulder")
    history = _page(client, "board", reverse("register:member", args=[fenna.pk]))
    joined, changed = demo - dt.timedelta(days=980), demo - dt.timedelta(days=365)
    assert f"regular tenant: {_day(joined)} {DASH} {_day(changed)}" in history
    assert f"drager: {_day(changed)} {DASH} …" in history

    iris = Member.objects.get(name="Iris Peters")
    roles = _page(client, "board", reverse("register:member", args=[iris.pk]))
    started, ended = demo - dt.timedelta(days=380), demo - dt.timedelta(days=60)
    assert f"activity coordinator: {_day(started)} {DASH} {_day(ended)}" in roles
    assert "End the role" not in roles
