"""Exports of a period or a year (CSV, XLSX, PDF): made by a django-q2 task that tells its
progress, e-mailed when ready, served to the requester only."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from coop.exceptions import DomainError
from coop.models import AuditEntry
from coop.site.compliance import services
from coop.site.compliance.models import ExportFile, FollowUp, FrozenResult
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import Status, pseudonym, rule_for
from coop.site.compliance.services import CommitmentTerms
from tests.compliance import rows
from tests.conftest import skip_or_fail_without

pytestmark = pytest.mark.django_db

# Regular and drager members of the cast's association: Bram, Sanne, Cor, Dirk.
MEMBERS_JUDGED = 4


@pytest.fixture
def agreement(cast, agreement_for):
    """A vacancy commitment (one vacancy this month) and an hours commitment (four members)."""
    version = agreement_for(
        [
            CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0),
            CommitmentTerms(rule="contribution_hours", threshold=50),
        ]
    )
    rows.vacancy(cast.association, reported_on=timezone.localdate().replace(day=1))
    return version


def _start(client, cast, capture, *, format: str, scope: str = "current") -> ExportFile:
    with capture(execute=True):
        response = client.post(
            reverse("compliance:export_start", args=[cast.association.slug]),
            {"format": format, "scope": scope},
        )
    export = ExportFile.objects.order_by("-pk").first()
    assert export is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:export_status", args=[export.pk])
    export.refresh_from_db()
    return export


def _download(client, export: ExportFile):
    response = client.get(reverse("compliance:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="naleving-{export.association.slug}-'
    )
    return response


def _live(commitments, cast, period=None):
    """What the rules themselves say for this month, per commitment key."""
    today = timezone.localdate()
    out = {}
    for commitment in commitments:
        p = period or Period.containing(commitment.period_kind, today)
        out[commitment.key] = rule_for(commitment).evaluate(cast.association, p)
    return out


def test_the_csv_has_dutch_headers_semicolons_and_the_evidence(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    client = client_for("corporation_staff")
    export = _start(client, cast, django_capture_on_commit_callbacks, format="csv")
    assert export.status == "ready"
    entry = AuditEntry.objects.get(action="compliance.export_requested")
    assert entry.actor == cast.corporation_staff and entry.target_id == str(export.pk)
    assert entry.data == {"format": "csv", "scope": "current", "year": None}
    download = _download(client, export)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    body = download.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert table[0][:5] == [
        "Afspraak",
        "Periode",
        "Periode vanaf",
        "Periode tot en met",
        "Toestand",
    ]
    # This month only: one vacancy, and the four regular and drager members.
    assert len(table) == 1 + 1 + MEMBERS_JUDGED
    assert {row[1] for row in table[1:]} == {Period.containing("month", timezone.localdate()).label}
    with translation.override("nl"):
        assert "Dirk Drager" not in body and pseudonym(cast.drager_member.pk) in body
    live = _live(agreement.commitments.all(), cast)
    vacancy_row = table[1]  # the first commitment's one evidence row
    assert vacancy_row[5] == live["vacant-days"].figure_text.replace(".", ",")
    assert vacancy_row[6] == "10"
    # Someone else who may see the page still does not get this person's file.
    url = reverse("compliance:export_download", args=[export.pk])
    assert client_for("board").get(url).status_code == 404


def test_the_xlsx_sums_up_every_commitment_and_lists_its_evidence(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    client = client_for("corporation_staff")
    export = _start(client, cast, django_capture_on_commit_callbacks, format="xlsx")
    download = _download(client, export)
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(download.content))
    summary = book.worksheets[0]
    assert summary.title == "Samenvatting"
    assert summary.freeze_panes == "A2" and summary["A1"].font.bold
    header = [c.value for c in summary[1]]
    assert header[:5] == ["Afspraak", "Wiens taak", "Periode", "Toestand", "Cijfer"]
    commitments = list(agreement.commitments.order_by("position"))
    live = _live(commitments, cast)
    body = list(summary.iter_rows(min_row=2, values_only=True))
    assert len(body) == len(commitments) == len(book.worksheets) - 1
    for row, commitment in zip(body, commitments, strict=True):
        result = live[commitment.key]
        assert row[0] == str(commitment.get_rule_display())
        assert row[3] == str(Status(result.status).label)
        figure = row[4]
        assert (figure is None) == (result.figure is None)
        if figure is not None:
            assert isinstance(figure, int | float) and Decimal(str(figure)) == result.figure
        assert Decimal(str(row[7])) == result.threshold
        assert row[8] == str(result.explanation)
    vacancies, hours = book.worksheets[1], book.worksheets[2]
    assert vacancies.max_row - 1 == 1 and hours.max_row - 1 == MEMBERS_JUDGED
    assert hours.freeze_panes == "A2" and hours["A1"].font.bold
    assert hours["A1"].value == "Afspraak" and hours["I1"].value == "Onderbouwing"
    # Dates as dates, numbers as numbers.
    assert isinstance(hours["C2"].value, dt.datetime)
    assert hours["C2"].value.date() == timezone.localdate().replace(day=1)
    assert isinstance(vacancies["G2"].value, int | float) and vacancies["G2"].value == 10
    assert hours.column_dimensions["H"].width >= 40


def test_the_pdf_names_the_association_a_figure_and_the_snapshot_hash(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    skip_or_fail_without("pdftotext")
    # The previous period is frozen: the pack carries the digest over the frozen rows.
    assert services.periods_freeze() > 0
    client = client_for("corporation_staff")
    export = _start(
        client, cast, django_capture_on_commit_callbacks, format="pdf", scope="previous"
    )
    download = _download(client, export)
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=download.content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert "Woonvereniging De Kapel" in text
    assert "Afspraken Woonvereniging De Kapel" in text
    previous = Period.containing("month", timezone.localdate()).previous()
    frozen = list(FrozenResult.objects.filter(period_start=previous.start))
    assert len(frozen) == 2
    digest = hashlib.sha256("\n".join(sorted(f.sha256 for f in frozen)).encode()).hexdigest()
    assert digest in "".join(text.split())
    hours = next(f for f in frozen if f.key == "contribution-hours")
    assert f"{hours.figure.normalize():f}" in text
    assert "bevroren resultaten" in text
    assert "<svg" not in text  # the chart is drawn, not printed as markup


def test_the_pdf_of_live_figures_says_as_of_when(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    skip_or_fail_without("pdftotext")
    client = client_for("corporation_staff")
    export = _start(client, cast, django_capture_on_commit_callbacks, format="pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=_download(client, export).content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert "actuele cijfers, stand per" in text
    assert FrozenResult.objects.count() == 0


def test_follow_ups_appear_in_every_format(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    skip_or_fail_without("pdftotext")
    commitment = agreement.commitments.get(key="vacant-days")
    month = Period.containing("month", timezone.localdate())
    FollowUp.objects.create(
        commitment=commitment,
        period_start=month.start,
        period_end=month.end,
        explanation="De lift was kapot.",
        action="Nieuwe lift bestellen.",
        due_on=timezone.localdate() + dt.timedelta(days=30),
        recorded_by=cast.board,
    )
    client = client_for("corporation_staff")
    for format in ("csv", "xlsx", "pdf"):
        export = _start(client, cast, django_capture_on_commit_callbacks, format=format)
        content = _download(client, export).content
        if format == "csv":
            text = content.decode("utf-8")
        elif format == "xlsx":
            book = load_workbook(io.BytesIO(content))
            text = " ".join(
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            )
        else:
            text = subprocess.run(
                ["pdftotext", "-", "-"],
                input=content,
                capture_output=True,
                check=True,
            ).stdout.decode("utf-8")
        assert "De lift was kapot." in text, format
        assert "Nieuwe lift bestellen." in text, format


def test_a_year_has_a_row_per_month_so_far(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    client = client_for("corporation_staff")
    export = _start(
        client, cast, django_capture_on_commit_callbacks, format="xlsx", scope=str(today.year)
    )
    assert export.scope == "year" and export.year == today.year
    assert export.filename == f"naleving-de-kapel-jaar-{today.year}-{today:%Y-%m-%d}.xlsx"
    book = load_workbook(io.BytesIO(_download(client, export).content))
    vacancies = book.worksheets[1]
    months = {row[2] for row in vacancies.iter_rows(min_row=2, values_only=True)}
    assert len(months) == today.month
    assert all(m.year == today.year for m in months)


def test_progress_goes_from_queued_through_building_to_ready(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    seen: list[tuple[str, int, int]] = []

    def watch(sender, instance, **kwargs):
        seen.append((instance.status, instance.progress_done, instance.progress_total))

    post_save.connect(watch, sender=ExportFile)
    try:
        export = _start(
            client_for("corporation_staff"), cast, django_capture_on_commit_callbacks, format="csv"
        )
    finally:
        post_save.disconnect(watch, sender=ExportFile)
    statuses = [s for s, _d, _t in seen]
    assert statuses[0] == "queued" and statuses[-1] == "ready"
    assert "building" in statuses
    assert statuses.index("building") < statuses.index("ready")
    done = [d for _s, d, _t in seen]
    assert done == sorted(done)
    # Two commitments and writing the file: the figure grows step by step to the total.
    assert {d for s, d, t in seen if s == "building" and t} == {0, 1, 2}
    assert (export.progress_done, export.progress_total) == (3, 3)
    assert export.progress_percent == 100


def test_the_status_page_refreshes_until_ready_then_offers_the_download(
    cast, client_for, agreement
):
    client = client_for("corporation_staff")
    export = ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.corporation_staff,
        format="xlsx",
        status=ExportFile.Status.BUILDING,
        progress_done=1,
        progress_total=3,
    )
    url = reverse("compliance:export_status", args=[export.pk])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "1 van 3 stappen klaar" in page and 'value="33"' in page
    assert reverse("compliance:export_download", args=[export.pk]) not in page
    assert client.get(reverse("compliance:export_download", args=[export.pk])).status_code == 404
    ExportFile.objects.filter(pk=export.pk).update(
        status=ExportFile.Status.READY, content=b"x", filename="naleving.xlsx"
    )
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert reverse("compliance:export_download", args=[export.pk]) in page


def test_a_failed_export_says_so_and_can_be_tried_again(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    client = client_for("corporation_staff")
    failed = ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.corporation_staff,
        format="pdf",
        scope="year",
        year=timezone.localdate().year,
        status=ExportFile.Status.FAILED,
    )
    page = client.get(reverse("compliance:export_status", args=[failed.pk])).content.decode()
    assert "De export kon niet worden gemaakt." in page
    assert 'http-equiv="refresh"' not in page
    assert f'name="scope" value="{failed.year}"' in page and 'name="format" value="pdf"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("compliance:export_start", args=[cast.association.slug]),
            {"format": "pdf", "scope": str(failed.year)},
        )
    again = ExportFile.objects.exclude(pk=failed.pk).get()
    assert (again.format, again.scope, again.year, again.status) == (
        "pdf",
        "year",
        failed.year,
        "ready",
    )


def test_the_requester_gets_an_e_mail_with_the_page_not_the_file(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    export = _start(
        client_for("corporation_staff"), cast, django_capture_on_commit_callbacks, format="xlsx"
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.corporation_staff.email]
    assert "De export van Woonvereniging De Kapel staat klaar" in message.subject
    status_url = reverse("compliance:export_status", args=[export.pk])
    assert f"{status_url}\n" in message.body and "://" in message.body
    assert reverse("compliance:export_download", args=[export.pk]) not in message.body


def test_a_build_that_breaks_is_marked_failed_and_sends_nothing(
    cast, agreement, django_capture_on_commit_callbacks
):
    """A format no writer knows (a row from before a format was withdrawn) breaks the build."""
    export = ExportFile.objects.create(
        association=cast.association, requested_by=cast.corporation_staff, format="odt"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.compliance_export_build(export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and export.finished_at is not None
    assert export.content is None and mail.outbox == []


def test_a_build_run_again_after_a_worker_died_finishes_the_export_once(
    cast, agreement, django_capture_on_commit_callbacks
):
    export = ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.corporation_staff,
        status=ExportFile.Status.BUILDING,
        progress_done=1,
        progress_total=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.compliance_export_build(export.pk)
        services.compliance_export_build(export.pk)
    export.refresh_from_db()
    assert export.status == "ready" and export.content
    assert len(mail.outbox) == 1


def test_a_failed_build_sends_no_ready_mail(cast, agreement, django_capture_on_commit_callbacks):
    """The outsider (another association's board) has no access: the build fails."""
    export = ExportFile.objects.create(association=cast.association, requested_by=cast.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        services.compliance_export_build(export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and export.content is None
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "doc", "scope": "current"}, "Kies een formaat en een periode of een jaar."),
        ({"format": "pdf", "scope": "1999"}, "Kies een formaat en een periode of een jaar."),
        ({"format": "pdf"}, "Kies een formaat en een periode of een jaar."),
    ],
)
def test_bad_input_changes_nothing(cast, client_for, agreement, data, message):
    client = client_for("corporation_staff")
    response = client.post(
        reverse("compliance:export_start", args=[cast.association.slug]), data, follow=True
    )
    assert message in response.content.decode()
    assert ExportFile.objects.count() == 0


