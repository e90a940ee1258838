"""The demo association's agreement with the corporation, signed by both sides, whose
commitments show the four states (met, at risk, breached, no data) on the demo's own data."""

from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta

from coop.demo.base import Seeder
from coop.models import Association
from coop.site.compliance import services
from coop.site.compliance.models import Agreement
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import RULES, Direction, Rule
from coop.site.compliance.services import CommitmentTerms, Side

DEMO_SLUG = "de-zonnewijzer"
STATES = ("met", "at_risk", "breached", "no_data")


def _tries(rule_class: type[Rule], figure: Decimal | None, state: str):
    """(threshold, band) pairs that give ``state`` for a figure, most natural first."""
    if state == "no_data":
        yield rule_class.default_threshold, rule_class.default_band
        return
    if figure is None:
        return
    at_least = rule_class.direction == Direction.AT_LEAST
    ceiling = Decimal(100) if rule_class.unit == "%" else None
    if state == "met":
        yield (max(Decimal(0), figure - 10) if at_least else figure + 10), Decimal(0)
    elif state == "at_risk":
        yield figure, Decimal(10)
    elif at_least:
        if ceiling is None or figure + 10 <= ceiling:
            yield figure + 10, Decimal(0)
    elif figure >= 1:
        yield figure - 1, Decimal(0)


def _terms(association: Association, today) -> list[CommitmentTerms]:
    """One commitment per state, the thresholds set on this month's figures; every other
    rule type with its default threshold."""
    period = Period.containing("month", today)
    chosen: dict[str, CommitmentTerms] = {}
    rest: list[CommitmentTerms] = []
    for rule_type, rule_class in RULES.items():
        probe = rule_class(params={}, threshold=rule_class.default_threshold, band=Decimal(0))
        figure = probe.evaluate(association, period, as_of=today).figure
        picked = None
        for state in STATES:
            if state in chosen:
                continue
            for threshold, band in _tries(rule_class, figure, state):
                rule = rule_class(params={}, threshold=threshold, band=band)
                if rule.evaluate(association, period, as_of=today).status == state:
                    picked = CommitmentTerms(rule=rule_type, threshold=threshold, at_risk_band=band)
                    chosen[state] = picked
                    break
            if picked:
                break
        if picked is None:
            rest.append(CommitmentTerms(rule=rule_type))
    return [*chosen.values(), *rest]


def agreement(seeder: Seeder) -> Agreement | None:
    """The demo association's agreement, in force since half a year ago (so the charts show
    periods before it ran as "no data"); skipped when it exists."""
    association = Association.objects.filter(slug=DEMO_SLUG).first()
    if association is None:
        return None
    existing = Agreement.objects.filter(association=association).first()
    if existing is not None:
        return existing
    staff, board = seeder.users["corporation_staff"], seeder.users["board"]
    made = services.agreement_create(
        actor=staff, association=association, title="Prestatieafspraken De Zonnewijzer"
    )
    version = services.agreement_version_draft(
        actor=staff,
        agreement=made,
        starts_on=seeder.today.replace(day=1) - relativedelta(months=6),
        note="Eerste afspraken na de evaluatie van het eerste jaar.",
    )
    for terms in _terms(association, seeder.today):
        services.commitment_add(actor=staff, version=version, terms=terms)
    services.agreement_version_sign(actor=staff, version=version, side=Side.CORPORATION)
    services.agreement_version_sign(actor=board, version=version, side=Side.BOARD)
    seeder.created += 1
    return made
