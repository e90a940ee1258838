"""Forms of the member register; they parse input, the services apply the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.fields import PhoneField
from coop.models import Association, Unit
from coop.widgets import DateInput
from members.models import MixGroup, Role, Tenancy


class _UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        label = f"{obj.building.name} {obj.number} ({obj.get_kind_display()})"
        if obj.tenant_name:
            return _("%(unit)s: let to %(name)s") % {"unit": label, "name": obj.tenant_name}
        return label


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address (optional)"), max_length=254, required=False)
    phone = PhoneField()
    language = forms.ChoiceField(
        label=_("Language of the invitation and e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
    )
    group = forms.ChoiceField(label=_("Group in the mix"), choices=MixGroup.choices)
    unit = _UnitField(label=_("Unit"), queryset=Unit.objects.none())
    tenancy_kind = forms.ChoiceField(label=_("Kind of tenancy"), choices=Tenancy.Kind.choices)
    starts_on = forms.DateField(label=_("Tenancy start date"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Tenancy end date (only when notice was given)"),
        widget=DateInput(),
        required=False,
    )

    def __init__(self, *args, association: Association, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        tenant = Tenancy.objects.current(timezone.localdate()).filter(unit=OuterRef("pk"))
        self.fields["unit"].queryset = (
            Unit.objects.filter(building__association=association)
            .select_related("building")
            .annotate(tenant_name=Subquery(tenant.values("member__name")[:1]))
            .order_by("building__name", "number")
        )


class MoveOutForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Tenancy ends on (the first day the unit is free)"),
        widget=DateInput(),
        initial=timezone.localdate,
    )


class GroupForm(forms.Form):
    group = forms.ChoiceField(label=_("New group in the mix"), choices=MixGroup.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)


class RoleEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Role ends on"), widget=DateInput(), initial=timezone.localdate
    )
