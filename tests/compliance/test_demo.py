"""The demo association's agreement: signed by both sides, its commitments in all four states."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coop.demo.compliance import DEMO_SLUG
from coop.demo.seed import seed
from coop.site.compliance.models import Agreement
from coop.site.compliance.selectors import association_compliance

pytestmark = pytest.mark.django_db


def test_the_demo_agreement_shows_every_state_and_its_pages_open(client):
    seeder = seed()
    agreement = Agreement.objects.get(association__slug=DEMO_SLUG)
    (version,) = agreement.versions.all()
    assert version.in_force and version.board_signed_by == seeder.users["board"]
    judged = association_compliance(agreement.association)
    assert {j.result.status for j in judged} >= {"met", "at_risk", "breached", "no_data"}
    # The first periods of the charts lie before the agreement ran.
    assert judged[0].history[0][1].status == "no_data"
    client.force_login(seeder.users["corporation_staff"])
    overview = client.get(
        reverse("compliance:corporation_overview", args=[agreement.corporation.slug])
    )
    assert overview.status_code == 200
    page = client.get(reverse("compliance:association_compliance", args=[DEMO_SLUG]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    client.force_login(seeder.users["board"])
    assert (
        client.get(reverse("compliance:association_compliance", args=[DEMO_SLUG])).status_code
        == 200
    )
    # A second run changes nothing.
    seed()
    assert Agreement.objects.count() == 1 and agreement.versions.count() == 1
