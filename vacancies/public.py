"""The public side of vacancies: the application form, its rate limit and what the pages list."""

from __future__ import annotations

import datetime as dt

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coop.fields import PhoneField
from vacancies.models import Route, Vacancy

HONEYPOT = "website"
# The form's fields that reach the service, in the order the service names them.
APPLICATION_FIELDS = (
    "name",
    "email",
    "phone",
    "household_size",
    "motivation",
    "contribution",
    "pledged_hours",
)


def published_vacancies(association_id: int | None) -> QuerySet[Vacancy]:
    """Co-optation vacancies whose applications were ever opened, with what the page shows."""
    vacancies = Vacancy.objects.filter(
        route=Route.COOPTATION, applications_close_at__isnull=False
    ).select_related("association", "unit__building")
    if association_id is not None:
        vacancies = vacancies.filter(association_id=association_id)
    return vacancies


def accepting(vacancy: Vacancy, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return vacancy.status == Vacancy.Status.OPEN and now < vacancy.applications_close_at


class ApplicationForm(forms.Form):
    """What an applicant tells the association; never health, origin, faith, politics or love."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a confirmation and the committee's decision to this address."),
    )
    phone = PhoneField()
    household_size = forms.IntegerField(
        label=_("Household size"),
        min_value=1,
        max_value=12,
        help_text=_("How many people, you included, would live in the home."),
    )
    motivation = forms.CharField(
        label=_("Why do you want to live here?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    contribution = forms.CharField(
        label=_("What will you contribute to the community? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    pledged_hours = forms.DecimalField(
        label=_("Hours a month you pledge to volunteer"),
        min_value=0,
        max_value=200,
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("From 0 to 200; applicants who pledge volunteer hours get priority."),
    )
    # A field people never see: bots fill it in; what they send is then quietly dropped.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, vacancy: Vacancy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not vacancy.volunteer_priority:
            del self.fields["pledged_hours"]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT))

    def application(self) -> dict:
        """The cleaned answers as keyword arguments of ``services.candidate_apply``."""
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS if name in self.fields}

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]


def application_within_hourly_limit(request, now: dt.datetime | None = None) -> bool:
    """Count one application from the client's address; False beyond the hourly limit."""
    now = now or timezone.now()
    ip = get_adapter(request).get_client_ip(request)
    key = f"vacancies:apply:{ip}:{now:%Y%m%d%H}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count <= settings.COOP_APPLICATIONS_PER_HOUR
