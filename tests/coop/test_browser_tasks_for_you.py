"""On a phone, a resident who only follows the button on "Voor jou" reaches the ballot, votes,
and finds nothing left to do; the dashboard passes axe-core and reflows."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member
from tests.conftest import browser_login
from tests.coop.test_browser_accessibility import Findings, audit
from tests.members.test_accounts import totp_code
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


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
    # axe-core at every width, and no sideways scroll at 320 px
    findings = Findings()
    audit(page, "drager /portal/", findings)
    assert findings.problems() == []
    page.set_viewport_size(PHONE)

    button.click()
    page.check(f"#id_c{fenna.pk}_0")  # yes
    page.locator("form.ballot button[type=submit]").click()
    expect(page.locator("#receipt-code")).to_be_visible()

    page.goto(page.base_url + "/portal/")
    expect(page.locator("section.tasks-for-you")).to_contain_text("Je hebt nu niets te doen.")


def test_the_board_s_lines_with_a_form_button_pass_axe_on_every_width(cast, live_page):
    for i in range(2):
        Member.objects.create(
            association=cast.association,
            name=f"Nieuw {i}",
            email=f"nieuw{i}@example.org",
            joined_on=timezone.localdate(),
        )
    make_vacancy(cast)  # shortlisted: waits for the board's round
    page = live_page
    browser_login(page, cast.board.email, second_factor=lambda: totp_code(cast.board))
    tasks = page.locator("section.tasks-for-you")
    expect(tasks).to_contain_text("2 leden zonder account")
    expect(tasks).to_contain_text("1 vrijkomende woning wacht op een stemronde")
    findings = Findings()
    audit(page, "board /portal/", findings)
    assert findings.problems() == []

    page.set_viewport_size(PHONE)
    tasks.get_by_role("button", name="Nodig iedereen uit").click()
    expect(page.locator("main")).to_contain_text("2 uitnodigingen zijn verstuurd")
