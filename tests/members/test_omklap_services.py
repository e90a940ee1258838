"""Omklap contracts: start, moments, decisions and their effect, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from coop.exceptions import DomainError
from coop.models import AuditEntry
from members.models import (
    CareDataAccess,
    Member,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)
from members.services.omklap import (
    moment_schedule,
    omklap_contract_start,
    omklap_decision_propose,
    omklap_decision_sign,
    omklap_decision_withdraw,
    omklap_moment_add,
)
from tests.members.omklap_helpers import (
    CARE_NOTE,
    contract_with_a_held_moment,
    record_moment,
    start_contract,
    vrager_tenancy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The assertions read the services' messages in English, the source language."""
    with translation.override("en"):
        yield


def due_dates(contract: OmklapContract) -> list[tuple[str, dt.date]]:
    return list(contract.moments.order_by("due_on").values_list("kind", "due_on"))


def test_a_contract_takes_the_associations_length_and_generates_its_moments(cast):
    start = vrager_tenancy(cast).starts_on

    contract = start_contract(cast)

    assert contract.starts_on == start
    assert contract.length_months == 24
    assert contract.ends_on == start + relativedelta(months=24)
    assert contract.stage == OmklapContract.Stage.RUNNING
    assert contract.conditions == ["accept_guidance", "budget_management"]
    assert due_dates(contract) == [
        ("scheduled", start + relativedelta(months=6)),
        ("scheduled", start + relativedelta(months=12)),
        ("scheduled", start + relativedelta(months=18)),
        ("final", contract.ends_on - dt.timedelta(weeks=8)),
    ]
    assert AuditEntry.objects.filter(action="omklap.contract_started").count() == 1


def test_the_association_sets_the_interval_and_the_final_evaluation(cast):
    cast.association.monitoring_interval_months = 4
    cast.association.final_evaluation_weeks = 6
    cast.association.save()

    contract = start_contract(cast, length_months=12)

    start = contract.starts_on
    assert contract.ends_on == start + relativedelta(months=12)
    assert due_dates(contract) == [
        ("scheduled", start + relativedelta(months=4)),
        ("scheduled", start + relativedelta(months=8)),
        ("final", contract.ends_on - dt.timedelta(weeks=6)),
    ]


def test_the_schedule_never_puts_a_regular_moment_after_the_final_evaluation():
    start = dt.date(2026, 1, 1)
    schedule = moment_schedule(
        after=start, ends_on=dt.date(2027, 1, 1), interval_months=6, final_weeks=30
    )
    assert schedule == [("final", dt.date(2026, 6, 5))]


def test_a_tenancy_has_one_running_contract_at_most(cast):
    start_contract(cast)

    with pytest.raises(DomainError, match="already has a running"):
        start_contract(cast)
    assert OmklapContract.objects.count() == 1


def test_the_database_refuses_a_second_running_contract(cast):
    contract = start_contract(cast)

    with pytest.raises(IntegrityError), transaction.atomic():
        OmklapContract.objects.create(
            tenancy=contract.tenancy,
            care_organisation=cast.care,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            length_months=24,
        )


def test_only_an_omklap_tenancy_gets_an_omklap_contract(cast):
    tenancy = Tenancy.objects.get(member=cast.drager_member)

    with pytest.raises(DomainError, match="needs an omklap tenancy"):
        omklap_contract_start(
            actor=cast.corporation_staff, tenancy=tenancy, care_organisation=cast.care
        )
    assert not OmklapContract.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"length_months": 0}, "length_months", "length_out_of_range"),
        ({"length_months": 121}, "length_months", "length_out_of_range"),
        ({"conditions": ["wear a hat"]}, "conditions", "conditions_invalid"),
        ({"starts_on": dt.date(2000, 1, 1)}, "starts_on", "contract_before_tenancy"),
    ],
)
def test_it_refuses_a_contract_with_bad_terms(cast, kwargs, field, code):
    with pytest.raises(DomainError) as refused:
        start_contract(cast, **kwargs)
    assert refused.value.code == code
    assert refused.value.field == field
    assert not OmklapContract.objects.exists()


