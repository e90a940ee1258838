"""Periods a commitment is judged over: a month, a quarter, a year or rolling N months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coop.site.compliance.models import PeriodKind


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class Period:
    """From ``start`` up to (not including) ``end``."""

    kind: str
    start: dt.date
    end: dt.date
    months: int = 1

    @classmethod
    def containing(cls, kind: str, day: dt.date, *, rolling_months: int | None = None) -> Period:
        first = month_start(day)
        match kind:
            case PeriodKind.MONTH:
                return cls(kind, first, first + relativedelta(months=1), 1)
            case PeriodKind.QUARTER:
                start = first.replace(month=(first.month - 1) // 3 * 3 + 1)
                return cls(kind, start, start + relativedelta(months=3), 3)
            case PeriodKind.YEAR:
                start = first.replace(month=1)
                return cls(kind, start, start + relativedelta(years=1), 12)
            case PeriodKind.ROLLING:
                months = rolling_months or 1
                end = first + relativedelta(months=1)
                return cls(kind, end - relativedelta(months=months), end, months)
        raise ValueError(f"unknown period kind {kind!r}")

    @property
    def step(self) -> relativedelta:
        """How far one period lies from the next: a rolling window moves a month at a time."""
        return relativedelta(months=1 if self.kind == PeriodKind.ROLLING else self.months)

    def previous(self) -> Period:
        return Period(self.kind, self.start - self.step, self.end - self.step, self.months)

    def last(self, count: int) -> list[Period]:
        """This period and the ``count - 1`` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def month_starts(self) -> list[dt.date]:
        return [self.start + relativedelta(months=i) for i in range(self.months)]

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day < self.end

    @property
    def label(self) -> str:
        match self.kind:
            case PeriodKind.MONTH:
                return date_format(self.start, "F Y")
            case PeriodKind.QUARTER:
                return _("Q%(quarter)s %(year)s") % {
                    "quarter": (self.start.month - 1) // 3 + 1,
                    "year": self.start.year,
                }
            case PeriodKind.YEAR:
                return str(self.start.year)
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "M Y"),
            "end": date_format(self.last_day, "M Y"),
        }

    @property
    def short_label(self) -> str:
        match self.kind:
            case PeriodKind.QUARTER:
                return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
            case PeriodKind.YEAR:
                return str(self.start.year)
        return date_format(self.last_day, "M y")
