"""Care data stays with the assigned care organisation; every read and write is logged
(QUALITY 5), and the log is append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from coop.models.audit import AppendOnlyError
from members.models import CareAssignment, CareDataAccess
from members.services.omklap import care_data_log
from tests.conftest import make_user
from tests.members.omklap_helpers import (
    CARE_NOTE,
    contract_awaiting_a_decision,
    contract_of_another_client,
)

pytestmark = pytest.mark.django_db

# A warning and its reason are for the corporation too; participants and assessments are not.
PARTICIPANTS = "Vera Vrager, Zoë Zorg"
CARD_REASON = "Huurachterstand van twee maanden"


@pytest.fixture
def contract(cast):
    contract = contract_awaiting_a_decision(cast)
    moment = contract.moments.filter(held_on__isnull=False).get()
    moment.card, moment.card_reason = "yellow", CARD_REASON
    moment.save()
    return contract


def page_for(client, contract) -> str:
    response = client.get(reverse("portal:contract_detail", args=[contract.pk]))
    assert response.status_code in (200, 404)
    return response.content.decode() if response.status_code == 200 else ""


def test_the_assigned_care_worker_sees_the_care_notes_and_assessments(cast, client_for, contract):
    page = page_for(client_for("care_worker"), contract)

    assert CARE_NOTE in page
    assert PARTICIPANTS in page
    assert "Huur betaald" in page or "Rent paid" in page


@pytest.mark.parametrize(
    "role",
    ["vrager", "drager", "board", "selection", "coordinator", "corporation_staff", "outsider"],
)
def test_nobody_else_sees_the_care_notes(cast, client_for, contract, role):
    page = page_for(client_for(role), contract)

    assert CARE_NOTE not in page
    assert PARTICIPANTS not in page


def test_the_other_care_organisations_worker_never_sees_the_care_notes(cast, client, contract):
    client.force_login(cast.other_care_worker)
    assert page_for(client, contract) == ""
    moment = contract.moments.filter(held_on__isnull=False).get()
    response = client.get(reverse("portal:moment_record", args=[contract.pk, moment.pk]))
    assert response.status_code == 404


def test_the_corporation_sees_dates_outcomes_warnings_and_decisions(cast, client_for, contract):
    page = page_for(client_for("corporation_staff"), contract)

    assert CARD_REASON in page
    assert "Gaat goed." in page  # the decision's reasons
    assert "Omklappen naar een gewone huurovereenkomst" in page


def test_the_board_sees_that_a_contract_exists_and_its_stage_only(cast, client_for, contract):
    page = page_for(client_for("board"), contract)

    assert "Vera Vrager" in page
    assert CARD_REASON not in page
    assert "Gaat goed." not in page
    moment = contract.moments.filter(held_on__isnull=False).get()
    assert moment.due_on.strftime("%Y") not in page.split("<main", 1)[1].split("</main>")[0]


def test_the_resident_sees_outcomes_and_decisions_but_not_the_notes(cast, client_for, contract):
    page = page_for(client_for("vrager"), contract)

    assert "Gaat goed." in page
    assert CARD_REASON in page
    assert CARE_NOTE not in page


def test_no_one_but_the_care_organisation_causes_care_data_to_be_read(cast, client_for, contract):
    for role in ("vrager", "board", "corporation_staff"):
        page_for(client_for(role), contract)
    assert not CareDataAccess.objects.filter(action="read").exists()


def test_care_data_disappears_from_the_page_when_the_assignment_ends(cast, client_for, contract):
    CareAssignment.objects.filter(member=cast.vrager_member).update(
        ends_on=cast.vrager_member.joined_on.replace(year=cast.vrager_member.joined_on.year + 1)
    )
    assert page_for(client_for("care_worker"), contract) == ""


def test_a_colleague_in_the_same_care_organisation_sees_the_notes_on_its_behalf(
    cast, client, contract
):
    from coop.models import StaffLink

    colleague = make_user("collega@example.org", second_factor=True)
    StaffLink.objects.create(organisation=cast.care, user=colleague, starts_on="2020-01-01")
    client.force_login(colleague)

    assert CARE_NOTE in page_for(client, contract)
    read = CareDataAccess.objects.filter(action="read").get()
    assert (read.user, read.organisation) == (colleague, cast.care)


# --- the log is complete --------------------------------------------------------------------


def test_every_page_that_shows_care_data_logs_a_read(cast, client_for, contract):
    client = client_for("care_worker")
    before = CareDataAccess.objects.count()  # the recording by the helper: one write

    client.get(reverse("portal:contract_detail", args=[contract.pk]))
    moment = contract.moments.filter(held_on__isnull=False).get()
    client.get(reverse("portal:moment_record", args=[contract.pk, moment.pk]))

    reads = list(CareDataAccess.objects.filter(action="read").order_by("id"))
    assert CareDataAccess.objects.count() == before + 2
    assert [r.subject for r in reads] == [
        "contract",
        f"monitoring moment {moment.due_on.isoformat()}",
    ]
    for read in reads:
        assert read.user == cast.care_worker
        assert read.organisation == cast.care
        assert read.member == cast.vrager_member
        assert read.contract == contract


def test_an_empty_moment_form_reads_no_care_data(cast, client_for, contract):
    moment = contract.moments.filter(held_on__isnull=True).first()

    client_for("care_worker").get(reverse("portal:moment_record", args=[contract.pk, moment.pk]))

    assert not CareDataAccess.objects.filter(action="read").exists()


def test_the_resident_sees_who_read_their_file(cast, client_for, contract):
    client_for("care_worker").get(reverse("portal:contract_detail", args=[contract.pk]))

    response = client_for("vrager").get(reverse("portal:contract_access_log", args=[contract.pk]))

    page = response.content.decode()
    assert "Zoë Zorg" in page
    assert "Stichting Onderdak" in page
    assert page.count("<tr>") == 1 + CareDataAccess.objects.filter(contract=contract).count()


def test_another_residents_log_is_not_theirs_to_see(cast, client_for):
    other = contract_of_another_client(cast)

    response = client_for("vrager").get(reverse("portal:contract_access_log", args=[other.pk]))

    assert response.status_code == 404


# --- the log is append-only -----------------------------------------------------------------


@pytest.fixture
def entry(cast, contract) -> CareDataAccess:
    return care_data_log(actor=cast.care_worker, contract=contract, action="read", subject="x")


def stored(entry: CareDataAccess) -> dict:
    return CareDataAccess.objects.filter(pk=entry.pk).values().get()


def test_changing_a_log_row_is_refused(entry):
    before = stored(entry)
    entry.subject = "nothing happened"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        CareDataAccess.objects.filter(pk=entry.pk).update(subject="nothing")
    assert stored(entry) == before


def test_deleting_a_log_row_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        CareDataAccess.objects.all().delete()
    assert CareDataAccess.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_raw_changes_to_the_log(entry):
    before = stored(entry)
    count = CareDataAccess.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_caredataaccess SET subject = %s WHERE id = %s", ["x2", entry.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_caredataaccess WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_caredataaccess")

    assert stored(entry) == before
    assert CareDataAccess.objects.count() == count


def test_a_refused_recording_leaves_no_log_row(cast, client_for, contract):
    moment = contract.moments.filter(held_on__isnull=True).first()
    before = CareDataAccess.objects.count()

    response = client_for("care_worker").post(
        reverse("portal:moment_record", args=[contract.pk, moment.pk]),
        {"held_on": "2999-01-01", "participants": "x", "outcome": "on_track"},
    )

    assert response.status_code == 400
    assert CareDataAccess.objects.count() == before


def test_a_contract_of_another_care_organisation_logs_on_its_behalf(cast):
    other = contract_of_another_client(cast)

    write = CareDataAccess.objects.filter(contract=other).get()

    assert (write.user, write.organisation, write.action) == (
        cast.other_care_worker,
        cast.other_care,
        "write",
    )
