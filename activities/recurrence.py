"""An activity's recurrence rule as python-dateutil's rrule, in local (wall-clock) time.

Wall-clock times on the two nights the clocks change have one meaning everywhere (the same as
RFC 5545 3.3.5 and zoneinfo's ``fold=0``): a time skipped in spring (02:00-03:00) moves forward
by the gap (02:30 is 03:30 summer time), and a time that exists twice in autumn is the first one
(summer time). An occurrence lasts the activity's duration in absolute time, so its end is never
before its start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil import rrule
from django.utils import timezone

from activities.models import Frequency

# Occurrences are stored this far ahead; a daily task extends the horizon.
HORIZON = dt.timedelta(days=366)

# The EU rule for Central European Time since 1996, as (iCal component, offset before, offset
# after, month, local hour of the change): the last Sunday of March and of October. A test holds
# them against the zone database of TIME_ZONE, so a zone with other rules fails loudly.
DST_CHANGES = (
    ("DAYLIGHT", dt.timedelta(hours=1), dt.timedelta(hours=2), 3, 2),
    ("STANDARD", dt.timedelta(hours=2), dt.timedelta(hours=1), 10, 3),
)
DST_SINCE = 1996


def local_instant(wall: dt.datetime) -> dt.datetime:
    """The instant (in UTC) a naive local wall-clock time stands for (see the module docstring).

    In UTC because a local time the clocks pass twice never compares equal to a time in
    another zone (PEP 495), not even to the same instant.
    """
    return timezone.make_aware(wall).astimezone(dt.UTC)


def exists(wall: dt.datetime) -> bool:
    """Whether a naive local wall-clock time occurs at all (not skipped in spring)."""
    return timezone.localtime(local_instant(wall)).replace(tzinfo=None) == wall


def is_irregular(wall: dt.datetime) -> bool:
    """Whether a local wall-clock time is skipped or doubled by a clock change."""
    zone = timezone.get_current_timezone()
    return (
        wall.replace(tzinfo=zone, fold=0).utcoffset()
        != wall.replace(tzinfo=zone, fold=1).utcoffset()
    )


def end_of(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """Start plus duration in absolute time (aware arithmetic in one zone is wall-clock time)."""
    return start.astimezone(dt.UTC) + duration


def dst_changes(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The naive local times at which the clocks change between two local times."""
    changes = []
    for _component, _before, _after, month, hour in DST_CHANGES:
        rule = rrule.rrule(
            rrule.YEARLY,
            bymonth=month,
            byweekday=rrule.SU(-1),
            byhour=hour,
            dtstart=dt.datetime(max(start.year, DST_SINCE), 1, 1),
        )
        changes += rule.between(start, end, inc=True)
    return sorted(changes)


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

    def walls(self, *, up_to: dt.datetime) -> list[dt.datetime]:
        """Naive local wall-clock starts of every occurrence up to ``up_to``."""
        limit = timezone.localtime(up_to).replace(tzinfo=None)
        return self.as_rrule().between(self._local_start(), limit, inc=True)

    def starts(self, *, up_to: dt.datetime) -> list[dt.datetime]:
        """Aware start datetimes of every occurrence up to ``up_to``."""
        return [local_instant(wall) for wall in self.walls(up_to=up_to)]

    def wall_of(self, original_start: dt.datetime) -> dt.datetime:
        """The rule's wall-clock start on the local day of an occurrence's original start.

        An original start skipped in spring is stored moved forward (03:30); iCal clients know
        that date by the rule's own time (02:30).
        """
        return dt.datetime.combine(timezone.localdate(original_start), self._local_start().time())

    def irregular_walls(self, *, duration: dt.timedelta, up_to: dt.datetime) -> list[dt.datetime]:
        """Wall-clock starts whose start or end a clock change skips, doubles or splits.

        Calendar apps disagree on those (some add the duration in wall-clock time, some read a
        skipped time backwards), so the feed spells them out as separate events.
        """
        walls = []
        reach = duration + dt.timedelta(days=1)
        limit = timezone.localtime(up_to).replace(tzinfo=None)
        for change in dst_changes(self._local_start() - reach, limit):
            for wall in self.as_rrule().between(change - reach, change + reach, inc=True):
                start = local_instant(wall)
                end = end_of(start, duration)
                offsets = {timezone.localtime(t).utcoffset() for t in (start, end)}
                if is_irregular(wall) or len(offsets) > 1:
                    walls.append(wall)
        return walls

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
