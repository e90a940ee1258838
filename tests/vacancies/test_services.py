"""The rules of the vacancy services: clear refusals that change nothing, and an audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from coop.exceptions import DomainError
from coop.models import AuditEntry
from members.models import Member, MixGroupPeriod, Tenancy
from members.services import member_register
from tests.vacancies.conftest import candidates_of, empty_unit, make_vacancy, open_round
from vacancies import services
from vacancies.models import (
    Ballot,
    Candidate,
    Nomination,
    Recusal,
    Route,
    Vacancy,
    VoteRecord,
    VotingRound,
)


def _electors(cast) -> list[Member]:
    return list(
        Member.objects.filter(association=cast.association, user__isnull=False).order_by("pk")
    )


def _yes(candidate) -> dict:
    return {"answers": {str(candidate.pk): "yes"}}


def _close(voting_round: VotingRound) -> VotingRound:
    with time_machine.travel(voting_round.ends_at + dt.timedelta(minutes=1)):
        return services.voting_round_close(round_id=voting_round.pk)


def _schedule(cast, vacancy, *, now=None, **overrides):
    """Schedule a round with the clock held at ``now``, as the board would at that moment."""
    now = now or timezone.now()
    arguments = {
        "actor": cast.board,
        "vacancy": vacancy,
        "method": "approval",
        "quorum_percent": 50,
        "tie_break": "lot",
        "starts_at": now,
        "ends_at": now + dt.timedelta(days=2),
    } | overrides
    with time_machine.travel(now, tick=False):
        return services.voting_round_schedule(**arguments)


def _nominated(cast, vacancy) -> Nomination:
    """Fenna wins an approval round, Joost comes second, Amira third."""
    voting_round = open_round(cast, vacancy, method="approval")
    on_ballot = candidates_of(voting_round)
    votes = [on_ballot, on_ballot[:2], on_ballot[:1]]
    for member, approved in zip(_electors(cast), votes, strict=False):
        services.ballot_cast(
            voting_round=voting_round,
            member=member,
            choices={"approved": [str(c.pk) for c in approved]},
        )
    _close(voting_round)
    return Nomination.objects.get(vacancy=vacancy, status=Nomination.Status.PENDING)


# -- vacancy report and applications -----------------------------------------------------------


def test_a_unit_has_one_open_vacancy_at_a_time(cast, vacancy):
    with pytest.raises(DomainError) as refusal:
        services.vacancy_report(
            actor=cast.board, unit=vacancy.unit, available_from=timezone.localdate()
        )
    assert refusal.value.code == "vacancy_already_open"
    assert refusal.value.field == "unit"
    assert Vacancy.objects.filter(unit=vacancy.unit).count() == 1


def test_an_omklap_unit_is_never_filled_by_co_optation(cast):
    omklap = cast.units[1]  # the empty omklap unit
    with pytest.raises(DomainError) as refusal:
        services.vacancy_report(
            actor=cast.board,
            unit=omklap,
            available_from=timezone.localdate(),
            route=Route.COOPTATION,
        )
    assert refusal.value.code == "omklap_unit_cooptation"
    assert refusal.value.field == "route"
    assert not Vacancy.objects.exists()
    vacancy = services.vacancy_report(
        actor=cast.board, unit=omklap, available_from=timezone.localdate()
    )
    assert vacancy.route == Route.CARE_NOMINATION
    with pytest.raises(DomainError) as raised:
        services.vacancy_open_applications(
            actor=cast.selection,
            vacancy=vacancy,
            profile="Iemand voor de zorgwoning.",
            closes_at=timezone.now() + dt.timedelta(days=7),
            volunteer_priority=False,
        )
    assert raised.value.code == "vacancy_not_cooptation"


def test_a_vacancy_report_refuses_an_unknown_route_and_an_old_date(cast):
    unit = cast.units[3]
    with pytest.raises(DomainError) as raised:
        services.vacancy_report(
            actor=cast.board, unit=unit, available_from=timezone.localdate(), route="auction"
        )
    assert raised.value.code == "route_invalid"
    with pytest.raises(DomainError) as raised:
        services.vacancy_report(
            actor=cast.board,
            unit=unit,
            available_from=timezone.localdate() - dt.timedelta(days=400),
        )
    assert raised.value.code == "date_too_far_back"
    with pytest.raises(DomainError) as raised:
        services.vacancy_report(
            actor=cast.board,
            unit=unit,
            available_from=timezone.localdate() + dt.timedelta(days=3 * 366),
        )
    assert raised.value.code == "date_too_far_ahead"
    assert not Vacancy.objects.exists()


@pytest.mark.parametrize(
    "closes_in, code",
    [
        pytest.param(dt.timedelta(minutes=-1), "closes_in_past", id="in-the-past"),
        pytest.param(dt.timedelta(0), "closes_in_past", id="now"),
        pytest.param(
            dt.timedelta(days=services.MAX_APPLICATION_DAYS, minutes=1),
            "applications_too_long",
            id="too-far",
        ),
    ],
)
def test_applications_need_a_closing_date_in_the_near_future(cast, closes_in, code):
    vacancy = services.vacancy_report(
        actor=cast.board, unit=empty_unit(cast), available_from=timezone.localdate()
    )
    now = timezone.now()
    with pytest.raises(DomainError) as refusal:
        services.vacancy_open_applications(
            actor=cast.selection,
            vacancy=vacancy,
            profile="Iemand die meedoet.",
            closes_at=now + closes_in,
            volunteer_priority=False,
        )
    assert refusal.value.code == code
    assert refusal.value.field == "closes_at"
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.profile, vacancy.applications_close_at) == (
        Vacancy.Status.REPORTED,
        "",
        None,
    )


# -- shortlist ---------------------------------------------------------------------------------


def test_leaving_a_candidate_off_the_shortlist_needs_a_reason(cast):
    vacancy = make_vacancy(cast, shortlist=False)
    candidate = vacancy.candidates.first()
    for reason in ("", "   "):
        with pytest.raises(DomainError) as refusal:
            services.candidate_shortlist(
                actor=cast.selection, candidate=candidate, shortlisted=False, reason=reason
            )
        assert refusal.value.code == "required"
        assert refusal.value.field == "reason"
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decision_reason) == (Candidate.Status.APPLIED, "")


def test_shortlist_decisions_and_interview_notes_are_audited_without_the_candidates_name(cast):
    vacancy = make_vacancy(cast, shortlist=False)
    fenna, joost, _amira = vacancy.candidates.order_by("applied_at")

    services.candidate_shortlist(actor=cast.selection, candidate=fenna, shortlisted=True)
    services.candidate_shortlist(
        actor=cast.selection,
        candidate=joost,
        shortlisted=False,
        reason="Past niet bij het profiel.",
    )
    services.candidate_note(actor=cast.selection, candidate=fenna, notes="Goed gesprek.")

    entries = AuditEntry.objects.filter(target_type="vacancies.candidate").order_by("pk")
    assert [
        (e.action, e.actor, e.association, e.target_id, e.target_repr, e.data) for e in entries
    ] == [
        (
            "candidate.shortlist_decided",
            cast.selection,
            cast.association,
            str(fenna.pk),
            f"candidate #{fenna.pk}",
            {"shortlisted": True},
        ),
        (
            "candidate.shortlist_decided",
            cast.selection,
            cast.association,
            str(joost.pk),
            f"candidate #{joost.pk}",
            {"shortlisted": False},
        ),
        (
            "candidate.notes_changed",
            cast.selection,
            cast.association,
            str(fenna.pk),
            f"candidate #{fenna.pk}",
            {},
        ),
    ]


def test_the_shortlist_is_final_only_after_the_closing_date_and_every_decision(cast):
    vacancy = make_vacancy(cast, shortlist=False)
    fenna, joost, amira = vacancy.candidates.order_by("applied_at")
    with pytest.raises(DomainError) as raised:
        services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
    assert raised.value.code == "applications_still_open"
    after_closing = vacancy.applications_close_at + dt.timedelta(minutes=1)
    services.candidate_shortlist(actor=cast.selection, candidate=fenna, shortlisted=True)
    services.candidate_shortlist(
        actor=cast.selection, candidate=joost, shortlisted=False, reason="Geen klik met de gang."
    )
    with pytest.raises(DomainError) as raised, time_machine.travel(after_closing, tick=False):
        services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
    assert raised.value.code == "candidates_undecided"
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.OPEN
    assert not Candidate.objects.filter(rejection_sent_at__isnull=False).exists()
    services.candidate_shortlist(
        actor=cast.selection, candidate=amira, shortlisted=False, reason="Huishouden te groot."
    )
    with time_machine.travel(after_closing, tick=False):
        services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.SHORTLISTED


def test_the_final_shortlist_tells_every_candidate_not_taken_why(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    vacancy = make_vacancy(cast, shortlist=False)
    fenna, joost, amira = vacancy.candidates.order_by("applied_at")
    services.candidate_shortlist(actor=cast.selection, candidate=fenna, shortlisted=True)
    services.candidate_shortlist(
        actor=cast.selection, candidate=joost, shortlisted=False, reason="Geen klik met de gang."
    )
    services.candidate_shortlist(
        actor=cast.selection, candidate=amira, shortlisted=False, reason="Huishouden te groot."
    )
    mailoutbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(vacancy.applications_close_at + dt.timedelta(days=1), tick=False),
    ):
        services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert set(by_address) == {joost.email, amira.email}
    assert "Geen klik met de gang." in by_address[joost.email]
    assert "Huishouden te groot." in by_address[amira.email]
    assert Candidate.objects.filter(rejection_sent_at__isnull=False).count() == 2


def test_a_final_shortlist_takes_no_more_changes(cast, vacancy):
    candidate = vacancy.candidates.first()
    with pytest.raises(DomainError) as raised:
        services.candidate_shortlist(
            actor=cast.selection, candidate=candidate, shortlisted=False, reason="Toch niet."
        )
    assert raised.value.code == "shortlist_final"
    assert Candidate.objects.get(pk=candidate.pk).status == Candidate.Status.SHORTLISTED


# -- scheduling a round ------------------------------------------------------------------------


def test_a_round_needs_a_final_shortlist(cast):
    vacancy = make_vacancy(cast, shortlist=False)
    with pytest.raises(DomainError) as raised:
        _schedule(cast, vacancy)
    assert raised.value.code == "shortlist_not_final"
    assert not VotingRound.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        pytest.param({"method": "plurality"}, "method", "method_invalid", id="method"),
        pytest.param({"tie_break": "coin"}, "tie_break", "tie_break_invalid", id="tie-break"),
        pytest.param(
            {"quorum_percent": 101}, "quorum_percent", "quorum_out_of_range", id="quorum-over-100"
        ),
        pytest.param(
            {"quorum_percent": -1}, "quorum_percent", "quorum_out_of_range", id="quorum-negative"
        ),
        pytest.param(
            {"quorum_percent": "50"}, "quorum_percent", "quorum_out_of_range", id="quorum-text"
        ),
        pytest.param(
            {"quorum_percent": 50.5}, "quorum_percent", "quorum_out_of_range", id="quorum-float"
        ),
    ],
)
def test_a_round_refuses_an_invalid_setting(cast, vacancy, overrides, field, code):
    with pytest.raises(DomainError) as refusal:
        _schedule(cast, vacancy, **overrides)
    assert refusal.value.code == code
    assert refusal.value.field == field
    assert not VotingRound.objects.exists()
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.SHORTLISTED


@pytest.mark.parametrize(
    ("starts_in", "ends_in", "code"),
    [
        pytest.param(dt.timedelta(0), dt.timedelta(minutes=59), "round_too_short", id="59-minutes"),
        pytest.param(
            dt.timedelta(days=1),
            dt.timedelta(days=1, minutes=30),
            "round_too_short",
            id="later-too-short",
        ),
        pytest.param(
            dt.timedelta(hours=-5),
            dt.timedelta(minutes=30),
            "round_too_short",
            id="past-start-short",
        ),
        pytest.param(
            dt.timedelta(0), dt.timedelta(days=-1), "round_too_short", id="ends-before-start"
        ),
        pytest.param(dt.timedelta(0), dt.timedelta(days=61), "round_too_long", id="too-long"),
    ],
)
def test_a_round_runs_at_least_an_hour_and_at_most_sixty_days(
    cast, vacancy, starts_in, ends_in, code
):
    now = timezone.now()
    with pytest.raises(DomainError) as refusal:
        _schedule(cast, vacancy, starts_at=now + starts_in, ends_at=now + ends_in, now=now)
    assert refusal.value.code == code
    assert refusal.value.field == "ends_at"
    assert not VotingRound.objects.exists()


def test_a_round_of_exactly_an_hour_is_accepted(cast, vacancy):
    now = timezone.now()
    voting_round = _schedule(
        cast, vacancy, starts_at=now, ends_at=now + dt.timedelta(hours=1), now=now
    )
    assert voting_round.ends_at - voting_round.starts_at == dt.timedelta(hours=1)


def test_a_round_starting_in_the_past_opens_now(cast, vacancy):
    now = timezone.now()
    voting_round = _schedule(
        cast,
        vacancy,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1),
        now=now,
    )
    assert voting_round.status == VotingRound.Status.OPEN
    assert voting_round.starts_at == now == voting_round.opened_at
    assert voting_round.electorate_size == 5
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.VOTING


def test_a_future_round_waits_and_the_settings_are_fixed(cast, vacancy):
    now = timezone.now()
    voting_round = _schedule(
        cast,
        vacancy,
        method="ranked",
        quorum_percent=30,
        tie_break="no_decision",
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=3),
    )
    assert voting_round.status == VotingRound.Status.SCHEDULED
    assert (voting_round.method, voting_round.quorum_percent, voting_round.tie_break) == (
        "ranked",
        30,
        "no_decision",
    )
    assert set(voting_round.candidates.all()) == set(vacancy.candidates.all())
    # A second round while one is scheduled is refused.
    with pytest.raises(DomainError) as raised:
        _schedule(cast, vacancy)
    assert raised.value.code == "shortlist_not_final"
    assert VotingRound.objects.count() == 1


# -- recusal and casting -----------------------------------------------------------------------


def test_a_recusal_comes_before_the_vote_and_needs_a_reason(cast, voting_round):
    fenna = candidates_of(voting_round)[0]
    with pytest.raises(DomainError) as raised:
        services.recusal_declare(voting_round=voting_round, member=cast.drager_member, reason=" ")
    assert raised.value.code == "required"
    services.ballot_cast(voting_round=voting_round, member=cast.drager_member, choices=_yes(fenna))
    with pytest.raises(DomainError) as raised:
        services.recusal_declare(
            voting_round=voting_round, member=cast.drager_member, reason="Mijn neef."
        )
    assert raised.value.code == "already_voted"
    services.recusal_declare(
        voting_round=voting_round, member=cast.vrager_member, reason="Mijn neef."
    )
    with pytest.raises(DomainError) as raised:
        services.recusal_declare(
            voting_round=voting_round, member=cast.vrager_member, reason="Nogmaals."
        )
    assert raised.value.code == "already_recused"
    with pytest.raises(DomainError) as raised:
        services.recusal_declare(
            voting_round=voting_round, member=cast.outsider_member, reason="Ik hoor er niet bij."
        )
    assert raised.value.code == "not_in_electorate"
    assert list(Recusal.objects.values_list("member_id", flat=True)) == [cast.vrager_member.pk]


def test_recused_members_leave_the_quorum_base(cast, vacancy):
    voting_round = open_round(cast, vacancy, method="approval", quorum=60)
    fenna = candidates_of(voting_round)[0]
    members = _electors(cast)
    assert voting_round.electorate_size == len(members) == 5
    for member in members[:2]:
        services.recusal_declare(voting_round=voting_round, member=member, reason="Familie.")
    for member in members[2:4]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices={"approved": [str(fenna.pk)]}
        )
    closed = _close(voting_round)
    # 2 votes of 5 electors is 40%, but of the 3 not recused it is 67%: quorum met.
    assert (closed.tally["electorate"], closed.tally["recused"], closed.tally["turnout"]) == (
        5,
        2,
        2,
    )
    assert closed.tally["quorum_met"] is True
    assert closed.outcome == VotingRound.Outcome.ELECTED


def test_without_recusals_the_same_turnout_misses_the_quorum(cast, vacancy):
    voting_round = open_round(cast, vacancy, method="approval", quorum=60)
    fenna = candidates_of(voting_round)[0]
    for member in _electors(cast)[2:4]:
        services.ballot_cast(
            voting_round=voting_round, member=member, choices={"approved": [str(fenna.pk)]}
        )
    closed = _close(voting_round)
    assert closed.outcome == VotingRound.Outcome.NO_QUORUM
    assert closed.winner is None
    assert not Nomination.objects.exists()


def _refused_cast(voting_round, member, code, *, now=None, closed=False):
    fenna = candidates_of(voting_round)[0]
    before = (VoteRecord.objects.count(), Ballot.objects.count())
    error = services.RoundClosed if closed else DomainError
    with pytest.raises(error) as raised, time_machine.travel(now or timezone.now(), tick=False):
        services.ballot_cast(voting_round=voting_round, member=member, choices=_yes(fenna))
    assert raised.value.code == code
    assert (VoteRecord.objects.count(), Ballot.objects.count()) == before


def test_a_cast_is_refused_for_a_member_of_another_association(cast, voting_round):
    _refused_cast(voting_round, cast.outsider_member, "not_in_electorate")


def test_a_cast_is_refused_for_a_member_who_joined_after_the_opening(cast, voting_round):
    newcomer = member_register(
        actor=cast.board,
        association=cast.association,
        name="Nina Nieuw",
        email="nina@example.net",
        group="regular",
        joined_on=timezone.localdate(),
    )
    _refused_cast(voting_round, newcomer, "not_in_electorate")


def test_a_cast_is_refused_for_a_recused_member(cast, voting_round):
    services.recusal_declare(voting_round=voting_round, member=cast.drager_member, reason="Zus.")
    _refused_cast(voting_round, cast.drager_member, "recused")


def test_a_cast_is_refused_before_the_opening(cast, vacancy):
    now = timezone.now()
    voting_round = _schedule(
        cast, vacancy, starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=2)
    )
    _refused_cast(voting_round, cast.drager_member, "round_not_open", closed=True)


def test_a_cast_is_refused_after_the_end_and_after_the_close(cast, voting_round):
    _refused_cast(
        voting_round,
        cast.drager_member,
        "round_closed",
        now=voting_round.ends_at + dt.timedelta(seconds=1),
        closed=True,
    )
    _close(voting_round)
    # The close locked the round: even a clock before the end does not reopen it.
    _refused_cast(
        voting_round,
        cast.drager_member,
        "round_closed",
        now=voting_round.ends_at - dt.timedelta(hours=1),
        closed=True,
    )


def test_a_cast_refuses_malformed_choices_and_stores_nothing(cast, voting_round):
    before = (VoteRecord.objects.count(), Ballot.objects.count())
    on_ballot = str(candidates_of(voting_round)[0].pk)
    for choices, code in (
        ({"answers": {"999999": "yes"}}, "ballot_unknown_candidate"),
        ({"answers": {on_ballot: "maybe"}}, "ballot_answer_invalid"),
        (None, "ballot_unreadable"),
        ([], "ballot_unreadable"),
    ):
        with pytest.raises(DomainError) as raised:
            services.ballot_cast(
                voting_round=voting_round, member=cast.drager_member, choices=choices
            )
        assert raised.value.code == code, choices
    assert (VoteRecord.objects.count(), Ballot.objects.count()) == before


def test_a_round_closes_at_its_set_time_not_before(cast, voting_round):
    with pytest.raises(DomainError) as raised:
        services.voting_round_close(
            round_id=voting_round.pk, now=voting_round.ends_at - dt.timedelta(minutes=1)
        )
    assert raised.value.code == "round_still_open"
    assert VotingRound.objects.get(pk=voting_round.pk).status == VotingRound.Status.OPEN


# -- nomination --------------------------------------------------------------------------------


def test_confirming_a_nomination_makes_the_candidate_a_member_with_a_tenancy(
    cast, vacancy, mailoutbox, django_capture_on_commit_callbacks
):
    Candidate.objects.filter(vacancy=vacancy, name="Fenna de Vries").update(
        pledged_hours=Decimal("6.5")
    )
    nomination = _nominated(cast, vacancy)
    fenna = nomination.candidate
    assert fenna.name == "Fenna de Vries"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_confirm(
            actor=cast.corporation_staff,
            nomination=nomination,
            group="drager",
            starts_on=vacancy.available_from,
        )
    member = Member.objects.get(association=cast.association, email=fenna.email)
    assert member.name == "Fenna de Vries"
    assert member.pledged_hours == Decimal("6.5")
    assert MixGroupPeriod.objects.get(member=member).group == "drager"
    tenancy = Tenancy.objects.get(member=member)
    assert (tenancy.unit_id, tenancy.starts_on) == (vacancy.unit_id, vacancy.available_from)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LET
    assert vacancy.days_to_nomination is not None and vacancy.days_to_nomination >= 0
    assert vacancy.days_to_confirmation == (vacancy.let_on - vacancy.reported_on).days
    nomination.refresh_from_db()
    assert (nomination.status, nomination.member_id, nomination.group) == (
        Nomination.Status.CONFIRMED,
        member.pk,
        "drager",
    )
    assert Candidate.objects.get(pk=fenna.pk).status == Candidate.Status.CHOSEN
    not_chosen = {c.email for c in vacancy.candidates.exclude(pk=fenna.pk)}
    addressed = {m.to[0] for m in mailoutbox}
    assert not_chosen <= addressed
    assert fenna.email not in addressed
    entry = AuditEntry.objects.get(action="vacancy.let")
    assert entry.data["days_to_confirmation"] == vacancy.days_to_confirmation
    assert entry.data["days_to_nomination"] == vacancy.days_to_nomination


def test_a_confirmation_refuses_an_unknown_group_or_an_early_start(cast, vacancy):
    nomination = _nominated(cast, vacancy)
    with pytest.raises(DomainError) as raised:
        services.nomination_confirm(
            actor=cast.corporation_staff,
            nomination=nomination,
            group="vip",
            starts_on=vacancy.available_from,
        )
    assert raised.value.code == "group_invalid"
    with pytest.raises(DomainError) as raised:
        services.nomination_confirm(
            actor=cast.corporation_staff,
            nomination=nomination,
            group="regular",
            starts_on=vacancy.available_from - dt.timedelta(days=1),
        )
    assert raised.value.code == "tenancy_before_available"
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.PENDING
    assert not Member.objects.filter(name="Fenna de Vries").exists()


def test_a_confirmation_refuses_a_start_more_than_a_year_ahead_without_any_form(cast, vacancy):
    nomination = _nominated(cast, vacancy)
    with pytest.raises(DomainError) as raised:
        services.nomination_confirm(
            actor=cast.corporation_staff,
            nomination=nomination,
            group="regular",
            starts_on=timezone.localdate() + dt.timedelta(days=367),
        )
    assert raised.value.code == "date_too_far_ahead"
    assert raised.value.field == "starts_on"
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.PENDING
    assert not Member.objects.filter(name="Fenna de Vries").exists()


def test_a_refusal_needs_a_reason_and_the_next_in_the_ranking_follows(cast, vacancy):
    nomination = _nominated(cast, vacancy)
    fenna, joost, amira = candidates_of(nomination.round)
    with pytest.raises(DomainError) as raised:
        services.nomination_refuse(actor=cast.corporation_staff, nomination=nomination, reason="")
    assert raised.value.code == "required"
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.PENDING
    services.nomination_refuse(
        actor=cast.corporation_staff, nomination=nomination, reason="Inkomen te hoog."
    )
    assert Candidate.objects.get(pk=fenna.pk).status == Candidate.Status.REFUSED
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.SHORTLISTED
    second = services.nomination_next(actor=cast.board, vacancy=vacancy)
    assert second.candidate_id == joost.pk
    services.nomination_refuse(
        actor=cast.corporation_staff, nomination=second, reason="Niet passend."
    )
    third = services.nomination_next(actor=cast.board, vacancy=vacancy)
    assert third.candidate_id == amira.pk
    services.nomination_refuse(actor=cast.corporation_staff, nomination=third, reason="Te laat.")
    with pytest.raises(DomainError) as raised:
        services.nomination_next(actor=cast.board, vacancy=vacancy)
    assert raised.value.code == "ranking_exhausted"
    assert Nomination.objects.filter(status=Nomination.Status.PENDING).count() == 0


def test_after_a_refusal_the_board_can_open_a_new_round(cast):
    vacancy = make_vacancy(
        cast,
        candidates=(
            ("Fenna de Vries", "fenna@example.net", "Ik kook graag."),
            ("Joost Bakker", "joost@example.net", "Ik klus graag."),
        ),
    )
    nomination = _nominated(cast, vacancy)
    services.nomination_refuse(
        actor=cast.corporation_staff, nomination=nomination, reason="Inkomen te hoog."
    )
    second = open_round(cast, vacancy)
    assert second.number == 2
    assert list(second.candidates.values_list("name", flat=True)) == ["Joost Bakker"]


def test_a_nomination_is_decided_once(cast, vacancy):
    nomination = _nominated(cast, vacancy)
    services.nomination_refuse(actor=cast.corporation_staff, nomination=nomination, reason="Nee.")
    with pytest.raises(DomainError) as raised:
        services.nomination_confirm(
            actor=cast.corporation_staff,
            nomination=nomination,
            group="regular",
            starts_on=vacancy.available_from,
        )
    assert raised.value.code == "nomination_decided"
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.REFUSED


# -- audit trail -------------------------------------------------------------------------------


def test_every_governance_step_leaves_an_audit_entry(cast, vacancy):
    nomination = _nominated(cast, vacancy)
    services.nomination_refuse(
        actor=cast.corporation_staff, nomination=nomination, reason="Inkomen te hoog."
    )
    second = services.nomination_next(actor=cast.board, vacancy=vacancy)
    services.nomination_confirm(
        actor=cast.corporation_staff,
        nomination=second,
        group="regular",
        starts_on=vacancy.available_from,
    )
    entries = AuditEntry.objects.filter(association=cast.association)
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry.action, []).append(entry)
    for action in (
        "vacancy.reported",
        "vacancy.opened",
        "vacancy.shortlist_final",
        "round.scheduled",
        "round.opened",
        "round.closed",
        "vacancy.nominated",
        "nomination.refused",
        "nomination.next",
        "vacancy.let",
    ):
        assert action in by_action, action
    assert by_action["vacancy.reported"][0].actor == cast.board
    assert by_action["vacancy.opened"][0].actor == cast.selection
    assert by_action["nomination.refused"][0].data["reason"] == "Inkomen te hoog."
    assert by_action["vacancy.let"][0].actor == cast.corporation_staff
    assert len(by_action["vacancy.nominated"]) == 2


def test_withdrawing_a_vacancy_is_audited_and_refused_during_a_vote(cast, vacancy):
    open_round(cast, vacancy)
    with pytest.raises(DomainError) as raised:
        services.vacancy_withdraw(actor=cast.board, vacancy=vacancy, reason="Sloop.")
    assert raised.value.code == "vacancy_in_decision"
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.VOTING
    other = services.vacancy_report(
        actor=cast.board, unit=empty_unit(cast), available_from=timezone.localdate()
    )
    services.vacancy_withdraw(actor=cast.board, vacancy=other, reason="Sloop.")
    assert AuditEntry.objects.get(action="vacancy.withdrawn").data["reason"] == "Sloop."
