"""On a phone, a resident who only follows the buttons on "Voor jou" votes, signs up for an
activity and logs their hours, and finds nothing left to do; the dashboard passes axe-core and
reflows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities import services as activity_services
from activities.models import ContributionLog, Occurrence, SignUp
from activities.services import ActivityData
from members.models import Member
from tests.activities.conftest import at
from tests.conftest import browser_login
from tests.coop.test_browser_accessibility import Findings, audit
from tests.members.test_accounts import totp_code
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies.models import Ballot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def test_a_resident_votes_signs_up_and_logs_hours_by_following_voor_jou_on_a_phone(cast, live_page):
    voting_round = open_round(cast, make_vacancy(cast), hours=30)
    fenna = candidates_of(voting_round)[0]
    occurrence = _activity_in_two_days(cast)
    member = cast.drager_member
    member.pledged_hours = Decimal("4")
    member.save(update_fields=["pledged_hours"])
    page = live_page
    page.set_viewport_size(PHONE)
    browser_login(page, cast.drager.email)

    tasks = page.locator("section.tasks-for-you")
    expect(tasks.get_by_role("heading", name="Voor jou")).to_be_visible()
    expect(tasks).to_contain_text("1 stemming open, sluit")
    expect(tasks).to_contain_text("1 activiteit deze week waar je je nog voor kunt opgeven")
    expect(tasks).to_contain_text("Je hebt deze maand 0 van 4 uur doorgegeven")
    assert tasks.locator("li.task").count() == 3
    for name in ("Stem", "Bekijk en meld je aan", "Uren doorgeven"):
        assert tasks.get_by_role("link", name=name, exact=True).bounding_box()["height"] >= 44
    # axe-core at every width, and no sideways scroll at 320 px
    findings = Findings()
    audit(page, "drager /portal/", findings)
    assert findings.problems() == []
    page.set_viewport_size(PHONE)

    # 1. Vote.
    tasks.get_by_role("link", name="Stem", exact=True).click()
    page.check(f"#id_c{fenna.pk}_0")  # yes
    page.locator("form.ballot button[type=submit]").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert Ballot.objects.filter(round=voting_round).count() == 1
    page.goto(page.base_url + "/portal/")
    expect(tasks).not_to_contain_text("stemming open")
    assert tasks.locator("li.task").count() == 2

    # 2. Sign up: with one date left, the button opens that date's page.
    tasks.get_by_role("link", name="Bekijk en meld je aan", exact=True).click()
    expect(page).to_have_url(page.base_url + f"/portal/occurrences/{occurrence.pk}/")
    page.locator("section.signup-box").get_by_role("button", name="Aanmelden").click()
    expect(page.locator("section.signup-box")).to_contain_text("Je bent aangemeld.")
    signup = SignUp.objects.get(occurrence=occurrence, member=member)
    assert signup.status == SignUp.Status.CONFIRMED
    page.goto(page.base_url + "/portal/")
    expect(tasks).not_to_contain_text("waar je je nog voor kunt opgeven")
    assert tasks.locator("li.task").count() == 1

    # 3. Log hours: waiting for a coordinator, they count towards the commitment.
    tasks.get_by_role("link", name="Uren doorgeven", exact=True).click()
    page.fill("input[name=hours]", "4")
    page.select_option("select[name=kind]", "support")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Je uren zijn ingevoerd")
    log = ContributionLog.objects.get(member=member)
    assert (log.hours, log.status, log.date) == (
        Decimal("4"),
        ContributionLog.Status.PENDING,
        timezone.localdate(),
    )
    page.goto(page.base_url + "/portal/")
    expect(tasks).to_contain_text("Je hebt nu niets te doen.")


def _activity_in_two_days(cast) -> Occurrence:
    activity_services.categories_ensure(association=cast.association)
    day = timezone.localdate() + dt.timedelta(days=2)
    activity = activity_services.activity_plan(
        actor=cast.coordinator,
        association=cast.association,
        data=ActivityData(
            title="Samen koken",
            category=cast.association.activity_categories.first(),
            location="Keuken",
            starts_at=at(day, 18),
            ends_at=at(day, 20),
            capacity=8,
        ),
    )
    return activity.occurrences.get()


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
