"""Omklap contract pages: the contract, its moments and decisions, overviews and the access log."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coop.cleaning import spreadsheet_text
from coop.exceptions import DomainError
from coop.http import deferred, form_error, portal_view
from members.access import (
    AssociationNeed,
    ContractAccess,
    ContractNeed,
    get_association_for,
    get_care_organisation_for,
    get_contract_for,
    get_corporation_for,
    get_decision_for,
    get_moment_for,
    viewer_for,
)
from members.forms.omklap import (
    ContractFilterForm,
    DecisionProposeForm,
    DecisionWithdrawForm,
    MomentAddForm,
    MomentRecordForm,
)
from members.models import CareDataAccess, MomentOutcome, OmklapContract, OmklapDecision
from members.selectors import omklap as omklap_selectors
from members.services import omklap as omklap_services


def _to_contract(access: ContractAccess):
    return redirect("portal:contract_detail", pk=access.contract.pk)


def _way_back(viewer, access: ContractAccess) -> tuple[str, str]:
    """Where the viewer came from: their caseload, overview, dashboard or board list."""
    contract = access.contract
    association = contract.tenancy.unit.building.association
    if access.standing == "care":
        return reverse("portal:caseload", args=[contract.care_organisation.slug]), _("Caseload")
    if access.standing == "corporation":
        corporation = viewer.organisations[association.corporation_id]
        return reverse("portal:corporation_contracts", args=[corporation.slug]), _(
            "Omklap contracts"
        )
    if access.standing == "resident":
        return reverse("portal:dashboard"), _("My overview")
    return reverse("portal:association_contracts", args=[association.slug]), _("Omklap contracts")


@require_GET
@portal_view
def contract_detail(request, pk: int):
    viewer = viewer_for(request)
    access = get_contract_for(viewer, pk)
    contract = access.contract
    back_url, back_label = _way_back(viewer, access)
    context = {
        "access": access,
        "contract": contract,
        "today": timezone.localdate(),
        "back_url": back_url,
        "back_label": back_label,
    }
    if access.may_follow:
        if access.may_see_care_data:
            moments = omklap_services.care_data_read(actor=request.user, contract=contract)
        else:
            moments = omklap_selectors.contract_moments(contract)
        decisions = omklap_selectors.contract_decisions(contract)
        by_id = {m.pk: m for m in moments}
        for decision in decisions:
            decision.linked = [by_id[i] for i in sorted(decision.linked_ids) if i in by_id]
        pending = next((d for d in decisions if d.status == OmklapDecision.Status.PROPOSED), None)
        context.update(
            moments=moments,
            next_moment=next((m for m in moments if m.held_on is None), None),
            decisions=decisions,
            pending=pending,
            may_sign=bool(pending and access.side and not pending.signed_by_side(access.side)),
            may_propose=bool(
                access.side and pending is None and contract.stage == OmklapContract.Stage.RUNNING
            ),
        )
    return render(request, "members/omklap/contract_detail.html", context)


@require_http_methods(["GET", "POST"])
@portal_view
def moment_record(request, pk: int, moment_pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.CARE)
    moment = get_moment_for(access, moment_pk)
    if request.method == "POST":
        form = MomentRecordForm(request.POST)
        if form.is_valid():
            try:
                omklap_services.omklap_moment_record(
                    actor=request.user, moment=moment, **form.service_kwargs()
                )
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("The monitoring moment was recorded."))
                return _to_contract(access)
    else:
        if moment.recorded_at is not None:
            omklap_services.care_data_log(
                actor=request.user,
                contract=access.contract,
                action=CareDataAccess.Action.READ,
                subject=f"monitoring moment {moment.due_on.isoformat()}",
            )
        form = MomentRecordForm(initial=MomentRecordForm.initial_for(moment))
    return render(
        request,
        "members/omklap/moment_form.html",
        {"access": access, "contract": access.contract, "moment": moment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def moment_add(request, pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.CARE)
    form = MomentAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            omklap_services.omklap_moment_add(
                actor=request.user, contract=access.contract, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The monitoring moment was added."))
            return _to_contract(access)
    return render(
        request,
        "members/omklap/moment_add.html",
        {"access": access, "contract": access.contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def decision_propose(request, pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.DECIDE)
    contract = access.contract
    form = DecisionProposeForm(
        request.POST or None, contract=contract, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            omklap_services.omklap_decision_propose(
                actor=request.user, side=access.side, contract=contract, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The proposal is recorded with your side's sign-off; it takes effect once the "
                    "other side signs off."
                ),
            )
            return _to_contract(access)
    return render(
        request,
        "members/omklap/decision_form.html",
        {"access": access, "contract": contract, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def decision_sign(request, pk: int, decision_pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.DECIDE)
    decision = get_decision_for(access, decision_pk)
    if request.method == "POST":
        try:
            decision = omklap_services.omklap_decision_sign(
                actor=request.user, side=access.side, decision=decision
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if decision.status == OmklapDecision.Status.IN_EFFECT:
                messages.success(request, _("Both sides signed off: the decision took effect."))
            else:
                messages.success(request, _("Your side's sign-off is recorded."))
        return _to_contract(access)
    return render(
        request,
        "members/omklap/decision_sign.html",
        {"access": access, "contract": access.contract, "decision": decision},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def decision_withdraw(request, pk: int, decision_pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.DECIDE)
    decision = get_decision_for(access, decision_pk)
    form = DecisionWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            omklap_services.omklap_decision_withdraw(
                actor=request.user, side=access.side, decision=decision, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The proposal was withdrawn."))
            return _to_contract(access)
    return render(
        request,
        "members/omklap/decision_withdraw.html",
        {"access": access, "contract": access.contract, "decision": decision, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@portal_view
def access_log(request, pk: int):
    access = get_contract_for(viewer_for(request), pk, need=ContractNeed.ACCESS_LOG)
    return render(
        request,
        "members/omklap/access_log.html",
        {
            "access": access,
            "contract": access.contract,
            "entries": omklap_selectors.access_log(access.contract),
        },
    )


@require_GET
@portal_view
def my_contract(request):
    member = viewer_for(request).member
    contract = omklap_selectors.latest_contract(member) if member is not None else None
    if contract is not None:
        return redirect("portal:contract_detail", pk=contract.pk)
    return render(request, "members/omklap/my_contract_none.html")


@require_GET
@portal_view
def association_contracts(request, slug: str):
    association = get_association_for(viewer_for(request), slug, need=AssociationNeed.MANAGE)
    return render(
        request,
        "members/omklap/association_contracts.html",
        {
            "association": association,
            "contracts": omklap_selectors.association_contracts(association),
        },
    )


def _csv_columns() -> tuple[str, ...]:
    """Column names in the reader's language (Dutch Excel opens the file as it is)."""
    return (
        _("Association"),
        _("Resident"),
        _("Home"),
        _("Stage"),
        _("Start date"),
        _("End date"),
        _("Next moment"),
        _("Overdue moments"),
        _("Last outcome"),
        _("Warning cards"),
        _("Awaiting sign-off"),
    )


