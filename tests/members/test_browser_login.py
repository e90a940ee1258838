"""A member logs in with a real browser and lands on their dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_logs_in_and_sees_their_dashboard(cast, live_page):
    browser_login(live_page, cast.drager.email)
    expect(live_page.locator("h1").first).to_be_visible()
    expect(live_page.locator("main")).to_contain_text("Kapelgebouw")
    # The language switch keeps working in the browser: English on request.
    live_page.select_option("#language-select", "en")
    live_page.get_by_role("button", name="Wijzigen").click()
    expect(live_page.locator("html")).to_have_attribute("lang", "en")
