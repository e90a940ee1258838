"""Forms of the set-up pages; they parse input, the services apply the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.models import Association, Building, Organisation, Unit, User
from coop.site.setup.selectors import care_candidates, care_workers, contract_candidates
from coop.widgets import DateInput
from members.models import Member, MixGroup, OmklapCondition, Tenancy
from members.services import MAX_LENGTH_MONTHS


def _share(label, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100, initial=initial)


class AssociationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in web addresses"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, e.g. de-kapel."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Association.Kind.choices)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":  # the address of the page that adds an association
            raise forms.ValidationError(_("Choose another short name."))
        return slug

    target_vrager = _share(_("Target share of vragers (%)"), 35)
    target_drager = _share(_("Target share of dragers (%)"), 15)
    target_regular = _share(_("Target share of regular tenants (%)"), 50)
    monthly_hours = forms.DecimalField(
        label=_("Monthly contribution hours"),
        min_value=Decimal("0"),
        max_value=Decimal("200"),
        decimal_places=1,
        initial=Decimal("16.0"),
    )
    omklap_length_months = forms.IntegerField(
        label=_("Omklap contract length (months)"), min_value=1, max_value=120, initial=24
    )
    monitoring_interval_months = forms.IntegerField(
        label=_("Monitoring interval (months)"), min_value=1, max_value=36, initial=6
    )
    final_evaluation_weeks = forms.IntegerField(
        label=_("Final evaluation (weeks before the end)"), min_value=1, max_value=52, initial=8
    )


class BuildingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    street_address = forms.CharField(label=_("Street address"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=100)


class UnitForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    number = forms.CharField(label=_("Number"), max_length=20)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Unit.Kind.choices,
        help_text=_("Regular, drager or omklap: it decides how a vacancy is filled."),
    )
    rent = forms.DecimalField(
        label=_("Monthly rent (EUR)"), min_value=Decimal("0"), max_digits=7, decimal_places=2
    )
    rent_above_cap = forms.BooleanField(label=_("Rent above the aftoppingsgrens"), required=False)

    def __init__(self, *args, association: Association, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = association.buildings.order_by("name")


class BoardMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    group = forms.ChoiceField(label=_("Group in the mix"), choices=MixGroup.choices)
    joined_on = forms.DateField(
        label=_("Member since"), widget=DateInput(), initial=timezone.localdate
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="nl"
    )


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=settings.LANGUAGES, initial="nl"
    )
    starts_on = forms.DateField(
        label=_("Access from"), widget=DateInput(), initial=timezone.localdate
    )


class StaffEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Access ends on"), widget=DateInput(), initial=timezone.localdate
    )


class _ResidentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.association.name}, {obj.home_building} {obj.home_unit}"


class _WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class CareAssignForm(forms.Form):
    member = _ResidentChoice(label=_("Resident"), queryset=Member.objects.none())
    worker = _WorkerChoice(label=_("Care worker"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = care_candidates(organisation)
        self.fields["worker"].queryset = care_workers(organisation)


class CareEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Assignment ends on"), widget=DateInput(), initial=timezone.localdate
    )


class _TenancyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.member.name} · {obj.unit.building.association.name}, {obj.unit}"


class ContractStartForm(forms.Form):
    tenancy = _TenancyChoice(
        label=_("Resident and home"),
        queryset=Tenancy.objects.none(),
        help_text=_("Residents of an omklap home guided by your care workers, without a contract."),
    )
    starts_on = forms.DateField(
        label=_("Contract starts on"), widget=DateInput(), initial=timezone.localdate
    )
    length_months = forms.IntegerField(
        label=_("Length (months)"),
        min_value=1,
        max_value=MAX_LENGTH_MONTHS,
        required=False,
        help_text=_("Leave empty for the association's usual length."),
    )
    conditions = forms.MultipleChoiceField(
        label=_("Conditions of the three-party agreement"),
        choices=OmklapCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tenancy"].queryset = contract_candidates(organisation)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    slug = forms.SlugField(
        label=_("Short name in web addresses"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, e.g. de-kapel."),
    )
