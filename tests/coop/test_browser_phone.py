"""The phone layout at 390 px: a header that folds its menu away behind one button, tables that
turn into cards, and buttons a finger can hit (44 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coop.demo.logins import DEMO_PASSWORD, DEMO_TOTP_SECRET, LOGINS
from coop.models import Association
from tests.conftest import browser_login
from tests.coop.test_browser_accessibility import demo_site  # noqa: F401 (a fixture)
from tests.members.test_accounts import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


def small_targets(page) -> list[str]:
    """Visible buttons and links styled as buttons lower than 44 px."""
    return page.eval_on_selector_all(
        "main .button, main button, header summary, header button",
        f"""els => els.filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect().height])
            .filter(([, h]) => h < {MIN_TARGET})
            .map(([t, h]) => t + ': ' + h.toFixed(1) + 'px')""",
    )


def test_the_public_header_folds_its_menu_on_a_phone(demo_site):  # noqa: F811
    page = demo_site
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/")

    menu_link = page.get_by_role("link", name="Woning vrij", exact=True).first
    assert header_height(page) < 100
    expect(menu_link).to_be_hidden()

    page.get_by_text("Menu", exact=True).click()

    expect(menu_link).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()
    assert small_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_wide_screen_the_menu_is_open_without_a_button(demo_site):  # noqa: F811
    page = demo_site
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/")

    expect(page.get_by_role("link", name="Woning vrij", exact=True).first).to_be_visible()
    expect(page.locator("header summary")).to_be_hidden()


def test_the_portal_on_a_phone_header_menu_cards_and_buttons(demo_site):  # noqa: F811
    page = demo_site
    page.set_viewport_size(PHONE)
    browser_login(page, LOGINS["board"].email, DEMO_PASSWORD, lambda: code_for(DEMO_TOTP_SECRET))

    assert header_height(page) < 100
    logout = page.get_by_role("link", name="Uitloggen")
    expect(logout).to_be_hidden()
    page.locator("header summary").click()
    expect(logout).to_be_visible()
    page.locator("header summary").click()
    expect(logout).to_be_hidden()

    slug = Association.objects.order_by("pk").first().slug
    page.goto(page.base_url + reverse("portal:association_members", args=[slug]))

    table = page.locator("table.stack").first
    rows = table.locator("tbody tr")
    assert rows.count() > 1
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
    label = rows.first.locator("td").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label.startswith('"Naam"')
    # The header row stays for screen readers: in the page, visually hidden.
    expect(table.locator("thead th").first).to_be_attached()
    assert table.locator("thead").bounding_box()["height"] <= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert small_targets(page) == []
