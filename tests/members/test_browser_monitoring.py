"""A care worker logs in with their second factor and records a monitoring moment."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.utils import timezone

from members.models import CareDataAccess, MonitoringMoment
from tests.members.omklap_helpers import start_contract
from tests.members.test_accounts import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPEND_ONLY = (
    importlib.import_module("coop.migrations.0003_audit_entries_append_only"),
    importlib.import_module("members.migrations.0003_care_data_access_append_only"),
)


@pytest.fixture
def append_only_logs_cleared(live_server):
    """After the test, empty the append-only logs so that the live server's flush can run.

    SQLite flushes with DELETE, which the append-only triggers refuse; for the cleanup only,
    the triggers are lifted and put back. PostgreSQL flushes with TRUNCATE, which row
    triggers do not see, so nothing is needed there."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for migration in APPEND_ONLY:
            for statement in migration.SQLITE_BACKWARD:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {migration.TABLE}")  # noqa: S608 (our own table name)
            for statement in migration.SQLITE_FORWARD:
                cursor.execute(statement)


def log_in_with_second_factor(page, user) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{page.base_url}/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(user))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{page.base_url}/portal/")


def test_a_care_worker_records_a_monitoring_moment(cast, live_page, append_only_logs_cleared):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()
    page = live_page

    log_in_with_second_factor(page, cast.care_worker)
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
    assert page.get_by_text("Het monitoringsmoment is vastgelegd.").is_visible()
    assert page.get_by_text("Kookt weer zelf; wil graag vrijwilligerswerk.").is_visible()
    moment.refresh_from_db()
    assert moment.held_on == moment.due_on and moment.outcome == "on_track"
    assert moment.rent_paid == "good" and moment.living_independently == "attention"
    actions = list(
        CareDataAccess.objects.filter(user=cast.care_worker).values_list("action", flat=True)
    )
    assert actions.count("write") == 1 and "read" in actions
    assert MonitoringMoment.objects.filter(held_on__lte=timezone.localdate()).count() == 1