def test_the_service_refuses_a_year_out_of_range(cast, agreement):
    with pytest.raises(DomainError) as error:
        services.compliance_export_request(
            actor=cast.corporation_staff,
            association=cast.association,
            format="xlsx",
            scope="year",
            year=timezone.localdate().year + 1,
        )
    assert error.value.code == "invalid_year"
    assert ExportFile.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("outsider", 404),  # another association's board
        ("care_worker", 404),
        ("drager", 404),  # a member
        ("board", 404),  # may see the page, but did not ask for the file
        ("anonymous", 302),
    ],
)
def test_only_the_requester_sees_the_export(cast, client_for, agreement, role, status):
    export = ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.corporation_staff,
        status=ExportFile.Status.READY,
        filename="naleving.pdf",
        format="pdf",
        content=b"%PDF-1.7",
    )
    client = client_for(role)
    for name in ("compliance:export_status", "compliance:export_download"):
        response = client.get(reverse(name, args=[export.pk]))
        assert response.status_code == status, name
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_the_requester_who_lost_access_no_longer_gets_the_file(cast, client_for, agreement):
    """A care worker's export, after their client's care assignment ended."""
    export = ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.care_worker,
        status=ExportFile.Status.READY,
        filename="naleving.csv",
        content=b"a",
    )
    client = client_for("care_worker")
    url = reverse("compliance:export_download", args=[export.pk])
    assert client.get(url).status_code == 200
    cast.vrager_member.care_assignments.update(ends_on=timezone.localdate())
    assert client.get(url).status_code == 404


