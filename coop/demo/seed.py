"""The small demo in one call: every subject's steps in order, through the services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coop.demo import activities, compliance, content, members, omklap, vacancies
from coop.demo.base import Seeder
from coop.demo.logins import LOGINS
from coop.models import Association, Organisation


@transaction.atomic
def seed(*, today: dt.date | None = None) -> Seeder:
    """Create the small demo (a login per role); a second run changes nothing."""
    seeder = Seeder(today=today or timezone.localdate())
    seeder.users = {key: members.user(seeder, login) for key, login in LOGINS.items()}
    seeder.admin = seeder.users["admin"]
    corporation = members.organisation(
        seeder, *members.CORPORATION, kind=Organisation.Kind.CORPORATION
    )
    care = members.organisation(seeder, *members.CARE, kind=Organisation.Kind.CARE)
    members.staff_link(seeder, care, seeder.users["care_worker"], starts_on=seeder.days_ago(1200))
    members.staff_link(
        seeder, corporation, seeder.users["corporation_staff"], seeder.days_ago(1500)
    )
    for spec in members.ASSOCIATIONS:
        association = members.association(seeder, spec, corporation)
        units = members.units(seeder, association, spec)
        for resident in spec.residents:
            members.resident(seeder, association, units, resident)
    members.colleague(
        seeder,
        corporation,
        members.FORMER_CORPORATION_COLLEAGUE,
        by=seeder.users["corporation_staff"],
    )
    members.care_handover(seeder, care)
    members.pending_invitation(seeder, Association.objects.get(slug=members.ASSOCIATIONS[0].slug))
    omklap.omklap_contracts(seeder, care, corporation)
    activities.activities(seeder)
    content.pages(seeder)
    content.editors(seeder)
    vacancies.vacancies(seeder)
    content.links(seeder)
    compliance.agreement(seeder)
    return seeder
