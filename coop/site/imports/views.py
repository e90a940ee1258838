"""Spreadsheet imports through the portal: upload, a preview of every row, then confirm.

The corporation imports an association's buildings and units from its set-up page; the board
imports its residents from the member register. Both share these views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from coop.exceptions import DomainError
from coop.http import form_error, portal_view
from coop.models import Association
from coop.site.imports import services, store
from coop.site.imports.columns import RESIDENT_COLUMNS, RESIDENT_NAME_COLUMNS, UNIT_COLUMNS
from coop.site.imports.reading import Column, read_spreadsheet, template_workbook
from coop.site.setup.access import get_setup_association_for
from members.access import AssociationNeed, get_association_for, viewer_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (XLSX or CSV)"),
        allow_empty_file=True,  # the reading says what is wrong with an empty file
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


@dataclass(frozen=True)
class _Import:
    """One kind of import: its columns, services, template file and explanation."""

    kind: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...]
    preview: Any
    run: Any
    template_name: str
    example: dict[str, Any]
    explanation: tuple[tuple[str, Any], ...]
    title: Any


UNITS = _Import(
    kind="units",
    columns=UNIT_COLUMNS,
    one_of=(),
    preview=services.units_import_preview,
    run=services.units_import,
    template_name="gebouwen-en-woningen.xlsx",
    example={
        "building": "De Kapel",
        "street_address": "Kapelstraat 1",
        "postal_code": "1234 AB",
        "city": "Utrecht",
        "number": "12",
        "kind": "regulier",
        "rent": 650,
    },
    explanation=(
        ("Gebouw", gettext_lazy("required: the building's name; a new name adds the building.")),
        ("Adres, Postcode, Plaats", gettext_lazy("needed for a new building only.")),
        ("Huisnummer", gettext_lazy("required: the unit's number in its building.")),
        ("Soort", gettext_lazy("required: regular, drager or omklap.")),
        ("Huur", gettext_lazy("monthly rent in euros; may stay empty (0).")),
    ),
    title=gettext_lazy("Import buildings and units"),
)

RESIDENTS = _Import(
    kind="residents",
    columns=RESIDENT_COLUMNS,
    one_of=RESIDENT_NAME_COLUMNS,
    preview=services.residents_import_preview,
    run=services.residents_import,
    template_name="bewoners.xlsx",
    example={
        "first_name": "Sam",
        "last_name": "de Vries",
        "email": "sam@example.org",
        "phone": "06 12345678",
        "building": "De Kapel",
        "unit": "12",
        "starts_on": "01-03-2024",
        "ends_on": "",
        "tenancy_kind": "regulier",
        "group": "drager",
        "language": "nl",
    },
    explanation=(
        ("Voornaam, Achternaam", gettext_lazy("required (or one column Naam).")),
        ("E-mail, Telefoon", gettext_lazy("optional; the invitation goes to the e-mail address.")),
        ("Gebouw", gettext_lazy("only needed when more buildings have the same unit number.")),
        ("Woning", gettext_lazy("required: the unit's number; the unit must exist.")),
        ("Huur vanaf", gettext_lazy("required: the tenancy's start, such as 01-03-2024.")),
        ("Huur tot", gettext_lazy("only when notice was given.")),
        ("Soort huur", gettext_lazy("regular or omklap; empty: as the unit's kind.")),
        ("Groep", gettext_lazy("required: vrager, drager or regular.")),
        ("Taal", gettext_lazy("nl or en; empty: nl.")),
    ),
    title=gettext_lazy("Import residents"),
)


@dataclass(frozen=True)
class _Place:
    """Where an import happens: the association, and the addresses around it."""

    association: Association
    upload_url: str
    template_url: str
    preview_name: str
    preview_args: tuple[str, ...]
    back_url: str
    context: dict[str, Any]

    def preview_url(self, token: str) -> str:
        return reverse(self.preview_name, args=[*self.preview_args, token])


def _units_place(request, slug: str, association_slug: str) -> _Place:
    access, association = get_setup_association_for(viewer_for(request), slug, association_slug)
    args = (slug, association_slug)
    return _Place(
        association=association,
        upload_url=reverse("setup:units_import", args=args),
        template_url=reverse("setup:units_import_template", args=args),
        preview_name="setup:units_import_preview",
        preview_args=args,
        back_url=reverse("setup:association", args=args),
        context={"organisation": access.organisation, "access": access},
    )


def _residents_place(request, slug: str) -> _Place:
    association = get_association_for(viewer_for(request), slug, need=AssociationNeed.MANAGE)
    return _Place(
        association=association,
        upload_url=reverse("register:residents_import", args=[slug]),
        template_url=reverse("register:residents_import_template", args=[slug]),
        preview_name="register:residents_import_preview",
        preview_args=(slug,),
        back_url=reverse("register:register", args=[slug]),
        context={},
    )


def _upload(request, place: _Place, kind: _Import):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = read_spreadsheet(upload, kind.columns, one_of=kind.one_of)
        except DomainError as error:
            form_error(form, error)
        else:
            report = kind.preview(
                actor=request.user, association=place.association, rows=sheet.rows
            )
            token = store.stash(
                request.session,
                kind=kind.kind,
                association_id=place.association.pk,
                filename=upload.name,
                headers=sheet.headers,
                ignored=sheet.ignored,
                rows=sheet.rows,
                results=[result.as_dict() for result in report.results],
            )
            return redirect(place.preview_url(token))
    return render(
        request,
        "site/imports/upload.html",
        {
            **place.context,
            "association": place.association,
            "place": place,
            "kind": kind,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _column_names(kind: _Import, headers: dict[str, str]) -> dict[str, str]:
    """Column key -> the header as the file writes it (the template's when the file has none)."""
    names = {column.key: headers.get(column.key) or column.header for column in kind.columns}
    if "name" in names and "name" not in headers:
        names["name"] = " / ".join(
            headers.get(key) or names[key] for key in ("first_name", "last_name")
        )
    return names


def _preview(request, place: _Place, kind: _Import, token: str):
    data = store.fetch(request.session, token, kind=kind.kind, association_id=place.association.pk)
    if data is None:
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect(place.upload_url)
    status = 200
    if request.method == "POST":
        if "confirm" not in request.POST:
            status = 400
        else:
            rows = [(number, values) for number, values in data["rows"]]
            try:
                report = kind.run(actor=request.user, association=place.association, rows=rows)
            except services.ImportRefused as refused:
                # The register changed since the preview: show the rows as they stand now.
                data["results"] = [result.as_dict() for result in refused.report.results]
                store.update(request.session, token, data)
                messages.error(request, refused.message)
                status = 400
            else:
                store.drop(request.session, token)
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(changed)s changed, %(unchanged)s unchanged.")
                    % report.summary(),
                )
                return redirect(place.back_url)
    names = _column_names(kind, data["headers"])
    results = data["results"]
    for result in results:
        result["error_list"] = [(names.get(key, ""), message) for key, message in result["errors"]]
    counts = {status_: 0 for status_ in services.RowStatus}
    for result in results:
        counts[services.RowStatus(result["status"])] += 1
    return render(
        request,
        "site/imports/preview.html",
        {
            **place.context,
            "association": place.association,
            "place": place,
            "kind": kind,
            "filename": data["filename"],
            "ignored": data["ignored"],
            "results": results,
            "errors": counts[services.RowStatus.ERROR],
            "created": counts[services.RowStatus.CREATE],
            "changed": counts[services.RowStatus.CHANGE],
            "unchanged": counts[services.RowStatus.UNCHANGED],
        },
        status=status,
    )


def _template(kind: _Import) -> HttpResponse:
    response = HttpResponse(template_workbook(kind.columns, kind.example), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind.template_name}"'
    return response


@require_http_methods(["GET", "POST"])
@portal_view
def units_import(request, slug: str, association_slug: str):
    return _upload(request, _units_place(request, slug, association_slug), UNITS)


@require_http_methods(["GET", "POST"])
@portal_view
def units_import_preview(request, slug: str, association_slug: str, token: str):
    return _preview(request, _units_place(request, slug, association_slug), UNITS, token)


@require_GET
@portal_view
def units_import_template(request, slug: str, association_slug: str):
    _units_place(request, slug, association_slug)
    return _template(UNITS)


@require_http_methods(["GET", "POST"])
@portal_view
def residents_import(request, slug: str):
    return _upload(request, _residents_place(request, slug), RESIDENTS)


@require_http_methods(["GET", "POST"])
@portal_view
def residents_import_preview(request, slug: str, token: str):
    return _preview(request, _residents_place(request, slug), RESIDENTS, token)


@require_GET
@portal_view
def residents_import_template(request, slug: str):
    _residents_place(request, slug)
    return _template(RESIDENTS)
