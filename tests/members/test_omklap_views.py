"""The omklap pages end to end: record, propose, sign off, withdraw, overviews and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from members.models import CareDataAccess, MonitoringMoment, OmklapDecision, Tenancy
from tests.members.omklap_helpers import (
    CARE_NOTE,
    contract_awaiting_a_decision,
    contract_of_another_client,
    contract_with_a_held_moment,
    start_contract,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the pages in English, the source language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def client_for(client_for):
    """The cast's clients, in English (logging in anew clears the cookies)."""

    def _client(role: str):
        logged_in = client_for(role)
        logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return logged_in

    return _client


def test_a_care_worker_records_a_moment_through_the_form(cast, client_for):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()
    client = client_for("care_worker")
    url = reverse("portal:moment_record", args=[contract.pk, moment.pk])

    form = client.get(url)
    response = client.post(
        url,
        {
            "held_on": moment.due_on.isoformat(),
            "participants": "Vera, Zoë",
            "rent_paid": "good",
            "living_independently": "attention",
            "outcome": "concerns",
            "card": "red",
            "card_reason": "Overlast na herhaalde waarschuwing",
            "care_notes": CARE_NOTE,
        },
    )

    assert form.status_code == 200 and "Save the moment" in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:contract_detail", args=[contract.pk])
    moment.refresh_from_db()
    assert (moment.outcome, moment.card, moment.living_independently) == (
        "concerns",
        "red",
        "attention",
    )
    assert moment.care_notes == CARE_NOTE
    assert CareDataAccess.objects.filter(action="write").count() == 1


def test_a_bad_recording_shows_the_error_and_stores_nothing(cast, client_for):
    contract = start_contract(cast)
    moment = contract.moments.order_by("due_on").first()

    response = client_for("care_worker").post(
        reverse("portal:moment_record", args=[contract.pk, moment.pk]),
        {
            "held_on": moment.due_on.isoformat(),
            "participants": "Vera",
            "outcome": "on_track",
            "card": "yellow",
        },
    )

    assert response.status_code == 400
    assert "Give the reason for the warning." in response.content.decode()
    moment.refresh_from_db()
    assert moment.held_on is None


def test_a_care_worker_adds_a_moment_by_hand(cast, client_for):
    contract = start_contract(cast)
    due = timezone.localdate() + dt.timedelta(days=10)

    response = client_for("care_worker").post(
        reverse("portal:moment_add", args=[contract.pk]), {"due_on": due.isoformat()}
    )

    assert response.status_code == 302
    assert contract.moments.filter(kind="extra", due_on=due).exists()


def test_the_decision_form_states_that_ending_goes_through_the_legal_route(cast, client_for):
    contract = contract_with_a_held_moment(cast)

    page = client_for("corporation_staff").get(
        reverse("portal:decision_propose", args=[contract.pk])
    )

    text = page.content.decode()
    assert "The tenancy itself ends only through the legal route" in text
    assert "the platform never ends a tenancy by itself" in text
    # The form offers the held moment by its date and outcome, never its care notes.
    assert "on track" in text and CARE_NOTE not in text


def test_care_proposes_and_the_corporation_signs_off_a_conversion(cast, client):
    contract = contract_with_a_held_moment(cast)
    moment = contract.moments.filter(held_on__isnull=False).get()
    day = timezone.localdate() + dt.timedelta(days=20)
    client.force_login(cast.care_worker)

    proposed = client.post(
        reverse("portal:decision_propose", args=[contract.pk]),
        {
            "kind": "convert",
            "effective_on": day.isoformat(),
            "new_group": "regular",
            "moments": [moment.pk],
            "reasons": "Twee jaar stabiel.\nKlaar voor een gewoon contract.",
        },
    )
    decision = OmklapDecision.objects.get()
    assert proposed.status_code == 302
    assert Tenancy.objects.filter(member=cast.vrager_member).count() == 1

    client.force_login(cast.corporation_staff)
    confirm = client.get(reverse("portal:decision_sign", args=[contract.pk, decision.pk]))
    signed = client.post(reverse("portal:decision_sign", args=[contract.pk, decision.pk]))

    assert "a regular tenancy of the same home starts on" in confirm.content.decode()
    assert signed.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "in_effect"
    assert Tenancy.objects.current(day).get(member=cast.vrager_member).kind == "regular"
    page = client.get(reverse("portal:contract_detail", args=[contract.pk])).content.decode()
    assert "Both sides signed off: the decision took effect." in page
    assert "converted to a regular tenancy" in page


