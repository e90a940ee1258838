"""A small workbook that unpacks to far more than any real import (a "zip bomb": a few hundred
KB holding millions of rows) is refused before it is read, instead of tying up the server for
minutes and gigabytes while the rows are counted."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.setup.test_imports import (
    RESIDENT_HEADERS,
    UNIT_HEADERS,
    _refused_upload,
    _residents_url,
    _units_url,
    unit_rows,
    xlsx,
)

REFUSED = "Het spreadsheet bevat te veel gegevens. Verdeel het over kleinere bestanden."


def _packed(upload: SimpleUploadedFile, extra_rows: int) -> SimpleUploadedFile:
    """The workbook with ``extra_rows`` identical rows added to its sheet, packed tightly."""
    source = zipfile.ZipFile(io.BytesIO(upload.read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as packed:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                data = data.replace(b"</sheetData>", row * extra_rows + b"</sheetData>")
            packed.writestr(info, data)
    return SimpleUploadedFile("import.xlsx", out.getvalue())


@override_settings(IMPORT_MAX_BYTES=100_000)
def test_a_workbook_that_unpacks_to_too_much_is_refused_unread(cast, client_for):
    bomb = _packed(xlsx(UNIT_HEADERS, unit_rows(1)), 60_000)  # ~3 MB of rows, ~10 KB packed
    assert bomb.size < 100_000
    text = _refused_upload(client_for("corporation_staff"), _units_url(cast), bomb)
    assert REFUSED in text
    bomb = _packed(xlsx(RESIDENT_HEADERS, []), 60_000)
    text = _refused_upload(client_for("board"), _residents_url(cast), bomb)
    assert REFUSED in text


@override_settings(IMPORT_MAX_BYTES=100_000, IMPORT_MAX_ROWS=20)
def test_a_workbook_within_the_unpacked_limit_is_read_as_before(cast, client_for):
    upload = xlsx(UNIT_HEADERS, unit_rows(21))
    text = _refused_upload(client_for("corporation_staff"), _units_url(cast), upload)
    assert "Het bestand heeft 21 rijen; er passen er hoogstens 20 in één import." in text
    assert REFUSED not in text


def test_the_unpacked_limit_follows_the_rows_allowed_not_only_the_upload_size(cast, client_for):
    # With the usual limits a workbook unpacking to 3 MB cannot hold rows that fit one import.
    bomb = _packed(xlsx(UNIT_HEADERS, unit_rows(1)), 60_000)
    text = _refused_upload(client_for("corporation_staff"), _units_url(cast), bomb)
    assert REFUSED in text
