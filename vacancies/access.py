"""Who may see and do what with vacancies, candidates, rounds and nominations (404 if not).

- board: reports vacancies, sets up rounds, follows nominations of its association;
- selection committee: profile, candidates (with contact data and interview notes), shortlist;
- members: the ballot of a round they are in the electorate of, and its result after close;
- corporation staff: the vacancies and nominations of their corporation's associations.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Exists, OuterRef
from django.http import Http404

from coop.models import Association, Organisation
from members import access as members_access
from members.access import Viewer
from members.models import Role
from vacancies.models import (
    Candidate,
    Elector,
    Nomination,
    Recusal,
    Vacancy,
    VoteRecord,
    VotingRound,
)

VacancyNeed = Literal["view", "manage", "select"]


def _own_association(viewer: Viewer, association_id: int) -> bool:
    return viewer.association_id == association_id


def _allowed(viewer: Viewer, association: Association, need: VacancyNeed) -> bool:
    """view: the association's board and selection committee, and its corporation's staff;
    manage: its board; select: its selection committee."""
    own = _own_association(viewer, association.pk)
    if need == "view":
        if own:
            return viewer.has_role(Role.BOARD) or viewer.has_role(Role.SELECTION)
        return association.corporation_id in viewer.corporation_ids
    role = Role.BOARD if need == "manage" else Role.SELECTION
    return own and viewer.has_role(role)


def get_association_for(viewer: Viewer, slug: str, *, need: VacancyNeed = "view") -> Association:
    """An association's vacancies, for those who may see (or manage) them."""
    association = members_access.get_association_for(viewer, slug)
    if not _allowed(viewer, association, need):
        raise Http404
    return association


def get_corporation_for(viewer: Viewer, slug: str) -> Organisation:
    """A corporation's nominations are seen by its own staff only."""
    organisation = members_access.get_organisation_for(viewer, slug)
    if organisation.kind != Organisation.Kind.CORPORATION:
        raise Http404
    return organisation


def get_vacancy_for(viewer: Viewer, pk: int, *, need: VacancyNeed = "view") -> Vacancy:
    vacancy = (
        Vacancy.objects.select_related("association__corporation", "unit__building__association")
        .filter(pk=pk)
        .first()
    )
    if vacancy is None or not _allowed(viewer, vacancy.association, need):
        raise Http404
    return vacancy


def get_candidate_for(viewer: Viewer, pk: int) -> Candidate:
    """Candidates' files are for the selection committee of the association only."""
    candidate = (
        Candidate.objects.select_related("vacancy__association", "vacancy__unit__building")
        .filter(pk=pk)
        .first()
    )
    if candidate is None or not _allowed(viewer, candidate.vacancy.association, "select"):
        raise Http404
    return candidate


def get_round_for(viewer: Viewer, pk: int) -> VotingRound:
    """A round is seen by its electorate (or, while scheduled, the association's members)
    and by the board; nobody else.

    The round comes annotated with the viewer's standing in it (``is_elector``, ``voted``,
    ``recused``), read in the same query as the round itself.
    """
    if viewer.member is None:
        raise Http404
    member = viewer.member
    voting_round = (
        VotingRound.objects.select_related(
            "vacancy__association", "vacancy__unit__building", "winner"
        )
        .annotate(
            is_elector=Exists(Elector.objects.filter(round=OuterRef("pk"), member=member)),
            voted=Exists(VoteRecord.objects.filter(round=OuterRef("pk"), member=member)),
            recused=Exists(Recusal.objects.filter(round=OuterRef("pk"), member=member)),
        )
        .filter(pk=pk)
        .first()
    )
    if voting_round is None:
        raise Http404
    if not _own_association(viewer, voting_round.vacancy.association_id):
        raise Http404
    if viewer.has_role(Role.BOARD) or voting_round.status == VotingRound.Status.SCHEDULED:
        return voting_round
    if not voting_round.is_elector:
        raise Http404
    return voting_round


def get_nomination_for(viewer: Viewer, pk: int, *, need: Literal["view", "decide"] = "view"):
    """The corporation decides on a nomination; the association's board follows it."""
    nomination = (
        Nomination.objects.select_related(
            "vacancy__association__corporation", "vacancy__unit__building", "candidate", "round"
        )
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404
    corporation_staff = nomination.vacancy.association.corporation_id in viewer.corporation_ids
    board = _own_association(viewer, nomination.vacancy.association_id) and viewer.has_role(
        Role.BOARD
    )
    if not (corporation_staff or (need == "view" and board)):
        raise Http404
    return nomination
