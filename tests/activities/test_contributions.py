"""Contribution hours: logging, the organisers in one step, confirming and rejecting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from activities import selectors, services
from activities.models import ContributionLog
from coop.exceptions import DomainError
from coop.models import AuditEntry

pytestmark = pytest.mark.django_db


def log(cast, member=None, **overrides) -> ContributionLog:
    member = member or cast.drager_member
    fields = {"date": timezone.localdate(), "hours": Decimal("2.5"), "kind": "support"}
    fields.update(overrides)
    return services.contribution_log(actor=member.user, member=member, **fields)


def test_a_member_logs_hours_which_wait_for_a_coordinator(cast):
    entry = log(cast)

    assert entry.status == ContributionLog.Status.PENDING
    assert entry.hours == Decimal("2.5")
    assert entry.logged_by == cast.drager


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"hours": "0"}, "hours", "hours_out_of_range"),
        ({"hours": "24.25"}, "hours", "hours_out_of_range"),
        ({"hours": "1.1"}, "hours", "hours_not_quarters"),
        ({"hours": "NaN"}, "hours", "hours_out_of_range"),
        ({"hours": "veel"}, "hours", "hours_not_a_number"),
        ({"kind": "gardening"}, "kind", "contribution_kind_invalid"),
        ({"date": "tomorrow"}, "date", "log_date_in_future"),
        ({"date": "long ago"}, "date", "log_date_too_far_back"),
    ],
)
def test_logging_refuses_bad_input_and_stores_nothing(cast, overrides, field, code):
    today = timezone.localdate()
    dates = {"tomorrow": today + dt.timedelta(days=1), "long ago": today - dt.timedelta(days=400)}
    if "date" in overrides:
        overrides["date"] = dates[overrides["date"]]

    with pytest.raises(DomainError) as raised:
        log(cast, **overrides)
    assert raised.value.code == code

    assert raised.value.field == field
    assert ContributionLog.objects.count() == 0


def test_a_coordinator_confirms_hours_with_an_audit_entry(cast):
    entry = services.contribution_confirm(actor=cast.coordinator, log=log(cast))

    assert entry.status == ContributionLog.Status.CONFIRMED
    assert entry.decided_by == cast.coordinator
    assert AuditEntry.objects.filter(action="contribution.confirmed").count() == 1
    with pytest.raises(DomainError) as raised:
        services.contribution_reject(actor=cast.coordinator, log=entry, reason="Toch niet")
    assert raised.value.code == "hours_already_decided"


def test_a_coordinator_rejects_hours_with_a_reason_the_member_reads(
    cast, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError) as raised:
        services.contribution_reject(actor=cast.coordinator, log=log(cast), reason="  ")
    assert raised.value.code == "required"
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.contribution_reject(
            actor=cast.coordinator, log=log(cast), reason="Dubbel ingevoerd"
        )

    assert entry.status == ContributionLog.Status.REJECTED
    assert entry.reason == "Dubbel ingevoerd"
    assert mail.outbox[0].to == [cast.drager.email]
    assert "Dubbel ingevoerd" in mail.outbox[0].body


def test_a_coordinator_cannot_confirm_their_own_hours(cast):
    from tests.activities.conftest import member_of

    own = log(cast, member=member_of(cast.coordinator))

    with pytest.raises(DomainError) as raised:
        services.contribution_confirm(actor=cast.coordinator, log=own)
    assert raised.value.code == "own_hours"


def test_the_organisers_hours_are_logged_in_one_step_and_only_once(cast, plan):
    from tests.activities.conftest import member_of

    activity = plan()
    activity.organisers.add(cast.drager_member)
    occurrence = activity.occurrences.get()
    with pytest.raises(DomainError) as raised:
        services.contribution_log_organisers(
            actor=cast.coordinator, occurrence=occurrence, hours="3"
        )
    assert raised.value.code == "occurrence_not_started"

    with time_machine.travel(occurrence.ends_at + dt.timedelta(hours=2)):
        logs = services.contribution_log_organisers(
            actor=cast.coordinator, occurrence=occurrence, hours="3"
        )
        with pytest.raises(DomainError) as raised:
            services.contribution_log_organisers(
                actor=cast.coordinator, occurrence=occurrence, hours="3"
            )
        assert raised.value.code == "hours_already_logged"

    assert {entry.member for entry in logs} == {member_of(cast.coordinator), cast.drager_member}
    assert {(entry.kind, entry.activity, entry.hours) for entry in logs} == {
        ("organising", activity, Decimal("3"))
    }


@pytest.mark.frozen_at("2026-11-20T12:00+00:00")
def test_hours_per_month_count_confirmed_hours_against_the_pledge_or_the_default(cast):
    member = cast.drager_member
    confirmed = log(cast, hours="10", date=dt.date(2026, 11, 3))
    services.contribution_confirm(actor=cast.coordinator, log=confirmed)
    services.contribution_confirm(
        actor=cast.coordinator, log=log(cast, hours="4", date=dt.date(2026, 10, 30))
    )
    log(cast, hours="3", date=dt.date(2026, 11, 4))  # pending
    services.contribution_reject(
        actor=cast.coordinator, log=log(cast, hours="8", date=dt.date(2026, 11, 5)), reason="Nee"
    )

    months = selectors.hours_by_month(member)

    assert (months[0].month, months[0].confirmed, months[0].pending) == (
        dt.date(2026, 11, 1),
        Decimal("10"),
        Decimal("3"),
    )
    assert (months[1].confirmed, months[1].commitment, months[1].met) == (
        Decimal("4"),
        Decimal("16.0"),
        False,
    )
    member.pledged_hours = Decimal("8")
    member.save(update_fields=["pledged_hours"])
    assert selectors.hours_by_month(member)[0].met is True
    board = {
        row.member.pk: row
        for row in selectors.association_hours(cast.association, dt.date(2026, 11, 1))
    }
    assert board[member.pk].confirmed == Decimal("10")
    assert board[cast.vrager_member.pk].confirmed == Decimal("0")
