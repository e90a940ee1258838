"""CSV exports: made by a django-q2 task, Dutch Excel's format, served to the requester only."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.site.compliance.models import ExportFile
from coop.site.compliance.services import CommitmentTerms
from tests.compliance import rows

pytestmark = pytest.mark.django_db


def test_the_corporation_exports_the_evidence_as_csv(
    cast, client_for, agreement_for, django_capture_on_commit_callbacks
):
    agreement_for(
        [
            CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0),
            CommitmentTerms(rule="contribution_hours", threshold=50),
        ]
    )
    today = timezone.localdate()
    rows.vacancy(cast.association, reported_on=today.replace(day=1))
    client = client_for("corporation_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:export_start", args=[cast.association.slug]))
    assert response.status_code == 302
    export = ExportFile.objects.get()
    assert export.status == "ready"
    page = client.get(reverse("compliance:association_compliance", args=[cast.association.slug]))
    url = reverse("compliance:export_download", args=[export.pk])
    assert url in page.content.decode()
    download = client.get(url)
    assert download["Content-Disposition"].startswith('attachment; filename="naleving-de-kapel-')
    body = download.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert table[0][0] == "Afspraak"
    # The heading; per commitment eleven earlier periods and this one's evidence rows: one
    # vacancy, four regular and drager members.
    assert len(table) == 1 + (11 + 1) + (11 + 4)
    text = body
    assert "Dirk Drager" not in text and f"lid {cast.drager_member.pk}" in text
    # Someone else who may see the page still does not get this person's file.
    assert client_for("board").get(url).status_code == 404
