"""Omklap forms refuse dates further from today than the longest contract, by the one window."""

from __future__ import annotations

import datetime as dt

import time_machine

from members.forms.omklap import MomentAddForm


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_a_date_within_the_longest_contract_passes_and_one_beyond_it_is_refused():
    eleven_years = dt.timedelta(days=11 * 366)
    today = dt.date(2026, 6, 15)

    assert MomentAddForm({"due_on": today + eleven_years}).is_valid()
    assert MomentAddForm({"due_on": today - eleven_years}).is_valid()
    ahead = MomentAddForm({"due_on": today + eleven_years + dt.timedelta(days=1)})
    back = MomentAddForm({"due_on": "1990-01-01"})

    assert not ahead.is_valid() and not back.is_valid()
    assert ahead.errors.as_data()["due_on"][0].code == "date_too_far_ahead"
    assert back.errors.as_data()["due_on"][0].code == "date_too_far_back"