def test_a_contract_needs_the_care_organisation_to_be_assigned(cast):
    with pytest.raises(DomainError, match="Assign a care worker"):
        omklap_contract_start(
            actor=cast.corporation_staff,
            tenancy=vrager_tenancy(cast),
            care_organisation=cast.other_care,
        )
    with pytest.raises(DomainError, match="Choose a care organisation"):
        omklap_contract_start(
            actor=cast.corporation_staff,
            tenancy=vrager_tenancy(cast),
            care_organisation=cast.corporation,
        )
    assert not OmklapContract.objects.exists()


def test_recording_a_moment_stores_it_and_logs_the_write_of_care_data(cast):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    record_moment(cast, moment, card="yellow", card_reason="Huur twee maanden te laat")

    moment.refresh_from_db()
    assert moment.held_on == moment.due_on
    assert moment.outcome == "on_track"
    assert moment.care_notes == CARE_NOTE
    assert moment.rent_paid == "good" and moment.care_need == "attention"
    assert moment.living_independently == ""
    assert moment.card == "yellow"
    assert moment.recorded_by == cast.care_worker
    log = CareDataAccess.objects.get()
    assert (log.user, log.organisation, log.member, log.contract, log.action) == (
        cast.care_worker,
        cast.care,
        cast.vrager_member,
        contract,
        "write",
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"outcome": "great"}, "outcome", "outcome_invalid"),
        ({"participants": "  "}, "participants", "required"),
        ({"card": "yellow"}, "card_reason", "warning_reason_missing"),
        ({"card_reason": "te laat"}, "card", "warning_reason_without_card"),
        ({"card": "green", "card_reason": "x"}, "card", "card_invalid"),
        ({"assessments": {"rent_paid": "excellent"}}, "rent_paid", "assessment_invalid"),
        ({"care_notes": "x" * 10_001}, "care_notes", "text_too_long"),
        ({"care_notes": "nul \x00 byte"}, "care_notes", "text_forbidden_characters"),
        # Control characters every other field refuses: escape, bell, form feed, C1 next line.
        ({"care_notes": "rood \x1b[31m"}, "care_notes", "text_forbidden_characters"),
        ({"care_notes": "bel \x07"}, "care_notes", "text_forbidden_characters"),
        ({"care_notes": "blad\x0cwissel"}, "care_notes", "text_forbidden_characters"),
        ({"care_notes": "regel\x85regel"}, "care_notes", "text_forbidden_characters"),
        ({"held_on": timezone.localdate() + dt.timedelta(days=1)}, "held_on", "moment_not_held"),
    ],
)
def test_a_bad_recording_changes_nothing(cast, kwargs, field, code):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    with pytest.raises(DomainError) as refused:
        record_moment(cast, moment, **kwargs)
    assert refused.value.code == code

    assert refused.value.field == field
    moment.refresh_from_db()
    assert moment.held_on is None and moment.care_notes == ""
    assert not CareDataAccess.objects.exists()


def test_a_care_note_with_a_control_character_is_refused_with_a_clear_error(cast):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    with pytest.raises(DomainError) as refused:
        record_moment(cast, moment, care_notes="Gesprek\x1b[2J gehad")

    assert str(refused.value.message) == "The text contains characters that are not allowed."
    assert (refused.value.code, refused.value.field) == ("text_forbidden_characters", "care_notes")
    moment.refresh_from_db()
    assert (moment.held_on, moment.care_notes) == (None, "")


def test_a_care_note_keeps_its_lines_and_tabs(cast):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    record_moment(cast, moment, care_notes="  Afspraken:\r\n\t- huur  \n\n\n\n\t- tuin\n ")

    moment.refresh_from_db()
    assert moment.care_notes == "Afspraken:\n\t- huur\n\n\t- tuin"


def test_a_moment_can_be_added_by_hand_within_the_contract(cast):
    contract = start_contract(cast)
    due = contract.starts_on + dt.timedelta(days=45)

    moment = omklap_moment_add(actor=cast.care_worker, contract=contract, due_on=due)

    assert moment.kind == MonitoringMoment.Kind.EXTRA
    with pytest.raises(DomainError) as refused:
        omklap_moment_add(
            actor=cast.care_worker, contract=contract, due_on=contract.ends_on + dt.timedelta(1)
        )
    assert refused.value.code == "moment_outside_contract"
    assert refused.value.field == "due_on"
    assert contract.moments.count() == 5


