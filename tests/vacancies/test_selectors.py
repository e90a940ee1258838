"""The dashboard's votes: open rounds and those closed in the last month, not every past one."""

from __future__ import annotations

import datetime as dt

from vacancies import services
from vacancies.models import VotingRound
from vacancies.selectors import RECENTLY_CLOSED, rounds_for_member


def test_an_open_round_is_on_the_members_dashboard(cast, voting_round):
    assert voting_round.status == VotingRound.Status.OPEN
    assert [r.pk for r in rounds_for_member(cast.drager_member)] == [voting_round.pk]


def test_a_closed_round_stays_a_month_and_then_leaves_the_dashboard(cast, voting_round):
    closed_at = voting_round.ends_at + dt.timedelta(minutes=1)
    services.voting_round_close(round_id=voting_round.pk, now=closed_at)
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.CLOSED
    closed_at = voting_round.closed_at

    within = closed_at + RECENTLY_CLOSED - dt.timedelta(minutes=1)
    after = closed_at + RECENTLY_CLOSED + dt.timedelta(minutes=1)
    assert [r.pk for r in rounds_for_member(cast.drager_member, now=within)] == [voting_round.pk]
    assert list(rounds_for_member(cast.drager_member, now=after)) == []
