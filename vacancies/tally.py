"""Counting a round: choice validation per method, the count, the tie-break, the digest.

Pure functions on plain data, so that closing a round and re-verifying it later
(``manage.py verify_tally``) run exactly the same code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coop.exceptions import DomainError

YES, NO, ABSTAIN = "yes", "no", "abstain"
YES_NO_ANSWERS = (YES, NO, ABSTAIN)

METHOD_YES_NO, METHOD_APPROVAL, METHOD_RANKED = "yes_no", "approval", "ranked"
TIE_EARLIEST, TIE_LOT, TIE_NONE = "earliest_application", "lot", "no_decision"


@dataclass(frozen=True)
class CandidateOnBallot:
    id: int
    applied_order: int  # 0 = applied first


def clean_choices(method: str, candidate_ids: Sequence[int], raw: dict) -> dict:
    """The canonical form of a ballot's choices, or DomainError for anything malformed."""
    allowed = {str(pk) for pk in candidate_ids}
    if not isinstance(raw, dict):
        raise DomainError(
            _("The ballot could not be read; fill it in again."), code="ballot_unreadable"
        )
    if method == METHOD_YES_NO:
        answers = raw.get("answers")
        if not isinstance(answers, dict) or set(answers) - allowed:
            raise DomainError(
                _("The ballot names a candidate who is not on it."), code="ballot_unknown_candidate"
            )
        if any(answer not in YES_NO_ANSWERS for answer in answers.values()):
            raise DomainError(
                _("Answer yes, no or abstain for each candidate."), code="ballot_answer_invalid"
            )
        return {"answers": {pk: answers.get(pk, ABSTAIN) for pk in sorted(allowed)}}
    if method == METHOD_APPROVAL:
        approved = raw.get("approved")
        if not isinstance(approved, list) or not {str(pk) for pk in approved} <= allowed:
            raise DomainError(
                _("The ballot names a candidate who is not on it."), code="ballot_unknown_candidate"
            )
        return {"approved": sorted({str(pk) for pk in approved}, key=int)}
    if method == METHOD_RANKED:
        ranking = raw.get("ranking")
        if not isinstance(ranking, list) or not {str(pk) for pk in ranking} <= allowed:
            raise DomainError(
                _("The ballot names a candidate who is not on it."), code="ballot_unknown_candidate"
            )
        ranking = [str(pk) for pk in ranking]
        if len(set(ranking)) != len(ranking):
            raise DomainError(
                _("Give each candidate at most one rank."), code="ballot_rank_repeated"
            )
        return {"ranking": ranking}
    raise DomainError(_("Unknown voting method."), code="method_invalid")


def lot_order(seed: str, candidate_id: int) -> str:
    """Drawing lots, reproducibly: the seed is drawn at close and stored with the tally."""
    return hashlib.sha256(f"{seed}:{candidate_id}".encode()).hexdigest()


def _preference(candidates: Iterable[CandidateOnBallot], tie_break: str, seed: str):
    """Sort key: lower comes first when a tie must be broken."""
    order = {c.id: c.applied_order for c in candidates}
    if tie_break == TIE_LOT:
        return lambda pk: lot_order(seed, pk)
    return lambda pk: order[pk]


def _rank(scores: dict[int, tuple], eligible: set[int], tie_break: str, prefer) -> dict:
    """Winner and ranking from per-candidate scores (higher is better)."""
    ordered = sorted(scores, key=lambda pk: (tuple(-s for s in scores[pk]), prefer(pk)))
    ranking = [pk for pk in ordered if pk in eligible]
    winner, tied = None, []
    if ranking:
        best = scores[ranking[0]]
        tied = [pk for pk in ranking if scores[pk] == best]
        winner = ranking[0] if len(tied) == 1 or tie_break != TIE_NONE else None
    return {"winner": winner, "ranking": ranking, "tied": sorted(tied) if len(tied) > 1 else []}


