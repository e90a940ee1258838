"""On a phone, a resident who only follows the button on "Voor jou" reaches the ballot, votes,
and finds nothing left to do."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 700}


def test_a_resident_votes_by_following_voor_jou_on_a_phone(cast, live_page):
    voting_round = open_round(cast, make_vacancy(cast), hours=30)
    fenna = candidates_of(voting_round)[0]
    page = live_page
    page.set_viewport_size(PHONE)
    browser_login(page, cast.drager.email)

    tasks = page.locator("section.tasks-for-you")
    expect(tasks.get_by_role("heading", name="Voor jou")).to_be_visible()
    expect(tasks).to_contain_text("1 stemming open, sluit")
    button = tasks.get_by_role("link", name="Stem", exact=True)
    assert button.bounding_box()["height"] >= 44
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size(PHONE)

    button.click()
    page.check(f"#id_c{fenna.pk}_0")  # yes
    page.locator("form.ballot button[type=submit]").click()
    expect(page.locator("#receipt-code")).to_be_visible()

    page.goto(page.base_url + "/portal/")
    expect(page.locator("section.tasks-for-you")).to_contain_text("Je hebt nu niets te doen.")
