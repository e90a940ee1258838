"""Exports of an association's compliance for a period or a year: one content builder, and
one writer per format (CSV for Dutch Excel, an XLSX workbook, a printable PDF evaluation pack)
that all lay out the same rows.

The content holds what the requester may see, as on the page: pseudonyms, care rows only for
who may see them, aggregates. Periods frozen by the daily job report their frozen state and
figure; the evidence rows are always read live (frozen rows keep no pseudonym key).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coop.cleaning import FORMULA_START, spreadsheet_text
from coop.models import Association
from coop.site.compliance.access import ComplianceAccess
from coop.site.compliance.charts import Chart, chart
from coop.site.compliance.models import Agreement, ExportFile, FrozenResult
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import (
    RULES,
    UNIT_LABELS,
    Direction,
    Judged,
    Shown,
)
from coop.site.compliance.selectors import association_compliance, follow_ups_for
from coop.site.compliance.services import content_digest

# How many periods are judged: a calendar year's twelve months (or the quarters and rolling
# windows among the last twelve whose last day falls in the year), and the chart's periods.
YEAR_HISTORY = 12


@dataclass(frozen=True)
class PeriodLine(Shown):
    """A commitment's state over one period: live, or as frozen when the period closed."""

    period: Period
    status: str
    figure: Decimal | None
    threshold: Decimal | None
    explanation: str
    sha256: str = ""  # the frozen row's digest; empty while live

    @property
    def state(self) -> str:
        return self.label


@dataclass(frozen=True)
class FollowUpLine:
    explanation: str
    action: str
    due_on: dt.date
    resolved_on: dt.date | None
    resolution: str


@dataclass(frozen=True)
class EvidenceLine:
    label: str
    detail: str
    ok: bool | None


@dataclass
class Section:
    """One commitment: its periods in the scope, with the evidence and follow-up of each."""

    key: str
    name: str
    owner: str
    direction: str
    unit: str
    periods: list[PeriodLine]
    evidence: dict[dt.date, list[EvidenceLine]]
    follow_ups: dict[dt.date, FollowUpLine]
    chart: Chart

    @property
    def latest(self) -> PeriodLine:
        return self.periods[-1]


@dataclass
class ExportContent:
    association: Association
    agreement: str
    versions: str
    scope: str
    as_of: dt.datetime
    sections: list[Section] = field(default_factory=list)
    frozen: bool = False
    sha256: str = ""


def _periods_in_scope(export: ExportFile, judged: Judged) -> list[tuple[Period, Any]]:
    if export.scope == ExportFile.Scope.CURRENT:
        return judged.history[-1:]
    if export.scope == ExportFile.Scope.PREVIOUS:
        return judged.history[-2:-1]
    return [(p, r) for p, r in judged.history if p.last_day.year == export.year]


def _reference_day(export: ExportFile, today: dt.date) -> dt.date:
    """The day the periods are judged up to: today, or the year's last day if that is past."""
    if export.scope == ExportFile.Scope.YEAR:
        return min(dt.date(export.year or today.year, 12, 31), today)
    return today


def scope_label(export: ExportFile) -> str:
    if export.scope == ExportFile.Scope.YEAR:
        return _("the year %(year)s") % {"year": export.year}
    return str(ExportFile.Scope(export.scope).label)


