"""Forms of the calendar and the hours pages; they parse input, the services apply the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ContributionLog, Frequency, Visibility
from activities.recurrence import exists, local_instant
from activities.services import ActivityData
from coop.fields import ModelMultipleIdChoiceField, in_date_window
from coop.forms import FieldGroup, FieldGroupsMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    # A time that exists twice (the autumn night) is the first one, in summer time.
    return local_instant(dt.datetime.combine(day, time))


# An end time before the start time is read as past midnight only for a night this long at most:
# 22:00 to 01:00 is a party, 20:00 to 19:00 a slip that would make a 23-hour activity.
NIGHT_SPAN = dt.timedelta(hours=12)


class WhenForm(forms.Form):
    """A date with a start and end time (an evening activity ending after midnight ends next day).

    A time the clocks skip in spring is refused; one they pass twice in autumn is the first.
    """

    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME)
    end_time = forms.TimeField(
        label=_("End time"),
        widget=TIME,
        help_text=_("Past midnight? Then it ends the next day, at most 12 hours after the start."),
    )
    # Where a refusal of the service shows: its argument name -> this form's field.
    service_fields = {"starts_at": "start_time", "ends_at": "end_time"}

    def clean_date(self) -> dt.date:
        return in_date_window(self.cleaned_data["date"], years_back=1)

    def clean(self):
        data = super().clean()
        if not {"date", "start_time", "end_time"} <= data.keys():
            return data
        for name, day in zip(("start_time", "end_time"), self._days(), strict=True):
            if not exists(dt.datetime.combine(day, data[name])):
                self.add_error(
                    name,
                    _(
                        "On %(date)s the clocks go forward from 02:00 to 03:00, so this time "
                        "does not exist. Choose a time before 02:00 or from 03:00."
                    )
                    % {"date": formats.date_format(day, "j F Y")},
                )
        return data

    def _days(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data
        end_day = data["date"]
        if data["end_time"] <= data["start_time"]:
            night = dt.datetime.combine(end_day + dt.timedelta(days=1), data["end_time"])
            if night - dt.datetime.combine(end_day, data["start_time"]) <= NIGHT_SPAN:
                end_day += dt.timedelta(days=1)
        return data["date"], end_day

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        start_day, end_day = self._days()
        return _aware(start_day, data["start_time"]), _aware(end_day, data["end_time"])


def _repeats(form) -> bool:
    return form.current_value("frequency") not in (None, "", Frequency.ONCE)


class ActivityForm(FieldGroupsMixin, WhenForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    location = forms.CharField(label=_("Location"), max_length=200)
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices)
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"),
        min_value=1,
        max_value=Activity.MAX_INTERVAL,
        initial=1,
        help_text=_("1 = every week (or month), 2 = every other week, and so on."),
    )
    until = forms.DateField(label=_("Repeat until (optional)"), required=False, widget=DATE)
    count = forms.IntegerField(
        label=_("Or: number of times (optional)"),
        min_value=1,
        max_value=Activity.MAX_COUNT,
        required=False,
    )
    capacity = forms.IntegerField(
        label=_("Capacity (optional)"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Beyond this number, people go on a waiting list."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = [
        "title", "category", "description", "location", "date", "start_time", "end_time",
        "frequency", "interval", "until", "count", "capacity", "visibility", "organisers",
    ]  # fmt: skip
    # The repeat settings stay folded away for a one-off activity (and open with an error in
    # them); everything works without a script.
    field_groups = (
        FieldGroup(_("What and where"), ("title", "category", "description", "location")),
        FieldGroup(_("When"), ("date", "start_time", "end_time")),
        FieldGroup(
            _("Repeat this activity"),
            ("frequency", "interval", "until", "count"),
            folded=True,
            opens_when=_repeats,
        ),
        FieldGroup(_("Who"), ("capacity", "visibility", "organisers")),
    )

    def __init__(self, *args, categories, members=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        if members is None:
            del self.fields["organisers"]  # a member proposing organises it themselves
        else:
            self.fields["organisers"].queryset = members

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        start = timezone.localtime(activity.starts_at)
        end = timezone.localtime(activity.ends_at)
        return {
            "title": activity.title,
            "category": activity.category_id,
            "description": activity.description,
            "location": activity.location,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "frequency": activity.frequency,
            "interval": activity.interval,
            "until": activity.until,
            "count": activity.count,
            "capacity": activity.capacity,
            "visibility": activity.visibility,
            "organisers": list(activity.organisers.values_list("pk", flat=True)),
        }

    def clean(self):
        data = super().clean()
        if data.get("until") and data.get("count"):
            self.add_error("count", _("Give an end date or a number of times, not both."))
        return data

    def activity_data(self) -> ActivityData:
        data = self.cleaned_data
        starts_at, ends_at = self.span()
        return ActivityData(
            title=data["title"],
            category=data["category"],
            description=data["description"],
            location=data["location"],
            starts_at=starts_at,
            ends_at=ends_at,
            frequency=data["frequency"],
            interval=data["interval"],
            until=data["until"],
            count=data["count"],
            capacity=data["capacity"],
            visibility=data["visibility"],
            organisers=list(data.get("organisers") or []),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to those signed up)"), max_length=300, required=False
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AttendanceForm(forms.Form):
    present = ModelMultipleIdChoiceField(
        label=_("Who came"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    walk_ins = forms.IntegerField(
        label=_("Walk-ins (came without signing up)"), min_value=0, max_value=500, initial=0
    )

    def __init__(self, *args, signups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = signups
        self.fields["present"].label_from_instance = lambda s: s.member.name


HOURS = {
    "label": _("Hours"),
    "min_value": Decimal("0.25"),
    "max_value": ContributionLog.MAX_HOURS,
    "max_digits": 4,
    "decimal_places": 2,
    "step_size": Decimal("0.25"),
}


class ContributionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    hours = forms.DecimalField(**HOURS)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionLog.Kind.choices)
    activity = forms.ModelChoiceField(label=_("Activity (optional)"), queryset=None, required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, activities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class OrganiserHoursForm(forms.Form):
    occurrence = forms.ModelChoiceField(label=_("Date"), queryset=None)
    hours = forms.DecimalField(**HOURS)

    def __init__(self, *args, occurrences, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = occurrences
        self.fields["occurrence"].label_from_instance = lambda o: (
            f"{timezone.localtime(o.starts_at):%d-%m-%Y %H:%M}"
        )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