def test_the_chart_coordinates_keep_a_decimal_point_in_dutch(cast, client_for, agreement):
    """Dutch number formatting must not reach the SVG: '50,9' is no coordinate."""
    page = client_for("corporation_staff").get(
        reverse("compliance:association_compliance", args=[cast.association.slug])
    )
    svg = page.content.decode()
    coordinates = re.findall(r'<rect class="bar-[a-z_]+" x="([^"]*)" y="([^"]*)"', svg)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", v) for pair in coordinates for v in pair)
    # The chart's own style block is for the PDF only: the policy would refuse it on a page.
    assert "<style" not in svg


def test_a_care_worker_exports_the_care_commitments_only(
    cast, client_for, agreement_for, django_capture_on_commit_callbacks
):
    agreement_for(
        [
            CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0),
            CommitmentTerms(rule="vragers_take_part", threshold=50),
        ]
    )
    # A vacancy in the building: the care worker's export must not show it.
    rows.vacancy(cast.association, reported_on=timezone.localdate().replace(day=1))
    client = client_for("care_worker")
    export = _start(client, cast, django_capture_on_commit_callbacks, format="xlsx")
    book = load_workbook(io.BytesIO(_download(client, export).content))
    summary = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(summary) == 1 and len(book.worksheets) == 2
    assert "Kapelgebouw" not in " ".join(
        str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
    )


