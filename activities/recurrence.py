"""An activity's recurrence rule as python-dateutil's rrule, in local (wall-clock) time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil import rrule
from django.utils import timezone

from activities.models import Frequency

# Occurrences are stored this far ahead; a daily task extends the horizon.
HORIZON = dt.timedelta(days=366)


@dataclass(frozen=True)
class Rule:
    """The recurrence fields of an activity (saved or not yet saved)."""

    starts_at: dt.datetime
    frequency: str
    interval: int = 1
    until: dt.date | None = None
    count: int | None = None

    def _local_start(self) -> dt.datetime:
        # Wall-clock time: a weekly 10:00 stays at 10:00 across daylight-saving changes.
        return timezone.localtime(self.starts_at).replace(tzinfo=None)

    def nth_weekday(self) -> int:
        """Which weekday of the month the first date is: 1..4, or -1 for the last one."""
        start = self._local_start()
        nth = (start.day - 1) // 7 + 1
        return -1 if nth == 5 else nth

    def as_rrule(self) -> rrule.rrule:
        start = self._local_start()
        kwargs: dict = {"dtstart": start, "interval": self.interval}
        if self.count:
            kwargs["count"] = self.count
        if self.until:
            kwargs["until"] = dt.datetime.combine(self.until, dt.time.max)
        if self.frequency == Frequency.WEEKLY:
            return rrule.rrule(rrule.WEEKLY, **kwargs)
        if self.frequency == Frequency.MONTHLY_WEEKDAY:
            weekday = rrule.weekday(start.weekday())(self.nth_weekday())
            return rrule.rrule(rrule.MONTHLY, byweekday=weekday, **kwargs)
        if self.frequency == Frequency.MONTHLY_DATE:
            return rrule.rrule(rrule.MONTHLY, bymonthday=start.day, **kwargs)
        return rrule.rrule(rrule.DAILY, dtstart=start, count=1)

    def starts(self, *, up_to: dt.datetime) -> list[dt.datetime]:
        """Aware start datetimes of every occurrence up to ``up_to``."""
        limit = timezone.localtime(up_to).replace(tzinfo=None)
        return [
            timezone.make_aware(d)
            for d in self.as_rrule().between(self._local_start(), limit, inc=True)
        ]

    def ical(self) -> dict | None:
        """The rule as an iCal RRULE value, or None for a one-off activity."""
        if self.frequency == Frequency.ONCE:
            return None
        value: dict = {"interval": self.interval}
        if self.frequency == Frequency.WEEKLY:
            value["freq"] = "weekly"
        elif self.frequency == Frequency.MONTHLY_WEEKDAY:
            start = self._local_start()
            day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
            value.update(freq="monthly", byday=f"{self.nth_weekday()}{day}")
        else:
            value.update(freq="monthly", bymonthday=self._local_start().day)
        if self.count:
            value["count"] = self.count
        if self.until:
            end_of_day = timezone.make_aware(dt.datetime.combine(self.until, dt.time(23, 59, 59)))
            value["until"] = end_of_day.astimezone(dt.UTC)
        return value


def rule_of(activity) -> Rule:
    return Rule(
        starts_at=activity.starts_at,
        frequency=activity.frequency,
        interval=activity.interval,
        until=activity.until,
        count=activity.count,
    )
