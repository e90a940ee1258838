"""Who may see and do what with vacancies, candidates, rounds and nominations (404 if not).

- board: reports vacancies, sets up rounds, follows nominations of its association;
- selection committee: profile, candidates (with contact data and interview notes), shortlist;
- members: the ballot of a round they are in the electorate of, and its result after close;
- corporation staff: the vacancies and nominations of their corporation's associations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.http import Http404

from coop.models import Association, Building, Unit
from members import access as members_access
from members.access import AssociationAccess, Viewer, checked_need

# One copy, in members; re-exported for the corporation's nominations page.
from members.access import get_corporation_for as get_corporation_for
from vacancies import standing
from vacancies.models import (
    Candidate,
    Nomination,
    Vacancy,
    VotingRound,
)


class VacancyNeed(StrEnum):
    VIEW = "view"  # the association's board and selection committee, its corporation's staff
    MANAGE = "manage"  # its board: report vacancies, set up rounds
    SELECT = "select"  # its selection committee: profile, candidates, shortlist


class NominationNeed(StrEnum):
    VIEW = "view"  # the corporation's staff and the association's board
    DECIDE = "decide"  # the corporation's staff


@dataclass(frozen=True)
class VacancyAccess:
    """What the viewer may do with an association's vacancies (no query: roles are loaded)."""

    viewer: Viewer
    association: Association

    @property
    def _own(self) -> bool:
        return self.viewer.association_id == self.association.pk

    @property
    def may_view(self) -> bool:
        if self._own:
            return self.may_manage or self.may_select
        return self.association.corporation_id in self.viewer.corporation_ids

    @property
    def may_manage(self) -> bool:
        return AssociationAccess(self.viewer, self.association).may_manage

    @property
    def may_select(self) -> bool:
        return AssociationAccess(self.viewer, self.association).may_select

    @property
    def may_see_candidates(self) -> bool:
        """The board follows the candidates; the selection committee opens their files."""
        return self.may_manage or self.may_select

    @property
    def may_reach_ballots(self) -> bool:
        """The rounds' ballot pages are for the association's own members."""
        return self._own

    @property
    def may_decide_nominations(self) -> bool:
        """The corporation's staff confirm or refuse a nomination."""
        return self.association.corporation_id in self.viewer.corporation_ids

    @property
    def may_see_nominations(self) -> bool:
        """The corporation's staff decide on nominations; the board follows them."""
        return self.may_decide_nominations or self.may_manage

    def may(self, need: VacancyNeed) -> bool:
        match checked_need(need, VacancyNeed):
            case VacancyNeed.VIEW:
                return self.may_view
            case VacancyNeed.MANAGE:
                return self.may_manage
            case VacancyNeed.SELECT:
                return self.may_select
        raise ValueError(f"unhandled need {need!r}")


def _own_association(viewer: Viewer, association_id: int) -> bool:
    return viewer.association_id == association_id


def get_association_for(
    viewer: Viewer, slug: str, *, need: VacancyNeed = VacancyNeed.VIEW
) -> Association:
    """An association's vacancies, for those who may see (or manage) them."""
    need = checked_need(need, VacancyNeed)
    association = members_access.get_association_for(viewer, slug)
    if not VacancyAccess(viewer, association).may(need):
        raise Http404
    return association


def get_vacancy_for(viewer: Viewer, pk: int, *, need: VacancyNeed = VacancyNeed.VIEW) -> Vacancy:
    need = checked_need(need, VacancyNeed)
    vacancy = (
        Vacancy.objects.select_related("association__corporation", "unit__building__association")
        .filter(pk=pk)
        .first()
    )
    if vacancy is None or not VacancyAccess(viewer, vacancy.association).may(need):
        raise Http404
    return vacancy


def get_candidate_for(viewer: Viewer, pk: int) -> Candidate:
    """Candidates' files are for the selection committee of the association only."""
    candidate = (
        Candidate.objects.select_related("vacancy__association", "vacancy__unit__building")
        .filter(pk=pk)
        .first()
    )
    if candidate is None or not VacancyAccess(viewer, candidate.vacancy.association).may_select:
        raise Http404
    return candidate


