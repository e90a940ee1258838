"""The corporation's overview of its associations' commitments, an association's compliance
page, and the follow-up of a breach."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from coop.exceptions import DomainError
from coop.http import deferred, portal_view
from coop.models import Organisation
from coop.site.compliance import selectors, services
from coop.site.compliance.access import (
    AgreementNeed,
    ComplianceNeed,
    get_agreement_access_for,
    get_compliance_for,
    get_export_for,
    get_follow_up_for,
    get_version_for,
)
from coop.site.compliance.charts import chart
from coop.site.compliance.exports import scope_label
from coop.site.compliance.models import (
    Agreement,
    ExportFile,
    FrozenResult,
    PeriodKind,
    RuleType,
)
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import ICONS, RULES, SEVERITY, Status
from coop.site.compliance.services import CommitmentTerms, Side
from members.access import get_corporation_for, viewer_for


def _states() -> list[dict]:
    return [
        {"value": s.value, "label": s.label, "icon": ICONS[s]}
        for s in sorted(Status, key=lambda s: SEVERITY[s])
    ]


_TRENDS = {
    "better": ("↑", gettext_lazy("better than the period before")),
    "worse": ("↓", gettext_lazy("worse than the period before")),
    "same": ("→", gettext_lazy("same as the period before")),
    "": ("", gettext_lazy("no comparison")),
}


def _overview_row(association, judged) -> dict:
    """One cell line of the overview, its words ready: the page shows hundreds of them."""
    result = judged.result
    rule_class = RULES.get(judged.commitment.rule)
    at_most = rule_class is not None and rule_class.direction == "at_most"
    arrow, trend = _TRENDS[judged.trend]
    return {
        "association": association,
        "key": judged.commitment.key,
        "rule": judged.commitment.get_rule_display(),
        "ours": judged.commitment.owner == "corporation",
        "period": judged.period.label,
        "status": result.status,
        "icon": result.icon,
        "label": result.label,
        "figure": result.figure_text,
        "unit": "%" if result.unit == "%" else f" {result.unit_label}",
        "threshold": result.threshold_text,
        "direction": _("at most") if at_most else _("at least"),
        "arrow": arrow,
        "trend": trend,
    }


@require_GET
@portal_view
def corporation_overview(request, slug: str):
    """Every association against every commitment for the current period: the corporation's
    landing page."""
    viewer = viewer_for(request)
    corporation = get_corporation_for(viewer, slug)
    state = request.GET.get("state", "")
    if state not in Status.values:
        state = ""

    def overview() -> dict:
        associations = list(corporation.associations.order_by("name"))
        lines = selectors.corporation_overview(associations)
        counts = dict.fromkeys(Status.values, 0)
        rows = []
        for line in sorted(lines, key=lambda line: (line.worst, line.association.name)):
            for judged in line.judged:
                counts[judged.result.status] += 1
                if not state or judged.result.status == state:
                    rows.append(_overview_row(line.association, judged))
        return {
            "rows": rows,
            "states": [{**s, "count": counts[s["value"]]} for s in _states()],
            "without_agreement": [line.association for line in lines if not line.judged],
            "as_of": timezone.now(),
        }

    # The overview is a page part kept under the data generation: computed only when built.
    context = {
        "organisation": corporation,
        "state": state,
        **deferred(overview, "rows", "states", "without_agreement", "as_of"),
    }
    return render(request, "compliance/corporation_overview.html", context)


class FollowUpForm(forms.Form):
    period = forms.DateField(widget=forms.HiddenInput)
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(
        label=gettext_lazy("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label=gettext_lazy("Action due on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=gettext_lazy("How it was resolved"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@require_GET
@portal_view
def association_compliance(request, slug: str):
    """Each commitment with its explanation, its evidence and its last periods."""
    viewer = viewer_for(request)
    access = get_compliance_for(viewer, slug)
    association = access.association
    judged_list = [
        j
        for j in selectors.association_compliance(association)
        if access.sees_rule(j.commitment.rule)
    ]
    follow_ups = selectors.follow_ups_for(j.commitment for j in judged_list)
    frozen = {
        (f.key, f.period_start): f
        for f in FrozenResult.objects.filter(association=association).only(
            "key", "period_start", "status", "figure", "sha256", "frozen_at"
        )
    }
    items = []
    for judged in judged_list:
        commitment = judged.commitment
        names_shown = commitment.version.agreement.show_member_names
        own_follow_ups = [
            follow_ups[(commitment.key, p.start)]
            for p, _r in judged.history
            if (commitment.key, p.start) in follow_ups
        ]
        current_follow_up = follow_ups.get((commitment.key, judged.period.start))
        form = None
        if (
            access.may_follow_up
            and judged.result.status == Status.BREACHED
            and current_follow_up is None
        ):
            form = FollowUpForm(
                initial={
                    "period": judged.period.start,
                    "due_on": timezone.localdate() + dt.timedelta(days=30),
                },
                prefix=commitment.key,
            )
        items.append(
            {
                "judged": judged,
                "commitment": commitment,
                "evidence": access.shown_evidence(
                    commitment.rule, judged.result.evidence, names_shown=names_shown
                ),
                "chart": chart(judged.history, judged.result.threshold),
                "history": [
                    (period, result, frozen.get((commitment.key, period.start)))
                    for period, result in judged.history[::-1]
                ],
                "follow_ups": own_follow_ups[::-1],
                "form": form,
            }
        )
    context = {
        "association": association,
        "access": access,
        "items": items,
        "resolve_form": ResolveForm() if access.may_resolve else None,
        "export_form": ExportForm(),
        "exports": list(
            ExportFile.objects.filter(association=association, requested_by=request.user).only(
                "status", "format", "scope", "year", "created_at", "filename"
            )[:5]
        ),
        "as_of": timezone.now(),
    }
    return render(request, "compliance/association_compliance.html", context)


@require_POST
@portal_view
def follow_up_record(request, slug: str, key: str):
    """The board explains a breach of the current period and says what it will do."""
    viewer = viewer_for(request)
    access = get_compliance_for(viewer, slug, need=ComplianceNeed.FOLLOW_UP)
    judged = next(
        (
            j
            for j in selectors.association_compliance(access.association, history=1)
            if j.commitment.key == key
        ),
        None,
    )
    if judged is None:
        raise Http404
    form = FollowUpForm(request.POST, prefix=key)
    back = redirect("compliance:association_compliance", slug=access.association.slug)
    if not form.is_valid():
        messages.error(request, _("Give the explanation, the action and its due date."))
        return back
    period = Period.containing(
        judged.commitment.period_kind,
        form.cleaned_data["period"],
        rolling_months=judged.commitment.rolling_months,
    )
    try:
        services.follow_up_record(
            actor=request.user,
            commitment=judged.commitment,
            period=period,
            explanation=form.cleaned_data["explanation"],
            action=form.cleaned_data["action"],
            due_on=form.cleaned_data["due_on"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, _("The explanation and the action are recorded."))
    return back


@require_POST
@portal_view
def follow_up_resolve(request, pk: int):
    """The corporation marks the board's follow-up of a breach resolved."""
    viewer = viewer_for(request)
    follow_up, access = get_follow_up_for(viewer, pk, need=ComplianceNeed.RESOLVE)
    form = ResolveForm(request.POST)
    back = redirect("compliance:association_compliance", slug=access.association.slug)
    if not form.is_valid():
        messages.error(request, _("The text is too long."))
        return back
    try:
        services.follow_up_resolve(
            actor=request.user, follow_up=follow_up, resolution=form.cleaned_data["resolution"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, _("The follow-up is marked resolved."))
    return back


# --------------------------------------------------------------------------------------------
# The agreement itself: the corporation's staff write it, both sides sign each version.


class AgreementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    care_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Care organisation"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CARE).order_by("name"),
        required=False,
        help_text=gettext_lazy(
            "The care organisation that signs the care commitments with you. From then on it "
            "works in this association: its staff guide residents and start omklap contracts here."
        ),
    )


class VersionForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=gettext_lazy("What changes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommitmentForm(forms.Form):
    rule = forms.ChoiceField(label=gettext_lazy("Rule"), choices=RuleType.choices)
    threshold = forms.DecimalField(
        label=gettext_lazy("Threshold"), min_value=0, max_digits=7, decimal_places=1
    )
    at_risk_band = forms.DecimalField(
        label=gettext_lazy("At risk band"), min_value=0, max_digits=7, decimal_places=1, initial=0
    )
    period_kind = forms.ChoiceField(label=gettext_lazy("Judged per"), choices=PeriodKind.choices)
    rolling_months = forms.IntegerField(
        label=gettext_lazy("Rolling months"), min_value=1, max_value=24, required=False
    )
    days = forms.IntegerField(
        label=gettext_lazy("Number of days or months (where the rule has one)"),
        min_value=0,
        max_value=500,
        required=False,
    )


def _params(rule: str, number: int | None) -> dict:
    rule_class = RULES.get(rule)
    if rule_class is None or number is None or not rule_class.params_spec:
        return {}
    return {next(iter(rule_class.params_spec)): number}


@require_GET
@portal_view
def agreement_detail(request, slug: str):
    """The agreement's versions with their commitments; forms for who may act on them."""
    viewer = viewer_for(request)
    access = get_agreement_access_for(viewer, slug)
    association = access.association
    agreement = Agreement.objects.filter(association=association).first()
    versions = (
        list(
            agreement.versions.select_related(
                "created_by", "corporation_signed_by", "board_signed_by"
            ).prefetch_related("commitments")
        )
        if agreement
        else []
    )
    side = Side.CORPORATION if access.standing == "corporation" else Side.BOARD
    context = {
        "association": association,
        "access": access,
        "agreement": agreement,
        "versions": [
            {
                "version": v,
                "may_sign": not v.in_force
                and getattr(v, f"{side}_signed_at") is None
                and bool(v.commitments.all()),
                "commitment_form": CommitmentForm(prefix=f"v{v.pk}")
                if access.may_resolve
                and v.is_draft
                and v.corporation_signed_at is None
                and v.board_signed_at is None
                else None,
            }
            for v in versions
        ],
        "agreement_form": AgreementForm() if access.may_resolve and agreement is None else None,
        "version_form": VersionForm() if access.may_resolve and agreement is not None else None,
    }
    return render(request, "compliance/agreement_detail.html", context)


def _back_to_agreement(association):
    return redirect("compliance:agreement_detail", slug=association.slug)


@require_POST
@portal_view
def agreement_create(request, slug: str):
    viewer = viewer_for(request)
    access = get_agreement_access_for(viewer, slug, need=AgreementNeed.WRITE)
    form = AgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the agreement a title."))
        return _back_to_agreement(access.association)
    try:
        services.agreement_create(
            actor=request.user,
            association=access.association,
            title=form.cleaned_data["title"],
            care_organisation=form.cleaned_data["care_organisation"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_agreement(access.association)


@require_POST
@portal_view
def version_draft(request, slug: str):
    """A new version from a chosen date, starting as a copy of the newest version."""
    viewer = viewer_for(request)
    access = get_agreement_access_for(viewer, slug, need=AgreementNeed.WRITE)
    agreement = Agreement.objects.filter(association=access.association).first()
    form = VersionForm(request.POST)
    if agreement is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Give the date the version is in force from."))
        return _back_to_agreement(access.association)
    try:
        services.agreement_version_draft(
            actor=request.user,
            agreement=agreement,
            starts_on=form.cleaned_data["starts_on"],
            note=form.cleaned_data["note"],
            copy_from=agreement.versions.order_by("-number").first(),
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_agreement(access.association)


@require_POST
@portal_view
def commitment_add(request, pk: int):
    viewer = viewer_for(request)
    version, access = get_version_for(viewer, pk, need=AgreementNeed.WRITE)
    form = CommitmentForm(request.POST, prefix=f"v{version.pk}")
    if not form.is_valid():
        messages.error(request, _("Check the commitment's fields."))
        return _back_to_agreement(access.association)
    data = form.cleaned_data
    try:
        services.commitment_add(
            actor=request.user,
            version=version,
            terms=CommitmentTerms(
                rule=data["rule"],
                threshold=data["threshold"],
                at_risk_band=data["at_risk_band"],
                period_kind=data["period_kind"],
                rolling_months=data["rolling_months"],
                params=_params(data["rule"], data["days"]),
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_agreement(access.association)


@require_POST
@portal_view
def version_sign(request, pk: int):
    """The viewer signs the version for their side: the corporation or the board."""
    viewer = viewer_for(request)
    version, access = get_version_for(viewer, pk, need=AgreementNeed.SIGN)
    side = Side.CORPORATION if access.standing == "corporation" else Side.BOARD
    try:
        version = services.agreement_version_sign(actor=request.user, version=version, side=side)
    except DomainError as error:
        messages.error(request, error.message)
        return _back_to_agreement(access.association)
    messages.success(
        request,
        _("The version is signed by both sides and in force.")
        if version.in_force
        else _("Your signature is recorded; the other side signs next."),
    )
    return _back_to_agreement(access.association)


EXPORT_YEARS = 4


class ExportForm(forms.Form):
    """The format, and the scope: the current or previous period, or one of the last years."""

    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportFile.Format.choices)
    scope = forms.ChoiceField(label=gettext_lazy("Period or year"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["scope"].choices = [
            (ExportFile.Scope.CURRENT.value, ExportFile.Scope.CURRENT.label),
            (ExportFile.Scope.PREVIOUS.value, ExportFile.Scope.PREVIOUS.label),
            *(
                (str(year), _("the year %(year)s") % {"year": year})
                for year in range(this_year, this_year - EXPORT_YEARS, -1)
            ),
        ]

    def scope_and_year(self) -> tuple[str, int | None]:
        scope = self.cleaned_data["scope"]
        if scope.isdigit():
            return ExportFile.Scope.YEAR, int(scope)
        return scope, None


@require_POST
@portal_view
def export_start(request, slug: str):
    """Start an export of the association's compliance; it is made in the background and its
    own page follows it."""
    viewer = viewer_for(request)
    access = get_compliance_for(viewer, slug)
    form = ExportForm(request.POST)
    back = redirect("compliance:association_compliance", slug=access.association.slug)
    if not form.is_valid():
        messages.error(request, _("Choose a format and a period or a year."))
        return back
    scope, year = form.scope_and_year()
    try:
        export = services.compliance_export_request(
            actor=request.user,
            association=access.association,
            format=form.cleaned_data["format"],
            scope=scope,
            year=year,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    return redirect("compliance:export_status", pk=export.pk)


@require_GET
@portal_view
def export_status(request, pk: int):
    """How far the export is; it refreshes itself until the file is ready or the build failed."""
    viewer = viewer_for(request)
    export, access = get_export_for(viewer, pk)
    status = selectors.export_status_shown(export)
    retry = None
    if status == ExportFile.Status.FAILED:
        retry = {
            "format": export.format,
            "scope": str(export.year) if export.scope == ExportFile.Scope.YEAR else export.scope,
        }
    context = {
        "export": export,
        "status": status,
        "refreshing": status in (ExportFile.Status.QUEUED, ExportFile.Status.BUILDING),
        "association": access.association,
        "scope": scope_label(export),
        "retry": retry,
    }
    return render(request, "compliance/export_status.html", context)


@require_GET
@portal_view
def export_download(request, pk: int):
    """The file, for the person who asked for it, while they may still see the compliance."""
    viewer = viewer_for(request)
    export, _access = get_export_for(viewer, pk, ready=True)
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