def propose(cast, contract, *, side="care", actor=None, **kwargs) -> OmklapDecision:
    kwargs.setdefault("kind", "convert")
    kwargs.setdefault("reasons", "Woont zelfstandig, betaalt op tijd, doet mee in de tuin.")
    kwargs.setdefault("moments", list(contract.moments.filter(held_on__isnull=False)))
    if kwargs["kind"] != "extend":
        kwargs.setdefault("effective_on", timezone.localdate() + dt.timedelta(days=30))
    return omklap_decision_propose(
        actor=actor or (cast.care_worker if side == "care" else cast.corporation_staff),
        side=side,
        contract=contract,
        **kwargs,
    )


def test_a_proposal_without_the_other_sides_sign_off_has_no_effect(cast):
    contract = contract_with_a_held_moment(cast)

    decision = propose(cast, contract, new_group="regular")

    assert decision.status == OmklapDecision.Status.PROPOSED
    assert decision.care_signed_by == cast.care_worker and decision.corporation_signed_at is None
    contract.refresh_from_db()
    assert contract.stage == OmklapContract.Stage.RUNNING
    tenancy = vrager_tenancy(cast)
    assert tenancy.kind == "omklap" and tenancy.ends_on is None
    day = decision.effective_on
    assert Member.objects.with_group_on(day).get(pk=cast.vrager_member.pk).group == "vrager"


def test_a_convert_decision_signed_by_both_turns_the_tenancy_regular_from_its_date(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract, new_group="regular")
    day = decision.effective_on

    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    decision.refresh_from_db()
    assert decision.status == OmklapDecision.Status.IN_EFFECT
    contract.refresh_from_db()
    assert (contract.stage, contract.closed_on) == (OmklapContract.Stage.CONVERTED, day)
    omklap, regular = Tenancy.objects.filter(member=cast.vrager_member).order_by("starts_on")
    assert (omklap.kind, omklap.ends_on) == ("omklap", day)
    assert (regular.kind, regular.starts_on, regular.ends_on) == ("regular", day, None)
    assert regular.unit == omklap.unit
    # The day before, the resident is an omklap tenant and a vrager; from the day on, regular.
    before = day - dt.timedelta(days=1)
    assert Tenancy.objects.current(before).get(member=cast.vrager_member).kind == "omklap"
    assert Tenancy.objects.current(day).get(member=cast.vrager_member).kind == "regular"
    members = Member.objects.filter(pk=cast.vrager_member.pk)
    assert members.with_group_on(before).get().group == "vrager"
    assert members.with_group_on(day).get().group == "regular"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"omklap.decision_proposed", "omklap.decision_signed", "tenancy.ended"} <= actions


def test_a_convert_decision_can_keep_the_mix_group(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract, side="corporation")

    omklap_decision_sign(actor=cast.care_worker, side="care", decision=decision)

    day = decision.effective_on
    member = Member.objects.with_group_on(day).get(pk=cast.vrager_member.pk)
    assert member.group == "vrager"
    assert Tenancy.objects.current(day).get(member=cast.vrager_member).kind == "regular"


def test_an_extend_decision_sets_a_new_end_and_new_moments(cast):
    contract = contract_with_a_held_moment(cast)
    old_end = contract.ends_on
    new_end = old_end + relativedelta(months=12)
    decision = propose(cast, contract, kind="extend", new_ends_on=new_end)

    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    contract.refresh_from_db()
    assert contract.stage == OmklapContract.Stage.RUNNING
    assert contract.ends_on == new_end and contract.length_months == 36
    finals = contract.moments.filter(kind="final").values_list("due_on", flat=True)
    assert list(finals) == [new_end - dt.timedelta(weeks=8)]
    assert contract.moments.filter(due_on__gt=old_end).count() >= 2
    assert vrager_tenancy(cast).kind == "omklap"


