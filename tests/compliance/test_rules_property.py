"""Adding unrelated rows (another association, another period) changes no rule's result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop.site.compliance.rules import RULES
from tests.compliance import rows

pytestmark = pytest.mark.django_db

D = dt.timedelta

# Offsets from the judged period's start: well before the rolling windows reach (-400..-200
# days) or after it ends (+60..+400 days; a nomination's vacancy is reported 20 days before).
OUTSIDE = st.one_of(st.integers(-400, -200), st.integers(60, 400))


def _unrelated(cast, kind: str, offset: int, other: bool):
    p = rows.last_month()
    association = cast.other_association if other else cast.association
    day = p.start + D(offset) if not other else p.start + D(3)
    if kind == "vacancy":
        rows.vacancy(association, reported_on=day, nominated_on=day + D(3), let_on=day + D(30))
    elif kind == "nomination":
        rows.nomination(association, nominated=day, decided=day + D(2), group="vrager")
    elif kind == "contract":
        contract = rows.contract(
            association,
            cast,
            starts_on=day if not other else p.start - D(300),
            ends_on=(day if not other else p.start) + D(400),
            held=[day],
        )
        if offset < 0 and not other:
            # Ended long before the period: closed, so not running in it.
            type(contract).objects.filter(pk=contract.pk).update(
                stage="ended", closed_on=day + D(100)
            )
            contract.tenancy.ends_on = day + D(100)
            contract.tenancy.save(update_fields=["ends_on"])
            contract.tenancy.member.group_periods.update(ends_on=day + D(100))
    elif kind == "hours":
        member = cast.outsider_member if other else cast.drager_member
        rows.hours(member, day, "20")
    elif kind == "activity":
        occurrence = rows.occurrence(association, rows.aware(day))
        rows.attended(cast.outsider_member if other else cast.vrager_member, occurrence)


def _results(cast):
    p = rows.last_month()
    return {
        name: rule_class(params={}, threshold=Decimal(50), band=Decimal(10)).evaluate(
            cast.association, p, as_of=p.last_day
        )
        for name, rule_class in RULES.items()
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    additions=st.lists(
        st.tuples(
            st.sampled_from(["vacancy", "nomination", "contract", "hours", "activity"]),
            OUTSIDE,
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_unrelated_rows_change_no_result(cast, additions):
    p = rows.last_month()
    # Something to judge in the period itself, so "no change" is not only "still no data".
    rows.vacancy(cast.association, reported_on=p.start + D(2), nominated_on=p.start + D(9))
    before = _results(cast)
    for kind, offset, other in additions:
        # Future rows only exist as plans: outside the period, later than it is still outside.
        _unrelated(cast, kind, offset, other)
    assert _results(cast) == before
