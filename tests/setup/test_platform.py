"""The platform administrator (a superuser with a second factor) sets up the corporation and
the care organisations in the portal and invites each one's first staff member; nothing else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry, Organisation, StaffLink, User
from coop.site.setup import services
from tests.conftest import make_user
from tests.helpers import assert_flat_query_count


@pytest.fixture
def admin(db) -> User:
    user = make_user("beheer@example.org", first="Bea", last="Beheer", second_factor=True)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _invite(**changes) -> dict:
    return {
        "first_name": "Fleur",
        "last_name": "Eerste",
        "email": "fleur@zorg.example.org",
        "language": "en",
        "starts_on": timezone.localdate().isoformat(),
    } | changes


# -- services -------------------------------------------------------------------------------


def test_an_organisation_is_set_up_and_audited(admin):
    organisation = services.organisation_create(
        actor=admin, name="  Zorggroep   Noord ", kind="care", slug="noord"
    )
    assert (organisation.name, organisation.kind) == ("Zorggroep Noord", "care")
    entry = AuditEntry.objects.get(action="organisation.created")
    assert (entry.actor, entry.association_id) == (admin, None)
    assert entry.data == {"name": "Zorggroep Noord", "kind": "care", "slug": "noord"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "bank"}, "organisation_kind_invalid"),
        ({"slug": "lindenhof"}, "organisation_slug_taken"),
        ({"name": "  "}, "required"),
    ],
)
def test_a_bad_organisation_is_refused_and_nothing_is_written(cast, admin, changes, code):
    before = Organisation.objects.count()
    with pytest.raises(DomainError) as raised:
        services.organisation_create(
            actor=admin, **({"name": "Nieuw", "kind": "care", "slug": "nieuw"} | changes)
        )
    assert raised.value.code == code
    assert Organisation.objects.count() == before
    assert not AuditEntry.objects.filter(action="organisation.created").exists()


def test_the_first_staff_member_is_invited_once(admin, django_capture_on_commit_callbacks):
    organisation = services.organisation_create(
        actor=admin, name="Zorggroep Noord", kind="care", slug="noord"
    )
    data = _invite() | {"starts_on": timezone.localdate()}
    with django_capture_on_commit_callbacks(execute=True):
        link = services.organisation_first_staff_invite(
            actor=admin, organisation=organisation, **data
        )
    assert (link.organisation, link.user.email) == (organisation, "fleur@zorg.example.org")
    assert mail.outbox[-1].to == ["fleur@zorg.example.org"]
    assert AuditEntry.objects.filter(action="staff.invited", actor=admin).count() == 1
    with pytest.raises(DomainError) as raised:
        services.organisation_first_staff_invite(
            actor=admin, organisation=organisation, **(data | {"email": "tweede@example.org"})
        )
    assert raised.value.code == "organisation_has_staff"
    assert StaffLink.objects.filter(organisation=organisation).count() == 1


# -- pages ------------------------------------------------------------------------------------


def test_the_administrator_sets_up_a_care_organisation_and_invites_its_first_staff_member(
    admin, client, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    client = _en(client)
    response = client.post(
        reverse("setup:platform"), {"name": "Zorggroep Noord", "kind": "care", "slug": "noord"}
    )
    assert response["Location"] == reverse("setup:platform_staff", args=["noord"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("setup:platform_staff", args=["noord"]), _invite())
    assert response["Location"] == reverse("setup:platform")
    link = StaffLink.objects.get(organisation__slug="noord")
    assert link.user.email == "fleur@zorg.example.org"
    assert len(mail.outbox) == 1
    page = client.get(reverse("setup:platform")).content.decode()
    assert "Zorggroep Noord" in page
    assert "has access to Zorggroep Noord" in page


def test_a_taken_address_shows_the_error_and_writes_nothing(cast, admin, client):
    client.force_login(admin)
    response = _en(client).post(
        reverse("setup:platform"), {"name": "Dubbel", "kind": "corporation", "slug": "lindenhof"}
    )
    assert response.status_code == 400
    assert "Another organisation already uses this address." in response.content.decode()
    assert not Organisation.objects.filter(name="Dubbel").exists()


def test_an_organisation_with_staff_gets_no_second_first_member(cast, admin, client):
    client.force_login(admin)
    response = _en(client).post(reverse("setup:platform_staff", args=[cast.care.slug]), _invite())
    assert response.status_code == 400
    assert "already has staff" in response.content.decode()
    assert not User.objects.filter(email="fleur@zorg.example.org").exists()


def test_a_superuser_without_a_second_factor_does_not_reach_the_pages(db, client):
    user = make_user("zonder@example.org")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(user)
    response = client.post(
        reverse("setup:platform"), {"name": "Zorggroep Noord", "kind": "care", "slug": "noord"}
    )
    assert response.status_code in (302, 404)
    assert not Organisation.objects.filter(slug="noord").exists()


def test_the_platform_pages_speak_dutch(admin, client):
    client.force_login(admin)
    page = client.get(reverse("setup:platform")).content.decode()
    assert "Organisaties op het platform" in page
    assert "Een organisatie opzetten" in page


def test_the_organisations_page_has_a_flat_query_count(admin, client):
    client.force_login(admin)

    def grow(n: int) -> None:
        have = Organisation.objects.count()
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Zorg {i}", kind="care", slug=f"zorg-{i}") for i in range(have, n)
        )
        users = User.objects.bulk_create(User(email=f"zorg{i}@example.org") for i in range(have, n))
        StaffLink.objects.bulk_create(
            StaffLink(organisation=o, user=u, starts_on=timezone.localdate())
            for o, u in zip(organisations, users, strict=True)
        )

    # session, user, viewer (one cache read), the organisations with their staff counts
    assert_flat_query_count(lambda: client.get(reverse("setup:platform")), grow, queries=4)


def test_the_menu_leads_the_administrator_and_nobody_else_to_the_organisations(cast, admin, client):
    link = f'href="{reverse("setup:platform")}"'
    client.force_login(admin)
    assert link in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(cast.corporation_staff)
    assert link not in client.get(reverse("portal:dashboard")).content.decode()
