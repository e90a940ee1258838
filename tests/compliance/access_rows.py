"""Access-matrix rows for the compliance pages: the corporation's staff, the association's
board, and care organisations of its residents (care commitments); everyone else 404."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coop.site.compliance.models import FollowUp
from coop.site.compliance.services import CommitmentTerms
from tests.access import NOT_FOUND, OK, REDIRECT, Row, WrongMethod, only
from tests.compliance.conftest import signed_agreement
from tests.conftest import Cast

TERMS = [CommitmentTerms(rule="vacant_days", threshold=30)]


def _agreement(cast: Cast, association=None):
    return signed_agreement(cast, TERMS, starts_on=dt.date(2020, 1, 1), association=association)


def _follow_up(cast: Cast) -> FollowUp:
    commitment = _agreement(cast).commitments.get()
    today = timezone.localdate()
    return FollowUp.objects.create(
        commitment=commitment,
        period_start=today.replace(day=1),
        period_end=today.replace(day=1) + dt.timedelta(days=31),
        explanation="Lekkage.",
        action="Herstel.",
        due_on=today + dt.timedelta(days=30),
        recorded_by=cast.board,
    )


def _page(cast: Cast, association=None) -> str:
    association = association or cast.association
    _agreement(cast, association)
    return reverse("compliance:association_compliance", args=[association.slug])


def _record_url(cast: Cast) -> str:
    _agreement(cast)
    return reverse("compliance:follow_up_record", args=[cast.association.slug, "vacant-days"])


ROWS: dict[str, Row] = {
    "compliance:corporation_overview": Row(
        lambda c: reverse("compliance:corporation_overview", args=[c.corporation.slug]),
        only(("corporation_staff",)),
    ),
    "compliance:association_compliance": Row(
        _page,
        only(("board", "care_worker", "corporation_staff")),
        reason="The care worker's client lives here: the care commitments only.",
    ),
    "compliance:follow_up_record": Row(
        _record_url,
        only(("board",), status_ok=REDIRECT),
        method="post",
        extra={"vacant-days-period": "2026-01-01"},
    ),
    "compliance:follow_up_resolve": Row(
        lambda c: reverse("compliance:follow_up_resolve", args=[_follow_up(c).pk]),
        only(("corporation_staff",), status_ok=REDIRECT),
        method="post",
    ),
}

OBJECT_ROWS: dict[str, Row] = {
    "compliance:association_compliance (another association)": Row(
        lambda c: _page(c, c.other_association),
        {**only(("outsider", "corporation_staff")), "care_worker": NOT_FOUND},
        reason="Its own board and the corporation; no client of the care worker lives there.",
    ),
    "compliance:corporation_overview (a care organisation)": Row(
        lambda c: reverse("compliance:corporation_overview", args=[c.care.slug]),
        only(()),
    ),
}

WRONG_METHOD = {
    "compliance:corporation_overview": WrongMethod(
        "post",
        lambda c: reverse("compliance:corporation_overview", args=[c.corporation.slug]),
        role="corporation_staff",
    ),
    "compliance:association_compliance": WrongMethod("post", _page),
    "compliance:follow_up_record": WrongMethod("get", _record_url),
    "compliance:follow_up_resolve": WrongMethod(
        "get",
        lambda c: reverse("compliance:follow_up_resolve", args=[_follow_up(c).pk]),
        role="corporation_staff",
    ),
}

__all__ = ["OK", "ROWS"]
