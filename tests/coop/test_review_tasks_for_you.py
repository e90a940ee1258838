"""'For you' names a client only to a care worker who still works for the client's care
organisation: a worker who moved to another care organisation keeps no view of former clients,
even while the old assignment was not ended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import Association, StaffLink
from members.models import MonitoringMoment
from tests.members.omklap_helpers import start_contract

pytestmark = pytest.mark.django_db


def _labels(client) -> list[str]:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return [task.label for task in response.context["tasks"]]


def test_a_worker_who_left_the_care_organisation_no_longer_sees_the_clients_name(cast, client_for):
    Association.objects.filter(pk=cast.association.pk).update(monthly_hours=0)
    contract = start_contract(cast)
    contract.moments.update(due_on=timezone.localdate() + dt.timedelta(days=60))
    first = contract.moments.order_by("due_on", "pk").first()
    MonitoringMoment.objects.filter(pk=first.pk).update(
        due_on=timezone.localdate() + dt.timedelta(days=5)
    )
    client = client_for("care_worker")
    assert _labels(client) == ["Moment met Vera Vrager over 5 dagen"]

    # The worker now works for another care organisation; the old access ended yesterday.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    StaffLink.objects.filter(organisation=cast.care, user=cast.care_worker).update(
        ends_on=yesterday
    )
    StaffLink.objects.create(
        organisation=cast.other_care, user=cast.care_worker, starts_on=yesterday
    )
    assert all("Vera" not in label for label in _labels(client))
