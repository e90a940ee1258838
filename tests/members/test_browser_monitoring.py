"""A care worker logs in with their second factor and records a monitoring moment."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import CareDataAccess, MonitoringMoment
from tests.conftest import browser_login
from tests.members.omklap_helpers import start_contract
from tests.members.test_accounts import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_care_worker_records_a_monitoring_moment(cast, live_page):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()
    page = live_page

    browser_login(page, cast.care_worker.email, second_factor=lambda: totp_code(cast.care_worker))
    page.get_by_role("link", name="Caseload: omklapcontracten").first.click()
    page.get_by_role("link", name="Vera Vrager").click()
    page.wait_for_url(f"{page.base_url}/portal/contracts/{contract.pk}/")
    page.locator(f"a[href$='/moments/{moment.pk}/']").click()

    page.get_by_label("Gehouden op").fill(moment.due_on.isoformat())
    page.get_by_label("Wie waren erbij").fill("Vera Vrager, Zoë Zorg")
    page.get_by_label("Huur betaald").select_option("good")
    page.get_by_label("Zelfstandig wonen").select_option("attention")
    page.get_by_label("op koers").check()
    page.get_by_label("Zorgaantekeningen").fill("Kookt weer zelf; wil graag vrijwilligerswerk.")
    page.get_by_role("button", name="Moment opslaan").click()

    page.wait_for_url(f"{page.base_url}/portal/contracts/{contract.pk}/")
    expect(page.get_by_text("Het monitoringsmoment is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("Kookt weer zelf; wil graag vrijwilligerswerk.")).to_be_visible()
    moment.refresh_from_db()
    assert moment.held_on == moment.due_on and moment.outcome == "on_track"
    assert moment.rent_paid == "good" and moment.living_independently == "attention"
    actions = list(
        CareDataAccess.objects.filter(user=cast.care_worker).values_list("action", flat=True)
    )
    assert actions.count("write") == 1 and "read" in actions
    assert MonitoringMoment.objects.filter(held_on__lte=timezone.localdate()).count() == 1
