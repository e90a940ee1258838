"""Dates as the pages write them in tables, formatted once per day and language.

A list of contracts or vacancies writes the same few dozen days hundreds of times; Django's
``date`` filter formats each one again. ``{{ value|day }}`` writes what ``{{ value|date:"j N Y" }}``
writes ("5 mrt 2025" in Dutch), from a cache keyed on the day and the active language.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _day(value: dt.date, language: str | None) -> str:
    return date_format(value, "j N Y")


def day_text(value: dt.date | dt.datetime | None) -> str:
    """``value`` as "5 mrt 2025" in the active language ("" for no value); a datetime is
    written as its day in the current time zone, as the template filter does."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return _day(value, get_language())


@register.filter(expects_localtime=True)
def day(value: dt.date | dt.datetime | None) -> str:
    """``{{ value|day }}``: the same as ``{{ value|date:"j N Y" }}``, formatted once per day."""
    if isinstance(value, dt.datetime):
        value = value.date()  # already in the current time zone (expects_localtime)
    return day_text(value)