def test_an_english_reader_gets_the_mail_and_the_file_in_english(
    cast, client_for, agreement, django_capture_on_commit_callbacks
):
    cast.corporation_staff.language = "en"
    cast.corporation_staff.save(update_fields=["language"])
    client = client_for("corporation_staff")
    export = _start(client, cast, django_capture_on_commit_callbacks, format="csv")
    assert mail.outbox[0].subject == "The export of Woonvereniging De Kapel is ready"
    table = list(
        csv.reader(io.StringIO(_download(client, export).content.decode()[1:]), delimiter=";")
    )
    assert table[0][:3] == ["Commitment", "Period", "Period from"]


def _waiting_export(cast, **fields) -> ExportFile:
    return ExportFile.objects.create(
        association=cast.association, requested_by=cast.corporation_staff, format="csv", **fields
    )


@pytest.mark.parametrize("status", ["queued", "building"])
def test_an_export_that_stays_still_counts_as_failed_and_stops_refreshing(
    cast, client_for, agreement, settings, status
):
    settings.COMPLIANCE_EXPORT_STALE_MINUTES = 15
    client = client_for("corporation_staff")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        export = _waiting_export(cast, status=status)
    url = reverse("compliance:export_status", args=[export.pk])

    with time_machine.travel(start + dt.timedelta(minutes=14, seconds=59), tick=False):
        page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "De export kon niet worden gemaakt." not in page

    with time_machine.travel(start + dt.timedelta(minutes=15), tick=False):
        page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "De export kon niet worden gemaakt." in page
    assert 'data-status="failed"' in page
    assert 'name="format" value="csv"' in page and 'name="scope" value="current"' in page
    # The page only tells it: the export itself is still waiting for a worker.
    export.refresh_from_db()
    assert export.status == status


