"""Corporation staff follow a breach from the overview to its evidence and chart, export the
association's compliance as XLSX and as PDF, watch the export's state and download both."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from coop.site.compliance.models import ExportFile
from coop.site.compliance.services import CommitmentTerms
from tests.compliance import rows
from tests.compliance.conftest import signed_agreement
from tests.conftest import browser_login, skip_or_fail_without
from tests.members.test_accounts import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _export(page, format_label: str) -> bytes:
    """Start an export from the association's page, see it ready, download it."""
    page.get_by_label("Formaat").select_option(label=format_label)
    page.get_by_label("Periode of jaar").select_option(label="de huidige periode")
    page.get_by_role("button", name="Maak de export").click()
    page.wait_for_url("**/portal/compliance/exports/*/")
    status = page.locator(".export-state")
    expect(status).to_have_attribute("data-status", "ready", timeout=30_000)
    expect(status.get_by_text("De export staat klaar.")).to_be_visible()
    with page.expect_download() as info:
        status.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename.startswith("naleving-de-kapel-actueel-")
    data = Path(download.path()).read_bytes()
    page.get_by_role("link", name="Terug naar de afspraken").click()
    return data


def test_staff_drill_into_a_breach_and_export_it_as_xlsx_and_pdf(cast, live_page):
    skip_or_fail_without("pdftotext")
    signed_agreement(
        cast,
        [
            CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0),
            CommitmentTerms(rule="contribution_hours", threshold=50),
        ],
        starts_on=dt.date(2020, 1, 1),
    )
    rows.vacancy(cast.association, reported_on=timezone.localdate() - dt.timedelta(days=40))
    page = live_page

    browser_login(
        page, cast.corporation_staff.email, second_factor=lambda: totp_code(cast.corporation_staff)
    )
    page.get_by_role("link", name="Afspraken met de verenigingen").first.click()
    page.wait_for_url(f"{page.base_url}/portal/organisations/lindenhof/compliance/")
    page.get_by_label("Toon").select_option("breached")
    page.get_by_role("button", name="Filter").click()
    breach = page.locator("table.overview tbody tr", has_text="Woonvereniging De Kapel").filter(
        has=page.locator(".state-breached")
    )
    expect(breach.first).to_be_visible()
    breach.first.get_by_role("link", name="Woonvereniging De Kapel").click()
    page.wait_for_url(f"{page.base_url}/portal/associations/de-kapel/compliance/**")

    key = page.evaluate("location.hash.slice(1)")
    section = page.locator(f"section#{key}")
    expect(section.locator(".state-breached").first).to_be_visible()
    expect(section.get_by_role("heading", name="Onderbouwing")).to_be_visible()
    assert section.locator("ul.evidence li").count() >= 1
    expect(section.locator("svg.chart")).to_be_visible()
    section.get_by_text("De cijfers per periode").click()
    figures = section.locator("table tbody tr").first
    expect(figures).to_be_visible()
    figure = figures.locator("td.num").first.inner_text().strip()
    assert figure and figure != "\u2013"

    workbook = load_workbook(io.BytesIO(_export(page, "Excel-werkmap (XLSX)")))
    summary = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    in_xlsx = {f"{v:g}" for row in summary for v in row if isinstance(v, int | float)}
    assert figure in in_xlsx

    pdf = _export(page, "PDF-evaluatiepakket")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Woonvereniging De Kapel" in text
    assert figure in text
    assert ExportFile.objects.filter(status="ready").count() == 2
