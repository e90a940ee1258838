"""Spreadsheet imports: corporation staff import an association's buildings and units, the board
its residents; upload, a preview of every row, then confirm, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry, Building, Unit
from members.models import Member, MixGroupPeriod, Tenancy
from tests.helpers import assert_flat_query_count

UNIT_HEADERS = ["Gebouw", "Adres", "Postcode", "Plaats", "Huisnummer", "Soort", "Huur"]
UNIT_HEADERS_EN = ["Building", "Address", "Postal code", "City", "Number", "Kind", "Rent"]
RESIDENT_HEADERS = [
    "Voornaam",
    "Achternaam",
    "E-mail",
    "Telefoon",
    "Woning",
    "Huur vanaf",
    "Huur tot",
    "Soort huur",
    "Groep",
    "Taal",
]


def xlsx(headers: list[str], rows: list[list], name: str = "import.xlsx") -> SimpleUploadedFile:
    """A workbook made with openpyxl, as a spreadsheet program saves it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(
    headers: list[str], rows: list[list], *, delimiter: str = ";", bom: bool = False
) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    content = out.getvalue().encode("utf-8")
    return SimpleUploadedFile("import.csv", (b"\xef\xbb\xbf" if bom else b"") + content)


def unit_rows(n: int, *, building: str = "Nieuwbouw") -> list[list]:
    kinds = ["regulier", "drager", "omklap"]
    return [
        [building, "Nieuwstraat 1", "3511 CD", "Utrecht", str(100 + i), kinds[i % 3], "725,50"]
        for i in range(n)
    ]


def _units_url(cast) -> str:
    return reverse("setup:units_import", args=[cast.corporation.slug, cast.association.slug])


def _residents_url(cast) -> str:
    return reverse("register:residents_import", args=[cast.association.slug])


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Building.objects.count(),
        Unit.objects.count(),
        Member.objects.count(),
        Tenancy.objects.count(),
        AuditEntry.objects.count(),
    )


def _upload(client, url: str, upload) -> tuple[object, str]:
    """Upload a file; follow to the preview page. Returns (preview response, preview url)."""
    response = client.post(url, {"file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    return preview, preview_url


def _rows(response) -> dict[int, str]:
    """The preview's table: row number -> the row's text."""
    text = unescape(response.content.decode())
    found = re.findall(r'<tr class="import-(\w+)" data-row="(\d+)">(.*?)</tr>', text, re.S)
    return {int(n): status + ":" + re.sub(r"<[^>]+>", " ", body) for status, n, body in found}


CONFIRM = '<button type="submit" name="confirm">Importeren</button>'


# -- units: the corporation -------------------------------------------------------------------


def test_staff_import_buildings_and_units_from_xlsx_after_a_preview(cast, client_for):
    client = client_for("corporation_staff")
    before = _counts()
    preview, preview_url = _upload(client, _units_url(cast), xlsx(UNIT_HEADERS, unit_rows(40)))
    text = preview.content.decode()
    assert CONFIRM in text
    rows = _rows(preview)
    assert sorted(rows) == list(range(2, 42))
    assert rows[2].startswith("create:")
    assert "Nieuw gebouw en nieuwe woning" in rows[2]
    assert "Nieuwe woning" in rows[3]
    assert _counts() == before  # the preview writes nothing

    response = client.post(preview_url, {"confirm": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "setup:association", args=[cast.corporation.slug, cast.association.slug]
    )
    building = Building.objects.get(association=cast.association, name="Nieuwbouw")
    assert (building.street_address, building.postal_code) == ("Nieuwstraat 1", "3511 CD")
    units = {u.number: u for u in building.units.all()}
    assert len(units) == 40
    assert (units["100"].kind, units["101"].kind, units["102"].kind) == (
        "regular",
        "drager",
        "omklap",
    )
    assert units["100"].rent == Decimal("725.50")
    assert AuditEntry.objects.filter(action="unit.created").count() == 40
    assert AuditEntry.objects.filter(action="building.created").count() == 1
    summary = AuditEntry.objects.get(action="units.imported")
    assert summary.data == {"rows": 40, "created": 40, "changed": 0, "unchanged": 0}
    assert summary.actor == cast.corporation_staff
    assert summary.association_id == cast.association.pk
