"""The bench's agreements: every association's, signed by both sides, with all rule types."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from coop.bench.data import BenchData
from coop.bench.places import _login_unit
from coop.models import Unit
from coop.site.compliance import services
from coop.site.compliance.rules import RULES
from coop.site.compliance.services import CommitmentTerms, Side
from members.models import AssociationRole, Role

# Each association's agreement has been in force for a year, so charts and trends have periods.
BENCH_AGREEMENT_MONTHS = 12


def seed_agreements(data: BenchData) -> None:
    """A board member in every association, and an agreement with a commitment of every rule
    type (its default parameters and threshold), written and signed through the services, as
    the corporation's staff and the board would."""
    skip = _login_unit(data)  # the bench member's own roles stay as the bench measures them
    boards = {}
    for n, (unit, member) in enumerate(zip(data.units, data.members, strict=True)):
        if n != skip and unit.kind == Unit.Kind.REGULAR and member.user_id is not None:
            boards.setdefault(member.association_id, member)
    AssociationRole.objects.bulk_create(
        AssociationRole(member=m, role=Role.BOARD, starts_on=m.joined_on) for m in boards.values()
    )
    staff = data.staff
    assert staff is not None  # seed_logins ran before
    starts_on = data.today.replace(day=1) - relativedelta(months=BENCH_AGREEMENT_MONTHS)
    terms = [CommitmentTerms(rule=rule_type) for rule_type in RULES]
    for association in data.associations:
        agreement = services.agreement_create(
            actor=staff, association=association, title=f"Prestatieafspraken {association.name}"
        )
        version = services.agreement_version_draft(
            actor=staff, agreement=agreement, starts_on=starts_on
        )
        for t in terms:
            services.commitment_add(actor=staff, version=version, terms=t)
        services.agreement_version_sign(actor=staff, version=version, side=Side.CORPORATION)
        services.agreement_version_sign(
            actor=boards[association.pk].user, version=version, side=Side.BOARD
        )
    data.rows.update(
        agreements=len(data.associations), commitments=len(data.associations) * len(terms)
    )
