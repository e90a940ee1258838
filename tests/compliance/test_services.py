"""Agreements: drafting versions, commitments checked per rule type, two signatures, follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry
from coop.site.compliance import services
from coop.site.compliance.models import AgreementVersion, Commitment, FollowUp
from coop.site.compliance.rules import rule_for
from coop.site.compliance.selectors import association_compliance
from coop.site.compliance.services import CommitmentTerms, Side
from tests.compliance import rows

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 1)


def draft(cast, *, starts_on=START):
    agreement = services.agreement_create(
        actor=cast.corporation_staff, association=cast.association, title="Afspraken De Kapel"
    )
    return services.agreement_version_draft(
        actor=cast.corporation_staff, agreement=agreement, starts_on=starts_on
    )


def refused(code, call, **kwargs):
    with pytest.raises(DomainError) as error:
        call(**kwargs)
    assert error.value.code == code


def test_only_the_corporations_staff_open_an_agreement(cast):
    for who in (cast.board, cast.care_worker, cast.outsider):
        refused(
            "not_corporation_staff",
            services.agreement_create,
            actor=who,
            association=cast.association,
            title="x",
        )
    version = draft(cast)
    assert version.number == 1 and not version.in_force
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"compliance.agreement_created", "compliance.version_drafted"} <= actions


def test_a_version_is_in_force_once_both_sides_signed(cast):
    version = draft(cast)
    refused(
        "version_empty",
        services.agreement_version_sign,
        actor=cast.board,
        version=version,
        side=Side.BOARD,
    )
    services.commitment_add(
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="vacant_days", threshold=60),
    )
    refused(
        "not_the_board",
        services.agreement_version_sign,
        actor=cast.outsider,
        version=version,
        side=Side.BOARD,
    )
    refused(
        "not_corporation_staff",
        services.agreement_version_sign,
        actor=cast.board,
        version=version,
        side=Side.CORPORATION,
    )
    version = services.agreement_version_sign(actor=cast.board, version=version, side=Side.BOARD)
    assert not version.in_force
    refused(
        "already_signed",
        services.agreement_version_sign,
        actor=cast.board,
        version=version,
        side=Side.BOARD,
    )
    # One side signed: the commitments are fixed.
    refused(
        "version_signed",
        services.commitment_add,
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="mix"),
    )
    version = services.agreement_version_sign(
        actor=cast.corporation_staff, version=version, side=Side.CORPORATION
    )
    assert version.in_force
    assert AuditEntry.objects.filter(action="compliance.version_signed").count() == 2


def test_commitments_are_checked_and_a_refusal_changes_nothing(cast):
    version = draft(cast)
    add = services.commitment_add
    bad = [
        ("unknown_rule", CommitmentTerms(rule="no_such_rule")),
        ("invalid_parameter", CommitmentTerms(rule="nomination_on_time", params={"days": 0})),
        ("unknown_parameter", CommitmentTerms(rule="vacant_days", params={"days": 3})),
        ("invalid_rolling_months", CommitmentTerms(rule="mix", period_kind="rolling")),
        (
            "invalid_rolling_months",
            CommitmentTerms(rule="mix", period_kind="rolling", rolling_months=30),
        ),
        ("unknown_period", CommitmentTerms(rule="mix", period_kind="week")),
        ("invalid_number", CommitmentTerms(rule="mix", threshold="-1")),
        ("invalid_number", CommitmentTerms(rule="mix", threshold="NaN")),
        ("unknown_owner", CommitmentTerms(rule="mix", owner="care")),
    ]
    for code, terms in bad:
        refused(code, add, actor=cast.corporation_staff, version=version, terms=terms)
    assert not Commitment.objects.exists()
    rolling = add(
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="contribution_hours", period_kind="rolling", rolling_months=3),
    )
    assert (rolling.rolling_months, rolling.threshold, rolling.owner) == (
        3,
        Decimal("75.0"),
        "association",
    )
    confirm = add(
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="confirmation_on_time", params={"days": 10}),
    )
    assert confirm.owner == "corporation" and confirm.params == {"days": 10}
    refused(
        "commitment_exists",
        add,
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="confirmation_on_time"),
    )


def test_the_database_refuses_a_version_in_force_without_both_signatures(cast):
    version = draft(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementVersion.objects.filter(pk=version.pk).update(in_force=True)


def test_the_database_refuses_rolling_months_on_a_calendar_period(cast):
    version = draft(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            version=version,
            key="x",
            rule="mix",
            period_kind="month",
            rolling_months=3,
            threshold=Decimal(10),
        )


def test_editing_makes_a_new_version_and_the_old_one_keeps_its_periods(cast, agreement_for):
    first = agreement_for([CommitmentTerms(rule="vacant_days", threshold=60)], starts_on=START)
    refused(
        "version_starts_too_early",
        services.agreement_version_draft,
        actor=cast.corporation_staff,
        agreement=first.agreement,
        starts_on=START,
    )
    p = rows.last_month()
    second = services.agreement_version_draft(
        actor=cast.corporation_staff, agreement=first.agreement, starts_on=p.start, copy_from=first
    )
    assert second.number == 2
    assert list(second.commitments.values_list("key", "threshold")) == [
        ("vacant-days", Decimal("60.0"))
    ]
    second.commitments.update(threshold=Decimal(10))
    for side, who in ((Side.BOARD, cast.board), (Side.CORPORATION, cast.corporation_staff)):
        services.agreement_version_sign(actor=who, version=second, side=side)
    # A unit vacant 20 days in each of the last two months: met under the old threshold (60),
    # breached under the new (10) that runs from last month.
    before = p.previous()
    rows.vacancy(cast.association, reported_on=before.start, let_on=before.start + dt.timedelta(20))
    rows.vacancy(cast.association, reported_on=p.start, let_on=p.start + dt.timedelta(20))
    (judged,) = association_compliance(cast.association, today=p.last_day)
    statuses = {period.start: result.status for period, result in judged.history}
    assert statuses[before.start] == "met"
    assert statuses[p.start] == "breached"
    assert judged.history[0][1].status == "no_data" or judged.history[0][0].start >= START


def test_follow_up_of_a_breach_and_its_resolution(cast, agreement_for):
    version = agreement_for([CommitmentTerms(rule="vacant_days", threshold=10)])
    commitment = version.commitments.get()
    p = rows.last_month()
    due = timezone.localdate() + dt.timedelta(days=30)
    kwargs = dict(
        commitment=commitment, period=p, explanation="Lekkage.", action="Herstel.", due_on=due
    )
    refused("not_breached", services.follow_up_record, actor=cast.board, **kwargs)
    rows.vacancy(cast.association, reported_on=p.start, let_on=p.start + dt.timedelta(20))
    assert rule_for(commitment).evaluate(cast.association, p).status == "breached"
    refused("not_the_board", services.follow_up_record, actor=cast.corporation_staff, **kwargs)
    refused(
        "follow_up_incomplete",
        services.follow_up_record,
        actor=cast.board,
        **{**kwargs, "action": "  "},
    )
    refused(
        "due_in_past",
        services.follow_up_record,
        actor=cast.board,
        **{**kwargs, "due_on": timezone.localdate() - dt.timedelta(days=1)},
    )
    assert not FollowUp.objects.exists()
    follow_up = services.follow_up_record(actor=cast.board, **kwargs)
    refused("follow_up_exists", services.follow_up_record, actor=cast.board, **kwargs)
    refused(
        "not_corporation_staff", services.follow_up_resolve, actor=cast.board, follow_up=follow_up
    )
    follow_up = services.follow_up_resolve(
        actor=cast.corporation_staff, follow_up=follow_up, resolution="Woning verhuurd."
    )
    assert follow_up.is_resolved
    refused(
        "already_resolved",
        services.follow_up_resolve,
        actor=cast.corporation_staff,
        follow_up=follow_up,
    )
    actions = list(
        AuditEntry.objects.filter(action__startswith="compliance.follow_up").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["compliance.follow_up_recorded", "compliance.follow_up_resolved"]


def test_hours_exemption_is_for_the_board(cast):
    refused(
        "not_the_board",
        services.hours_exemption_record,
        actor=cast.drager,
        member=cast.drager_member,
        reason="illness",
        starts_on=START,
    )
    refused(
        "ends_before_start",
        services.hours_exemption_record,
        actor=cast.board,
        member=cast.drager_member,
        reason="illness",
        starts_on=START,
        ends_on=START,
    )
    exemption = services.hours_exemption_record(
        actor=cast.board, member=cast.drager_member, reason="family_care", starts_on=START
    )
    assert exemption.reason == "family_care"
