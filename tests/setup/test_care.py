"""A care organisation's staff assign care workers to residents, end assignments and start
omklap contracts in the portal; the corporation sees the contracts they start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry, Unit
from coop.site.compliance.models import Agreement
from members.models import CareAssignment, Member, MixGroupPeriod, OmklapContract, Tenancy
from members.services import care_assign, care_assignment_end
from tests.helpers import assert_flat_query_count


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def _refused(call, code: str, **kwargs) -> DomainError:
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.code == code
    assert AuditEntry.objects.count() == entries
    return raised.value


def _omklap_resident(cast, name: str = "Otto Omklap", unit: Unit | None = None) -> Member:
    """A resident of an omklap home without a care worker yet."""
    joined = timezone.localdate() - dt.timedelta(days=30)
    member = Member.objects.create(association=cast.association, name=name, joined_on=joined)
    MixGroupPeriod.objects.create(member=member, group="vrager", starts_on=joined)
    Tenancy.objects.create(
        member=member, unit=unit or cast.units[1], kind="omklap", starts_on=joined
    )
    return member


def _assignment(cast) -> CareAssignment:
    return CareAssignment.objects.get(member=cast.vrager_member, worker=cast.care_worker)


# -- services -------------------------------------------------------------------------------


def test_a_care_worker_is_assigned_for_the_organisation_named(cast, today):
    member = _omklap_resident(cast)
    assignment = care_assign(
        actor=cast.care_worker,
        member=member,
        worker=cast.care_worker,
        starts_on=today,
        organisation=cast.care,
    )
    assert (assignment.organisation, assignment.ends_on) == (cast.care, None)
    entry = AuditEntry.objects.get(action="care.assigned")
    assert (entry.actor, entry.association_id) == (cast.care_worker, cast.association.pk)


def test_a_worker_of_another_care_organisation_is_refused(cast, today):
    _refused(
        care_assign,
        "not_a_care_worker",
        actor=cast.care_worker,
        member=_omklap_resident(cast),
        worker=cast.other_care_worker,
        starts_on=today,
        organisation=cast.care,
    )
    assert not CareAssignment.objects.filter(worker=cast.other_care_worker).exists()


def test_an_assignment_years_ahead_is_a_typing_mistake(cast, today):
    _refused(
        care_assign,
        "date_too_far_ahead",
        actor=cast.care_worker,
        member=_omklap_resident(cast),
        worker=cast.care_worker,
        starts_on=today + dt.timedelta(days=366 * 3),
        organisation=cast.care,
    )


def test_an_assignment_ends_on_a_date_and_is_audited(cast, today):
    assignment = care_assignment_end(
        actor=cast.care_worker, assignment=_assignment(cast), ends_on=today
    )
    assignment.refresh_from_db()
    assert assignment.ends_on == today
    entry = AuditEntry.objects.get(action="care.assignment_ended")
    assert entry.actor == cast.care_worker
    assert entry.association_id == cast.association.pk
    assert entry.data == {"organisation": cast.care.pk, "ends_on": today.isoformat()}
    assert not CareAssignment.objects.current(today).filter(member=cast.vrager_member).exists()


def test_an_assignment_ends_once(cast, today):
    care_assignment_end(actor=cast.care_worker, assignment=_assignment(cast), ends_on=today)
    _refused(
        care_assignment_end,
        "already_ended",
        actor=cast.care_worker,
        assignment=_assignment(cast),
        ends_on=today + dt.timedelta(days=1),
    )


def test_an_assignment_cannot_end_on_or_before_its_start(cast):
    assignment = _assignment(cast)
    error = _refused(
        care_assignment_end,
        "ends_before_start",
        actor=cast.care_worker,
        assignment=assignment,
        ends_on=assignment.starts_on,
    )
    assert error.field == "ends_on"
    assignment.refresh_from_db()
    assert assignment.ends_on is None


# -- the clients page -----------------------------------------------------------------------


def test_the_clients_page_lists_the_assignments_and_residents_of_omklap_homes(cast, client_for):
    _omklap_resident(cast)
    response = _en(client_for("care_worker")).get(reverse("setup:care", args=[cast.care.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vera Vrager" in page  # assigned
    assert "Otto Omklap · Woonvereniging De Kapel, Kapelgebouw 2" in page  # a choice
    assert "Dirk Drager" not in page  # a regular home: not someone a care worker guides here
    assert reverse("setup:care_end", args=[cast.care.slug, _assignment(cast).pk]) in page


def test_staff_assign_a_care_worker_from_the_clients_page(cast, client_for, today):
    member = _omklap_resident(cast)
    response = _en(client_for("care_worker")).post(
        reverse("setup:care", args=[cast.care.slug]),
        {"member": member.pk, "worker": cast.care_worker.pk, "starts_on": today.isoformat()},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("setup:care", args=[cast.care.slug]), 302)]
    assert "Zoë Zorg guides Otto Omklap from" in response.content.decode()
    assignment = CareAssignment.objects.get(member=member)
    assert (assignment.organisation, assignment.worker) == (cast.care, cast.care_worker)
    assert AuditEntry.objects.filter(action="care.assigned", actor=cast.care_worker).exists()


def test_a_second_assignment_of_the_same_worker_shows_the_error_and_changes_nothing(
    cast, client_for, today
):
    response = _en(client_for("care_worker")).post(
        reverse("setup:care", args=[cast.care.slug]),
        {
            "member": cast.vrager_member.pk,
            "worker": cast.care_worker.pk,
            "starts_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "already assigned to this resident" in response.content.decode()
    assert CareAssignment.objects.filter(member=cast.vrager_member).count() == 1


def test_residents_of_an_association_the_organisation_does_not_work_in_stay_out_of_sight(
    cast, client_for, today
):
    """Living in an omklap home tells where someone comes from: another association's
    residents are neither listed nor assignable until the organisation works there."""
    elsewhere = Unit.objects.create(
        building=cast.other_building, number="9", kind=Unit.Kind.OMKLAP, rent=Decimal("600.00")
    )
    joined = today - dt.timedelta(days=30)
    stranger = Member.objects.create(
        association=cast.other_association, name="Sara Elders", joined_on=joined
    )
    MixGroupPeriod.objects.create(member=stranger, group="vrager", starts_on=joined)
    Tenancy.objects.create(member=stranger, unit=elsewhere, kind="omklap", starts_on=joined)
    url = reverse("setup:care", args=[cast.care.slug])
    client = client_for("care_worker")

    assert "Sara Elders" not in client.get(url).content.decode()
    entries = AuditEntry.objects.count()
    response = client.post(
        url, {"member": stranger.pk, "worker": cast.care_worker.pk, "starts_on": today.isoformat()}
    )
    assert response.status_code == 400
    assert not CareAssignment.objects.filter(member=stranger).exists()
    assert AuditEntry.objects.count() == entries

    # Named as the care party of the other association's agreement, it works there.
    other_care_client = client_for("other_care_worker")
    other_url = reverse("setup:care", args=[cast.other_care.slug])
    assert "Sara Elders ·" not in other_care_client.get(other_url).content.decode()
    Agreement.objects.create(
        corporation=cast.corporation,
        association=cast.other_association,
        care_organisation=cast.other_care,
        title="Afspraken",
    )
    assert "Sara Elders · " in other_care_client.get(other_url).content.decode()
    assert "Sara Elders" not in client.get(url).content.decode()


def test_a_worker_of_another_organisation_is_not_a_choice(cast, client_for, today):
    member = _omklap_resident(cast)
    response = client_for("care_worker").post(
        reverse("setup:care", args=[cast.care.slug]),
        {"member": member.pk, "worker": cast.other_care_worker.pk, "starts_on": today.isoformat()},
    )
    assert response.status_code == 400
    assert not CareAssignment.objects.filter(member=member).exists()


def test_the_clients_page_speaks_dutch(cast, client_for):
    response = client_for("care_worker").get(reverse("setup:care", args=[cast.care.slug]))
    page = response.content.decode()
    assert "Cliënten en zorgmedewerkers" in page
    assert "Een zorgmedewerker aan een bewoner toewijzen" in page


def test_the_clients_page_has_a_flat_query_count(cast, client_for):
    client = client_for("care_worker")

    def grow(n: int) -> None:
        have = CareAssignment.objects.filter(organisation=cast.care).count()
        joined = timezone.localdate() - dt.timedelta(days=30)
        units = Unit.objects.bulk_create(
            Unit(building=cast.building, number=f"z{i}", kind="omklap", rent=Decimal("500"))
            for i in range(have, n)
        )
        members = Member.objects.bulk_create(
            Member(association=cast.association, name=f"Cliënt {i}", joined_on=joined)
            for i in range(have, n)
        )
        Tenancy.objects.bulk_create(
            Tenancy(member=m, unit=u, kind="omklap", starts_on=joined)
            for m, u in zip(members, units, strict=True)
        )
        CareAssignment.objects.bulk_create(
            CareAssignment(
                member=m, organisation=cast.care, worker=cast.care_worker, starts_on=joined
            )
            for m in members
        )

    # session, user, viewer (one cache read), the assignments with their clients' homes,
    # the residents to choose from, the workers to choose from
    assert_flat_query_count(
        lambda: client.get(reverse("setup:care", args=[cast.care.slug])), grow, queries=6
    )


def test_staff_end_an_assignment(cast, client_for, today):
    assignment = _assignment(cast)
    url = reverse("setup:care_end", args=[cast.care.slug, assignment.pk])
    client = _en(client_for("care_worker"))
    assert "Zoë Zorg no longer guides Vera Vrager" in client.get(url).content.decode()
    response = client.post(url, {"ends_on": today.isoformat()})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == today
    assert AuditEntry.objects.filter(action="care.assignment_ended").count() == 1


def test_an_end_before_the_start_is_refused_on_the_form(cast, client_for):
    assignment = _assignment(cast)
    response = _en(client_for("care_worker")).post(
        reverse("setup:care_end", args=[cast.care.slug, assignment.pk]),
        {"ends_on": assignment.starts_on.isoformat()},
    )
    assert response.status_code == 400
    assert "must end after it started" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.ends_on is None


def test_another_organisations_staff_cannot_end_an_assignment(cast, client):
    client.force_login(cast.other_care_worker)
    assignment = _assignment(cast)
    for slug in (cast.care.slug, cast.other_care.slug):
        url = reverse("setup:care_end", args=[slug, assignment.pk])
        assert client.post(url, {"ends_on": timezone.localdate().isoformat()}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.ends_on is None


# -- starting an omklap contract ------------------------------------------------------------


def _contract_form(cast, **changes) -> dict:
    tenancy = Tenancy.objects.get(member=cast.vrager_member)
    data = {
        "tenancy": tenancy.pk,
        "starts_on": timezone.localdate().isoformat(),
        "length_months": "24",
        "conditions": ["accept_guidance", "rent_direct_debit"],
    }
    return data | changes


def test_care_staff_start_an_omklap_contract_with_its_moments_planned(cast, client_for, today):
    client = _en(client_for("care_worker"))
    url = reverse("setup:contract_new", args=[cast.care.slug])
    assert (
        "Vera Vrager · Woonvereniging De Kapel, Kapelgebouw 1" in client.get(url).content.decode()
    )

    response = client.post(url, _contract_form(cast), follow=True)

    contract = OmklapContract.objects.get(tenancy__member=cast.vrager_member)
    assert response.redirect_chain == [(reverse("portal:contract_detail", args=[contract.pk]), 302)]
    assert "the corporation sees it" in response.content.decode()
    assert contract.care_organisation == cast.care
    assert (contract.starts_on, contract.length_months) == (today, 24)
    assert contract.conditions == ["accept_guidance", "rent_direct_debit"]
    # every six months, then the final evaluation eight weeks before the end (the defaults)
    assert [m.kind for m in contract.moments.order_by("due_on")] == [
        "scheduled",
        "scheduled",
        "scheduled",
        "final",
    ]
    entry = AuditEntry.objects.get(action="omklap.contract_started")
    assert (entry.actor, entry.association_id) == (cast.care_worker, cast.association.pk)


def test_the_corporation_sees_the_contract_the_care_organisation_started(cast, client_for):
    client_for("care_worker").post(
        reverse("setup:contract_new", args=[cast.care.slug]), _contract_form(cast)
    )
    contract = OmklapContract.objects.get(tenancy__member=cast.vrager_member)
    client = client_for("corporation_staff")
    overview = client.get(reverse("portal:corporation_contracts", args=[cast.corporation.slug]))
    assert reverse("portal:contract_detail", args=[contract.pk]) in overview.content.decode()
    assert client.get(reverse("portal:contract_detail", args=[contract.pk])).status_code == 200


def test_an_empty_length_takes_the_associations_usual_length(cast, client_for):
    client_for("care_worker").post(
        reverse("setup:contract_new", args=[cast.care.slug]),
        _contract_form(cast, length_months=""),
    )
    contract = OmklapContract.objects.get(tenancy__member=cast.vrager_member)
    assert contract.length_months == cast.association.omklap_length_months


def test_a_start_before_the_tenancy_is_refused_on_the_form(cast, client_for):
    tenancy = Tenancy.objects.get(member=cast.vrager_member)
    response = _en(client_for("care_worker")).post(
        reverse("setup:contract_new", args=[cast.care.slug]),
        _contract_form(cast, starts_on=(tenancy.starts_on - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400
    assert "cannot start before the tenancy" in response.content.decode()
    assert not OmklapContract.objects.exists()
    assert not AuditEntry.objects.filter(action="omklap.contract_started").exists()


def test_a_resident_with_a_running_contract_is_no_longer_a_choice(cast, client_for):
    client = client_for("care_worker")
    url = reverse("setup:contract_new", args=[cast.care.slug])
    client.post(url, _contract_form(cast), follow=True)  # the message is shown there
    assert "Vera Vrager" not in client.get(url).content.decode()
    assert client.post(url, _contract_form(cast)).status_code == 400
    assert OmklapContract.objects.count() == 1


def test_another_care_organisation_cannot_start_a_contract_for_a_client_not_theirs(cast, client):
    client.force_login(cast.other_care_worker)
    url = reverse("setup:contract_new", args=[cast.other_care.slug])
    assert "Vera Vrager" not in client.get(url).content.decode()
    assert client.post(url, _contract_form(cast)).status_code == 400
    assert not OmklapContract.objects.exists()


def test_the_contract_form_speaks_dutch(cast, client_for):
    response = client_for("care_worker").get(reverse("setup:contract_new", args=[cast.care.slug]))
    page = response.content.decode()
    assert "Een omklapcontract starten" in page
    assert "Voorwaarden van de driepartijenovereenkomst" in page
