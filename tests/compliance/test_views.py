"""The compliance pages: what each viewer sees, privacy by tier, follow-up, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coop.models import Association, Building
from coop.site.compliance.models import Agreement, AgreementVersion, Commitment, FollowUp
from coop.site.compliance.rules import pseudonym
from coop.site.compliance.services import CommitmentTerms
from tests.compliance import rows
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db

TERMS = [
    CommitmentTerms(rule="vacant_days", threshold=10, at_risk_band=0),
    CommitmentTerms(rule="contribution_hours", threshold=50),
    CommitmentTerms(rule="monitoring", threshold=100, at_risk_band=0),
    CommitmentTerms(rule="vragers_take_part", threshold=50),
    CommitmentTerms(rule="activities", threshold=1, at_risk_band=0),
]


def page(client, cast, association=None):
    association = association or cast.association
    return client.get(reverse("compliance:association_compliance", args=[association.slug]))


def test_the_corporation_sees_every_commitment_with_state_figure_and_trend(
    cast, client_for, agreement_for
):
    agreement_for(TERMS)
    today = timezone.localdate()
    rows.vacancy(cast.association, reported_on=today.replace(day=1), let_on=None)
    client = client_for("corporation_staff")
    response = client.get(reverse("compliance:corporation_overview", args=[cast.corporation.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr>") == 1 + len(TERMS)  # the heading and one row per commitment
    assert "state-breached" in html and "✗" in html  # the hours: nobody logged any
    assert "Verenigingen zonder ondertekende afspraken" in html and "Het Erf" in html
    only_met = client.get(
        reverse("compliance:corporation_overview", args=[cast.corporation.slug]),
        {"state": "met"},
    ).content.decode()
    assert "state-breached" not in only_met.split("<tbody>")[1]


def test_hours_reach_the_corporation_pseudonymised_and_the_board_by_name(
    cast, client_for, agreement_for
):
    agreement_for(TERMS)
    corporation = page(client_for("corporation_staff"), cast).content.decode()
    assert "Dirk Drager" not in corporation
    with translation.override("nl"):
        assert pseudonym(cast.drager_member.pk) in corporation
    board = page(client_for("board"), cast).content.decode()
    assert "Dirk Drager" in board


def test_the_care_organisation_sees_the_care_commitments_as_aggregates(
    cast, client_for, agreement_for
):
    agreement_for(TERMS)
    p = rows.last_month()
    rows.contract(
        cast.association,
        cast,
        starts_on=p.start - dt.timedelta(400),
        ends_on=p.start + dt.timedelta(400),
        held=[p.start],
    )
    other = rows.contract(
        cast.association,
        cast,
        starts_on=p.start - dt.timedelta(400),
        ends_on=p.start + dt.timedelta(400),
        held=[p.start],
        care=cast.other_care,
    )
    html = page(client_for("care_worker"), cast).content.decode()
    assert 'id="monitoring"' in html and 'id="vragers-take-part"' in html
    assert 'id="vacant-days"' not in html and 'id="contribution-hours"' not in html
    assert "&lt; 5 van &lt; 5" in html
    assert f"/contracts/{other.pk}/" not in html  # another organisation's client
    assert "Vertrouwelijke" not in html
    board = page(client_for("board"), cast).content.decode()
    assert "/contracts/" not in board  # the board: the aggregate only
    corporation = page(client_for("corporation_staff"), cast).content.decode()
    assert f"/contracts/{other.pk}/" in corporation
    assert "Vertrouwelijke" not in corporation


def test_the_board_explains_a_breach_and_the_corporation_resolves_it(
    cast, client_for, agreement_for
):
    agreement_for(TERMS[:1])
    today = timezone.localdate()
    rows.vacancy(
        cast.association,
        reported_on=today - dt.timedelta(40),
        available_from=today - dt.timedelta(40),
    )
    board = client_for("board")
    html = page(board, cast).content.decode()
    assert "Licht deze schending toe" in html
    url = reverse("compliance:follow_up_record", args=[cast.association.slug, "vacant-days"])
    response = board.post(
        url,
        {
            "vacant-days-period": today.replace(day=1).isoformat(),
            "vacant-days-explanation": "De woning had lekkage.",
            "vacant-days-action": "Dak laten repareren.",
            "vacant-days-due_on": (today + dt.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.action == "Dak laten repareren."
    assert "Licht deze schending toe" not in page(board, cast).content.decode()
    corporation = client_for("corporation_staff")
    assert "De woning had lekkage." in page(corporation, cast).content.decode()
    corporation.post(
        reverse("compliance:follow_up_resolve", args=[follow_up.pk]), {"resolution": "Klaar."}
    )
    follow_up.refresh_from_db()
    assert follow_up.is_resolved and follow_up.resolution == "Klaar."


def _associations_with_agreements(cast, n: int) -> None:
    """``n`` associations of the corporation, each with a signed agreement and some rows."""
    p = rows.last_month()
    for i in range(n):
        association = (
            Association.objects.filter(corporation=cast.corporation)
            .order_by("pk")[i : i + 1]
            .first()
        )
        if association is None:
            association = Association.objects.create(
                name=f"Vereniging {i:03d}",
                slug=f"vereniging-{i}",
                kind="association",
                corporation=cast.corporation,
            )
            Building.objects.create(
                association=association,
                name="Blok",
                street_address="Straat 1",
                postal_code="1234 AB",
                city="Utrecht",
            )
        elif Agreement.objects.filter(association=association).exists():
            continue
        agreement = Agreement.objects.create(
            corporation=cast.corporation, association=association, title="Afspraken"
        )
        now = timezone.now()
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            starts_on=dt.date(2020, 1, 1),
            created_by=cast.corporation_staff,
            corporation_signed_at=now,
            board_signed_at=now,
            in_force=True,
        )
        for position, rule in enumerate(
            (
                "vacant_days",
                "nomination_on_time",
                "confirmation_on_time",
                "contribution_hours",
                "monitoring",
                "activities",
                "vragers_take_part",
                "mix",
                "decision_before_end",
                "motivated_decisions",
                "conversion_outcomes",
            )
        ):
            Commitment.objects.create(
                version=version,
                key=rule,
                rule=rule,
                threshold=Decimal(10),
                position=position,
                params={"days": 30} if rule in ("nomination_on_time",) else {},
            )
        rows.vacancy(association, reported_on=p.start, nominated_on=p.start + dt.timedelta(5))
        member = rows.resident(association, group="regular", joined=p.start - dt.timedelta(90))
        rows.hours(member, p.start, "5")
        rows.contract(
            association,
            cast,
            starts_on=p.start - dt.timedelta(300),
            ends_on=p.start + dt.timedelta(400),
            held=[p.start],
        )
        rows.occurrence(association, rows.aware(p.start + dt.timedelta(2)))


def test_the_overview_needs_the_same_queries_for_2_and_20_associations(cast, client_for):
    client = client_for("corporation_staff")
    url = reverse("compliance:corporation_overview", args=[cast.corporation.slug])
    # Session, user, the cached viewer; the associations; the commitments in force with their
    # versions; then one query per kind of row the rules read: vacancies, nominations,
    # members (with their groups and exemptions), hours, contracts (with their moments' days,
    # decisions and the residents' homes), occurrences, attendance, tenancies, candidates.
    count = assert_flat_query_count(
        lambda: client.get(url),
        lambda n: _associations_with_agreements(cast, n),
        queries=14,
        small=2,
        large=20,
    )
    assert count <= 15


def test_the_dashboard_leads_corporation_staff_to_the_overview(cast, client_for):
    overview = reverse("compliance:corporation_overview", args=[cast.corporation.slug])
    html = client_for("corporation_staff").get(reverse("portal:dashboard")).content.decode()
    assert overview in html
    board = client_for("board").get(reverse("portal:dashboard")).content.decode()
    assert overview not in board


def test_the_corporation_writes_the_agreement_and_both_sides_sign_it(cast, client_for):
    corporation = client_for("corporation_staff")
    page_url = reverse("compliance:agreement_detail", args=[cast.association.slug])
    corporation.post(
        reverse("compliance:agreement_create", args=[cast.association.slug]),
        {"title": "Afspraken De Kapel"},
    )
    corporation.post(
        reverse("compliance:version_draft", args=[cast.association.slug]),
        {"starts_on": "2025-01-01", "note": "Eerste versie."},
    )
    version = AgreementVersion.objects.get()
    add_url = reverse("compliance:commitment_add", args=[version.pk])
    corporation.post(
        add_url,
        {
            f"v{version.pk}-rule": "nomination_on_time",
            f"v{version.pk}-threshold": "90",
            f"v{version.pk}-at_risk_band": "5",
            f"v{version.pk}-period_kind": "quarter",
            f"v{version.pk}-days": "21",
        },
    )
    commitment = version.commitments.get()
    assert (commitment.params, commitment.period_kind) == ({"days": 21}, "quarter")
    # A bad parameter is refused and changes nothing.
    response = corporation.post(
        add_url,
        {
            f"v{version.pk}-rule": "monitoring",
            f"v{version.pk}-threshold": "100",
            f"v{version.pk}-at_risk_band": "0",
            f"v{version.pk}-period_kind": "month",
            f"v{version.pk}-days": "99",
        },
        follow=True,
    )
    assert version.commitments.count() == 1
    assert "24" in response.content.decode()  # "... between 1 and 24."
    corporation.post(reverse("compliance:version_sign", args=[version.pk]))
    board = client_for("board")
    assert "Onderteken deze versie" in board.get(page_url).content.decode()
    board.post(reverse("compliance:version_sign", args=[version.pk]))
    version.refresh_from_db()
    assert version.in_force and version.board_signed_by == cast.board
    assert version.corporation_signed_by == cast.corporation_staff


def test_the_dashboard_leads_the_board_to_its_associations_compliance(cast, client_for):
    page = reverse("compliance:association_compliance", args=[cast.association.slug])
    assert page in client_for("board").get(reverse("portal:dashboard")).content.decode()
    assert page not in client_for("drager").get(reverse("portal:dashboard")).content.decode()
