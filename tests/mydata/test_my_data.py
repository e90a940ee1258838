"""A person's own data: the page and the JSON file hold what the platform keeps about them,
never another member's data, never a vote's choice or a care note they do not see; each
view and download is logged."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import ContributionLog, Occurrence, SignUp
from coop.models import AuditEntry
from members.models import CareDataAccess, Member, MonitoringMoment, OmklapContract, Tenancy
from members.services import care_data_read, omklap_contract_start
from tests.activities.conftest import member_of
from tests.conftest import make_user
from tests.helpers import assert_flat_query_count
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import services as vacancy_services
from vacancies.models import Ballot, Candidate, Nomination


def _export(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("mydata:download"))
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def busy(cast, plan):
    """Vera and Dirk both signed up, logged hours and voted in the open round."""
    activity = plan(title="Moestuin wieden")
    occurrence = Occurrence.objects.filter(activity=activity).earliest("starts_at")
    vera, dirk = member_of(cast.vrager), member_of(cast.drager)
    for user, member, note in ((cast.vrager, vera, "Tomaten"), (cast.drager, dirk, "Schuur")):
        activity_services.signup_create(actor=user, occurrence=occurrence, member=member)
        ContributionLog.objects.create(
            member=member,
            date=timezone.localdate() - dt.timedelta(days=3),
            hours=Decimal("2.5"),
            kind=ContributionLog.Kind.BUILDING,
            note=f"{note} geholpen",
            logged_by=user,
        )
    voting_round = open_round(cast, make_vacancy(cast))
    first, second, _third = candidates_of(voting_round)
    receipts = {
        member.pk: vacancy_services.ballot_cast(
            voting_round=voting_round,
            member=member,
            choices={"answers": {str(first.pk): "yes", str(second.pk): "no"}},
        )
        for member in (vera, dirk)
    }
    return {"vera": vera, "dirk": dirk, "round": voting_round, "receipts": receipts}


def test_the_file_is_an_attachment_in_json_and_every_download_is_logged(cast, client):
    client.force_login(cast.vrager)
    url = reverse("mydata:download")
    first, second = client.get(url), client.get(url)
    assert first["Content-Type"].startswith("application/json")
    assert first["Content-Disposition"].startswith('attachment; filename="mijn-gegevens-')
    assert json.loads(first.content)["account"]["email"] == "vrager@example.org"
    assert second.status_code == 200
    entries = AuditEntry.objects.filter(action="account.data_downloaded", actor=cast.vrager)
    assert [e.data for e in entries.order_by("pk")] == [{"format": "json"}, {"format": "json"}]
    assert all(e.target_repr == f"user {cast.vrager.pk}" for e in entries)


def test_the_page_shows_the_same_data_and_is_logged(cast, client, busy):
    client.force_login(cast.vrager)
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("mydata:page"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Vera Vrager" in text and "Moestuin wieden" in text and "Tomaten geholpen" in text
    assert "aangemeld" in text and "2,50 uur" in text and "omklaphuurovereenkomst" in text
    assert busy["receipts"][busy["vera"].pk] in text
    assert reverse("mydata:download") in text
    assert AuditEntry.objects.filter(
        action="account.data_downloaded", actor=cast.vrager, data={"format": "html"}
    ).exists()


def test_the_profile_page_leads_to_the_own_data(cast, client):
    client.force_login(cast.vrager)
    assert reverse("mydata:page") in client.get(reverse("portal:profile")).content.decode()


def test_the_export_holds_my_sign_ups_hours_and_vote_receipts(cast, client, busy):
    data = _export(client, cast.vrager)
    assert data["account"]["second_factor"] is False
    (membership,) = data["memberships"]
    assert membership["association"] == "Woonvereniging De Kapel"
    assert [g["group"] for g in membership["groups"]] == ["vrager"]
    assert [t["kind"] for t in membership["tenancies"]] == ["omklap"]
    assert [s["activity"] for s in membership["signups"]] == ["Moestuin wieden"]
    assert [(c["hours"], c["note"]) for c in membership["contributions"]] == [
        ("2.50", "Tomaten geholpen")
    ]
    (vote,) = membership["voting_rounds"]
    assert vote["voted"] is True
    assert vote["receipt"] == busy["receipts"][busy["vera"].pk]
    assert membership["care_assignments"][0]["organisation"] == "Stichting Onderdak"


def test_another_members_data_never_appears_in_my_export(cast, client, busy):
    text = json.dumps(_export(client, cast.vrager), ensure_ascii=False)
    dirk = busy["dirk"]
    for foreign in ("Dirk", "drager@example.org", "Schuur geholpen", busy["receipts"][dirk.pk]):
        assert foreign not in text
    # And the other way round.
    text = json.dumps(_export(client, cast.drager), ensure_ascii=False)
    for foreign in (
        "Vera",
        "vrager@example.org",
        "Tomaten geholpen",
        busy["receipts"][busy["vera"].pk],
    ):
        assert foreign not in text


def test_a_vote_never_shows_its_choice(cast, client, busy):
    membership = _export(client, cast.vrager)["memberships"][0]
    (vote,) = membership["voting_rounds"]
    assert set(vote) == {
        "unit",
        "round",
        "opens_at",
        "closes_at",
        "status",
        "voted",
        "receipt",
        "stepped_out",
    }
    assert '"yes"' not in json.dumps(vote) and "answers" not in json.dumps(membership)
    assert Ballot.objects.filter(receipt=vote["receipt"]).exists()


def test_my_omklap_contract_shows_outcomes_and_who_read_it_but_not_the_care_notes(cast, client):
    today = timezone.localdate()
    tenancy = Tenancy.objects.get(member=cast.vrager_member)
    contract = omklap_contract_start(
        actor=cast.care_worker,
        tenancy=tenancy,
        care_organisation=cast.care,
        starts_on=today - dt.timedelta(days=200),
        conditions=[],
    )
    moment = contract.moments.order_by("due_on").first()
    MonitoringMoment.objects.filter(pk=moment.pk).update(
        held_on=today - dt.timedelta(days=20),
        outcome="on_track",
        care_notes="Geheime zorgnotitie over de nachten",
        participants="Zoë en Vera",
    )
    care_data_read(actor=cast.care_worker, contract=OmklapContract.objects.get(pk=contract.pk))
    (data,) = _export(client, cast.vrager)["memberships"][0]["omklap_contracts"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Geheime zorgnotitie" not in text and "Zoë en Vera" not in text
    assert [m["outcome"] for m in data["moments"] if m["held_on"]] == ["on_track"]
    assert CareDataAccess.objects.filter(member=cast.vrager_member).exists()
    assert {e["by"] for e in data["access_log"]} == {"Zoë Zorg"}


def test_a_staff_member_sees_their_account_and_staff_links_without_clients_names(cast, client):
    data = _export(client, cast.care_worker)
    assert data["memberships"] == []
    assert [link["organisation"] for link in data["staff_links"]] == ["Stichting Onderdak"]
    assert data["account"]["second_factor"] is True
    # No secret of the second factor leaves the database.
    assert set(data["account"]["second_factors"][0]) == {
        "type",
        "type_label",
        "created_at",
        "last_used_at",
    }
    made = [r for r in data["records_made"] if r["record"] == "members.CareAssignment"]
    assert len(made) == 1
    assert "Vera" not in json.dumps(data, ensure_ascii=False)


def test_the_page_and_the_file_keep_a_flat_query_count(cast, client, plan):
    activity = plan(title="Koffie")
    vera = member_of(cast.vrager)
    client.force_login(cast.vrager)

    def grow(n: int) -> None:
        have = SignUp.objects.filter(member=vera).count()
        start = timezone.now() + dt.timedelta(days=400)
        occurrences = Occurrence.objects.bulk_create(
            Occurrence(
                activity=activity,
                original_start=start + dt.timedelta(days=i),
                starts_at=start + dt.timedelta(days=i),
                ends_at=start + dt.timedelta(days=i, hours=1),
            )
            for i in range(have, n)
        )
        SignUp.objects.bulk_create(
            SignUp(occurrence=o, member=vera, status=SignUp.Status.CONFIRMED) for o in occurrences
        )
        ContributionLog.objects.bulk_create(
            ContributionLog(
                member=vera,
                date=timezone.localdate() - dt.timedelta(days=i % 300),
                hours=Decimal("1"),
                kind=ContributionLog.Kind.OTHER,
                logged_by=cast.vrager,
            )
            for i in range(have, n)
        )

    # session, user and viewer (3); the account: second factors, addresses (2); staff links,
    # memberships with their calendar links (2); for all memberships at once groups,
    # tenancies, roles, invitations, care, contracts, electors with their rounds, votes,
    # recusals, applications, proposals, sign-ups, hours, exemptions (14; no contract, so no
    # moments, decisions or access log, and no open round voted in, so no receipt); audit
    # entries (1); one per kind of record made (38); the audit entry of this view in its
    # savepoint (3). tests/mydata/test_query_counts.py grows the other kinds of rows.
    for name, queries in (("mydata:page", 63), ("mydata:download", 63)):
        url = reverse(name)
        assert_flat_query_count(lambda url=url: client.get(url), grow, queries=queries)


def test_the_application_that_made_me_a_member_is_in_and_others_by_my_address_are_not(cast, client):
    vacancy = make_vacancy(cast)
    voting_round = open_round(cast, vacancy)
    fenna = candidates_of(voting_round)[0]
    # Fenna became a member through the confirmed nomination (as the corporation's confirm
    # does, written here directly), with an account at the address she applied with.
    fenna_user = make_user("fenna@example.net", first="Fenna", last="de Vries")
    member = Member.objects.create(
        association=cast.association,
        user=fenna_user,
        name="Fenna de Vries",
        email="fenna@example.net",
        joined_on=timezone.localdate(),
    )
    Nomination.objects.create(
        vacancy=vacancy,
        candidate=fenna,
        round=voting_round,
        status=Nomination.Status.CONFIRMED,
        member=member,
    )
    # Someone else applied elsewhere with Fenna's address: not hers to download.
    other = make_vacancy(cast, unit=empty_unit(cast, "9"), candidates=(), shortlist=False)
    Candidate.objects.create(
        vacancy=other,
        name="Iemand Anders",
        email="fenna@example.net",
        household_size=2,
        motivation="Een heel ander verhaal",
    )
    data = _export(client, fenna_user)
    (application,) = data["memberships"][0]["applications"]
    assert application["motivation"] == "Ik kook graag voor de hele gang."
    assert application["nomination"] == "confirmed"
    assert "interview_notes" not in application
    text = json.dumps(data, ensure_ascii=False)
    assert "Iemand Anders" not in text and "Een heel ander verhaal" not in text


def test_an_exemption_from_hours_is_in_without_who_recorded_it(cast, client):
    from coop.site.compliance.models import HoursExemption

    HoursExemption.objects.create(
        member=cast.vrager_member,
        reason=HoursExemption.Reason.ILLNESS,
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        recorded_by=cast.board,
    )
    (exemption,) = _export(client, cast.vrager)["memberships"][0]["hours_exemptions"]
    assert (exemption["reason"], exemption["ends_on"]) == ("illness", None)
    assert "recorded_by" not in exemption and "recorded_by_id" not in exemption
