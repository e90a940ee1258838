"""The own-data page and file read everything a person has in a fixed number of queries: more
memberships, omklap contracts, votes, sign-ups or hours do not add any (QUALITY performance 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from activities.models import ContributionLog, Occurrence, SignUp
from coop.models import Association
from members.models import (
    CareDataAccess,
    Invitation,
    Member,
    MonitoringMoment,
    OmklapContract,
    Tenancy,
)
from tests.activities.conftest import member_of
from tests.helpers import assert_flat_query_count
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import services as vacancy_services

# session, user and viewer (3); the account: second factors, addresses (2); staff links and
# memberships with their calendar links (2); for all memberships at once: groups, tenancies,
# roles, invitations, care (5), contracts with their moments, decisions and access log (4),
# electors with their rounds, votes, recusals, receipts of the open rounds voted in (4),
# applications, proposals, sign-ups, hours, exemptions (5); audit entries (1); one per kind
# of record made (38); the audit entry of this view in its savepoint (3).
QUERIES = 67


def _grow(cast, activity):
    """Vera gets ``n`` of each: memberships (the others left, each with its invitation),
    closed omklap contracts with moments and a read of her file, open rounds she voted in,
    sign-ups and hours."""
    vera = member_of(cast.vrager)
    tenancy = Tenancy.objects.get(member=vera)
    today = timezone.localdate()

    def grow(n: int) -> None:
        have = Member.objects.filter(user=cast.vrager).count()
        for i in range(have, n):
            association = Association.objects.create(
                name=f"Vereniging {i}",
                slug=f"vereniging-{i}",
                kind=Association.Kind.ASSOCIATION,
                corporation=cast.association.corporation,
            )
            former = Member.objects.create(
                association=association,
                user=cast.vrager,
                name="Vera Vrager",
                joined_on=today - dt.timedelta(days=900),
                left_on=today - dt.timedelta(days=400),
                status=Member.Status.LEFT,
            )
            Invitation.objects.create(
                association=association,
                member=former,
                email=f"vera{i}@example.org",
                token_hash=f"{i:064x}",
                sent_at=timezone.now(),
                expires_at=timezone.now() + dt.timedelta(days=7),
                invited_by=cast.board,
            )
            starts_on = today - dt.timedelta(days=2000 - 100 * i)
            contract = OmklapContract.objects.create(
                tenancy=tenancy,
                care_organisation=cast.care,
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=60),
                length_months=2,
                stage=OmklapContract.Stage.ENDED,
                closed_on=starts_on + dt.timedelta(days=60),
            )
            for days in (20, 50):
                MonitoringMoment.objects.create(
                    contract=contract,
                    kind=MonitoringMoment.Kind.SCHEDULED,
                    due_on=starts_on + dt.timedelta(days=days),
                )
            CareDataAccess.objects.create(
                user=cast.care_worker,
                organisation=cast.care,
                member=vera,
                contract=contract,
                action=CareDataAccess.Action.READ,
                subject="moments",
            )
            voting_round = open_round(cast, make_vacancy(cast, unit=empty_unit(cast, f"v{i}")))
            first, second, _third = candidates_of(voting_round)
            vacancy_services.ballot_cast(
                voting_round=voting_round,
                member=vera,
                choices={"answers": {str(first.pk): "yes", str(second.pk): "no"}},
            )
            start = timezone.now() + dt.timedelta(days=400 + i)
            occurrence = Occurrence.objects.create(
                activity=activity,
                original_start=start,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
            )
            SignUp.objects.create(occurrence=occurrence, member=vera)
            ContributionLog.objects.create(
                member=vera,
                date=today - dt.timedelta(days=i),
                hours=Decimal("1"),
                kind=ContributionLog.Kind.OTHER,
                logged_by=cast.vrager,
            )

    return grow


def test_more_memberships_contracts_votes_and_hours_add_no_queries(cast, client, plan):
    grow = _grow(cast, plan(title="Koffie"))
    client.force_login(cast.vrager)
    for name in ("mydata:page", "mydata:download"):
        url = reverse(name)
        assert_flat_query_count(
            lambda url=url: client.get(url), grow, queries=QUERIES, small=2, large=5
        )
