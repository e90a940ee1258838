"""Access-matrix rows for the vacancy pages: vacancies, candidates, ballots, nominations.

In the cast, every member of De Kapel (vrager, drager, board, selection, coordinator) is an
elector of a round opened after the cast exists; the outsider sits on the board of Het Erf,
so they reach Het Erf's vacancies and rounds, and nothing of De Kapel's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from coop.models import Unit
from members.models import Member
from tests.access import REDIRECT, Row, WrongMethod, only
from tests.conftest import Cast
from tests.vacancies.conftest import candidates_of, make_vacancy, open_round
from vacancies import services
from vacancies.models import Nomination, Vacancy, VotingRound

ELECTORS = ("vrager", "drager", "board", "selection", "coordinator")
VACANCY_VIEWERS = ("board", "selection", "corporation_staff")


def _vacancy(cast: Cast) -> Vacancy:
    return make_vacancy(cast)


def _round(cast: Cast) -> VotingRound:
    return open_round(cast, make_vacancy(cast))


def _candidate_pk(cast: Cast) -> int:
    return _vacancy(cast).candidates.order_by("applied_at").first().pk


def _other_vacancy(cast: Cast) -> Vacancy:
    unit = Unit.objects.create(
        building=cast.other_building, number="9", kind=Unit.Kind.REGULAR, rent=Decimal("700")
    )
    return make_vacancy(cast, unit=unit)


def _nomination(cast: Cast) -> Nomination:
    """A round in which three of the five electors vote yes for the first candidate."""
    voting_round = _round(cast)
    first = candidates_of(voting_round)[0]
    for member in Member.objects.filter(association=cast.association).order_by("pk")[:3]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices={"answers": {str(first.pk): "yes"}}
        )
    services.voting_round_close(
        round_id=voting_round.pk, now=voting_round.ends_at + dt.timedelta(minutes=1)
    )
    return Nomination.objects.get(round=voting_round)


ROWS: dict[str, Row] = {
    "vacancies:vacancy_list": Row(
        lambda c: reverse("vacancies:vacancy_list", args=[c.association.slug]),
        only(VACANCY_VIEWERS),
    ),
    "vacancies:vacancy_report": Row(
        lambda c: reverse("vacancies:vacancy_report", args=[c.association.slug]),
        only(("board",)),
    ),
    "vacancies:vacancy_detail": Row(
        lambda c: reverse("vacancies:vacancy_detail", args=[_vacancy(c).pk]),
        only(VACANCY_VIEWERS),
    ),
    "vacancies:vacancy_profile": Row(
        lambda c: reverse("vacancies:vacancy_profile", args=[_vacancy(c).pk]),
        only(("selection",)),
    ),
    "vacancies:vacancy_withdraw": Row(
        lambda c: reverse("vacancies:vacancy_withdraw", args=[_vacancy(c).pk]),
        only(("board",)),
    ),
    "vacancies:shortlist_finalise": Row(
        lambda c: reverse("vacancies:shortlist_finalise", args=[_vacancy(c).pk]),
        only(("selection",)),
    ),
    "vacancies:round_new": Row(
        lambda c: reverse("vacancies:round_new", args=[_vacancy(c).pk]),
        only(("board",)),
    ),
    "vacancies:nomination_next": Row(
        lambda c: reverse("vacancies:nomination_next", args=[_vacancy(c).pk]),
        only(("board",), status_ok=REDIRECT),
        method="post",
        reason="Without a refused nomination the board is sent back with a message.",
    ),
    "vacancies:candidate_detail": Row(
        lambda c: reverse("vacancies:candidate_detail", args=[_candidate_pk(c)]),
        only(("selection",)),
    ),
    "vacancies:round_detail": Row(
        lambda c: reverse("vacancies:round_detail", args=[_round(c).pk]),
        only(ELECTORS),
    ),
    "vacancies:ballot_cast": Row(
        lambda c: reverse("vacancies:ballot_cast", args=[_round(c).pk]),
        only(ELECTORS),
        method="post",
        reason="An empty ballot asks the elector to confirm a blank vote before it is cast.",
    ),
    "vacancies:ballot_receipt": Row(
        lambda c: reverse("vacancies:ballot_receipt", args=[_round(c).pk]),
        only(ELECTORS, status_ok=REDIRECT),
        reason="Without a receipt cookie of this browser the elector is sent to the round page.",
    ),
    "vacancies:recusal_declare": Row(
        lambda c: reverse("vacancies:recusal_declare", args=[_round(c).pk]),
        only(ELECTORS),
    ),
    "vacancies:nomination_detail": Row(
        lambda c: reverse("vacancies:nomination_detail", args=[_nomination(c).pk]),
        only(("corporation_staff", "board")),
        reason="The corporation decides; the association's board follows (read-only).",
    ),
    "vacancies:nomination_list": Row(
        lambda c: reverse("vacancies:nomination_list", args=[c.corporation.slug]),
        only(("corporation_staff",)),
    ),
}

OBJECT_ROWS: dict[str, Row] = {
    "other association's vacancies": Row(
        lambda c: reverse("vacancies:vacancy_list", args=[c.other_association.slug]),
        only(("outsider", "corporation_staff")),
    ),
    "other association's vacancy": Row(
        lambda c: reverse("vacancies:vacancy_detail", args=[_other_vacancy(c).pk]),
        only(("outsider", "corporation_staff")),
    ),
    "other association's vacancy withdraw": Row(
        lambda c: reverse("vacancies:vacancy_withdraw", args=[_other_vacancy(c).pk]),
        only(("outsider",)),
    ),
    "other association's candidate": Row(
        lambda c: reverse(
            "vacancies:candidate_detail",
            args=[_other_vacancy(c).candidates.order_by("pk").first().pk],
        ),
        only(()),
        reason="Het Erf has no selection committee in the cast.",
    ),
    "other association's round": Row(
        lambda c: reverse("vacancies:round_detail", args=[open_round(c, _other_vacancy(c)).pk]),
        only(("outsider",)),
    ),
    "other association's ballot": Row(
        lambda c: reverse("vacancies:ballot_cast", args=[open_round(c, _other_vacancy(c)).pk]),
        only(("outsider",)),
        method="post",
    ),
    "other corporation's nominations": Row(
        lambda c: reverse("vacancies:nomination_list", args=[c.care.slug]),
        only(()),
        reason="A care organisation has no nominations page, not even for its own staff.",
    ),
    "missing vacancy": Row(
        lambda c: reverse("vacancies:vacancy_detail", args=[999999]),
        only(()),
    ),
    "missing round": Row(
        lambda c: reverse("vacancies:round_detail", args=[999999]),
        only(()),
    ),
}

WRONG_METHOD: dict[str, WrongMethod] = {
    "vacancies:vacancy_list": WrongMethod(
        "post", lambda c: reverse("vacancies:vacancy_list", args=[c.association.slug])
    ),
    "vacancies:vacancy_report": WrongMethod(
        "put", lambda c: reverse("vacancies:vacancy_report", args=[c.association.slug])
    ),
    "vacancies:vacancy_detail": WrongMethod(
        "post", lambda c: reverse("vacancies:vacancy_detail", args=[_vacancy(c).pk])
    ),
    "vacancies:vacancy_profile": WrongMethod(
        "put",
        lambda c: reverse("vacancies:vacancy_profile", args=[_vacancy(c).pk]),
        role="selection",
    ),
    "vacancies:vacancy_withdraw": WrongMethod(
        "delete", lambda c: reverse("vacancies:vacancy_withdraw", args=[_vacancy(c).pk])
    ),
    "vacancies:shortlist_finalise": WrongMethod(
        "put",
        lambda c: reverse("vacancies:shortlist_finalise", args=[_vacancy(c).pk]),
        role="selection",
    ),
    "vacancies:round_new": WrongMethod(
        "put", lambda c: reverse("vacancies:round_new", args=[_vacancy(c).pk])
    ),
    "vacancies:nomination_next": WrongMethod(
        "get", lambda c: reverse("vacancies:nomination_next", args=[_vacancy(c).pk])
    ),
    "vacancies:candidate_detail": WrongMethod(
        "delete",
        lambda c: reverse("vacancies:candidate_detail", args=[_candidate_pk(c)]),
        role="selection",
    ),
    "vacancies:round_detail": WrongMethod(
        "post", lambda c: reverse("vacancies:round_detail", args=[_round(c).pk]), role="drager"
    ),
    "vacancies:ballot_cast": WrongMethod(
        "get", lambda c: reverse("vacancies:ballot_cast", args=[_round(c).pk]), role="drager"
    ),
    "vacancies:ballot_receipt": WrongMethod(
        "post", lambda c: reverse("vacancies:ballot_receipt", args=[_round(c).pk]), role="drager"
    ),
    "vacancies:recusal_declare": WrongMethod(
        "put", lambda c: reverse("vacancies:recusal_declare", args=[_round(c).pk]), role="drager"
    ),
    "vacancies:nomination_detail": WrongMethod(
        "put",
        lambda c: reverse("vacancies:nomination_detail", args=[_nomination(c).pk]),
        role="corporation_staff",
    ),
    "vacancies:nomination_list": WrongMethod(
        "post",
        lambda c: reverse("vacancies:nomination_list", args=[c.corporation.slug]),
        role="corporation_staff",
    ),
}