def test_an_end_decision_is_only_recorded_and_leaves_the_tenancy_alone(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract, kind="end", effective_on=contract.ends_on)

    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    contract.refresh_from_db()
    assert (contract.stage, contract.closed_on) == ("ended", contract.ends_on)
    tenancy = vrager_tenancy(cast)
    assert tenancy.ends_on is None and tenancy.kind == "omklap"


def test_a_side_signs_only_once_and_only_for_itself(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract)

    with pytest.raises(DomainError, match="already signed"):
        omklap_decision_sign(actor=cast.care_worker, side="care", decision=decision)
    with pytest.raises(DomainError, match="cannot sign"):
        omklap_decision_sign(actor=cast.care_worker, side="corporation", decision=decision)
    with pytest.raises(DomainError, match="cannot sign"):
        omklap_decision_sign(actor=cast.other_care_worker, side="care", decision=decision)
    decision.refresh_from_db()
    assert decision.status == OmklapDecision.Status.PROPOSED
    assert decision.corporation_signed_at is None


def test_a_proposal_needs_held_moments_of_this_contract_and_a_valid_date(cast):
    contract = contract_with_a_held_moment(cast)
    unheld = list(contract.moments.filter(held_on__isnull=True)[:1])

    for kwargs, field, code in (
        ({"moments": []}, "moments", "decision_moments_invalid"),
        ({"moments": unheld}, "moments", "decision_moments_invalid"),
        ({"effective_on": contract.starts_on}, "effective_on", "decision_date_before_start"),
        (
            {"effective_on": contract.ends_on + dt.timedelta(days=367)},
            "effective_on",
            "decision_date_too_late",
        ),
        (
            {"kind": "extend", "new_ends_on": contract.ends_on},
            "new_ends_on",
            "extension_out_of_range",
        ),
        ({"kind": "demolish"}, "kind", "decision_kind_invalid"),
        ({"reasons": "   "}, "reasons", "required"),
        ({"new_group": "king"}, "new_group", "group_invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            propose(cast, contract, **kwargs)
        assert refused.value.code == code, kwargs
        assert refused.value.field == field, kwargs
    assert not OmklapDecision.objects.exists()


def test_one_proposal_at_a_time_and_a_withdrawn_one_makes_room(cast):
    contract = contract_with_a_held_moment(cast)
    first = propose(cast, contract)

    with pytest.raises(DomainError, match="already awaits"):
        propose(cast, contract, side="corporation", kind="end")
    omklap_decision_withdraw(
        actor=cast.corporation_staff, side="corporation", decision=first, reason="Eerst praten."
    )
    with pytest.raises(DomainError, match="no longer awaits"):
        omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=first)
    second = propose(cast, contract, side="corporation", kind="end")

    first.refresh_from_db()
    assert first.status == "withdrawn" and first.withdrawal_reason == "Eerst praten."
    assert second.status == "proposed"
    contract.refresh_from_db()
    assert contract.stage == "running"


def test_a_closed_contract_takes_no_more_moments_or_proposals(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract, kind="end", effective_on=contract.ends_on)
    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)
    moment = contract.moments.filter(held_on__isnull=True).first()

    with pytest.raises(DomainError, match="closed"):
        record_moment(cast, moment, held_on=timezone.localdate())
    with pytest.raises(DomainError, match="closed"):
        propose(cast, contract)
    with pytest.raises(DomainError, match="closed"):
        omklap_moment_add(actor=cast.care_worker, contract=contract, due_on=contract.ends_on)


def test_a_new_contract_may_follow_a_closed_one_on_the_same_tenancy(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract, kind="end", effective_on=contract.ends_on)
    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    second = start_contract(cast, starts_on=timezone.localdate())

    assert second.stage == "running"
    assert OmklapContract.objects.filter(tenancy=contract.tenancy).count() == 2


def test_a_conversion_fails_whole_when_the_tenancy_already_ended(cast):
    contract = contract_with_a_held_moment(cast)
    decision = propose(cast, contract)
    Tenancy.objects.filter(pk=contract.tenancy_id).update(ends_on=timezone.localdate())

    with pytest.raises(DomainError, match="already ended"):
        omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)

    decision.refresh_from_db()
    assert decision.status == "proposed" and decision.corporation_signed_at is None
    assert Tenancy.objects.filter(member=cast.vrager_member).count() == 1
