"""State changes of vacancies, one module per process, re-exported here."""

from vacancies.services.applications import (
    candidate_apply,
    candidate_note,
    candidate_shortlist,
    candidates_purge,
    shortlist_finalise,
)
from vacancies.services.common import (
    MAX_APPLICATION_DAYS,
    MAX_ROUND_DAYS,
    MIN_ROUND_MINUTES,
)
from vacancies.services.nomination import (
    nomination_confirm,
    nomination_next,
    nomination_refuse,
)
from vacancies.services.vacancy import (
    default_route,
    vacancy_open_applications,
    vacancy_report,
    vacancy_withdraw,
)
from vacancies.services.voting import (
    TALLY_FIELDS,
    NotInElectorate,
    RoundClosed,
    Standing,
    ballot_cast,
    ballot_sealed,
    recusal_declare,
    reminder_closes,
    round_electorate,
    tally_store,
    voting_round_close,
    voting_round_open,
    voting_round_remind,
    voting_round_schedule,
)

__all__ = [
    "MAX_APPLICATION_DAYS",
    "MAX_ROUND_DAYS",
    "MIN_ROUND_MINUTES",
    "TALLY_FIELDS",
    "NotInElectorate",
    "RoundClosed",
    "Standing",
    "ballot_cast",
    "ballot_sealed",
    "candidate_apply",
    "candidate_note",
    "candidate_shortlist",
    "candidates_purge",
    "default_route",
    "nomination_confirm",
    "nomination_next",
    "nomination_refuse",
    "recusal_declare",
    "reminder_closes",
    "round_electorate",
    "shortlist_finalise",
    "tally_store",
    "vacancy_open_applications",
    "vacancy_report",
    "vacancy_withdraw",
    "voting_round_close",
    "voting_round_open",
    "voting_round_remind",
    "voting_round_schedule",
]