def test_the_proposing_side_cannot_sign_twice_through_the_page(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    decision = contract.decisions.get()
    client = client_for("care_worker")

    response = client.post(
        reverse("portal:decision_sign", args=[contract.pk, decision.pk]), follow=True
    )

    assert "Your side has already signed off this decision." in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == "proposed"


def test_the_other_side_declines_a_proposal_with_a_reason(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    decision = contract.decisions.get()
    url = reverse("portal:decision_withdraw", args=[contract.pk, decision.pk])
    client = client_for("corporation_staff")

    empty = client.post(url, {"reason": ""})
    declined = client.post(url, {"reason": "Eerst een extra moment over de huur."})

    assert empty.status_code == 400
    assert declined.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "withdrawn"
    assert decision.withdrawn_by == cast.corporation_staff


def test_the_resident_reaches_their_contract_from_the_dashboard(cast, client_for):
    contract = start_contract(cast)
    client = client_for("vrager")

    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    response = client.get(reverse("portal:my_contract"))

    assert reverse("portal:my_contract") in dashboard
    assert response["Location"] == reverse("portal:contract_detail", args=[contract.pk])


def test_someone_without_a_contract_gets_an_explanation(cast, client_for):
    response = client_for("drager").get(reverse("portal:my_contract"))

    assert response.status_code == 200
    assert "You have no omklap contract." in response.content.decode()


def test_staff_reach_their_overviews_from_the_dashboard(cast, client_for):
    care = client_for("care_worker").get(reverse("portal:dashboard")).content.decode()
    corporation = client_for("corporation_staff").get(reverse("portal:dashboard")).content.decode()

    assert reverse("portal:caseload", args=[cast.care.slug]) in care
    assert reverse("portal:corporation_contracts", args=[cast.corporation.slug]) in corporation


def test_the_caseload_shows_what_is_due(cast, client_for):
    contract = start_contract(cast)

    page = client_for("care_worker").get(reverse("portal:caseload", args=[cast.care.slug]))

    text = page.content.decode()
    assert "Vera Vrager" in text
    assert "overdue" in text  # two moments lie in the past, unrecorded
    assert contract.moments.filter(held_on__isnull=True, due_on__lt=timezone.localdate()).count()
    assert "Otto Overstap" not in text


def test_the_caseload_leaves_out_other_organisations_clients(cast, client_for):
    contract_of_another_client(cast)
    start_contract(cast)

    text = client_for("care_worker").get(reverse("portal:caseload", args=[cast.care.slug]))

    assert "Otto Overstap" not in text.content.decode()


def overview(client, cast, **params):
    return client.get(reverse("portal:corporation_contracts", args=[cast.corporation.slug]), params)


def test_the_corporation_overview_lists_filters_and_counts(cast, client_for):
    mine = contract_awaiting_a_decision(cast)
    other = contract_of_another_client(cast, other_association=True)
    client = client_for("corporation_staff")

    everything = overview(client, cast).content.decode()
    one_association = overview(client, cast, association=cast.other_association.pk)
    converted = overview(client, cast, stage="converted")
    bad_filter = overview(client, cast, association="not-a-number", stage="sold")

    assert "Vera Vrager" in everything and "Otto Overstap" in everything
    assert "Vera Vrager" not in one_association.content.decode()
    assert "Otto Overstap" in one_association.content.decode()
    assert "No omklap contracts match." in converted.content.decode()
    assert bad_filter.status_code == 200
    assert "Vera Vrager" in bad_filter.content.decode()
    assert mine.pk != other.pk


def test_the_overview_counts_decisions_per_year(cast, client_for):
    from members.services.omklap import omklap_decision_sign

    contract = contract_awaiting_a_decision(cast)
    omklap_decision_sign(
        actor=cast.corporation_staff, side="corporation", decision=contract.decisions.get()
    )

    page = overview(client_for("corporation_staff"), cast).content.decode()

    year = timezone.localdate().year
    assert f'<th scope="row">{year}</th><td class="num">1</td>' in page


def test_the_corporation_exports_the_overview_as_csv(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    MonitoringMoment.objects.filter(contract=contract, held_on__isnull=False).update(
        card="yellow", card_reason="te laat"
    )
    contract.tenancy.member.name = "=HYPERLINK(1)"
    contract.tenancy.member.save()

    response = overview(client_for("corporation_staff"), cast, format="csv", stage="running")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1
    row = rows[0]
    assert row["Resident"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert row["Stage"] == "running"
    assert row["Overdue moments"] == "1"
    assert row["Warning cards"] == "1"
    assert row["Awaiting sign-off"] == "1"
    assert row["End date"] == contract.ends_on.isoformat()
    assert CARE_NOTE not in text


def test_the_csv_export_speaks_dutch_for_a_dutch_reader(cast, client_for):
    contract = contract_awaiting_a_decision(cast)
    client = client_for("corporation_staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = overview(client, cast, format="csv")

    header, first = response.content.split(b"\r\n")[:2]
    assert (
        header
        == (
            "\ufeffVereniging;Bewoner;Woning;Fase;Startdatum;Einddatum;Volgend moment;"
            "Momenten te laat;Laatste uitkomst;Waarschuwingskaarten;Wacht op akkoord"
        ).encode()
    )
    cells = first.decode().split(";")
    assert cells[3] == "lopend"
    assert cells[4] == contract.starts_on.isoformat()  # dates stay ISO for machines
    assert cells[8] == "op koers"


def test_the_board_list_shows_existence_and_stage_only(cast, client_for):
    contract_awaiting_a_decision(cast)

    page = client_for("board").get(
        reverse("portal:association_contracts", args=[cast.association.slug])
    )

    text = page.content.decode()
    assert "Vera Vrager" in text and "running" in text
    assert "Gaat goed." not in text and CARE_NOTE not in text


def test_omklap_pages_are_never_cached(cast, client_for):
    contract = contract_awaiting_a_decision(cast)

    response = client_for("care_worker").get(reverse("portal:contract_detail", args=[contract.pk]))

    assert "no-store" in response["Cache-Control"]


def test_the_overviews_show_fifty_contracts_a_page_and_export_them_all(cast, client_for):
    from tests.members.test_omklap_query_counts import _add_contracts

    _add_contracts(cast, 70)  # one in five converted: 56 running on the caseload
    client = client_for("corporation_staff")

    first = overview(client, cast).content.decode()
    second = overview(client, cast, page=2).content.decode()
    export = overview(client, cast, format="csv", page=2).content.decode()

    assert "Page 1 of 2" in first and "page=2" in first
    assert second.count('href="/portal/contracts/') == 20
    assert len(export.strip().splitlines()) == 1 + 70
    caseload = client_for("care_worker").get(reverse("portal:caseload", args=[cast.care.slug]))
    assert "Page 1 of 2" in caseload.content.decode()
