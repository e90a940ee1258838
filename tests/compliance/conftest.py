"""An agreement in force for the cast's association, and helpers to add the rows rules read."""

from __future__ import annotations

import datetime as dt

import pytest

from coop.site.compliance import services
from coop.site.compliance.services import CommitmentTerms, Side


def signed_agreement(cast, terms: list[CommitmentTerms], *, starts_on: dt.date, association=None):
    """A version in force from ``starts_on`` with the given commitments, signed by both sides."""
    association = association or cast.association
    agreement = getattr(association, "agreement", None)
    if agreement is None:
        agreement = services.agreement_create(
            actor=cast.corporation_staff,
            association=association,
            title=f"Afspraken {association.name}",
            care_organisation=cast.care,
        )
    version = services.agreement_version_draft(
        actor=cast.corporation_staff, agreement=agreement, starts_on=starts_on
    )
    for t in terms:
        services.commitment_add(actor=cast.corporation_staff, version=version, terms=t)
    services.agreement_version_sign(
        actor=cast.corporation_staff, version=version, side=Side.CORPORATION
    )
    board = cast.board if association == cast.association else cast.outsider
    return services.agreement_version_sign(actor=board, version=version, side=Side.BOARD)


@pytest.fixture
def agreement_for(cast):
    def make(terms, *, starts_on=dt.date(2020, 1, 1), association=None):
        return signed_agreement(cast, terms, starts_on=starts_on, association=association)

    return make
