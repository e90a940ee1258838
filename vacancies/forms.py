"""Forms of the vacancy pages; they parse and validate input, the services apply the rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coop.fields import in_date_window
from coop.models import Association, Unit
from coop.widgets import DateInput
from members.models import MixGroup, Tenancy
from vacancies.models import Candidate, Route, VotingRound

# The browser's datetime-local input sends local time (Europe/Amsterdam) without a zone.
LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def _local_datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        **kwargs,
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        label = f"{obj.building.name} {obj.number} ({obj.get_kind_display()})"
        tenant = getattr(obj, "tenant_name", None)
        if tenant is None:
            return label
        if obj.tenancy_ends_on is None:
            return _("%(unit)s: let to %(name)s, no end date") % {"unit": label, "name": tenant}
        return _("%(unit)s: let to %(name)s until %(end)s") % {
            "unit": label,
            "name": tenant,
            "end": date_format(obj.tenancy_ends_on),
        }


class VacancyReportForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    available_from = forms.DateField(label=_("Available from"), widget=DateInput())
    route = forms.ChoiceField(
        label=_("Route"),
        required=False,
        choices=[("", _("Default for the unit's kind")), *Route.choices],
        help_text=_(
            "Regular and drager units are filled by co-optation; omklap units through the care "
            "organisation. Choose allocation by the corporation if the corporation lets it."
        ),
    )

    def __init__(self, *args, association: Association, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each unit with its current (or next) tenant and the tenancy's end, in the same query:
        # a vacancy can only be reported from the day the tenancy ends.
        let = Tenancy.objects.filter(unit=OuterRef("pk")).exclude(ends_on__lte=timezone.localdate())
        let = let.order_by("starts_on")
        self.fields["unit"].queryset = (
            Unit.objects.filter(building__association=association)
            .select_related("building")
            .annotate(
                tenant_name=Subquery(let.values("member__name")[:1]),
                tenancy_ends_on=Subquery(let.values("ends_on")[:1]),
            )
        )

    def clean_available_from(self) -> dt.date:
        return in_date_window(self.cleaned_data["available_from"])


class VacancyProfileForm(forms.Form):
    profile = forms.CharField(
        label=_("Profile"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the building needs from its next resident; shown on the public page."),
    )
    closes_at = _local_datetime_field(
        _("Applications close at"), help_text=_("Date and time, Dutch time.")
    )
    volunteer_priority = forms.BooleanField(
        label=_("Priority for applicants who pledge monthly volunteer hours"), required=False
    )

    def clean_closes_at(self) -> dt.datetime:
        return in_date_window(self.cleaned_data["closes_at"], years_back=1, years_ahead=1)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RoundForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Voting method"),
        choices=VotingRound.Method.choices,
        initial=VotingRound.Method.YES_NO,
        widget=forms.RadioSelect,
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (% of the electorate)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_(
            "The share of the electorate (members at opening, minus those who step out) that "
            "must vote for the result to count. Below it, the round ends without a decision."
        ),
    )
    tie_break = forms.ChoiceField(
        label=_("Tie-break rule"),
        choices=VotingRound.TieBreak.choices,
        initial=VotingRound.TieBreak.EARLIEST_APPLICATION,
        widget=forms.RadioSelect,
    )
    starts_at = _local_datetime_field(
        _("Opens at"), help_text=_("Dutch time; a time in the past opens the round at once.")
    )
    ends_at = _local_datetime_field(_("Closes at"), help_text=_("Dutch time."))
    invite_without_account = forms.BooleanField(
        label=_("Invite the members without an account now"),
        required=False,
        initial=True,
        help_text=_("Whoever has an account when the round opens can vote in it."),
    )

    def clean_starts_at(self) -> dt.datetime:
        return in_date_window(self.cleaned_data["starts_at"], years_back=1, years_ahead=1)

    def clean_ends_at(self) -> dt.datetime:
        return in_date_window(self.cleaned_data["ends_at"], years_back=1, years_ahead=1)

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The round must close after it opens."))
        return cleaned


class CandidateDecisionForm(forms.Form):
    shortlisted = forms.ChoiceField(
        label=_("On the shortlist?"),
        choices=[("yes", _("Yes, on the shortlist")), ("no", _("No, not on the shortlist"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required for no; sent to the candidate)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("shortlisted") == "no" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason; the candidate receives it by e-mail."))
        return cleaned


class CandidateNoteForm(forms.Form):
    notes = forms.CharField(
        label=_("Interview notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Seen by the selection committee only."),
    )


# The group a new resident of a unit usually joins: the unit's kind says it.
GROUP_FOR_UNIT_KIND = {
    Unit.Kind.REGULAR: MixGroup.REGULAR,
    Unit.Kind.DRAGER: MixGroup.DRAGER,
    Unit.Kind.OMKLAP: MixGroup.VRAGER,
}


class NominationConfirmForm(forms.Form):
    group = forms.ChoiceField(label=_("Group of the new resident"), choices=MixGroup.choices)
    starts_on = forms.DateField(label=_("Tenancy starts on"), widget=DateInput())

    def __init__(self, *args, unit: Unit, available_from: dt.date, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {"group": GROUP_FOR_UNIT_KIND.get(unit.kind), "starts_on": available_from},
        )
        super().__init__(*args, **kwargs)

    def clean_starts_on(self) -> dt.date:
        return in_date_window(self.cleaned_data["starts_on"])


class NominationRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The board of the association sees this reason."),
    )


# A ballot names at most this many candidates; anything longer is not a ballot.
MAX_BALLOT_FIELDS = 2000
_CANDIDATE_FIELD = re.compile(r"c([1-9][0-9]{0,9})")

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain"))]


class BallotEntry(NamedTuple):
    """One candidate's input on the empty ballot: the field's name, id and label, and its
    choices: (value, label, id) of each radio button for yes/no, (value, label) of each option
    of the rank list for ranked; none for approval (one checkbox)."""

    candidate: Candidate
    name: str
    id: str
    label: str
    choices: list[tuple]


class BallotForm(forms.Form):
    """One field per candidate on the ballot, ``c<id>``; its kind depends on the method."""

    def __init__(self, *args, method: str, candidates: Sequence[Candidate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        self.candidates = list(candidates)
        ranks = [("", _("no rank"))] + [
            (str(i), str(i)) for i in range(1, len(self.candidates) + 1)
        ]
        for candidate in self.candidates:
            name = f"c{candidate.pk}"
            if method == VotingRound.Method.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=candidate.name,
                    choices=YES_NO_CHOICES,
                    widget=forms.RadioSelect,
                    required=False,
                )
            elif method == VotingRound.Method.APPROVAL:
                self.fields[name] = forms.BooleanField(
                    label=_("I approve %(name)s") % {"name": candidate.name}, required=False
                )
            else:
                self.fields[name] = forms.TypedChoiceField(
                    label=_("Rank for %(name)s") % {"name": candidate.name},
                    choices=ranks,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    @property
    def entries(self) -> list[BallotEntry]:
        """The empty ballot as the page writes it, one entry per candidate.

        The page writes the inputs itself (the same markup as the widgets): rendering each
        field through the widgets' templates took a third of the page's time. Names, ids,
        labels and choices still come from the fields, so the page sends what ``clean`` reads.
        """
        entries = []
        for candidate in self.candidates:
            name = f"c{candidate.pk}"
            field = self.fields[name]
            field_id = self.auto_id % name
            choices = list(getattr(field, "choices", ()))
            if self.method == VotingRound.Method.YES_NO:
                choices = [(v, label, f"{field_id}_{i}") for i, (v, label) in enumerate(choices)]
            entries.append(BallotEntry(candidate, name, field_id, field.label, choices))
        return entries

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.method == VotingRound.Method.RANKED:
            given = [r for r in (cleaned.get(f"c{c.pk}") for c in self.candidates) if r]
            if len(set(given)) != len(given):
                raise forms.ValidationError(
                    _("Each rank can be given to one candidate only; you gave a rank twice.")
                )
        return cleaned

    def is_blank(self) -> bool:
        """Nothing chosen: every candidate abstains, none is approved, none is ranked."""
        choices = self.choices()
        if self.method == VotingRound.Method.YES_NO:
            return all(answer == "abstain" for answer in choices["answers"].values())
        return not next(iter(choices.values()))

    def choices(self) -> dict:
        """The ballot in the form services.ballot_cast takes."""
        data = self.cleaned_data
        if self.method == VotingRound.Method.YES_NO:
            return {
                "answers": {str(c.pk): data.get(f"c{c.pk}") or "abstain" for c in self.candidates}
            }
        if self.method == VotingRound.Method.APPROVAL:
            return {"approved": [str(c.pk) for c in self.candidates if data.get(f"c{c.pk}")]}
        ranked = sorted((data[f"c{c.pk}"], c.pk) for c in self.candidates if data.get(f"c{c.pk}"))
        return {"ranking": [str(pk) for _rank, pk in ranked]}


def ballot_form_from_post(data, *, method: str) -> BallotForm:
    """Parse a cast without reading the ballot's candidates first: the fields it names are
    parsed here, and the service refuses a candidate who is not on the ballot."""
    named = [m.group(1) for m in map(_CANDIDATE_FIELD.fullmatch, data) if m]
    if len(named) > MAX_BALLOT_FIELDS:
        named = []
    return BallotForm(
        data, method=method, candidates=[Candidate(pk=int(pk)) for pk in sorted(named, key=int)]
    )
