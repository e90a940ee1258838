"""The one rule for rows that hold for a period: from ``starts_on`` up to ``ends_on``."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class PeriodQuerySet(models.QuerySet):
    """Rows valid from ``starts_on`` up to (not including) ``ends_on``."""

    def current(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        # filter + exclude compiles faster than an OR of Q objects and means the same.
        return self.filter(starts_on__lte=on).exclude(ends_on__lte=on)

    def ending_after(self, day: dt.date):
        """Rows still running after ``day`` begins: open, or ending later (whatever their start)."""
        return self.exclude(ends_on__lte=day)

    def open(self):
        """Rows without an end date: at most one per subject, by the models' constraints."""
        return self.filter(ends_on__isnull=True)
