"""Reading an uploaded spreadsheet (XLSX or CSV) into rows of text, with tablib.

The reading knows nothing of units or residents: it checks the file (size, kind, rows), finds
the columns by their header in Dutch or English, and hands each row over as text keyed by
column, with its row number as the spreadsheet shows it. What a value means is for the import
services to decide.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

import tablib  # type: ignore[import-untyped]
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from coop.exceptions import DomainError

# The first bytes of files that are certainly not a spreadsheet, even when renamed to .csv.
_NOT_TEXT = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x00")
_ZIP = b"PK\x03\x04"
# What a workbook may unpack to: the largest upload, or this much per row allowed when that is
# more (a row of twelve long cells takes under 2 KB). A "zip bomb" of a few hundred KB holds
# millions of rows: reading 400,000 of them takes some 12 seconds before they can be counted.
_UNPACKED_PER_ROW = 4096


def normalise_header(text: str) -> str:
    """A header reduced to its letters and digits: 'E-mail' and 'e mail' are both 'email'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key, the header in the template, the headers it accepts."""

    key: str
    header: str  # as written in the template: Dutch, the format corporations keep
    aliases: tuple[str, ...]  # accepted headers, Dutch and English
    required: bool = False

    def matches(self, header: str) -> bool:
        wanted = {normalise_header(alias) for alias in (self.header, *self.aliases)}
        return normalise_header(header) in wanted


@dataclass
class Sheet:
    """The rows of an upload: ``rows`` holds (row number in the spreadsheet, values by key)."""

    headers: dict[str, str]  # column key -> the header as written in the file
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers no column reads


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, code=code, field="file")


def cell_text(value: Any) -> str:
    """A cell as text: dates as 2025-06-29, whole numbers without '.0', empty as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return " ".join(str(value).split())


def _keep_empty_lines(text: str) -> str:
    """The CSV text with each empty line (outside a quoted cell) as one empty cell: the CSV
    reader skips empty lines, and the rows after one would get a number one too low."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's last line break
    quoted = False
    kept = []
    for line in lines:
        kept.append('""' if not quoted and not line.strip("\r") else line)
        if line.count('"') % 2:  # an odd number of quotes opens or closes a quoted cell
            quoted = not quoted
    return "\n".join(kept) + "\n"


def _unpacked_size(content: bytes) -> int:
    """The size a zip file's members unpack to, as its directory says (reading stops there: a
    member that unpacks to more fails its check); 0 for what is no zip file."""
    try:
        return sum(info.file_size for info in zipfile.ZipFile(BytesIO(content)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0  # the loading below refuses it


def _load(content: bytes, filename: str) -> tablib.Dataset:
    """The file as a tablib dataset: XLSX by its content, otherwise CSV in UTF-8 (with or
    without BOM), separated by ';' or ','."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    not_a_sheet = _refuse(
        _("This file is not a spreadsheet. Upload an XLSX or CSV file."), "import_not_spreadsheet"
    )
    if content.startswith(_ZIP):
        limit = max(settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS * _UNPACKED_PER_ROW)
        if _unpacked_size(content) > limit:
            raise _refuse(
                _("The spreadsheet holds too much data. Split it into smaller files."),
                "import_too_large",
            )
        try:
            return tablib.Dataset().load(BytesIO(content), format="xlsx")
        except tablib.InvalidDimensions:
            raise _refuse(
                _("A row has more cells than the header row has columns."), "import_ragged"
            ) from None
        except Exception:  # openpyxl raises many kinds for a zip that is no workbook
            raise not_a_sheet from None
    if extension not in ("csv", "txt") or content.startswith(_NOT_TEXT):
        raise not_a_sheet
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            _("Save the CSV file as UTF-8 (in Excel: 'CSV UTF-8'), then upload it again."),
            "import_not_utf8",
        ) from None
    if "\x00" in text:
        raise not_a_sheet
    first_line = text.lstrip("\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return tablib.Dataset().load(_keep_empty_lines(text), format="csv", delimiter=delimiter)
    except tablib.InvalidDimensions:
        raise _refuse(
            _("A row has more cells than the header row has columns."), "import_ragged"
        ) from None
    except Exception:
        raise not_a_sheet from None


def read_spreadsheet(
    upload,
    columns: tuple[Column, ...],
    *,
    one_of: tuple[tuple[str, ...], ...] = (),
) -> Sheet:
    """Read an upload into a Sheet, or refuse it (DomainError on the field ``file``).

    ``one_of`` names groups of columns of which every column must be present unless another
    group is: a name as 'Naam' or as 'Voornaam' and 'Achternaam'.
    """
    max_bytes = settings.IMPORT_MAX_BYTES
    if upload.size > max_bytes:
        raise _refuse(
            _("The file is larger than %(max)s. Split it into smaller files.")
            % {"max": filesizeformat(max_bytes)},
            "import_too_large",
        )
    content = upload.read(max_bytes + 1)
    if not content.strip():
        raise _refuse(_("The file is empty."), "import_empty")
    dataset = _load(content, upload.name or "")
    raw_headers = [cell_text(h) for h in (dataset.headers or [])]
    if not any(raw_headers):
        raise _refuse(_("The file is empty."), "import_empty")

    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, header in enumerate(raw_headers):
        if not header:
            continue
        column = next((c for c in columns if c.matches(header)), None)
        if column is None:
            ignored.append(header)
            continue
        if column.key in headers:
            raise _refuse(
                _("The columns '%(first)s' and '%(second)s' mean the same; keep one of them.")
                % {"first": headers[column.key], "second": header},
                "import_column_twice",
            )
        headers[column.key] = header
        positions[column.key] = position

    missing = [c for c in columns if c.required and c.key not in headers]
    if one_of and not any(all(key in headers for key in group) for group in one_of):
        first = next(group for group in one_of)
        missing += [c for c in columns if c.key in first and c.key not in headers]
    if missing:
        raise _refuse(
            _("The column '%(column)s' is missing. Use the headers of the template.")
            % {"column": missing[0].header},
            "import_column_missing",
        )

    if len(dataset) == 0:
        raise _refuse(_("The file has no rows below the header row."), "import_empty")
    max_rows = settings.IMPORT_MAX_ROWS
    if len(dataset) > max_rows:
        # Every row is checked while the upload waits, so the limit keeps the page in time.
        raise _refuse(
            _(
                "The file has %(count)s rows; one import takes at most %(max)s. Split it into "
                "files of at most %(max)s rows each."
            )
            % {"count": len(dataset), "max": max_rows},
            "import_too_many_rows",
        )

    sheet = Sheet(headers=headers, ignored=ignored)
    for index, row in enumerate(dataset):
        values = {
            key: cell_text(row[position]) if position < len(row) else ""
            for key, position in positions.items()
        }
        if any(values.values()):  # an empty row keeps its number but holds nothing to import
            sheet.rows.append((index + 2, values))  # row 1 is the header row
    if not sheet.rows:
        raise _refuse(_("The file has no rows below the header row."), "import_empty")
    return sheet


def template_workbook(columns: tuple[Column, ...], example: dict[str, Any]) -> bytes:
    """An XLSX file with the headers of ``columns`` and one example row."""
    dataset = tablib.Dataset(headers=[str(c.header) for c in columns])
    dataset.append([example.get(c.key, "") for c in columns])
    return dataset.export("xlsx")
