"""Forms of the omklap pages; they validate input, the services apply the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.fields import ModelMultipleIdChoiceField, in_date_window
from coop.widgets import DateInput
from members.models import (
    ASSESSMENT_DOMAINS,
    CARE_DATA_FIELDS,
    Assessment,
    MixGroup,
    MomentOutcome,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    WarningCard,
)
from members.services.omklap import MAX_LENGTH_MONTHS, NOTES_MAX, REASONS_MAX

NOT_ASSESSED = [("", _("not assessed"))]


def _date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
    )


# No date of a running contract lies further from today than the longest contract.
CONTRACT_YEARS = MAX_LENGTH_MONTHS // 12 + 1


def _in_range(day: dt.date | None) -> dt.date | None:
    """Dates far outside a contract's life are typing mistakes."""
    if day is None:
        return None
    return in_date_window(day, years_back=CONTRACT_YEARS, years_ahead=CONTRACT_YEARS)


def _assessment(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=NOT_ASSESSED + Assessment.choices, required=False)


class MomentRecordForm(forms.Form):
    held_on = _date_field(_("Held on"))
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=500,
        help_text=_("For example: the resident, the care worker, the corporation's consultant."),
    )
    rent_paid = _assessment(_("Rent paid"))
    living_independently = _assessment(_("Living independently"))
    neighbour_contact = _assessment(_("Contact with neighbours"))
    care_need = _assessment(_("Care need"))
    house_rules = _assessment(_("Keeps the house rules"))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=MomentOutcome.choices, widget=forms.RadioSelect
    )
    card = forms.ChoiceField(
        label=_("Warning"),
        choices=[("", _("no warning")), *WarningCard.choices],
        required=False,
    )
    card_reason = forms.CharField(
        label=_("Reason for the warning"),
        max_length=500,
        required=False,
        help_text=_("The corporation sees warnings and their reasons; keep health details out."),
    )
    care_notes = forms.CharField(
        label=_("Care notes"),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only your care organisation sees these notes; every read is logged."),
    )

    def clean_held_on(self) -> dt.date:
        held_on = _in_range(self.cleaned_data["held_on"])
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A moment cannot be recorded before it was held."))
        return held_on

    @classmethod
    def initial_for(cls, moment: MonitoringMoment) -> dict:
        if moment.held_on is None:
            return {"held_on": min(moment.due_on, timezone.localdate())}
        return {name: getattr(moment, name) for name in cls.base_fields}

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["assessments"] = {d: data.pop(d) for d in ASSESSMENT_DOMAINS}
        return data


class MomentAddForm(forms.Form):
    due_on = _date_field(_("Due on"))

    def clean_due_on(self) -> dt.date:
        return _in_range(self.cleaned_data["due_on"])


class DecisionProposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=OmklapDecision.Kind.choices, widget=forms.RadioSelect
    )
    effective_on = _date_field(
        _("Takes effect on"),
        required=False,
        help_text=_(
            "Convert: the first day of the regular tenancy. End: the last day of the contract."
        ),
    )
    new_ends_on = _date_field(_("New end date (extend)"), required=False)
    new_group = forms.ChoiceField(
        label=_("Group in the mix from that day (convert)"),
        choices=[("", _("unchanged")), *MixGroup.choices],
        required=False,
    )
    moments = ModelMultipleIdChoiceField(
        label=_("Monitoring moments the decision rests on"),
        queryset=MonitoringMoment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=REASONS_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, contract: OmklapContract, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only dates and outcomes: the corporation proposes too and never sees care data.
        self.fields["moments"].queryset = (
            contract.moments.filter(held_on__isnull=False)
            .defer(*CARE_DATA_FIELDS)
            .order_by("due_on")
        )
        self.fields["moments"].label_from_instance = lambda m: (
            f"{m.get_kind_display()} {m.held_on:%d-%m-%Y}: {m.get_outcome_display()}"
        )

    def clean_effective_on(self) -> dt.date | None:
        return _in_range(self.cleaned_data["effective_on"])

    def clean_new_ends_on(self) -> dt.date | None:
        return _in_range(self.cleaned_data["new_ends_on"])


class DecisionWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ContractFilterForm(forms.Form):
    association = forms.ModelChoiceField(
        label=_("Association"),
        queryset=None,
        required=False,
        empty_label=_("all associations"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[("", _("all stages")), *OmklapContract.Stage.choices],
        required=False,
    )

    def __init__(self, *args, associations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
