"""Reminders and retention run on django-q2 schedules; with frozen time they act exactly once."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from django_q.models import Schedule

from members import tasks
from members.models import CareDataAccess, MonitoringMoment, OmklapContract, OmklapReminder
from members.services.omklap import omklap_decision_propose, omklap_decision_sign
from tests.members.omklap_helpers import CARE_NOTE, record_moment, start_contract

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# The cast is made on this day: the vrager's omklap tenancy started 400 days earlier, on
# 2025-01-26, so the contract's moments fall on 2025-07-26 and 2026-01-26 (both past),
# 2026-07-26, and the final evaluation on 2026-12-01; the contract ends on 2027-01-26.
DAY_ONE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def clock():
    """Autouse, so that the cast is made on DAY_ONE."""
    with time_machine.travel(DAY_ONE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def contract(clock, cast) -> OmklapContract:
    contract = start_contract(cast)
    assert list(contract.moments.values_list("due_on", flat=True)) == [
        dt.date(2025, 7, 26),
        dt.date(2026, 1, 26),
        dt.date(2026, 7, 26),
        dt.date(2026, 12, 1),
    ]
    return contract


def run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.omklap_reminders_send()


def to(clock, day: dt.date) -> None:
    clock.move_to(dt.datetime.combine(day, dt.time(7, 0), tzinfo=AMSTERDAM))


def test_overdue_moments_are_reminded_once(
    cast, contract, mailoutbox, django_capture_on_commit_callbacks
):
    assert run(django_capture_on_commit_callbacks) == 2

    assert [m.to for m in mailoutbox] == [[cast.care_worker.email]] * 2
    assert all("Vera Vrager" in m.subject for m in mailoutbox)
    assert run(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2
    assert OmklapReminder.objects.filter(kind="moment_overdue").count() == 2


def test_a_moment_is_reminded_two_weeks_ahead_and_again_when_overdue(
    cast, clock, contract, mailoutbox, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)  # the two past moments
    mailoutbox.clear()

    to(clock, dt.date(2026, 7, 11))  # 15 days ahead: too early
    assert run(django_capture_on_commit_callbacks) == 0
    to(clock, dt.date(2026, 7, 12))  # two weeks ahead
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0
    to(clock, dt.date(2026, 7, 26))  # the day itself: not overdue yet
    assert run(django_capture_on_commit_callbacks) == 0
    to(clock, dt.date(2026, 7, 27))
    assert run(django_capture_on_commit_callbacks) == 1
    assert run(django_capture_on_commit_callbacks) == 0

    assert len(mailoutbox) == 2
    due, overdue = mailoutbox
    assert "26 juli 2026" in due.subject
    assert "te laat" in overdue.subject or "overdue" in overdue.subject
    assert f"/portal/contracts/{contract.pk}/" in due.body


def test_a_recorded_moment_is_not_reminded(
    cast, contract, mailoutbox, django_capture_on_commit_callbacks
):
    for moment in contract.moments.filter(due_on__lt=timezone.localdate()):
        record_moment(cast, moment)

    assert run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_the_end_near_without_a_decision_is_reminded_to_both_sides_once(
    cast, clock, contract, mailoutbox, django_capture_on_commit_callbacks
):
    for moment in contract.moments.filter(due_on__lt=timezone.localdate()):
        record_moment(cast, moment)
    cast.corporation_staff.language = "en"
    cast.corporation_staff.save()

    to(clock, dt.date(2026, 10, 25))  # three months and a day before the end
    assert run(django_capture_on_commit_callbacks) == 1  # the 2026-07-26 moment, overdue
    mailoutbox.clear()
    to(clock, dt.date(2026, 10, 26))
    assert run(django_capture_on_commit_callbacks) == 2
    assert run(django_capture_on_commit_callbacks) == 0

    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([cast.care_worker.email, cast.corporation_staff.email])
    english = next(m for m in mailoutbox if m.to == [cast.corporation_staff.email])
    assert english.subject.startswith("Omklap contract of Vera Vrager ends on")
    dutch = next(m for m in mailoutbox if m.to == [cast.care_worker.email])
    assert "Vera Vrager" in dutch.subject and "contract of" not in dutch.subject


def test_no_end_reminder_once_a_decision_took_effect(
    cast, clock, contract, mailoutbox, django_capture_on_commit_callbacks
):
    held = record_moment(cast, contract.moments.order_by("due_on").first())
    decision = omklap_decision_propose(
        actor=cast.care_worker,
        side="care",
        contract=contract,
        kind="extend",
        reasons="Nog een jaar begeleiding.",
        moments=[held],
        new_ends_on=dt.date(2028, 1, 26),
    )
    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    to(clock, dt.date(2026, 10, 26))
    run(django_capture_on_commit_callbacks)

    assert not OmklapReminder.objects.filter(kind="end_near").exists()


def test_the_schedules_exist_once_under_their_task_names_however_often_the_rename_runs(db):
    rename = importlib.import_module("members.migrations.0007_schedule_task_names")
    rename.forward(apps, None)
    rename.forward(apps, None)

    schedules = Schedule.objects.filter(func__startswith="members.tasks.")
    assert sorted(schedules.values_list("name", "func")) == [
        ("members: care data retention purge", "members.tasks.care_data_purge"),
        ("members: membership changes", "members.tasks.membership_changes_apply"),
        ("members: omklap reminders", "members.tasks.omklap_reminders_send"),
    ]
    assert {(s.schedule_type, s.repeats) for s in schedules} == {(Schedule.DAILY, -1)}
    for row in schedules:  # the worker finds every function the schedules name
        module, name = row.func.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


def test_an_installation_with_the_old_schedule_names_keeps_one_working_schedule_per_task(db):
    Schedule.objects.filter(func__startswith="members.tasks.").delete()
    importlib.import_module("members.migrations.0004_omklap_daily_schedules").forward(apps, None)
    assert Schedule.objects.filter(func="members.tasks.omklap_send_reminders").exists()

    importlib.import_module("members.migrations.0007_schedule_task_names").forward(apps, None)

    assert sorted(
        Schedule.objects.filter(func__startswith="members.tasks.").values_list("name", "func")
    ) == [
        ("members: care data retention purge", "members.tasks.care_data_purge"),
        ("members: omklap reminders", "members.tasks.omklap_reminders_send"),
    ]


# --- retention (QUALITY 8) ------------------------------------------------------------------


@pytest.fixture
def closed_contract(cast, clock, contract, django_capture_on_commit_callbacks) -> OmklapContract:
    """Ended on 2026-04-30 after one recorded moment, with reminders sent before."""
    run(django_capture_on_commit_callbacks)
    held = record_moment(cast, contract.moments.order_by("due_on").first())
    decision = omklap_decision_propose(
        actor=cast.corporation_staff,
        side="corporation",
        contract=contract,
        kind="end",
        reasons="Huurder vertrekt naar een andere gemeente.",
        moments=[held],
        effective_on=dt.date(2026, 4, 30),
    )
    omklap_decision_sign(actor=cast.care_worker, side="care", decision=decision)
    contract.refresh_from_db()
    assert contract.closed_on == dt.date(2026, 4, 30)
    return contract


def test_care_data_is_erased_when_the_retention_period_is_over(cast, clock, closed_contract):
    to(clock, dt.date(2028, 4, 29))  # two years minus a day
    assert tasks.care_data_purge() == 0
    assert MonitoringMoment.objects.filter(care_notes=CARE_NOTE).exists()

    to(clock, dt.date(2028, 4, 30))
    assert tasks.care_data_purge() == 1

    moments = MonitoringMoment.objects.filter(contract=closed_contract)
    assert not moments.exclude(care_notes="").exists()
    assert not moments.exclude(participants="").exists()
    assert not moments.exclude(rent_paid="", care_need="").exists()
    assert set(moments.values_list("care_data_erased_on", flat=True)) == {dt.date(2028, 4, 30)}
    held = moments.get(held_on__isnull=False)
    assert held.outcome == "on_track"  # outcomes stay with the tenancy file
    assert not OmklapReminder.objects.filter(contract=closed_contract).exists()
    erase = CareDataAccess.objects.get(action="erase")
    assert erase.user is None and erase.organisation == cast.care
    assert tasks.care_data_purge() == 0


def test_the_retention_period_is_a_setting(cast, clock, closed_contract, settings):
    settings.COOP_CARE_DATA_RETENTION_YEARS = 5

    to(clock, dt.date(2030, 4, 30))
    assert tasks.care_data_purge() == 0
    to(clock, dt.date(2031, 4, 30))
    assert tasks.care_data_purge() == 1


def test_a_running_contract_keeps_its_care_data(cast, clock, contract):
    record_moment(cast, contract.moments.order_by("due_on").first())

    to(clock, dt.date(2035, 1, 1))
    assert tasks.care_data_purge() == 0
    assert MonitoringMoment.objects.filter(care_notes=CARE_NOTE).exists()


def test_every_model_with_personal_data_of_the_omklap_feature_declares_its_retention():
    for name in (
        "OmklapContract",
        "MonitoringMoment",
        "OmklapDecision",
        "CareDataAccess",
        "OmklapReminder",
    ):
        assert apps.get_model("members", name).RETENTION
