"""Spreadsheet imports: corporation staff import an association's buildings and units, the board
its residents; upload, a preview of every row, then confirm, all or nothing."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from coop.models import AuditEntry, Building, Unit
from members.models import Member, Tenancy
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
    assert "Nieuw: gebouw en woning (regulier, huur 725,50)" in rows[2]
    assert "Nieuw: woning (dragerwoning, huur 725,50)" in rows[3]
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


def test_one_bad_row_among_500_is_shown_and_nothing_is_written(cast, client_for):
    """A file as large as one import takes (IMPORT_MAX_ROWS)."""
    client = client_for("corporation_staff")
    rows = unit_rows(500)
    rows[236][5] = "kasteel"  # spreadsheet row 238: no kind of unit
    before = _counts()
    preview, preview_url = _upload(client, _units_url(cast), xlsx(UNIT_HEADERS, rows))
    text = preview.content.decode()
    assert CONFIRM not in text
    assert "Er kan niets worden geïmporteerd zolang een rij een fout heeft." in text
    shown = _rows(preview)
    assert len(shown) == 500
    assert shown[238].startswith("error:")
    assert "Kolom Soort: Schrijf regulier, drager of omklap." in " ".join(shown[238].split())
    assert [n for n, row in shown.items() if row.startswith("error:")] == [238]
    assert _counts() == before

    # The confirmation is refused as well: the rows are checked again and nothing is written.
    response = client.post(preview_url, {"confirm": ""})
    assert response.status_code == 400
    assert CONFIRM not in response.content.decode()
    assert _counts() == before
    assert not AuditEntry.objects.filter(action="units.imported").exists()


def test_the_same_file_imported_twice_changes_nothing_the_second_time(cast, client_for):
    client = client_for("corporation_staff")
    upload = xlsx(UNIT_HEADERS, unit_rows(12))
    _preview, preview_url = _upload(client, _units_url(cast), upload)
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    after_first = _counts()

    upload.seek(0)
    preview, preview_url = _upload(client, _units_url(cast), upload)
    rows = _rows(preview)
    assert len(rows) == 12
    assert all(row.startswith("unchanged:") for row in rows.values())
    text = preview.content.decode()
    assert CONFIRM not in text
    assert "er is niets te importeren" in text
    # Even a confirmation sent anyway writes nothing, not even the import's audit entry.
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    assert _counts() == after_first
    assert AuditEntry.objects.filter(action="units.imported").count() == 1


def test_a_changed_rent_is_shown_and_changed_through_its_service(cast, client_for):
    client = client_for("corporation_staff")
    rows = [
        ["Kapelgebouw", "", "", "", "1", "omklap", "700"],
        ["Kapelgebouw", "", "", "", "2", "omklap", "650"],
    ]
    preview, preview_url = _upload(client, _units_url(cast), csv_file(UNIT_HEADERS, rows))
    shown = _rows(preview)
    assert shown[2].startswith("change:") and "Wijzigen: huur 650,00 wordt 700,00" in shown[2]
    assert shown[3].startswith("unchanged:")
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    cast.units[0].refresh_from_db()
    assert cast.units[0].rent == Decimal("700.00")
    entry = AuditEntry.objects.get(action="unit.changed")
    assert entry.data == {"rent": ["650.00", "700.00"]}
    assert AuditEntry.objects.get(action="units.imported").data == {
        "rows": 2,
        "created": 0,
        "changed": 1,
        "unchanged": 1,
    }


def test_an_import_does_not_change_the_kind_of_an_existing_unit(cast, client_for):
    client = client_for("corporation_staff")
    rows = [["Kapelgebouw", "", "", "", "1", "regulier", "650"]]
    preview, _url = _upload(client, _units_url(cast), csv_file(UNIT_HEADERS, rows))
    assert "een import verandert de soort niet" in _rows(preview)[2]
    assert CONFIRM not in preview.content.decode()


@pytest.mark.parametrize(
    ("delimiter", "bom", "headers"),
    [
        (";", True, UNIT_HEADERS),
        (",", False, UNIT_HEADERS),
        (";", False, UNIT_HEADERS_EN),
        (",", True, UNIT_HEADERS_EN),
    ],
)
def test_csv_with_either_separator_with_or_without_bom_in_dutch_or_english(
    cast, client_for, delimiter, bom, headers
):
    client = client_for("corporation_staff")
    rows = unit_rows(3)
    if headers is UNIT_HEADERS_EN:
        for row, kind in zip(rows, ["regular", "DRAGER", "Omklap"], strict=True):
            row[5] = kind
    if delimiter == ",":
        for row in rows:
            row[6] = "725.50"
    upload = csv_file(headers, rows, delimiter=delimiter, bom=bom)
    preview, preview_url = _upload(client, _units_url(cast), upload)
    assert [row.split(":")[0] for row in _rows(preview).values()] == ["create"] * 3
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    units = Unit.objects.filter(building__name="Nieuwbouw").order_by("number")
    assert [(u.number, u.kind, u.rent) for u in units] == [
        ("100", "regular", Decimal("725.50")),
        ("101", "drager", Decimal("725.50")),
        ("102", "omklap", Decimal("725.50")),
    ]


def test_english_headers_in_xlsx_and_errors_name_the_files_own_column(cast, client_for):
    client = client_for("corporation_staff")
    rows = [["Nieuwbouw", "", "3511 CD", "Utrecht", "1", "regular", "650"]]
    preview, _url = _upload(client, _units_url(cast), xlsx(UNIT_HEADERS_EN, rows))
    # A new building needs its address: the building service says so, on the file's column.
    assert "Kolom Address: Dit veld is verplicht." in " ".join(_rows(preview)[2].split())


def _refused_upload(client, url: str, upload) -> str:
    before = _counts()
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert _counts() == before
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("woningen.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
            "Dit bestand is geen spreadsheet. Upload een XLSX- of CSV-bestand.",
        ),
        (
            SimpleUploadedFile("woningen.csv", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"),
            "Dit bestand is geen spreadsheet.",
        ),
        (
            SimpleUploadedFile("woningen.pdf", b"Gebouw;Huisnummer;Soort\nA;1;regulier\n"),
            "Dit bestand is geen spreadsheet.",
        ),
        (
            SimpleUploadedFile("woningen.xlsx", b"PK\x03\x04 not really a workbook"),
            "Dit bestand is geen spreadsheet.",
        ),
        (SimpleUploadedFile("woningen.csv", b""), "Het bestand is leeg."),
        (
            SimpleUploadedFile("woningen.csv", b"Gebouw;Huisnummer;Soort\n"),
            "geen rijen onder de kopregel",
        ),
        (
            SimpleUploadedFile("woningen.csv", b"Gebouw;Huisnummer;Huur\nA;1;500\n"),
            "De kolom 'Soort' ontbreekt.",
        ),
        (
            SimpleUploadedFile(
                "woningen.csv", "Gebouw;Huisnummer;Soort\nA;1;\xe9\n".encode("latin-1")
            ),
            "Sla het CSV-bestand op als UTF-8",
        ),
    ],
    ids=[
        "png-as-xlsx",
        "pdf-as-csv",
        "pdf-extension",
        "broken-zip",
        "empty",
        "header-only",
        "missing-column",
        "latin-1",
    ],
)
def test_what_is_no_usable_spreadsheet_is_refused_with_a_clear_message(
    cast, client_for, upload, message
):
    text = _refused_upload(client_for("corporation_staff"), _units_url(cast), upload)
    assert message in text


@override_settings(IMPORT_MAX_BYTES=4096)
def test_an_oversized_file_is_refused_before_it_is_read(cast, client_for):
    upload = csv_file(UNIT_HEADERS, unit_rows(200))
    assert upload.size > 4096
    text = _refused_upload(client_for("corporation_staff"), _units_url(cast), upload)
    assert "Het bestand is groter dan 4,0\xa0KB. Verdeel het over kleinere bestanden." in text


@override_settings(IMPORT_MAX_ROWS=20)
def test_a_file_with_too_many_rows_is_refused(cast, client_for):
    text = _refused_upload(
        client_for("corporation_staff"), _units_url(cast), xlsx(UNIT_HEADERS, unit_rows(21))
    )
    assert (
        "Het bestand heeft 21 rijen; er passen er hoogstens 20 in één import. Verdeel het over "
        "bestanden van hoogstens 20 rijen." in text
    )


def test_the_row_limit_keeps_an_upload_well_within_a_web_servers_time(cast, client_for, settings):
    """Every row is checked while the upload waits (about 30 ms a resident on a loaded
    two-core machine): one file holds at most 500 rows, and the refusal says so in English too."""
    assert settings.IMPORT_MAX_ROWS == 500
    client = client_for("corporation_staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _refused_upload(client, _units_url(cast), csv_file(UNIT_HEADERS, unit_rows(501)))
    assert (
        "The file has 501 rows; one import takes at most 500. Split it into files of at most "
        "500 rows each." in text
    )


def test_a_unit_twice_in_the_file_is_an_error_on_the_later_row(cast, client_for):
    client = client_for("corporation_staff")
    rows = unit_rows(3)
    rows[2][4] = rows[0][4]
    preview, _url = _upload(client, _units_url(cast), xlsx(UNIT_HEADERS, rows))
    shown = _rows(preview)
    assert shown[2].startswith("create:") and shown[3].startswith("create:")
    assert "Deze woning staat ook in rij 2 van het bestand." in shown[4]
    assert CONFIRM not in preview.content.decode()


def test_the_confirmation_checks_the_rows_again(cast, client_for):
    """A unit added by a colleague between preview and confirmation: nothing is written."""
    client = client_for("corporation_staff")
    _preview, preview_url = _upload(client, _units_url(cast), xlsx(UNIT_HEADERS, unit_rows(3)))
    building = Building.objects.create(
        association=cast.association,
        name="Nieuwbouw",
        street_address="Nieuwstraat 1",
        postal_code="3511 CD",
        city="Utrecht",
    )
    Unit.objects.create(building=building, number="101", kind="regular", rent=Decimal("1"))
    before = _counts()
    response = client.post(preview_url, {"confirm": ""})
    assert response.status_code == 400
    assert _counts() == before
    shown = _rows(response)
    assert "een import verandert de soort niet" in shown[3]
    assert CONFIRM not in response.content.decode()


def test_the_template_has_the_headers_and_an_example_that_imports(cast, client_for):
    client = client_for("corporation_staff")
    response = client.get(
        reverse("setup:units_import_template", args=[cast.corporation.slug, cast.association.slug])
    )
    assert response.status_code == 200
    assert "gebouwen-en-woningen.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == UNIT_HEADERS
    upload = SimpleUploadedFile("voorbeeld.xlsx", response.content)
    preview, _url = _upload(client, _units_url(cast), upload)
    assert next(iter(_rows(preview).values())).startswith("create:")


def test_the_set_up_page_links_the_import_and_its_template(cast, client_for):
    text = (
        client_for("corporation_staff")
        .get(reverse("setup:association", args=[cast.corporation.slug, cast.association.slug]))
        .content.decode()
    )
    assert _units_url(cast) in text
    assert "template.xlsx" in text


def test_the_upload_page_explains_the_columns_next_to_the_template(cast, client_for):
    text = unescape(client_for("corporation_staff").get(_units_url(cast)).content.decode())
    assert 'name="file"' in text
    assert "Download het voorbeeldbestand (XLSX)" in text
    assert "verplicht: regulier, drager of omklap." in text


@override_settings(IMPORT_MAX_ROWS=500)
def test_the_preview_page_needs_the_same_queries_for_10_and_500_rows(cast, client_for):
    client = client_for("corporation_staff")
    url = {}

    def grow_to(n: int) -> None:
        response = client.post(_units_url(cast), {"file": xlsx(UNIT_HEADERS, unit_rows(n))})
        url["preview"] = response["Location"]

    assert_flat_query_count(lambda: client.get(url["preview"]), grow_to, queries=4)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("€ 1.250,50", "1250.50"),
        ("1,250.50", "1250.50"),
        ("725,5", "725.5"),
        ("1.250", "1250"),
        ("725.50", "725.50"),
    ],
)
def test_amounts_are_read_in_dutch_and_english_notation(text, read):
    from coop.site.imports.columns import amount

    assert amount(text) == read


def test_choices_and_dates_are_read_in_either_language():
    import datetime as dt

    from coop.site.imports.columns import choice, date, language
    from members.models import MixGroup

    assert [choice(t, Unit.Kind) for t in ("Regulier", "dragerwoning", "OMKLAP", "kasteel")] == [
        "regular",
        "drager",
        "omklap",
        None,
    ]
    assert choice("reguliere huurder", MixGroup) == choice("Regular tenant", MixGroup) == "regular"
    assert [language(t) for t in ("NL", "Engels", "English", "fr")] == ["nl", "en", "en", None]
    assert date("29-6-2025") == date("2025-06-29") == date("29/06/2025") == dt.date(2025, 6, 29)
    assert date("31-02-2025") is None
    assert date("morgen") is None


def test_a_units_rent_changes_through_its_service_with_the_rules_of_adding_it(cast):
    from coop.exceptions import DomainError
    from coop.site.imports.services import unit_change

    unit = cast.units[0]
    unit_change(actor=cast.corporation_staff, unit=unit, rent="650.00")
    assert not AuditEntry.objects.filter(action="unit.changed").exists()  # nothing changed
    with pytest.raises(DomainError) as refused:
        unit_change(actor=cast.corporation_staff, unit=unit, rent="99999")
    assert (refused.value.code, refused.value.field) == ("rent_out_of_range", "rent")
    unit_change(actor=cast.corporation_staff, unit=unit, rent="712.5")
    unit.refresh_from_db()
    assert unit.rent == Decimal("712.50")
    entry = AuditEntry.objects.get(action="unit.changed")
    assert (entry.actor, entry.association_id) == (cast.corporation_staff, cast.association.pk)


def test_a_csv_row_keeps_its_number_after_an_empty_line_or_a_cell_over_two_lines(cast, client_for):
    content = (
        b"Gebouw;Adres;Postcode;Plaats;Huisnummer;Soort;Huur\n"
        b'Nieuwbouw;"Nieuwstraat 1\n\nachterom";3511 CD;Utrecht;1;regulier;500\n'
        b"\n"
        b"Nieuwbouw;;;;2;kasteel;500\n"
    )
    client = client_for("corporation_staff")
    preview, _url = _upload(client, _units_url(cast), SimpleUploadedFile("w.csv", content))
    shown = _rows(preview)
    # As a spreadsheet program shows it: the cell over two lines is one row (2), row 3 is empty.
    assert sorted(shown) == [2, 4]
    assert shown[2].startswith("create:")
    assert "Kolom Soort" in shown[4]
