"""The admin for those who may use it; everyone else gets a clear page, not a redirect loop."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _editor():
    """A content editor: in a group with Wagtail's admin access, no member, no organisation."""
    user = make_user("redacteur@example.org", first="Rea", second_factor=True)
    group = Group.objects.create(name="Redactie")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(group)
    return user


@pytest.mark.parametrize("admin_path", ["/admin/", "/django-admin/"])
def test_a_member_who_opens_the_admin_is_told_it_is_not_for_them(client_for, admin_path):
    client = client_for("drager")

    # Before, the admin and the log-in sent a logged-in member back and forth without end.
    response = client.get(admin_path, follow=True)

    assert len(response.redirect_chain) == 1
    assert response.redirect_chain[0][0].startswith(admin_path + "login/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Dit deel is niet voor jou" in text
    assert "Je account heeft er geen toegang toe." in text
    assert f'href="{reverse("portal:dashboard")}"' in text


def test_an_anonymous_visitor_of_the_admin_is_still_sent_to_log_in(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=/admin/"
    assert response.status_code == 200


def test_a_content_editor_is_let_through_and_finds_the_admin_on_the_dashboard(client):
    editor = _editor()
    client.force_login(editor)

    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert f'href="{reverse("wagtailadmin_home")}"' in dashboard
    assert "Naar het websitebeheer" in dashboard
    assert "Je account is nog niet" not in dashboard


def test_a_member_s_dashboard_has_no_link_to_the_website_editor(client_for):
    dashboard = client_for("drager").get(reverse("portal:dashboard")).content.decode()
    assert reverse("wagtailadmin_home") not in dashboard
