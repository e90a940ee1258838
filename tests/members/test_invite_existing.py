"""The board invites any member without an account: new or already registered, and again after
a revoked or an expired link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry
from members import services
from members.models import Invitation, Member


def _en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def resident(cast) -> Member:
    """A resident registered by the board, without an account or an invitation."""
    return services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.org",
        group="vrager",
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )


def _invite_form(**overrides) -> dict:
    return {
        "name": "Nina Nieuw",
        "email": "nina@example.org",
        "group": "vrager",
        "joined_on": timezone.localdate().isoformat(),
        **overrides,
    }


# -- services ------------------------------------------------------------------------------------


def test_inviting_the_address_of_a_registered_member_invites_that_member(
    cast, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.member_invite(
            actor=cast.board,
            association=cast.association,
            name="Nina N.",
            email="NINA@example.org",
            group="regular",
            joined_on=timezone.localdate(),
        )
    assert invitation.member == resident
    assert Member.objects.filter(email="nina@example.org").count() == 1
    # The register is not changed by the invitation: the group stays as registered.
    assert resident.group_periods.get().group == "vrager"
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    assert list(
        AuditEntry.objects.filter(actor=cast.board).order_by("id").values_list("action", flat=True)
    )[-2:] == ["member.registered", "invitation.sent"]


def test_a_member_with_an_account_is_not_registered_twice(cast):
    before = Member.objects.count()
    with pytest.raises(DomainError) as raised:
        services.member_invite(
            actor=cast.board,
            association=cast.association,
            name="Dirk Drager",
            email=cast.drager.email,
            group="drager",
            joined_on=timezone.localdate(),
        )
    assert raised.value.code == "member_email_taken"
    assert Member.objects.count() == before
    assert not Invitation.objects.exists()


def test_an_expired_invitation_is_replaced_by_a_new_one(
    cast, resident, django_capture_on_commit_callbacks, time_machine, settings
):
    old = services.invitation_send(actor=cast.board, member=resident)
    time_machine.move_to(
        timezone.now() + dt.timedelta(days=settings.COOP_INVITATION_DAYS, minutes=1), tick=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = services.invitation_send(actor=cast.board, member=resident)
    old.refresh_from_db()
    assert old.revoked_at == timezone.now()
    assert new.pk != old.pk and new.is_pending
    assert list(Invitation.objects.pending().filter(member=resident)) == [new]
    entry = AuditEntry.objects.filter(action="invitation.sent").latest("id")
    assert entry.target_id == str(new.pk)
    assert entry.data == {"replaces": old.pk}
    assert len(mail.outbox) == 1


def test_an_invitation_still_valid_is_not_replaced(cast, resident):
    open_one = services.invitation_send(actor=cast.board, member=resident)
    with pytest.raises(DomainError) as raised:
        services.invitation_send(actor=cast.board, member=resident)
    assert raised.value.code == "invitation_open"
    open_one.refresh_from_db()
    assert open_one.revoked_at is None
    assert Invitation.objects.count() == 1


# -- the members page and the invite button --------------------------------------------------------


def test_the_board_invites_a_registered_member_from_the_members_page(
    cast, resident, client_for, django_capture_on_commit_callbacks
):
    client = _en(client_for("board"))
    page = reverse("portal:association_members", args=[cast.association.slug])
    url = reverse("portal:member_invite", args=[resident.pk])
    text = client.get(page).content.decode()
    assert f'action="{url}"' in text
    assert 'id="without-account"' in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert "An invitation was sent to Nina Nieuw at nina@example.org." in response.content.decode()
    invitation = Invitation.objects.get(member=resident)
    assert invitation.invited_by == cast.board
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]
    text = client.get(page).content.decode()
    assert f'action="{url}"' not in text  # invited: no second button while the link is valid


def test_the_board_reinvites_after_a_revoke_through_the_invite_form(
    cast, resident, client_for, django_capture_on_commit_callbacks
):
    revoked = services.invitation_send(actor=cast.board, member=resident)
    services.invitation_revoke(actor=cast.board, invitation=revoked)
    client = _en(client_for("board"))
    page = reverse("portal:association_members", args=[cast.association.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, _invite_form(name="Nina"), follow=True)
    text = response.content.decode()
    assert response.redirect_chain == [(page, 302)]
    assert "Nina Nieuw was already registered with this address" in text
    assert Member.objects.filter(email="nina@example.org").count() == 1
    assert Invitation.objects.pending().get(member=resident).pk != revoked.pk
    assert len(mail.outbox) == 1


def test_a_refused_invitation_shows_the_reason_and_sends_nothing(cast, client_for):
    no_address = services.member_register(
        actor=cast.board,
        association=cast.association,
        name="Zonder Adres",
        email="",
        group="regular",
        joined_on=timezone.localdate(),
    )
    client = _en(client_for("board"))
    response = client.post(reverse("portal:member_invite", args=[no_address.pk]), follow=True)
    assert "Add an e-mail address to the member first." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_invite_button_answers_only_a_post(cast, resident, client_for):
    response = client_for("board").get(reverse("portal:member_invite", args=[resident.pk]))
    assert response.status_code == 405
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("drager", 404), ("selection", 404), ("outsider", 404)]
)
def test_only_the_board_of_the_association_invites_its_members(
    cast, resident, client_for, role, status
):
    response = client_for(role).post(reverse("portal:member_invite", args=[resident.pk]))
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert not Invitation.objects.exists()
    assert mail.outbox == []
