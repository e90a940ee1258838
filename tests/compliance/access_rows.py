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


def _draft(cast: Cast):
    """A draft second version, copied from the signed one."""
    from coop.site.compliance import services

    first = _agreement(cast)
    return services.agreement_version_draft(
        actor=cast.corporation_staff,
        agreement=first.agreement,
        starts_on=dt.date(2030, 1, 1),
        copy_from=first,
    )


def _export(cast: Cast):
    from coop.site.compliance.models import ExportFile

    return ExportFile.objects.create(
        association=cast.association,
        requested_by=cast.corporation_staff,
        status=ExportFile.Status.READY,
        filename="naleving.csv",
        content=b"\xef\xbb\xbfa;b\r\n",
    )


def _export_start_url(cast: Cast) -> str:
    _agreement(cast)
    return reverse("compliance:export_start", args=[cast.association.slug])


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
    "compliance:agreement_detail": Row(
        lambda c: reverse("compliance:agreement_detail", args=[c.association.slug]),
        only(("board", "corporation_staff")),
    ),
    "compliance:agreement_create": Row(
        lambda c: reverse("compliance:agreement_create", args=[c.association.slug]),
        only(("corporation_staff",), status_ok=REDIRECT),
        method="post",
        extra={"title": "Afspraken"},
    ),
    "compliance:version_draft": Row(
        lambda c: reverse(
            "compliance:version_draft", args=[_agreement(c).agreement.association.slug]
        ),
        only(("corporation_staff",), status_ok=REDIRECT),
        method="post",
        extra={"starts_on": "2030-01-01"},
    ),
    "compliance:commitment_add": Row(
        lambda c: reverse("compliance:commitment_add", args=[_draft(c).pk]),
        only(("corporation_staff",), status_ok=REDIRECT),
        method="post",
    ),
    "compliance:version_sign": Row(
        lambda c: reverse("compliance:version_sign", args=[_draft(c).pk]),
        only(("board", "corporation_staff"), status_ok=REDIRECT),
        method="post",
    ),
    "compliance:export_start": Row(
        _export_start_url,
        only(("board", "care_worker", "corporation_staff"), status_ok=REDIRECT),
        method="post",
        extra={"format": "xlsx", "scope": "current"},
    ),
    "compliance:export_status": Row(
        lambda c: reverse("compliance:export_status", args=[_export(c).pk]),
        only(("corporation_staff",)),
        reason="Only the person who asked for the file, while they may see the compliance.",
    ),
    "compliance:export_download": Row(
        lambda c: reverse("compliance:export_download", args=[_export(c).pk]),
        only(("corporation_staff",)),
        reason="Only the person who asked for the file, while they may see the compliance.",
    ),
}

OBJECT_ROWS: dict[str, Row] = {
    "compliance:agreement_detail (another association)": Row(
        lambda c: reverse("compliance:agreement_detail", args=[c.other_association.slug]),
        only(("outsider", "corporation_staff")),
    ),
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
    "compliance:export_start": WrongMethod("get", _export_start_url),
    "compliance:export_status": WrongMethod(
        "post",
        lambda c: reverse("compliance:export_status", args=[_export(c).pk]),
        role="corporation_staff",
    ),
    "compliance:export_download": WrongMethod(
        "post",
        lambda c: reverse("compliance:export_download", args=[_export(c).pk]),
        role="corporation_staff",
    ),
    "compliance:agreement_detail": WrongMethod(
        "post", lambda c: reverse("compliance:agreement_detail", args=[c.association.slug])
    ),
    "compliance:agreement_create": WrongMethod(
        "get",
        lambda c: reverse("compliance:agreement_create", args=[c.association.slug]),
        role="corporation_staff",
    ),
    "compliance:version_draft": WrongMethod(
        "get",
        lambda c: reverse("compliance:version_draft", args=[c.association.slug]),
        role="corporation_staff",
    ),
    "compliance:commitment_add": WrongMethod(
        "get",
        lambda c: reverse("compliance:commitment_add", args=[_draft(c).pk]),
        role="corporation_staff",
    ),
    "compliance:version_sign": WrongMethod(
        "get", lambda c: reverse("compliance:version_sign", args=[_draft(c).pk])
    ),
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
