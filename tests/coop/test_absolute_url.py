"""Every full address (e-mails, calendar feeds) starts from the one configured site address."""

from __future__ import annotations

from django.test import override_settings

from coop.http import absolute_url


@override_settings(WAGTAILADMIN_BASE_URL="https://wonen.example.org/")
def test_a_path_joins_the_configured_address_with_one_slash():
    assert absolute_url("/portaal/rondes/7/") == "https://wonen.example.org/portaal/rondes/7/"


@override_settings(WAGTAILADMIN_BASE_URL="https://wonen.example.org")
def test_the_address_without_a_trailing_slash_joins_the_same_way():
    assert absolute_url("/agenda/") == "https://wonen.example.org/agenda/"
