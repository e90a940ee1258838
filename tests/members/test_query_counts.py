"""Pages keep the same query count with 10 and with 500 rows (QUALITY performance 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from coop.models import Association, Building, Unit
from members.models import (
    AssociationRole,
    CareAssignment,
    Member,
    MixGroupPeriod,
    Role,
    Tenancy,
)
from tests.helpers import assert_flat_query_count

GROUPS = ("vrager", "drager", "regular")


def _add_residents(cast, target: int) -> None:
    """Grow the cast's association to ``target`` extra residents, each with a unit and a role."""
    existing = Member.objects.filter(name__startswith="Bewoner ").count()
    if existing >= target:
        return
    joined = timezone.localdate() - dt.timedelta(days=30)
    units = Unit.objects.bulk_create(
        Unit(building=cast.building, number=f"B{n}", kind="regular", rent=Decimal("600"))
        for n in range(existing, target)
    )
    members = Member.objects.bulk_create(
        Member(association=cast.association, name=f"Bewoner {n}", joined_on=joined)
        for n in range(existing, target)
    )
    MixGroupPeriod.objects.bulk_create(
        MixGroupPeriod(member=m, group=GROUPS[i % 3], starts_on=joined)
        for i, m in enumerate(members)
    )
    Tenancy.objects.bulk_create(
        Tenancy(member=m, unit=u, kind="regular", starts_on=joined)
        for m, u in zip(members, units, strict=True)
    )
    AssociationRole.objects.bulk_create(
        AssociationRole(member=m, role=Role.COORDINATOR, starts_on=joined) for m in members[::2]
    )


def test_the_dashboard_needs_few_queries_whatever_the_association_size(cast, client_for):
    client = client_for("board")
    # session, user, viewer (cached), home, rounds, "Voor jou" (every count in one query),
    # next sign-ups, hours this month
    assert_flat_query_count(
        lambda: client.get(reverse("portal:dashboard")),
        lambda n: _add_residents(cast, n),
        queries=8,
    )


def test_the_members_page_has_a_flat_query_count(cast, client_for):
    client = client_for("board")
    # session, user, viewer (cached), association, members with group, their roles, invitations
    assert_flat_query_count(
        lambda: client.get(reverse("portal:association_members", args=[cast.association.slug])),
        lambda n: _add_residents(cast, n),
        queries=6,
    )


def test_the_association_page_has_a_flat_query_count(cast, client_for):
    client = client_for("vrager")

    def grow(n: int) -> None:
        _add_residents(cast, n)
        have = cast.association.buildings.count()
        Building.objects.bulk_create(
            Building(
                association=cast.association,
                name=f"Blok {i}",
                street_address=f"Laan {i}",
                postal_code="3511 AA",
                city="Utrecht",
            )
            for i in range(have, n)
        )

    # session, user, viewer (cached), association, resident counts, buildings
    assert_flat_query_count(
        lambda: client.get(reverse("portal:association_detail", args=[cast.association.slug])),
        grow,
        queries=5,
    )


def test_the_corporation_page_has_a_flat_query_count(cast, client_for):
    client = client_for("corporation_staff")

    def grow(n: int) -> None:
        have = cast.corporation.associations.count()
        Association.objects.bulk_create(
            Association(
                name=f"Vereniging {i}",
                slug=f"vereniging-{i}",
                kind="association",
                corporation=cast.corporation,
            )
            for i in range(have, n)
        )
        _add_residents(cast, n)

    # session, user, viewer (cached), associations, resident counts per association
    assert_flat_query_count(
        lambda: client.get(reverse("portal:organisation_detail", args=[cast.corporation.slug])),
        grow,
        queries=5,
    )


def test_the_care_page_has_a_flat_query_count(cast, client_for):
    client = client_for("care_worker")

    def grow(n: int) -> None:
        _add_residents(cast, n)
        have = CareAssignment.objects.filter(organisation=cast.care).count()
        clients = Member.objects.filter(name__startswith="Bewoner ").order_by("pk")[have:n]
        CareAssignment.objects.bulk_create(
            CareAssignment(
                member=m,
                organisation=cast.care,
                worker=cast.care_worker,
                starts_on=timezone.localdate(),
            )
            for m in clients
        )

    # session, user, viewer (cached), clients with their association, worker and home
    assert_flat_query_count(
        lambda: client.get(reverse("portal:organisation_detail", args=[cast.care.slug])),
        grow,
        queries=4,
    )


def test_the_public_home_page_has_a_flat_query_count(cast, client):
    from coop.models import HomePage, NewsIndexPage, NewsPage

    home = HomePage.objects.get()
    news_index = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws"))

    def grow(n: int) -> None:
        have = NewsPage.objects.count()
        for i in range(have, n):
            news_index.add_child(
                instance=NewsPage(
                    title=f"Bericht {i}", slug=f"bericht-{i}", date=timezone.localdate()
                )
            )
            news_index.refresh_from_db()

    # site with its root, the home page, its front (logo, apply page, children for the menu and
    # the vacancy page, view restrictions) in one query, latest news; no vacancy page here, so no
    # open homes to read
    assert_flat_query_count(lambda: client.get("/"), grow, queries=4, small=3, large=40)
