"""The demo calendar: every demo activity falls on the weekday it is planned (and named) for."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, Frequency
from coop.demo.activities import DEMO_ACTIVITIES

pytestmark = pytest.mark.django_db

DUTCH_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


# Seeding on a Monday, on a Tuesday (the coffee morning's own day) and on a Sunday.
@pytest.mark.parametrize("today", [dt.date(2027, 1, 4), dt.date(2027, 1, 5), dt.date(2027, 1, 10)])
def test_every_demo_activity_falls_on_its_weekday(today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", "--quiet")

    for spec in DEMO_ACTIVITIES:
        activity = Activity.objects.get(title=spec.title)
        starts = [timezone.localtime(o.starts_at) for o in activity.occurrences.all()]
        assert starts, spec.title
        assert today < starts[0].date() <= today + dt.timedelta(days=7), spec.title
        assert starts[0].time() == spec.start, spec.title
        if spec.frequency != Frequency.MONTHLY_DATE:  # a monthly date moves through the week
            assert {s.weekday() for s in starts} == {spec.weekday}, spec.title
        else:
            assert starts[0].weekday() == spec.weekday, spec.title
        named = [day for day, name in enumerate(DUTCH_DAYS) if name in spec.description.lower()]
        assert named in ([], [spec.weekday]), spec.title
    assert "Elke dinsdag" in Activity.objects.get(title="Koffieochtend").description
