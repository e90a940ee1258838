"""A coordinator plans a weekly activity in the browser; members sign up, the second waits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activities.models import Activity, SignUp
from tests.activities.conftest import next_weekday
from tests.conftest import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_coordinator_plans_a_weekly_activity_and_members_sign_up(cast, categories, live_page):
    page = live_page
    browser_login(page, cast.coordinator.email)
    page.get_by_role("link", name="Agenda").first.click()
    page.get_by_role("link", name="Activiteit plannen").click()
    page.fill("input[name=title]", "Koffieochtend")
    page.select_option("select[name=category]", str(categories["coffee_morning"].pk))
    page.fill("input[name=location]", "Ontmoetingsruimte")
    page.fill("input[name=date]", next_weekday(1).isoformat())
    page.fill("input[name=start_time]", "10:00")
    page.fill("input[name=end_time]", "11:30")
    # The repeat settings are folded away until the activity repeats.
    page.get_by_text("Deze activiteit herhalen").click()
    page.select_option("select[name=frequency]", "weekly")
    page.fill("input[name=count]", "4")
    page.fill("input[name=capacity]", "1")
    page.get_by_role("button", name="In de agenda zetten").click()
    page.wait_for_url("**/portal/activities/*/")
    assert Activity.objects.get().occurrences.count() == 4
    page.locator("a.occurrence").first.click()
    occurrence_url = page.url

    page.context.clear_cookies()
    browser_login(page, cast.drager.email)
    page.goto(occurrence_url)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Je bent aangemeld.").first).to_be_visible()
    page.goto(f"{page.base_url}/portal/calendar/mine/")
    expect(page.get_by_role("link", name="Koffieochtend")).to_be_visible()

    page.context.clear_cookies()
    browser_login(page, cast.vrager.email)
    page.goto(occurrence_url)
    page.get_by_role("button", name="Op de wachtlijst").click()
    expect(page.get_by_text("je staat op de wachtlijst").first).to_be_visible()
    assert sorted(SignUp.objects.values_list("member__name", "status")) == [
        (cast.drager_member.name, "confirmed"),
        (cast.vrager_member.name, "waiting"),
    ]
