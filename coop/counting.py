"""Counting what waits for someone: many counts, each with its first row, in one query.

An app's selector describes what waits as a :class:`Waiting` (a queryset in the order of
urgency, and the fields of its first row that matter); the page that shows them asks
:func:`count_together` for all of them at once. Each becomes a scalar subquery of one SELECT,
so the page needs one query whatever the number of rows and whichever apps they come from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, QuerySet, Subquery

from coop.models import User


class CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery (0 when there are none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


@dataclass(frozen=True)
class Waiting:
    """What waits: ``queryset`` ordered by urgency, and the ``fields`` of its first row to read."""

    queryset: QuerySet
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counted:
    """How many rows there are, and the first row's fields (empty when there are none)."""

    count: int
    first: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.count > 0


def count_together(waitings: Iterable[Waiting]) -> list[Counted]:
    """Count every ``Waiting`` and read its first row in a single query, in the given order."""
    waitings = list(waitings)
    if not waitings:
        return []
    expressions: dict[str, Subquery] = {}
    for i, waiting in enumerate(waitings):
        expressions[f"w{i}"] = CountOf(waiting.queryset.order_by().values("pk"))
        for j, name in enumerate(waiting.fields):
            expressions[f"w{i}_{j}"] = Subquery(waiting.queryset.values(name)[:1])
    # Any one row will do to select from: the subqueries do not refer to it.
    row = User.objects.order_by().values(**expressions)[:1]
    values: dict[str, Any] = {}
    for found in row:
        values.update(found)
    counted = []
    for i, waiting in enumerate(waitings):
        count = values.get(f"w{i}") or 0
        first = (
            {name: values[f"w{i}_{j}"] for j, name in enumerate(waiting.fields)} if count else {}
        )
        counted.append(Counted(count=count, first=first))
    return counted
