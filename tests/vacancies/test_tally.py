"""Counting a round, on plain data: choices, counts, eligibility, tie-breaks, runoff, quorum."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coop.exceptions import DomainError
from vacancies import tally
from vacancies.tally import CandidateOnBallot

A, B, C, D = 11, 22, 33, 44
IDS = [A, B, C]
# A applied first, then B, then C (D is only on the four-candidate ballots).
ON_BALLOT = [CandidateOnBallot(pk, i) for i, pk in enumerate([A, B, C, D])]


def _count(method, ballots, *, tie_break=tally.TIE_EARLIEST, seed="seed", candidates=None):
    return tally.count(
        method=method,
        candidates=candidates or ON_BALLOT[:3],
        ballots=ballots,
        tie_break=tie_break,
        seed=seed,
    )


def _yes_no(**answers) -> dict:
    ids = {"a": A, "b": B, "c": C}
    return {"answers": {str(ids[k]): v for k, v in answers.items()}}


def _approve(*pks) -> dict:
    return {"approved": [str(pk) for pk in pks]}


def _rank(*pks) -> dict:
    return {"ranking": [str(pk) for pk in pks]}


# -- clean_choices -----------------------------------------------------------------------------


def test_clean_choices_fills_missing_answers_with_abstain():
    cleaned = tally.clean_choices(tally.METHOD_YES_NO, IDS, {"answers": {str(B): "yes"}})
    assert cleaned == {"answers": {str(A): "abstain", str(B): "yes", str(C): "abstain"}}


def test_clean_choices_sorts_and_deduplicates_approvals():
    cleaned = tally.clean_choices(tally.METHOD_APPROVAL, IDS, {"approved": [C, str(A), C]})
    assert cleaned == {"approved": [str(A), str(C)]}


def test_clean_choices_keeps_a_partial_ranking_in_order():
    cleaned = tally.clean_choices(tally.METHOD_RANKED, IDS, {"ranking": [C, A]})
    assert cleaned == {"ranking": [str(C), str(A)]}


@pytest.mark.parametrize(
    ("method", "raw", "code"),
    [
        pytest.param(
            tally.METHOD_YES_NO,
            {"answers": {"999": "yes"}},
            "ballot_unknown_candidate",
            id="yes_no-unknown",
        ),
        pytest.param(
            tally.METHOD_YES_NO,
            {"answers": {str(A): "maybe"}},
            "ballot_answer_invalid",
            id="yes_no-bad-answer",
        ),
        pytest.param(
            tally.METHOD_YES_NO,
            {"answers": {str(A): 1}},
            "ballot_answer_invalid",
            id="yes_no-answer-int",
        ),
        pytest.param(
            tally.METHOD_YES_NO,
            {"answers": {str(A): None}},
            "ballot_answer_invalid",
            id="yes_no-answer-none",
        ),
        pytest.param(
            tally.METHOD_YES_NO, {"answers": [str(A)]}, "ballot_unknown_candidate", id="yes_no-list"
        ),
        pytest.param(
            tally.METHOD_YES_NO, {"answers": "yes"}, "ballot_unknown_candidate", id="yes_no-string"
        ),
        pytest.param(tally.METHOD_YES_NO, {}, "ballot_unknown_candidate", id="yes_no-missing"),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"approved": ["999"]},
            "ballot_unknown_candidate",
            id="approval-unknown",
        ),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"approved": str(A)},
            "ballot_unknown_candidate",
            id="approval-string",
        ),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"approved": {str(A): True}},
            "ballot_unknown_candidate",
            id="approval-dict",
        ),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"approved": [[A]]},
            "ballot_unknown_candidate",
            id="approval-nested",
        ),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"approved": [None]},
            "ballot_unknown_candidate",
            id="approval-none",
        ),
        pytest.param(
            tally.METHOD_APPROVAL,
            {"ranking": [A]},
            "ballot_unknown_candidate",
            id="approval-wrong-key",
        ),
        pytest.param(
            tally.METHOD_RANKED,
            {"ranking": [A, B, A]},
            "ballot_rank_repeated",
            id="ranked-duplicate",
        ),
        pytest.param(
            tally.METHOD_RANKED,
            {"ranking": [A, str(A)]},
            "ballot_rank_repeated",
            id="ranked-duplicate-mixed",
        ),
        pytest.param(
            tally.METHOD_RANKED,
            {"ranking": [A, 999]},
            "ballot_unknown_candidate",
            id="ranked-unknown",
        ),
        pytest.param(
            tally.METHOD_RANKED, {"ranking": {"1": A}}, "ballot_unknown_candidate", id="ranked-dict"
        ),
        pytest.param(
            tally.METHOD_RANKED, {"ranking": None}, "ballot_unknown_candidate", id="ranked-none"
        ),
        pytest.param(
            tally.METHOD_RANKED, {"ranking": [1.5]}, "ballot_unknown_candidate", id="ranked-float"
        ),
        pytest.param("plurality", {"ranking": [A]}, "method_invalid", id="unknown-method"),
        pytest.param(tally.METHOD_RANKED, None, "ballot_unreadable", id="not-a-dict-none"),
        pytest.param(tally.METHOD_APPROVAL, [str(A)], "ballot_unreadable", id="not-a-dict-list"),
        pytest.param(tally.METHOD_YES_NO, "yes", "ballot_unreadable", id="not-a-dict-string"),
    ],
)
def test_clean_choices_refuses_malformed_ballots(method, raw, code):
    with pytest.raises(DomainError) as raised:
        tally.clean_choices(method, IDS, raw)
    assert raised.value.code == code


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=10,
)
_ids_or_junk = st.sampled_from([str(A), str(B), str(C), A, B, "999", "", None, -1])


@given(
    method=st.sampled_from([tally.METHOD_YES_NO, tally.METHOD_APPROVAL, tally.METHOD_RANKED]),
    raw=st.one_of(
        _json,
        st.fixed_dictionaries(
            {"answers": st.dictionaries(st.sampled_from([str(A), str(B), "9"]), _json)}
        ),
        st.fixed_dictionaries({"approved": st.lists(_ids_or_junk, max_size=5)}),
        st.fixed_dictionaries({"ranking": st.lists(_ids_or_junk, max_size=5)}),
    ),
)
def test_clean_choices_either_refuses_cleanly_or_returns_a_countable_ballot(method, raw):
    try:
        cleaned = tally.clean_choices(method, IDS, raw)
    except DomainError:
        return
    # Whatever it accepts, the count takes without error, and only names candidates on it.
    result = _count(method, [cleaned])
    assert result["winner"] in (*IDS, None)
    named = cleaned.get("answers") or cleaned.get("approved") or cleaned.get("ranking") or []
    assert {int(pk) for pk in named} <= set(IDS)


# -- yes / no / abstain ------------------------------------------------------------------------


def test_yes_no_counts_every_answer_per_candidate():
    ballots = [
        tally.clean_choices(tally.METHOD_YES_NO, IDS, _yes_no(a="yes", b="no")),
        tally.clean_choices(tally.METHOD_YES_NO, IDS, _yes_no(a="yes", b="yes", c="no")),
        tally.clean_choices(tally.METHOD_YES_NO, IDS, _yes_no(a="no")),
    ]
    result = _count(tally.METHOD_YES_NO, ballots)
    assert result["counts"] == {
        str(A): {"yes": 2, "no": 1, "abstain": 0},
        str(B): {"yes": 1, "no": 1, "abstain": 1},
        str(C): {"yes": 0, "no": 1, "abstain": 2},
    }
    assert result["winner"] == A
    assert result["ranking"] == [A]  # B has as many no as yes: not eligible


def test_yes_no_needs_more_yes_than_no_to_win():
    ballots = [_yes_no(a="yes", b="abstain"), _yes_no(a="no", b="abstain")]
    result = _count(tally.METHOD_YES_NO, [tally.clean_choices("yes_no", IDS, b) for b in ballots])
    assert result["winner"] is None
    assert result["ranking"] == []


def test_yes_no_with_only_abstentions_elects_nobody():
    ballots = [tally.clean_choices(tally.METHOD_YES_NO, IDS, {"answers": {}})] * 4
    assert _count(tally.METHOD_YES_NO, ballots)["winner"] is None


def test_yes_no_breaks_equal_yes_on_the_widest_margin():
    ballots = [
        _yes_no(a="yes", b="yes"),
        _yes_no(a="yes", b="yes"),
        _yes_no(a="no", b="abstain"),
    ]
    cleaned = [tally.clean_choices("yes_no", IDS, b) for b in ballots]
    result = _count(tally.METHOD_YES_NO, cleaned, tie_break=tally.TIE_NONE)
    assert result["winner"] == B
    assert result["ranking"] == [B, A]
    assert result["tied"] == []


def test_yes_no_most_yes_wins_over_a_smaller_but_cleaner_margin():
    ballots = [_yes_no(a="yes", b="yes")] * 3 + [_yes_no(a="no")] * 2 + [_yes_no(b="abstain")]
    cleaned = [tally.clean_choices("yes_no", IDS, b) for b in ballots]
    assert _count(tally.METHOD_YES_NO, cleaned)["ranking"] == [B, A]
    ballots = [_yes_no(a="yes")] * 3 + [_yes_no(a="no", b="yes")] * 2
    cleaned = [tally.clean_choices("yes_no", IDS, b) for b in ballots]
    assert _count(tally.METHOD_YES_NO, cleaned)["winner"] == A


# -- approval ----------------------------------------------------------------------------------


def test_approval_counts_approvals_and_the_most_approved_wins():
    ballots = [_approve(A, B), _approve(B), _approve(B, C), _approve()]
    result = _count(tally.METHOD_APPROVAL, ballots)
    assert result["counts"] == {str(A): 1, str(B): 3, str(C): 1}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C]  # A and C tie: A applied first


def test_approval_without_any_approval_elects_nobody():
    result = _count(tally.METHOD_APPROVAL, [_approve(), _approve()])
    assert result["winner"] is None
    assert result["ranking"] == []


# -- tie-breaks --------------------------------------------------------------------------------


def test_a_tie_goes_to_the_earliest_application():
    result = _count(tally.METHOD_APPROVAL, [_approve(C, B)], tie_break=tally.TIE_EARLIEST)
    assert result["winner"] == B
    assert result["tied"] == [B, C]
    late_first = [CandidateOnBallot(C, 0), CandidateOnBallot(B, 1), CandidateOnBallot(A, 2)]
    result = _count(
        tally.METHOD_APPROVAL, [_approve(C, B)], tie_break=tally.TIE_EARLIEST, candidates=late_first
    )
    assert result["winner"] == C


def test_a_tie_with_no_decision_elects_nobody_but_records_the_tie():
    result = _count(tally.METHOD_APPROVAL, [_approve(A, B)], tie_break=tally.TIE_NONE)
    assert result["winner"] is None
    assert result["tied"] == [A, B]
    assert set(result["ranking"]) == {A, B}


def test_lots_are_reproducible_from_the_seed():
    ballots = [_approve(A, B, C)]
    for seed in ("alpha", "beta", "gamma"):
        first = _count(tally.METHOD_APPROVAL, ballots, tie_break=tally.TIE_LOT, seed=seed)
        again = _count(tally.METHOD_APPROVAL, ballots, tie_break=tally.TIE_LOT, seed=seed)
        assert first == again
        assert first["winner"] == min(IDS, key=lambda pk, s=seed: tally.lot_order(s, pk))
        assert first["tied"] == sorted(IDS)


def test_lots_do_not_simply_follow_the_application_order():
    ballots = [_approve(A, B, C)]
    winners = {
        _count(tally.METHOD_APPROVAL, ballots, tie_break=tally.TIE_LOT, seed=f"seed-{n}")["winner"]
        for n in range(40)
    }
    assert winners == set(IDS)


def test_a_lot_only_decides_among_the_tied():
    ballots = [_approve(A, B), _approve(A, B), _approve(C)]
    for n in range(20):
        result = _count(tally.METHOD_APPROVAL, ballots, tie_break=tally.TIE_LOT, seed=str(n))
        assert result["winner"] in (A, B)
        assert result["ranking"][-1] == C


# -- instant runoff ----------------------------------------------------------------------------


def test_a_first_round_majority_wins_at_once():
    ballots = [_rank(A, B)] * 3 + [_rank(B)] + [_rank(C, B)]
    result = _count(tally.METHOD_RANKED, ballots)
    assert result["winner"] == A
    assert len(result["rounds"]) == 1
    assert result["rounds"][0]["counts"] == {str(A): 3, str(B): 1, str(C): 1}


def test_instant_runoff_transfers_the_weakest_candidates_ballots_to_a_majority():
    ballots = [_rank(A)] * 4 + [_rank(B, A)] * 3 + [_rank(C, B)] * 2
    result = _count(tally.METHOD_RANKED, ballots)
    assert result["rounds"][0]["counts"] == {str(A): 4, str(B): 3, str(C): 2}
    assert result["rounds"][0]["eliminated"] == [str(C)]
    assert result["rounds"][1]["counts"] == {str(A): 4, str(B): 5}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C]


def test_instant_runoff_over_several_elimination_rounds():
    four = ON_BALLOT
    ballots = [_rank(A)] * 5 + [_rank(B, C)] * 4 + [_rank(C, B)] * 3 + [_rank(D, B, C)] * 2
    result = _count(tally.METHOD_RANKED, ballots, candidates=four)
    assert [r.get("eliminated") for r in result["rounds"]] == [[str(D)], [str(C)], None]
    assert result["rounds"][1]["counts"] == {str(A): 5, str(B): 6, str(C): 3}
    assert result["rounds"][2]["counts"] == {str(A): 5, str(B): 9}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C, D]


def test_exhausted_ballots_no_longer_count_towards_the_majority():
    ballots = [_rank(A)] * 4 + [_rank(B)] * 3 + [_rank(C)] * 2
    result = _count(tally.METHOD_RANKED, ballots)
    # C is dropped and their ballots name nobody else: 4 of the 7 still counting is a majority.
    assert result["rounds"][1]["counts"] == {str(A): 4, str(B): 3}
    assert result["winner"] == A


def test_instant_runoff_ranks_every_candidate_after_a_first_round_majority():
    # The next in the ranking is nominated after a refusal: nobody may fall off the ranking.
    ballots = [_rank(A)] * 5 + [_rank(C)] * 3 + [_rank(B)]
    result = _count(tally.METHOD_RANKED, ballots)
    assert result["winner"] == A
    assert result["ranking"] == [A, C, B]


def test_instant_runoff_breaks_a_tie_for_weakest_by_the_rule():
    ballots = [_rank(A)] * 2 + [_rank(B, A)] + [_rank(C, B)]
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_EARLIEST)
    # B and C tie for weakest; C applied later and is eliminated, its ballot goes to B.
    assert result["rounds"][0]["eliminated"] == [str(C)]
    # A and B then tie, 2 of 4 each: no majority, so B, who applied later, is eliminated too.
    assert result["rounds"][1]["counts"] == {str(A): 2, str(B): 2}
    assert result["rounds"][1]["eliminated"] == [str(B)]
    assert result["rounds"][2]["counts"] == {str(A): 3}
    assert result["winner"] == A
    assert result["tied"] == [A, B]
    assert result["ranking"] == [A, B, C]


def test_instant_runoff_with_no_decision_stops_at_a_tie_for_weakest():
    # Eliminating B elects C with 4 of 7 and eliminating C elects B: only a decision could say
    # which. A, whom 4 of the 7 rank last, is never elected.
    ballots = [_rank(A)] * 3 + [_rank(B, C)] * 2 + [_rank(C, B)] * 2
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_NONE)
    assert result["winner"] is None
    assert result["tied"] == [B, C]
    assert len(result["rounds"]) == 1
    assert "eliminated" not in result["rounds"][0]
    earliest = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_EARLIEST)
    assert earliest["rounds"][0]["eliminated"] == [str(C)]
    assert earliest["rounds"][1]["counts"] == {str(A): 3, str(B): 4}
    assert earliest["winner"] == B


def test_instant_runoff_eliminates_one_of_an_all_round_tie_and_counts_on():
    ballots = [_rank(A)] * 2 + [_rank(B)] * 2 + [_rank(C, B)] * 2
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_EARLIEST)
    assert result["rounds"][0]["counts"] == {str(A): 2, str(B): 2, str(C): 2}
    assert result["rounds"][0]["eliminated"] == [str(C)]  # applied last
    assert result["rounds"][1]["counts"] == {str(A): 2, str(B): 4}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C]
    undecided = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_NONE)
    assert undecided["winner"] is None
    assert undecided["tied"] == [A, B, C]


def test_a_tie_at_zero_votes_is_not_one_that_needs_a_decision():
    # Nobody puts D or E first: eliminating either passes on no ballot, so their order changes no
    # count. They go one at a time, E (applied last) first, and the count goes on.
    E = 55
    five = [*ON_BALLOT, CandidateOnBallot(E, 4)]
    ballots = [_rank(A)] * 4 + [_rank(B)] * 3 + [_rank(C, B)] * 2
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_NONE, candidates=five)
    assert [r.get("eliminated") for r in result["rounds"]] == [[str(E)], [str(D)], [str(C)], None]
    assert result["tied"] == []
    assert result["rounds"][3]["counts"] == {str(A): 4, str(B): 5}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C, D, E]


def test_the_ranking_puts_the_last_eliminated_first():
    ballots = [_rank(D, C)] * 5 + [_rank(C)] * 6 + [_rank(B, A)] * 2 + [_rank(A)] * 2
    result = _count(tally.METHOD_RANKED, ballots, candidates=ON_BALLOT)
    # A and B tie at 2: B applied later and goes first, its ballots make A 4; then A goes.
    assert [r.get("eliminated") for r in result["rounds"]] == [[str(B)], [str(A)], None]
    assert result["rounds"][2]["counts"] == {str(C): 6, str(D): 5}
    assert result["winner"] == C
    assert result["ranking"] == [C, D, A, B]


def test_instant_runoff_with_a_final_tie_and_no_decision_elects_nobody():
    ballots = [_rank(A, C)] * 2 + [_rank(B, C)] * 2 + [_rank(C)]
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_NONE)
    assert result["winner"] is None
    assert result["tied"] == [A, B]
    earliest = _count(tally.METHOD_RANKED, ballots, tie_break=tally.TIE_EARLIEST)
    assert earliest["winner"] == A


def test_instant_runoff_without_any_preference_elects_nobody():
    result = _count(tally.METHOD_RANKED, [_rank(), _rank()])
    assert result["winner"] is None


# -- quorum and digest -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turnout", "base", "quorum", "met"),
    [
        (3, 5, 60, True),  # exactly at the quorum
        (2, 5, 60, False),  # just below
        (1, 3, 33, True),  # 33.3% of 3 is above 33%
        (1, 3, 34, False),
        (5, 5, 100, True),
        (4, 5, 100, False),
        (0, 5, 0, True),  # a zero quorum is met even without votes
        (0, 0, 0, False),  # nobody could vote: never a quorum
        (0, 0, 50, False),
        (2, -1, 50, False),  # more recusals than electors cannot make a base
    ],
)
def test_quorum_edges(turnout, base, quorum, met):
    assert tally.quorum_met(turnout=turnout, base=base, quorum_percent=quorum) is met


def test_the_digest_does_not_depend_on_the_order_of_the_ballots():
    ballots = [_rank(A, B), _rank(B), _rank(C, A, B), _rank(A)]
    shuffled = ballots[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != ballots
    first = {"round": 1, "ballots": tally.canonical_ballots(ballots)}
    second = {"ballots": tally.canonical_ballots(shuffled), "round": 1}
    assert tally.digest(first) == tally.digest(second)


def test_the_digest_changes_with_any_ballot():
    ballots = [_rank(A, B), _rank(B)]
    record = {"round": 1, "ballots": tally.canonical_ballots(ballots)}
    changed = {"round": 1, "ballots": tally.canonical_ballots([_rank(A, B), _rank(B, A)])}
    assert len(tally.digest(record)) == 64
    assert tally.digest(record) != tally.digest(changed)


# -- properties --------------------------------------------------------------------------------

_subsets = st.lists(st.sets(st.sampled_from(IDS)), max_size=30)


@given(approvals=_subsets, tie_break=st.sampled_from([tally.TIE_EARLIEST, tally.TIE_LOT]))
def test_the_approval_winner_has_the_most_approvals(approvals, tie_break):
    result = _count(tally.METHOD_APPROVAL, [_approve(*s) for s in approvals], tie_break=tie_break)
    counts = Counter(pk for s in approvals for pk in s)
    assert sum(result["counts"].values()) == sum(len(s) for s in approvals)
    if not counts:
        assert result["winner"] is None
    else:
        assert counts[result["winner"]] == max(counts.values())


@given(
    answers=st.lists(
        st.fixed_dictionaries({str(pk): st.sampled_from(tally.YES_NO_ANSWERS) for pk in IDS}),
        max_size=30,
    )
)
def test_yes_no_counts_sum_to_the_ballots_and_the_winner_is_eligible(answers):
    result = _count(tally.METHOD_YES_NO, [{"answers": a} for a in answers])
    for per_candidate in result["counts"].values():
        assert sum(per_candidate.values()) == len(answers)
    if result["winner"] is not None:
        won = result["counts"][str(result["winner"])]
        assert won["yes"] > won["no"]
        assert won["yes"] == max(c["yes"] for c in result["counts"].values() if c["yes"] > c["no"])


@given(
    counted=st.integers(min_value=1, max_value=20),
    empty=st.integers(min_value=0, max_value=20),
    tie_break=st.sampled_from([tally.TIE_EARLIEST, tally.TIE_LOT, tally.TIE_NONE]),
)
def test_a_lone_ranked_candidate_always_wins_with_a_ballot(counted, empty, tie_break):
    ballots = [_rank(A)] * counted + [_rank()] * empty
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tie_break, candidates=ON_BALLOT[:1])
    assert result["winner"] == A


@settings(max_examples=200)
@given(
    rankings=st.lists(
        st.tuples(st.permutations(IDS), st.integers(0, 3)).map(lambda t: tuple(t[0][: t[1]])),
        max_size=25,
    ),
    tie_break=st.sampled_from([tally.TIE_EARLIEST, tally.TIE_LOT, tally.TIE_NONE]),
)
def test_instant_runoff_counts_every_live_ballot_and_a_winner_has_a_majority(rankings, tie_break):
    ballots = [_rank(*r) for r in rankings]
    result = _count(tally.METHOD_RANKED, ballots, tie_break=tie_break)
    first = result["rounds"][0]["counts"]
    assert sum(first.values()) == sum(1 for r in rankings if r)
    for previous, current in zip(result["rounds"], result["rounds"][1:], strict=False):
        # Ballots only move or drop out; nobody continuing loses votes in a later round.
        assert all(current["counts"][pk] >= previous["counts"][pk] for pk in current["counts"])
    assert sorted(result["ranking"]) == sorted(IDS) or not any(rankings)
    if result["winner"] is not None:
        last = result["rounds"][-1]["counts"]
        live = sum(last.values())
        assert last[str(result["winner"])] * 2 > live or len(set(last.values())) == 1


# -- instant runoff against a count by hand ----------------------------------------------------


def count_by_hand(ballots: list[tuple], tie_order: list[int], *, stop_at_ties: bool):
    """Instant runoff as tellers do it on a table, independent of ``tally``: a pile of ballots
    per candidate; the smallest pile is taken away and its ballots are laid on the pile of the
    next candidate they name who still has one. ``tie_order`` runs from the candidate a tie
    favours to the one it eliminates. Returns the winner, who went out, and the pile sizes."""
    piles: dict[int, list[tuple]] = {pk: [] for pk in tie_order}

    def lay(ballot: tuple) -> None:
        for pk in ballot:
            if pk in piles:
                piles[pk].append(ballot)
                return

    for ballot in ballots:
        lay(ballot)
    out, sizes = [], []
    while True:
        size = {pk: len(pile) for pk, pile in piles.items()}
        sizes.append(size)
        live = sum(size.values())
        if live == 0:
            return None, out, sizes
        for pk, n in size.items():
            if n * 2 > live:
                return pk, out, sizes
        smallest = min(size.values())
        last = [pk for pk in tie_order if size.get(pk) == smallest]
        if len(last) > 1 and smallest > 0 and stop_at_ties:
            return None, out, sizes
        out.append(last[-1])
        for ballot in piles.pop(last[-1]):
            lay(ballot)


@st.composite
def ranked_profiles(draw, max_candidates=5):
    """Candidates in the order they applied, and partial rankings of them (often of only some
    of them, so that candidates without a single vote turn up as well)."""
    ids = draw(st.lists(st.integers(1, 99), min_size=1, max_size=max_candidates, unique=True))
    named = draw(st.lists(st.sampled_from(ids), unique=True) | st.just(ids))
    prefix = st.tuples(st.permutations(named), st.integers(0, len(named)))
    rankings = draw(st.lists(prefix.map(lambda t: tuple(t[0][: t[1]])), max_size=24))
    return ids, rankings


def _ranked_count(ids, rankings, tie_break, seed):
    return tally.count(
        method=tally.METHOD_RANKED,
        candidates=[CandidateOnBallot(pk, i) for i, pk in enumerate(ids)],
        ballots=[_rank(*r) for r in rankings],
        tie_break=tie_break,
        seed=seed,
    )


TIE_BREAKS = st.sampled_from([tally.TIE_EARLIEST, tally.TIE_LOT, tally.TIE_NONE])


@settings(max_examples=500)
@given(profile=ranked_profiles(), tie_break=TIE_BREAKS, seed=st.text(max_size=6))
def test_instant_runoff_agrees_with_a_count_by_hand(profile, tie_break, seed):
    ids, rankings = profile
    tie_order = ids
    if tie_break == tally.TIE_LOT:
        tie_order = sorted(ids, key=lambda pk: tally.lot_order(seed, pk))
    winner, out, sizes = count_by_hand(
        rankings, tie_order, stop_at_ties=tie_break == tally.TIE_NONE
    )

    result = _ranked_count(ids, rankings, tie_break, seed)

    assert result["winner"] == winner
    assert all(set(r) <= {"counts", "eliminated"} for r in result["rounds"])  # stored format
    assert [int(pk) for r in result["rounds"] for pk in r.get("eliminated", [])] == out
    assert [r["counts"] for r in result["rounds"]] == [
        {str(pk): n for pk, n in size.items()} for size in sizes
    ]
    assert sorted(result["ranking"]) == sorted(ids)
    assert result["ranking"][len(result["ranking"]) - len(out) :] == out[::-1]
    if winner is not None:
        assert result["ranking"][0] == winner


@settings(max_examples=300)
@example(  # with a tie at zero votes taken for a decision, this one would elect nobody
    profile=([1, 2, 3, 4], [(1,), (1,), (2,), (2,), (3, 1)]),
    place=4,
    tie_break=tally.TIE_NONE,
    seed="",
)
@given(
    profile=ranked_profiles(),
    place=st.integers(0, 5),
    tie_break=TIE_BREAKS,
    seed=st.text(max_size=6),
)
def test_a_candidate_nobody_ranked_changes_no_winner(profile, place, tie_break, seed):
    ids, rankings = profile
    newcomer = max(ids) + 1
    with_newcomer = [*ids[:place], newcomer, *ids[place:]]

    before = _ranked_count(ids, rankings, tie_break, seed)
    after = _ranked_count(with_newcomer, rankings, tie_break, seed)

    assert after["winner"] == before["winner"]
    assert [pk for pk in after["ranking"] if pk != newcomer] == before["ranking"]