def _csv_cell(value) -> str:
    """Spreadsheets run cells that start with these characters as formulas."""
    return spreadsheet_text("" if value is None else str(value))


def _contracts_csv(contracts, filename: str) -> HttpResponse:
    """The overview as CSV for Dutch Excel: ';' between fields and a byte order mark. Column
    names and states read in the reader's language; dates stay ISO (2025-06-29) for machines."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(_csv_columns())
    outcomes = dict(MomentOutcome.choices)
    for c in contracts:
        row = (
            c.association_name,
            c.resident_name,
            f"{c.building_name} {c.unit_number}",
            c.get_stage_display(),
            c.starts_on.isoformat(),
            c.ends_on.isoformat(),
            c.next_due.isoformat() if c.next_due else "",
            c.overdue,
            outcomes.get(c.last_outcome, "") if c.last_outcome else "",
            c.warnings,
            c.pending,
        )
        writer.writerow([_csv_cell(v) for v in row])
    return response


# Rows per page of the overviews; the CSV export has them all.
PAGE_SIZE = 50


def _page(request, contracts) -> tuple:
    """One page of an overview, each row with its last outcome's label; and the query string
    without the page number, for the page links."""
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(MomentOutcome.choices)
    for contract in page.object_list:
        contract.last_outcome_label = labels.get(contract.last_outcome, "")
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@require_GET
@portal_view
def corporation_contracts(request, slug: str):
    corporation = get_corporation_for(viewer_for(request), slug)
    form = ContractFilterForm(request.GET or None, associations=corporation.associations.all())
    filters = form.cleaned_data if form.is_valid() else {}

    def contracts():
        return omklap_selectors.corporation_contracts(
            corporation, association=filters.get("association"), stage=filters.get("stage", "")
        )

    if request.GET.get("format") == "csv":
        day = timezone.localdate().isoformat()
        return _contracts_csv(contracts(), f"omklap-contracts-{corporation.slug}-{day}.csv")

    def overview() -> dict:
        page, query = _page(request, contracts())
        return {
            "page": page,
            "contracts": page.object_list,
            "years": omklap_selectors.decisions_per_year(corporation),
            "query": query,
        }

    # The overview is a page part kept under the data generation: computed only when built.
    return render(
        request,
        "members/omklap/corporation_contracts.html",
        {
            "organisation": corporation,
            "form": form,
            "today": timezone.localdate(),
            **deferred(overview, "page", "contracts", "years", "query"),
        },
    )


@require_GET
@portal_view
def caseload(request, slug: str):
    organisation = get_care_organisation_for(viewer_for(request), slug)
    today = timezone.localdate()

    def overview() -> dict:
        page, query = _page(request, omklap_selectors.caseload(organisation, today=today))
        return {"page": page, "contracts": page.object_list, "query": query}

    # The caseload is a page part kept under the data generation: computed only when built.
    return render(
        request,
        "members/omklap/caseload.html",
        {
            "organisation": organisation,
            "today": today,
            "soon": today + omklap_selectors.DUE_SOON,
            **deferred(overview, "page", "contracts", "query"),
        },
    )
