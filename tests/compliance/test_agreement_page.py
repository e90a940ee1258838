"""Corporation staff start the agreement from its page, naming the care organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coop.models import AuditEntry
from coop.site.compliance.models import Agreement
from coop.site.setup.selectors import care_candidates

pytestmark = pytest.mark.django_db


def _start(client, cast, **data):
    return client.post(
        reverse("compliance:agreement_create", args=[cast.association.slug]),
        {"title": "Samenwerkingsovereenkomst", **data},
    )


def test_the_agreement_names_the_care_organisation_which_then_works_there(cast, client_for):
    client = client_for("corporation_staff")
    page = client.get(reverse("compliance:agreement_detail", args=[cast.association.slug]))
    assert cast.other_care.name in page.content.decode()  # offered as a choice
    assert cast.vrager_member.pk not in {m.pk for m in care_candidates(cast.other_care)}

    response = _start(client, cast, care_organisation=cast.other_care.pk)

    assert response.status_code == 302
    agreement = Agreement.objects.get(association=cast.association)
    assert agreement.care_organisation == cast.other_care
    assert AuditEntry.objects.filter(action="compliance.agreement_created").count() == 1
    # From now on the other care organisation may guide the association's residents.
    assert cast.vrager_member.pk in {m.pk for m in care_candidates(cast.other_care)}


def test_a_corporation_is_no_care_organisation_and_nothing_is_made(cast, client_for):
    response = _start(client_for("corporation_staff"), cast, care_organisation=cast.corporation.pk)

    assert response.status_code == 302
    assert not Agreement.objects.exists()