def test_a_build_that_keeps_moving_is_not_stale(cast, client_for, agreement, settings):
    settings.COMPLIANCE_EXPORT_STALE_MINUTES = 15
    client = client_for("corporation_staff")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        export = _waiting_export(cast, status="building", progress_total=3)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        ExportFile.objects.filter(pk=export.pk).update(
            progress_done=1, progressed_at=timezone.now()
        )
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        page = client.get(reverse("compliance:export_status", args=[export.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "1 van 3 stappen klaar" in page


def test_a_late_worker_that_finishes_a_stale_export_makes_it_ready(
    cast, client_for, agreement, settings, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_EXPORT_STALE_MINUTES = 15
    client = client_for("corporation_staff")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        export = _waiting_export(cast)
    url = reverse("compliance:export_status", args=[export.pk])
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        assert 'data-status="failed"' in client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            built = services.compliance_export_build(export.pk)
        assert built.status == "ready"
        page = client.get(url).content.decode()
    assert 'data-status="ready"' in page
    assert reverse("compliance:export_download", args=[export.pk]) in page
    assert "De export kon niet worden gemaakt." not in page
    assert [m.to for m in mail.outbox] == [[cast.corporation_staff.email]]


def test_the_build_records_when_it_last_moved(cast, agreement):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        export = _waiting_export(cast)
    assert export.progressed_at == start
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        services.compliance_export_build(export.pk)
    export.refresh_from_db()
    assert export.progressed_at == start + dt.timedelta(minutes=5)
