"""The day-before reminder goes out once, even when the schedule runs again."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.core import mail
from django_q.models import Schedule

from activities import services, tasks
from activities.models import SignUp
from tests.activities.conftest import at

pytestmark = pytest.mark.django_db


def test_the_reminder_schedules_exist_once_under_their_task_names():
    rows = Schedule.objects.filter(func__startswith="activities.tasks.")

    assert sorted(rows.values_list("name", "func", "schedule_type", "repeats")) == [
        (
            "activities: calendar data retention purge",
            "activities.tasks.calendar_data_purge",
            "D",
            -1,
        ),
        ("activities: day-before reminders", "activities.tasks.reminders_send", "I", -1),
        ("activities: extend recurring dates", "activities.tasks.occurrences_extend", "D", -1),
    ]
    for row in rows:  # the worker finds every function the schedules name
        module, name = row.func.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


# Planning happens in November; the dates are in December.
PLANNING_DAY = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


@time_machine.travel(PLANNING_DAY, tick=False)
def test_those_signed_up_get_one_reminder_the_day_before(
    cast, plan, django_capture_on_commit_callbacks
):
    activity = plan(day=dt.date(2026, 12, 8), capacity=1)
    occurrence = activity.occurrences.get()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)
    services.signup_create(actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member)

    with (
        time_machine.travel(at(dt.date(2026, 12, 6), 12), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.reminders_send() == 0  # two days before: nothing yet
    with time_machine.travel(at(dt.date(2026, 12, 7), 6), tick=False):
        assert tasks.reminders_send() == 0  # not in the middle of the night
    with time_machine.travel(at(dt.date(2026, 12, 7), 9), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.reminders_send()
        with django_capture_on_commit_callbacks(execute=True):
            rerun = tasks.reminders_send()

    assert (first, rerun) == (1, 0)
    assert [m.to for m in mail.outbox] == [[cast.drager.email]]  # not the waiting list
    assert "Koffieochtend" in mail.outbox[0].subject
    assert SignUp.objects.get(member=cast.drager_member).reminded_at is not None


@time_machine.travel(PLANNING_DAY, tick=False)
def test_the_reminder_is_in_the_members_language(cast, plan, django_capture_on_commit_callbacks):
    cast.drager.language = "en"
    cast.drager.save(update_fields=["language"])
    cast.vrager.language = "nl"
    cast.vrager.save(update_fields=["language"])
    occurrence = plan(day=dt.date(2026, 12, 8)).occurrences.get()
    services.signup_create(actor=cast.drager, occurrence=occurrence, member=cast.drager_member)
    services.signup_create(actor=cast.vrager, occurrence=occurrence, member=cast.vrager_member)

    with (
        time_machine.travel(at(dt.date(2026, 12, 7), 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.reminders_send()

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[cast.drager.email].startswith("Tomorrow:")
    assert subjects[cast.vrager.email].startswith("Morgen:")