def get_round_for(viewer: Viewer, pk: int, **values: RawSQL) -> VotingRound:
    """A round is seen by its electorate (or, while scheduled, the association's members)
    and by the board; nobody else.

    The round comes annotated with the viewer's standing in it (``is_elector``, ``voted``,
    ``recused``) and with any further ``values`` a page asks for, and with its vacancy as its
    pages name it (the unit and its building), all read by one statement written once
    (``vacancies.standing``): building it with the ORM took longer than running it. Neither
    the association nor the winner is read: a round is only ever the viewer's own
    association's, which the viewer holds, and the winner is one of the ballot's candidates.
    """
    if viewer.member is None:
        raise Http404
    columns, rest = standing.round_page_sql(connection.vendor)
    params: list = [viewer.member.pk] * len(standing.STANDING)
    for name, value in values.items():
        columns += f", ({value.sql}) AS {connection.ops.quote_name(name)}"
        params += value.params
    rows = list(VotingRound.objects.raw(f"{columns} {rest}", [*params, pk]))
    if not rows:
        raise Http404
    voting_round = rows[0]
    read = vars(voting_round)  # the columns that are not the round's own fields
    if not _own_association(viewer, read["vacancy_association_id"]):
        raise Http404
    voting_round.vacancy = _loaded(
        Vacancy,
        id=voting_round.vacancy_id,
        association_id=read["vacancy_association_id"],
        unit_id=read["vacancy_unit_id"],
    )
    voting_round.vacancy.association = viewer.member.association
    voting_round.vacancy.unit = _loaded(
        Unit,
        id=read["vacancy_unit_id"],
        number=read["unit_number"],
        building_id=read["unit_building_id"],
    )
    voting_round.vacancy.unit.building = _loaded(
        Building, id=read["unit_building_id"], name=read["building_name"]
    )
    if viewer.may_manage_own_association or voting_round.status == VotingRound.Status.SCHEDULED:
        return voting_round
    if not read["is_elector"]:
        raise Http404
    return voting_round


def _loaded[M: Model](model: type[M], **values) -> M:
    """An instance of ``model`` as loaded from the database with only these fields (by their
    attribute names); any other field is read when first used, as with ``only()``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def get_round_to_cast(viewer: Viewer, pk: int) -> VotingRound:
    """The round a viewer casts a ballot in: only its electorate reaches it (404 otherwise).

    One statement written once (``vacancies.standing``) reads the round's method and whether
    the viewer is an elector; the cast itself reads the rest once the round is locked."""
    if viewer.member is None:
        raise Http404
    sql = standing.round_to_cast_sql(connection.vendor)
    rows = list(VotingRound.objects.raw(sql, [viewer.member.pk, pk]))
    if not rows:
        raise Http404
    columns = vars(rows[0])  # the columns that are not the round's own fields
    if not _own_association(viewer, columns["association_id"]) or not columns["is_elector"]:
        raise Http404
    return rows[0]


def get_nomination_for(
    viewer: Viewer, pk: int, *, need: NominationNeed = NominationNeed.VIEW
) -> Nomination:
    """The corporation decides on a nomination; the association's board follows it."""
    need = checked_need(need, NominationNeed)
    nomination = (
        Nomination.objects.select_related(
            "vacancy__association__corporation", "vacancy__unit__building", "candidate", "round"
        )
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404
    if not _may_nomination(viewer, nomination, need):
        raise Http404
    return nomination


def may_decide_nomination(viewer: Viewer, nomination: Nomination) -> bool:
    """The corporation's staff confirm or refuse a nomination."""
    return VacancyAccess(viewer, nomination.vacancy.association).may_decide_nominations


def _may_nomination(viewer: Viewer, nomination: Nomination, need: NominationNeed) -> bool:
    vacancies = VacancyAccess(viewer, nomination.vacancy.association)
    match checked_need(need, NominationNeed):
        case NominationNeed.VIEW:
            return vacancies.may_see_nominations
        case NominationNeed.DECIDE:
            return vacancies.may_decide_nominations
    raise ValueError(f"unhandled need {need!r}")
