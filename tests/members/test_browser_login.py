"""A member logs in with a real browser and lands on their dashboard."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_logs_in_and_sees_their_dashboard(cast, live_page):
    browser_login(live_page, cast.drager.email)
    assert live_page.locator("h1").first.is_visible()
    assert "Kapelgebouw" in live_page.content()
    # The language switch keeps working in the browser: English on request.
    live_page.select_option("#language-select", "en")
    live_page.get_by_role("button", name="Wijzigen").click()
    live_page.wait_for_load_state()
    assert live_page.locator("html").get_attribute("lang") == "en"