def export_content(
    export: ExportFile,
    access: ComplianceAccess,
    *,
    progress: Callable[[int, int], None] = lambda done, total: None,
    today: dt.date | None = None,
) -> ExportContent:
    """What every format shows, commitment by commitment; ``progress(done, total)`` is told
    after each one (the total counts one more step: writing the file)."""
    association = export.association
    today = today or timezone.localdate()
    judged_list = [
        j
        for j in association_compliance(
            association, today=_reference_day(export, today), history=YEAR_HISTORY
        )
        if access.sees_rule(j.commitment.rule)
    ]
    total = len(judged_list) + 1
    progress(0, total)
    follow_ups = follow_ups_for(j.commitment for j in judged_list)
    frozen = {
        (f.key, f.period_start): f for f in FrozenResult.objects.filter(association=association)
    }
    agreement = Agreement.objects.filter(association=association).first()
    content = ExportContent(
        association=association,
        agreement=agreement.title if agreement else "",
        versions="",
        scope=scope_label(export),
        as_of=timezone.now(),
    )
    versions: dict[int, str] = {}
    for done, judged in enumerate(judged_list, start=1):
        commitment = judged.commitment
        version = commitment.version
        versions.setdefault(
            version.number,
            _("version %(number)s, in force from %(day)s")
            % {"number": version.number, "day": date_format(version.starts_on, "j F Y")},
        )
        names_shown = version.agreement.show_member_names
        rule_class = RULES.get(commitment.rule)
        lines: list[PeriodLine] = []
        evidence: dict[dt.date, list[EvidenceLine]] = {}
        for period, result in _periods_in_scope(export, judged):
            kept = frozen.get((commitment.key, period.start))
            if kept is not None:
                lines.append(
                    PeriodLine(
                        period=period,
                        status=kept.status,
                        figure=kept.figure,
                        threshold=kept.threshold,
                        explanation=kept.explanation,
                        sha256=kept.sha256,
                    )
                )
            else:
                lines.append(
                    PeriodLine(
                        period=period,
                        status=result.status,
                        figure=result.figure,
                        threshold=result.threshold,
                        explanation=str(result.explanation),
                    )
                )
            evidence[period.start] = [
                EvidenceLine(label=row["label"], detail=row["detail"], ok=row["ok"])
                for row in access.shown_evidence(
                    commitment.rule, result.evidence, names_shown=names_shown
                )
            ]
        if not lines:
            progress(done, total)
            continue
        starts = {line.period.start for line in lines}
        own_follow_ups = {
            start: FollowUpLine(
                explanation=f.explanation,
                action=f.action,
                due_on=f.due_on,
                resolved_on=timezone.localdate(f.resolved_at) if f.resolved_at else None,
                resolution=f.resolution,
            )
            for (key, start), f in follow_ups.items()
            if key == commitment.key and start in starts
        }
        content.sections.append(
            Section(
                key=commitment.key,
                name=str(commitment.get_rule_display()),
                owner=str(commitment.get_owner_display()),
                direction=str(
                    Direction.AT_MOST.label
                    if rule_class is not None and rule_class.direction == Direction.AT_MOST
                    else Direction.AT_LEAST.label
                ),
                unit=str(UNIT_LABELS.get(rule_class.unit if rule_class else "", "")),
                periods=lines,
                evidence=evidence,
                follow_ups=own_follow_ups,
                chart=chart(judged.history, judged.result.threshold),
            )
        )
        progress(done, total)
    content.versions = "; ".join(versions[n] for n in sorted(versions))
    all_lines = [line for s in content.sections for line in s.periods]
    content.frozen = bool(all_lines) and all(line.sha256 for line in all_lines)
    if content.frozen:
        # The frozen rows' own digests, in order: anyone holding the rows can check it.
        joined = "\n".join(sorted(line.sha256 for line in all_lines))
        content.sha256 = hashlib.sha256(joined.encode()).hexdigest()
    else:
        content.sha256 = content_digest(
            {"association": association.pk, "rows": [[_text(v) for v in r] for r in rows(content)]}
        )
    return content


# The rows every format lays out -----------------------------------------------------------


def columns() -> list[str]:
    return [
        _("Commitment"),
        _("Period"),
        _("Period from"),
        _("Period until"),
        _("State"),
        _("Figure"),
        _("Threshold"),
        _("Explanation"),
        _("Evidence"),
        _("Detail"),
        _("In order"),
        _("Board's explanation"),
        _("Action"),
        _("Action due on"),
        _("Resolved on"),
        _("How it was resolved"),
    ]


def _ok_text(ok: bool | None) -> str:
    return {True: _("yes"), False: _("no")}.get(ok, "") if ok is not None else ""


def section_rows(section: Section) -> list[list[Any]]:
    """One row per evidence row of each period (or one for a period without evidence),
    each with the period's state and its follow-up; numbers as numbers, dates as dates."""
    out: list[list[Any]] = []
    for line in section.periods:
        follow_up = section.follow_ups.get(line.period.start)
        base = [
            section.name,
            line.period.label,
            line.period.start,
            line.period.last_day,
            line.state,
            line.figure,
            line.threshold,
            line.explanation,
        ]
        tail = (
            [
                follow_up.explanation,
                follow_up.action,
                follow_up.due_on,
                follow_up.resolved_on,
                follow_up.resolution,
            ]
            if follow_up
            else [None] * 5
        )
        evidence = section.evidence.get(line.period.start) or []
        if not evidence:
            out.append([*base, None, None, None, *tail])
        for row in evidence:
            out.append([*base, row.label, row.detail, _ok_text(row.ok), *tail])
    return out


