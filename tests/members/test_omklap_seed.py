"""The demo data shows the omklap feature: small scale through the services, bench in bulk."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coop.bench.data import BENCH_CARE, BENCH_CARE_LOGIN
from coop.demo.logins import LOGINS
from coop.models import AuditEntry, Organisation, User
from members.access import load_viewer
from members.models import (
    CareDataAccess,
    MonitoringMoment,
    OmklapContract,
    OmklapDecision,
    Tenancy,
)

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", "--quiet", *args, stdout=StringIO())


def test_every_demo_omklap_tenancy_has_a_contract_with_recorded_moments(client):
    seed()

    omklap = Tenancy.objects.current().filter(kind="omklap")
    assert omklap.count() == 9
    assert OmklapContract.objects.running().count() == 9
    assert MonitoringMoment.objects.filter(held_on__isnull=False).exclude(care_notes="").exists()
    assert MonitoringMoment.objects.filter(card="yellow").exists()
    assert OmklapDecision.objects.proposed().count() == 1
    assert CareDataAccess.objects.filter(action="write").exists()
    # The demo vrager sees their own contract.
    vrager = User.objects.get(email=LOGINS["vrager"].email)
    client.force_login(vrager)
    response = client.get("/portal/my-contract/", follow=True)
    assert response.status_code == 200
    assert "Sanne Bakker" in response.content.decode()


def test_a_second_run_adds_no_contracts(db):
    seed()
    before = (OmklapContract.objects.count(), AuditEntry.objects.count())
    seed()
    assert (OmklapContract.objects.count(), AuditEntry.objects.count()) == before


def test_the_bench_scale_has_omklap_contracts_and_a_care_worker_to_read_them(db):
    seed("--scale", "bench", "--bench-associations", "2")

    care = Organisation.objects.get(slug=BENCH_CARE[0])
    contracts = OmklapContract.objects.filter(care_organisation=care)
    assert contracts.count() == 102  # every omklap tenancy of two associations
    assert not contracts.exclude(tenancy__kind="omklap").exists()
    assert MonitoringMoment.objects.filter(contract__in=contracts).count() >= 4 * 102
    viewer = load_viewer(User.objects.get(email=BENCH_CARE_LOGIN.email))
    assert list(viewer.organisations) == [care.pk] and viewer.has_second_factor
    # The bulk data writes no audit entries; only the agreements go through the compliance
    # services (so they are signed as real ones are), and those are audited.
    assert not AuditEntry.objects.exclude(action__startswith="compliance.").exists()
