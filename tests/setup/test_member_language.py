"""A member's language, kept in the register: their invitation goes out in it, whoever sends
it from whichever page."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.services import invitation_send, member_profile_update, resident_register


def test_the_invitation_goes_out_in_the_members_language_not_the_senders(
    cast, django_capture_on_commit_callbacks
):
    tenancy = resident_register(
        actor=cast.board,
        association=cast.association,
        name="Emma English",
        email="emma@example.net",
        group="regular",
        unit=cast.units[1],
        tenancy_kind="regular",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(actor=cast.board, member=tenancy.member, language="nl")
    assert mail.outbox[-1].subject == "Invitation to Woonvereniging De Kapel"


def test_without_a_recorded_language_the_senders_language_is_used(
    cast, django_capture_on_commit_callbacks
):
    tenancy = resident_register(
        actor=cast.board,
        association=cast.association,
        name="Nora Nederlands",
        email="nora@example.net",
        group="regular",
        unit=cast.units[1],
        tenancy_kind="regular",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
    )
    assert tenancy.member.language == ""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(actor=cast.board, member=tenancy.member, language="nl")
    assert mail.outbox[-1].subject == "Uitnodiging voor Woonvereniging De Kapel"


def test_the_board_records_the_language_in_the_register_form(cast, client_for):
    client = client_for("board")
    url = reverse("register:resident_new", args=[cast.association.slug])
    assert "Taal van de uitnodiging en e-mails" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Emma English",
            "email": "emma@example.net",
            "language": "en",
            "group": "regular",
            "unit": cast.units[1].pk,
            "tenancy_kind": "regular",
            "starts_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(name="Emma English").language == "en"


def test_a_profile_change_of_language_is_kept_on_the_membership_too(cast):
    member_profile_update(
        actor=cast.drager, member=cast.drager_member, name="Dirk Drager", phone="", language="en"
    )
    cast.drager_member.refresh_from_db()
    assert cast.drager_member.language == "en"
