"""What the vacancy processes share: their limits, row locks and who is told."""

from __future__ import annotations

import datetime as dt

from coop.models import StaffLink, User
from members.models import AssociationRole, Member, Role
from vacancies.models import (
    Vacancy,
    VotingRound,
)

# Longest voting round and application period the product accepts.
MAX_ROUND_DAYS = 60
MAX_APPLICATION_DAYS = 120
MIN_ROUND_MINUTES = 60


def _locked_vacancy(vacancy: Vacancy) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("association", "unit__building")
        .get(pk=vacancy.pk)
    )


def _locked_round(voting_round: VotingRound) -> VotingRound:
    return (
        VotingRound.objects.select_for_update(of=("self",))
        .select_related("vacancy__association", "vacancy__unit__building")
        .get(pk=voting_round.pk)
    )


def _role_holders(association, role: Role, on: dt.date):
    """The association's members who hold ``role`` on a day (each with their account)."""
    return Member.objects.filter(
        pk__in=AssociationRole.objects.current(on)
        .filter(role=role, member__association=association)
        .values("member_id")
    ).select_related("user")


def _corporation_staff(association, on: dt.date) -> list[User]:
    links = (
        StaffLink.objects.current(on)
        .filter(organisation_id=association.corporation_id)
        .select_related("user")
    )
    return [link.user for link in links]