def count(
    *,
    method: str,
    candidates: Sequence[CandidateOnBallot],
    ballots: Sequence[dict],
    tie_break: str,
    seed: str,
) -> dict:
    """The result of a round: per-candidate counts, the ranking and the winner (or None)."""
    prefer = _preference(candidates, tie_break, seed)
    ids = [c.id for c in candidates]
    if method == METHOD_YES_NO:
        counts = {pk: {YES: 0, NO: 0, ABSTAIN: 0} for pk in ids}
        for ballot in ballots:
            for pk, answer in ballot["answers"].items():
                counts[int(pk)][answer] += 1
        # A candidate needs more yes than no; most yes wins, then the widest margin.
        eligible = {pk for pk in ids if counts[pk][YES] > counts[pk][NO]}
        scores = {pk: (counts[pk][YES], counts[pk][YES] - counts[pk][NO]) for pk in ids}
        result = _rank(scores, eligible, tie_break, prefer)
        result["counts"] = {str(pk): counts[pk] for pk in ids}
        return result
    if method == METHOD_APPROVAL:
        approvals = dict.fromkeys(ids, 0)
        for ballot in ballots:
            for pk in ballot["approved"]:
                approvals[int(pk)] += 1
        eligible = {pk for pk in ids if approvals[pk] > 0}
        result = _rank({pk: (approvals[pk],) for pk in ids}, eligible, tie_break, prefer)
        result["counts"] = {str(pk): approvals[pk] for pk in ids}
        return result
    return _instant_runoff(ids, ballots, tie_break, prefer)


def _instant_runoff(ids: list[int], ballots: Sequence[dict], tie_break: str, prefer) -> dict:
    """Ranked choice, one winner: instant runoff, exactly one candidate eliminated per count.

    Each count gives every ballot to its highest-ranked candidate still in the count; a ballot
    naming none of them no longer counts. More than half of the ballots still counting wins.
    Otherwise the candidate with the fewest votes is eliminated. When several share the fewest
    (all remaining candidates too), the tie-break eliminates the one it puts last; with "no
    decision" the count stops there without a winner. A tie at zero votes needs no breaking:
    such candidates pass on no ballot, so the order in which they go changes no later count;
    they go one by one in the tie-break's order.
    """
    rankings = [[int(pk) for pk in b["ranking"]] for b in ballots]
    continuing = set(ids)
    rounds: list[dict] = []
    eliminated: list[int] = []
    winner, tied = None, []
    tallies: dict[int, int] = {}
    while continuing:
        tallies = dict.fromkeys(sorted(continuing), 0)
        for ranking in rankings:
            top = next((pk for pk in ranking if pk in continuing), None)
            if top is not None:
                tallies[top] += 1
        rounds.append({"counts": {str(pk): n for pk, n in tallies.items()}})
        active = sum(tallies.values())
        if active == 0:
            break  # no ballot names anyone still in the count: nobody can win
        leader = max(tallies, key=tallies.__getitem__)
        if tallies[leader] * 2 > active:
            winner = leader
            break
        fewest = min(tallies.values())
        weakest = [pk for pk, n in tallies.items() if n == fewest]
        if len(weakest) > 1 and fewest > 0:
            tied = weakest  # the stored counts show in which round (several share the fewest)
            if tie_break == TIE_NONE:
                break
        out = max(weakest, key=prefer)
        continuing.discard(out)
        eliminated.append(out)
        rounds[-1]["eliminated"] = [str(out)]
    # The ranking follows the count (after a refusal the next in it is nominated): the winner,
    # the others still in the count by their last count, then the eliminated, last out first.
    still_in = sorted(continuing - {winner}, key=lambda pk: (-tallies[pk], prefer(pk)))
    ranking = ([winner] if winner is not None else []) + still_in + eliminated[::-1]
    return {"winner": winner, "ranking": ranking, "tied": tied, "rounds": rounds}


def quorum_met(*, turnout: int, base: int, quorum_percent: int) -> bool:
    """Turnout of at least ``quorum_percent`` of the electorate minus recusals."""
    return base > 0 and turnout * 100 >= quorum_percent * base


def digest(record: dict) -> str:
    """SHA-256 over the canonical JSON of what the tally rests on and what it says."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_ballots(choices: Iterable[dict]) -> list[str]:
    """Ballots as sorted canonical JSON strings: the digest must not depend on row order."""
    return sorted(json.dumps(c, sort_keys=True, separators=(",", ":")) for c in choices)
