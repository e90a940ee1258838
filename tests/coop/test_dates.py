"""The ``day`` filter writes what Django's ``date:"j N Y"`` writes, in either language."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from coop.templatetags.dates import day_text

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
VALUES = [
    dt.date(2025, 6, 29),
    dt.date(2024, 3, 1),
    # 23:30 UTC is the next day in Amsterdam: both filters write the local day.
    dt.datetime(2025, 6, 29, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 59, tzinfo=AMSTERDAM),
    None,
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_day_writes_what_the_date_filter_writes(language):
    template = Template('{% load dates %}{{ v|day }}|{{ v|date:"j N Y" }}')
    with translation.override(language):
        for value in VALUES:
            ours, django = template.render(Context({"v": value})).split("|")
            assert ours == django, value
        # Months abbreviated as the language writes them: lowercase in Dutch, AP style in English.
        expected = {"nl": "29 jun 2025", "en": "29 June 2025"}[language]
        assert day_text(dt.date(2025, 6, 29)) == expected


def test_a_day_cached_in_one_language_is_written_in_the_other():
    with translation.override("en"):
        assert day_text(dt.date(2025, 3, 5)) == "5 March 2025"
    with translation.override("nl"):
        assert day_text(dt.date(2025, 3, 5)) == "5 mrt 2025"
