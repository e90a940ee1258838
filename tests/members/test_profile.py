"""A member edits their own name, phone number and language; e-mails follow the language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from coop.exceptions import DomainError
from coop.mail import mail_on_commit
from coop.models import AuditEntry
from members.services import member_profile_update


def test_a_member_changes_their_profile_and_the_change_is_audited_without_values(cast):
    member = member_profile_update(
        actor=cast.drager,
        member=cast.drager_member,
        name="Dirk  de Drager",
        phone="06 1234 5678",
        language="en",
    )
    member.refresh_from_db()
    cast.drager.refresh_from_db()
    assert (member.name, member.phone, cast.drager.language) == (
        "Dirk de Drager",
        "06 1234 5678",
        "en",
    )
    entry = AuditEntry.objects.get(action="member.profile_changed")
    assert (entry.actor, entry.association_id) == (cast.drager, cast.association.pk)
    assert entry.data == {"fields": ["name", "phone", "language"]}


def test_an_unchanged_profile_writes_no_audit_entry(cast):
    cast.drager.language = "nl"
    cast.drager.save(update_fields=["language"])
    member_profile_update(
        actor=cast.drager, member=cast.drager_member, name="Dirk Drager", phone="", language="nl"
    )
    assert not AuditEntry.objects.filter(action="member.profile_changed").exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "required"),
        ({"phone": "bel me"}, "phone_invalid"),
        ({"language": "de"}, "language_invalid"),
        ({"actor": "board"}, "not_own_profile"),
    ],
)
def test_a_bad_profile_is_refused_and_nothing_changes(cast, changes, code):
    kwargs = {"name": "Nieuw", "phone": "", "language": "en", "actor": "drager"} | changes
    kwargs["actor"] = getattr(cast, kwargs["actor"])
    with pytest.raises(DomainError) as raised:
        member_profile_update(member=cast.drager_member, **kwargs)
    assert raised.value.code == code
    cast.drager_member.refresh_from_db()
    assert cast.drager_member.name == "Dirk Drager"
    assert not AuditEntry.objects.filter(action="member.profile_changed").exists()


def test_the_profile_page_saves_and_speaks_the_chosen_language(cast, client_for):
    client = client_for("drager")
    url = reverse("portal:profile")
    page = client.get(url).content.decode()
    assert "Mijn profiel" in page
    assert 'value="Dirk Drager"' in page
    response = client.post(
        url, {"name": "Dirk Drager", "phone": "030 123 4567", "language": "en"}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "Your profile is saved." in page
    assert "My profile" in page  # the next page is in English
    cast.drager.refresh_from_db()
    assert cast.drager.language == "en"


def test_a_bad_phone_number_is_shown_on_the_form(cast, client_for):
    client = client_for("drager")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("portal:profile"), {"name": "Dirk Drager", "phone": "bel me", "language": "nl"}
    )
    assert response.status_code == 400
    assert "Enter a phone number" in response.content.decode()
    cast.drager_member.refresh_from_db()
    assert cast.drager_member.phone == ""


def test_e_mails_to_the_member_go_out_in_the_language_of_their_profile(
    cast, django_capture_on_commit_callbacks
):
    def subject() -> str:
        with django_capture_on_commit_callbacks(execute=True):
            mail_on_commit(
                cast.drager_member, template="activities/email/contribution_rejected", context={}
            )
        return mail.outbox[-1].subject

    assert "niet bevestigd" in subject()
    member_profile_update(
        actor=cast.drager, member=cast.drager_member, name="Dirk Drager", phone="", language="en"
    )
    cast.drager_member.refresh_from_db()
    cast.drager_member.user.refresh_from_db()
    assert subject() == "Your logged hours were not confirmed"
