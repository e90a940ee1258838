"""Bad input on the omklap forms and services (QUALITY 9): refused with a message and no
change, or stored as valid; never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coop.exceptions import DomainError
from members.forms.omklap import DecisionProposeForm, MomentRecordForm
from members.models import (
    Assessment,
    CareDataAccess,
    MomentOutcome,
    MonitoringMoment,
    OmklapDecision,
    WarningCard,
)
from members.services.omklap import (
    NOTES_MAX,
    omklap_decision_propose,
    omklap_moment_record,
)
from tests.members.omklap_helpers import contract_with_a_held_moment, start_contract

pytestmark = pytest.mark.django_db

with_fixtures = settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
)

texts = st.one_of(
    st.text(max_size=60),
    st.text(min_size=480, max_size=620),
    st.just(""),
    st.just("   "),
    st.text(alphabet="ab\x00\n", max_size=30),
)
# Around the limits of the reasons (5,000) and the care notes (10,000 characters).
long_notes = st.one_of(
    texts,
    st.integers(4_990, 5_010).map(lambda n: ("ab \n" * n)[:n]),
    st.integers(9_990, 10_020).map(lambda n: ("ab \n" * n)[:n]),
)


def choice(values):
    return st.one_of(st.sampled_from([*values, ""]), st.text(max_size=12))


dates = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2300, 1, 1)).map(dt.date.isoformat),
    st.text(max_size=12),
)

moment_data = st.fixed_dictionaries(
    {
        "held_on": dates,
        "participants": texts,
        "outcome": choice(MomentOutcome.values),
        "card": choice(WarningCard.values),
        "card_reason": texts,
        "care_notes": long_notes,
        "rent_paid": choice(Assessment.values),
        "care_need": choice(Assessment.values),
    }
)


def stored(moment: MonitoringMoment) -> dict:
    return MonitoringMoment.objects.filter(pk=moment.pk).values().get()


YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()
VALID_MOMENT = {
    "held_on": YESTERDAY,
    "participants": "Vera, Zoë",
    "outcome": "on_track",
    "card": "red",
    "card_reason": "Overlast",
    "care_notes": "x" * NOTES_MAX,
    "rent_paid": "good",
    "care_need": "",
}


@with_fixtures
@given(data=moment_data)
@example(data=VALID_MOMENT)
def test_the_moment_form_and_service_store_valid_input_or_change_nothing(cast, data):
    contract = start_contract(cast) if not hasattr(cast, "_contract") else cast._contract
    cast._contract = contract
    moment = contract.moments.order_by("due_on").first()
    before, logs = stored(moment), CareDataAccess.objects.count()
    form = MomentRecordForm(data)
    try:
        with transaction.atomic():
            if not form.is_valid():
                raise DomainError("form", code="form_invalid")
            omklap_moment_record(actor=cast.care_worker, moment=moment, **form.service_kwargs())
    except DomainError:
        assert stored(moment) == before
        assert CareDataAccess.objects.count() == logs
        return
    moment.refresh_from_db()
    assert moment.held_on <= dt.date.today() + dt.timedelta(days=1)
    assert moment.outcome in MomentOutcome.values
    assert 0 < len(moment.participants) <= 500 and "\x00" not in moment.participants
    assert len(moment.care_notes) <= NOTES_MAX and "\x00" not in moment.care_notes
    assert (moment.card == "") == (moment.card_reason == "")
    assert CareDataAccess.objects.count() == logs + 1
    # Put the moment back for the next example.
    MonitoringMoment.objects.filter(pk=moment.pk).update(**before)


@with_fixtures
@given(
    data=st.fixed_dictionaries(
        {
            "kind": choice(OmklapDecision.Kind.values),
            "effective_on": dates,
            "new_ends_on": dates,
            "new_group": st.one_of(st.sampled_from(["", "regular", "drager"]), st.text()),
            "reasons": long_notes,
        }
    )
)
@example(
    data={
        "kind": "convert",
        "effective_on": YESTERDAY,
        "new_ends_on": "",
        "new_group": "regular",
        "reasons": "Stabiel.",
    }
)
def test_the_decision_form_and_service_store_valid_input_or_change_nothing(cast, data):
    contract = getattr(cast, "_held", None) or contract_with_a_held_moment(cast)
    cast._held = contract
    held = contract.moments.filter(held_on__isnull=False).values_list("pk", flat=True)
    form = DecisionProposeForm({**data, "moments": list(held)}, contract=contract)
    try:
        with transaction.atomic():
            if not form.is_valid():
                raise DomainError("form", code="form_invalid")
            decision = omklap_decision_propose(
                actor=cast.care_worker, side="care", contract=contract, **form.cleaned_data
            )
    except DomainError:
        assert not OmklapDecision.objects.exists()
        return
    assert decision.kind in OmklapDecision.Kind.values
    assert 0 < len(decision.reasons) <= 5_000 and "\x00" not in decision.reasons
    if decision.kind == "extend":
        assert decision.new_ends_on > contract.ends_on
    else:
        assert decision.effective_on > contract.starts_on
    contract.refresh_from_db()
    assert contract.stage == "running"  # one side's proposal changes nothing
    OmklapDecision.objects.all().delete()  # room for the next example
