"""Account pages are never stored by a browser or proxy: they show set-up secrets and codes."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse


@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_anonymous_account_pages_are_not_stored(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url_name", ["mfa_index", "mfa_view_recovery_codes", "account_email", "account_logout"]
)
def test_logged_in_account_pages_are_not_stored(client, cast, url_name):
    RecoveryCodes.activate(cast.board)
    client.force_login(cast.board)

    response = client.get(reverse(url_name))

    assert "no-store" in response["Cache-Control"]


def test_a_redirect_from_an_account_page_is_not_stored_either(client, cast):
    client.force_login(cast.vrager)

    response = client.get(reverse("account_login"))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
