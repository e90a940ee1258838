"""Closed periods are frozen once, append-only, with a SHA-256 over their content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from coop.models import AppendOnlyError
from coop.site.compliance import tasks
from coop.site.compliance.models import FrozenResult
from coop.site.compliance.services import CommitmentTerms, content_digest, periods_freeze
from tests.compliance import rows

pytestmark = pytest.mark.django_db


def test_a_closed_period_is_frozen_once_and_later_rows_change_nothing(cast, agreement_for):
    agreement_for([CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0)])
    p = rows.last_month()
    rows.vacancy(cast.association, reported_on=p.start, let_on=p.start + dt.timedelta(20))
    today = p.end + dt.timedelta(days=1)
    assert periods_freeze(today=today) == 3  # the last three closed months
    frozen = FrozenResult.objects.get(period_start=p.start)
    assert (frozen.status, frozen.figure) == ("breached", 20)
    content = {
        "association": cast.association.pk,
        "key": "vacant-days",
        "rule": "vacant_days",
        "params": {},
        "period": [p.start.isoformat(), p.end.isoformat()],
        "status": "breached",
        "figure": "20",
        "threshold": "10.0",
        "explanation": frozen.explanation,
        "evidence": frozen.evidence,
    }
    assert frozen.sha256 == content_digest(content)
    # A row recorded late for that month leaves the frozen result as it was.
    rows.vacancy(cast.association, reported_on=p.start, let_on=p.start + dt.timedelta(25))
    assert periods_freeze(today=today) == 0
    frozen.refresh_from_db()
    assert frozen.figure == 20


def test_frozen_results_cannot_be_changed(cast, agreement_for):
    agreement_for([CommitmentTerms(rule="vacant_days", threshold=10)])
    assert tasks.periods_freeze() == 3
    frozen = FrozenResult.objects.first()
    with pytest.raises(AppendOnlyError):
        FrozenResult.objects.filter(pk=frozen.pk).update(status="met")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compliance_frozenresult SET status = 'met' WHERE id = %s", [frozen.pk]
        )


def test_the_association_page_shows_the_frozen_periods_with_their_hash(
    cast, agreement_for, client_for
):
    from django.urls import reverse

    agreement_for([CommitmentTerms(rule="vacant_days", threshold=10)])
    periods_freeze()
    digest = FrozenResult.objects.order_by("-period_start").first().sha256
    html = (
        client_for("corporation_staff")
        .get(reverse("compliance:association_compliance", args=[cast.association.slug]))
        .content.decode()
    )
    assert digest[:12] in html