def rows(content: ExportContent) -> list[list[Any]]:
    return [row for section in content.sections for row in section_rows(section)]


def summary_columns() -> list[str]:
    return [
        _("Commitment"),
        _("Whose duty"),
        _("Period"),
        _("State"),
        _("Figure"),
        _("Unit of the figure"),
        _("At least or at most"),
        _("Threshold"),
        _("Explanation"),
        _("Frozen (SHA-256)"),
    ]


def summary_rows(content: ExportContent) -> list[list[Any]]:
    """Each commitment's latest period in the scope."""
    return [
        [
            s.name,
            s.owner,
            s.latest.period.label,
            s.latest.state,
            s.latest.figure,
            s.unit,
            s.direction,
            s.latest.threshold,
            s.latest.explanation,
            s.latest.sha256 or _("live"),
        ]
        for s in content.sections
    ]


def _text(value: Any) -> str:
    """A cell as text: Dutch dates and decimal commas in Dutch."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# The formats ------------------------------------------------------------------------------


def write_csv(content: ExportContent) -> bytes:
    """Dutch Excel opens it: ';' between fields and a byte order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns())
    for row in rows(content):
        # Text people wrote (a follow-up, a title in the evidence) never runs as a formula.
        writer.writerow([spreadsheet_text(v) if isinstance(v, str) else _text(v) for v in row])
    return out.getvalue().encode("utf-8")


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique in the book."""
    clean = "".join("-" if c in "[]:*?/\\" else c for c in name)[:28].strip()
    title, n = clean, 2
    while title.lower() in used:
        title = f"{clean[:25]} ({n})"
        n += 1
    used.add(title.lower())
    return title


def _fill_sheet(sheet, headers: list[str], body: list[list[Any]], widths: dict[int, int]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(index, max(12, len(header) + 2))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_START:
                # Text people wrote stays text, shown as written: never a formula.
                cell.data_type = "s"
                cell.quotePrefix = True
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
            elif isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(content: ExportContent) -> bytes:
    """A summary sheet, then one sheet per commitment with its evidence rows."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = _sheet_title(_("Summary"), set())
    used = {summary.title.lower()}
    _fill_sheet(summary, summary_columns(), summary_rows(content), {1: 40, 9: 60, 10: 30})
    for section in content.sections:
        sheet = book.create_sheet(_sheet_title(section.name, used))
        _fill_sheet(
            sheet, columns(), section_rows(section), {1: 30, 2: 18, 8: 50, 9: 30, 10: 40, 12: 40}
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The chart's colours inside the SVG itself: WeasyPrint styles an inline SVG only from its
# own <style> element (the page's chart takes them from compliance.css).
CHART_STYLE = (
    ".bar-met{fill:#1b6e3a}.bar-at_risk{fill:#8a5a00}.bar-breached{fill:#b3261e}"
    ".bar-no_data{fill:#c9ced3}.target{stroke:#222;stroke-width:2;stroke-dasharray:6 4}"
    ".axis{stroke:#5c6670;stroke-width:1}text{font-size:11px;fill:#333;font-family:sans-serif}"
    ".bar-icon{font-size:12px;font-weight:700;fill:#222}"
)


def write_pdf(content: ExportContent) -> bytes:
    """A printable evaluation pack; WeasyPrint fetches nothing but data: URIs."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "compliance/export_pdf.html",
        {
            "content": content,
            "sections": [
                {"section": s, "rows": section_rows(s), "count": len(s.periods)}
                for s in content.sections
            ],
            "chart_style": CHART_STYLE,
        },
    )
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


WRITERS: dict[str, Callable[[ExportContent], bytes]] = {
    ExportFile.Format.CSV: write_csv,
    ExportFile.Format.XLSX: write_xlsx,
    ExportFile.Format.PDF: write_pdf,
}


# File names stay Dutch whoever asks: they travel between people.
FILE_SCOPES = {ExportFile.Scope.CURRENT: "actueel", ExportFile.Scope.PREVIOUS: "vorige-periode"}


def filename(export: ExportFile, today: dt.date) -> str:
    scope = FILE_SCOPES.get(export.scope) or f"jaar-{export.year}"
    return f"naleving-{export.association.slug}-{scope}-{today:%Y-%m-%d}.{export.format}"
