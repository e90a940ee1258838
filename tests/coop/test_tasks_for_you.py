""" "Voor jou" on the dashboard: each role's open tasks with a count and one button, soonest due
first; a line goes when the task is done; the query count does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ContributionLog, Occurrence, SignUp
from activities.services import ActivityData
from coop.models import Association, StaffLink, Unit
from coop.site.compliance import services as compliance_services
from coop.site.compliance.models import FollowUp, FrozenResult, HoursExemption
from coop.site.compliance.services import CommitmentTerms, Side
from coop.site.tasks_for_you import tasks_for
from members.access import load_viewer
from members.models import Invitation, Member, MonitoringMoment
from members.services import omklap_decision_sign
from tests.activities.conftest import at
from tests.conftest import make_user
from tests.helpers import assert_flat_query_count
from tests.members.omklap_helpers import (
    contract_awaiting_a_decision,
    record_moment,
    start_contract,
)
from tests.vacancies.conftest import make_vacancy, open_round
from vacancies import services as vacancy_services
from vacancies.models import Candidate, Nomination, Vacancy, VotingRound

NOTHING = "Je hebt nu niets te doen."
DASHBOARD = "portal:dashboard"


@pytest.fixture(autouse=True)
def _no_hours_commitment(cast):
    """The association asks no hours by default here, so each test sees only its own lines;
    the hours line's tests below set a commitment."""
    Association.objects.filter(pk=cast.association.pk).update(monthly_hours=0)


def _tasks(client) -> list:
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    return response.context["tasks"]


def _labels(client) -> list[str]:
    return [t.label for t in _tasks(client)]


def _html(client) -> str:
    return client.get(reverse(DASHBOARD)).content.decode()


# -- member -------------------------------------------------------------------------------------


def test_an_open_vote_is_a_line_with_its_close_and_goes_once_voted(cast, client_for):
    client = client_for("drager")
    assert NOTHING in _html(client)
    voting_round = open_round(cast, make_vacancy(cast), hours=30)
    [task] = _tasks(client)
    assert task.count == 1
    assert task.label.startswith("1 stemming open, sluit ")
    assert task.url == reverse("vacancies:round_detail", args=[voting_round.pk])
    assert task.due == voting_round.ends_at
    html = _html(client)
    assert "Voor jou" in html and f'href="{task.url}"' in html and "Stem</a>" in html

    first = voting_round.candidates.order_by("applied_at").first()
    choices = {"answers": {str(first.pk): "yes"}}
    vacancy_services.ballot_cast(
        voting_round=voting_round, member=cast.drager_member, choices=choices
    )
    assert _tasks(client) == []
    assert NOTHING in _html(client)


def test_the_vote_line_says_when_the_round_closes_in_dutch(cast, client_for):
    now = timezone.now()
    voting_round = open_round(cast, make_vacancy(cast), hours=24 * 6)
    label = _labels(client_for("drager"))[0]
    # "sluit vrijdag 12 december": the weekday and month in Dutch, lowercase
    ends = timezone.localtime(voting_round.ends_at)
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    assert f"sluit {weekday[ends.weekday()]} {ends.day} " in label
    assert timezone.localdate(now) != ends.date()


def _activity_tomorrow(cast) -> Occurrence:
    activity_services.categories_ensure(association=cast.association)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    activity = activity_services.activity_plan(
        actor=cast.coordinator,
        association=cast.association,
        data=ActivityData(
            title="Samen koken",
            category=cast.association.activity_categories.first(),
            location="Keuken",
            starts_at=at(tomorrow, 18),
            ends_at=at(tomorrow, 20),
        ),
    )
    return activity.occurrences.get()


def test_a_sign_up_tomorrow_and_rejected_hours_are_lines_of_the_member(cast, client_for):
    client = client_for("drager")
    occurrence = _activity_tomorrow(cast)
    signup = activity_services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    log = activity_services.contribution_log(
        actor=cast.drager,
        member=cast.drager_member,
        date=timezone.localdate(),
        hours=Decimal("2"),
        kind="support",
    )
    activity_services.contribution_reject(actor=cast.coordinator, log=log, reason="Dubbel.")
    tasks = _tasks(client)
    assert [t.label for t in tasks] == [
        "Je doet morgen mee aan 1 activiteit, vanaf 18:00",
        "1 uur-registratie is afgewezen",
    ]
    assert [t.url for t in tasks] == [
        reverse("activities:my_calendar"),
        reverse("activities:my_hours"),
    ]
    activity_services.signup_cancel(actor=cast.drager, signup=signup)
    # Withdrawn, tomorrow's date is one the drager can sign up for again.
    assert _labels(client) == [
        "1 activiteit deze week waar je je nog voor kunt opgeven",
        "1 uur-registratie is afgewezen",
    ]


# -- coordinator --------------------------------------------------------------------------------


def _pending(cast, n: int) -> None:
    have = ContributionLog.objects.filter(status="pending").count()
    ContributionLog.objects.bulk_create(
        ContributionLog(
            member=cast.drager_member,
            date=timezone.localdate() - dt.timedelta(days=i % 20),
            hours=Decimal("1.5"),
            kind="support",
        )
        for i in range(have, n)
    )


def test_the_coordinator_sees_hours_to_confirm_and_proposals(cast, client_for):
    client = client_for("coordinator")
    assert NOTHING in _html(client)
    _pending(cast, 3)
    activity_services.categories_ensure(association=cast.association)
    day = timezone.localdate() + dt.timedelta(days=10)
    proposal = activity_services.activity_propose(
        actor=cast.drager,
        member=cast.drager_member,
        data=ActivityData(
            title="Klusdag",
            category=cast.association.activity_categories.first(),
            location="Tuin",
            starts_at=at(day, 10),
            ends_at=at(day, 12),
        ),
    )
    tasks = _tasks(client)
    # The proposal has a date, so it comes first; the hours have none.
    assert [(t.label, t.count, t.url) for t in tasks] == [
        (
            "1 voorstel voor een activiteit",
            1,
            reverse("activities:calendar_list", args=[cast.association.slug]),
        ),
        (
            "3 uur-registraties te bevestigen",
            3,
            reverse("activities:hours_review", args=[cast.association.slug]),
        ),
    ]
    activity_services.activity_approve(actor=cast.coordinator, activity=proposal)
    for log in ContributionLog.objects.filter(status="pending"):
        activity_services.contribution_confirm(actor=cast.coordinator, log=log)
    assert _tasks(client) == []
    # The drager is no coordinator: none of this is theirs.
    assert _tasks(client_for("drager")) == []


def test_the_coordinator_s_query_count_is_the_same_for_2_and_50_open_hours(cast, client_for):
    client = client_for("coordinator")
    # session, user, viewer (cached), home, rounds, "Voor jou" (every count in one query:
    # the vote, sign-ups tomorrow, rejected hours, hours to confirm, proposals), the activities
    # card's sign-ups and hours
    assert_flat_query_count(
        lambda: client.get(reverse(DASHBOARD)),
        lambda n: _pending(cast, n),
        queries=8,
        small=2,
        large=50,
    )
    assert _tasks(client)[0].count == 50


# -- selection committee and board -------------------------------------------------------------


def test_the_selection_committee_shortlists_after_the_applications_close(cast, client_for):
    vacancy = make_vacancy(cast, shortlist=False)
    assert _tasks(client_for("selection")) == []  # applications still open
    with time_machine.travel(vacancy.applications_close_at + dt.timedelta(hours=1)):
        [task] = _tasks(client_for("selection"))
        assert task.label == "3 sollicitaties te beoordelen voor de shortlist"
        assert task.url == reverse("vacancies:vacancy_detail", args=[vacancy.pk])
        assert _tasks(client_for("board")) == []
        for candidate in vacancy.candidates.all():
            vacancy_services.candidate_shortlist(
                actor=cast.selection, candidate=candidate, shortlisted=True
            )
        vacancy_services.shortlist_finalise(actor=cast.selection, vacancy=vacancy)
        assert _tasks(client_for("selection")) == []
        # Now the board sets up the vote.
        [task] = _tasks(client_for("board"))
        assert task.label == "1 vrijkomende woning wacht op een stemronde"
        assert task.url == reverse("vacancies:round_new", args=[vacancy.pk])


def _without_account(cast, n: int) -> None:
    have = Member.objects.filter(user__isnull=True).count()
    Member.objects.bulk_create(
        Member(
            association=cast.association,
            name=f"Nieuw {i}",
            email=f"nieuw{i}@example.org",
            joined_on=timezone.localdate(),
        )
        for i in range(have, n)
    )


def test_the_board_invites_members_without_an_account_from_the_line(cast, client_for):
    client = client_for("board")
    assert NOTHING in _html(client)
    _without_account(cast, 2)
    [task] = _tasks(client)
    assert task.label == "2 leden zonder account"
    assert task.post and task.url == reverse("register:invite_all", args=[cast.association.slug])
    html = _html(client)
    assert f'<form method="post" action="{task.url}"' in html
    assert client.post(task.url).status_code == 302
    assert Invitation.objects.pending().filter(association=cast.association).count() == 2
    assert _tasks(client) == []
    # Once the invitations run out unanswered, that is the board's next line.
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        client.force_login(cast.board)
        labels = _labels(client)
    assert labels == ["2 uitnodigingen verlopen", "2 leden zonder account"] or labels == [
        "2 leden zonder account",
        "2 uitnodigingen verlopen",
    ]


def test_the_board_s_query_count_is_the_same_for_2_and_50_members_without_account(cast, client_for):
    client = client_for("board")
    # session, user, viewer (cached), home, rounds, "Voor jou" (in one query: the vote,
    # sign-ups tomorrow, rejected hours, vacancies awaiting a round, members to invite, expired
    # invitations, agreement versions to sign), the activities card's sign-ups and hours
    assert_flat_query_count(
        lambda: client.get(reverse(DASHBOARD)),
        lambda n: _without_account(cast, n),
        queries=8,
        small=2,
        large=50,
    )
    assert _tasks(client)[0].count == 50


# -- corporation staff --------------------------------------------------------------------------


def _nominations(cast, n: int) -> None:
    have = Nomination.objects.count()
    now = timezone.now()
    today = timezone.localdate()
    units = Unit.objects.bulk_create(
        Unit(building=cast.building, number=f"N{i}", kind="regular", rent=Decimal("600"))
        for i in range(have, n)
    )
    vacancies = Vacancy.objects.bulk_create(
        Vacancy(
            association=cast.association,
            unit=u,
            route="cooptation",
            status=Vacancy.Status.NOMINATED,
            profile="Een buur die meedoet.",
            available_from=today,
            reported_on=today,
            nominated_on=today,
        )
        for u in units
    )
    candidates = Candidate.objects.bulk_create(
        Candidate(vacancy=v, name=f"Kandidaat {v.pk}", household_size=1, status="nominated")
        for v in vacancies
    )
    rounds = VotingRound.objects.bulk_create(
        VotingRound(
            vacancy=v,
            number=1,
            method="yes_no",
            quorum_percent=50,
            tie_break="earliest_application",
            starts_at=now - dt.timedelta(days=3),
            ends_at=now - dt.timedelta(days=1),
            status="closed",
            closed_at=now - dt.timedelta(days=1),
            outcome="elected",
            digest="0" * 64,
            winner=c,
        )
        for v, c in zip(vacancies, candidates, strict=True)
    )
    Nomination.objects.bulk_create(
        Nomination(vacancy=v, candidate=c, round=r)
        for v, c, r in zip(vacancies, candidates, rounds, strict=True)
    )


def test_the_corporation_sees_nominations_overdue_moments_and_decisions(cast, client_for):
    client = client_for("corporation_staff")
    assert NOTHING in _html(client)
    _nominations(cast, 1)
    contract = contract_awaiting_a_decision(cast)
    MonitoringMoment.objects.filter(contract=contract, held_on__isnull=True).update(
        due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    overdue = MonitoringMoment.objects.filter(contract=contract, held_on__isnull=True).count()
    labels = _labels(client)
    assert "1 voordracht wacht op je" in labels
    assert "1 besluit wacht op je handtekening" in labels
    word = "monitoringsmoment" if overdue == 1 else "monitoringsmomenten"
    assert f"{overdue} {word} te laat" in labels
    nomination = Nomination.objects.get()
    [line] = [t for t in _tasks(client) if t.label == "1 voordracht wacht op je"]
    assert line.url == reverse("vacancies:nomination_detail", args=[nomination.pk])

    decision = contract.decisions.get(status="proposed")
    omklap_decision_sign(actor=cast.corporation_staff, side="corporation", decision=decision)
    assert "1 besluit wacht op je handtekening" not in _labels(client)


def test_the_corporation_s_query_count_is_the_same_for_2_and_50_nominations(cast, client_for):
    client = client_for("corporation_staff")
    # session, user, viewer (cached), "Voor jou" (in one query: nominations, overdue moments,
    # decisions, agreement versions to sign)
    assert_flat_query_count(
        lambda: client.get(reverse(DASHBOARD)),
        lambda n: _nominations(cast, n),
        queries=4,
        small=2,
        large=50,
    )
    [task] = _tasks(client)
    assert task.label == "50 voordrachten wachten op je"
    assert task.url == reverse("vacancies:nomination_list", args=[cast.corporation.slug])


# -- care worker --------------------------------------------------------------------------------


def test_the_care_worker_sees_the_next_moment_with_their_client_by_name(cast, client_for):
    client = client_for("care_worker")
    assert NOTHING in _html(client)
    contract = start_contract(cast)
    # The contract started in the past: its moments are put ahead, the first in five days.
    contract.moments.update(due_on=timezone.localdate() + dt.timedelta(days=60))
    first = contract.moments.order_by("due_on", "pk").first()
    MonitoringMoment.objects.filter(pk=first.pk).update(
        due_on=timezone.localdate() + dt.timedelta(days=5)
    )
    [task] = _tasks(client)
    assert task.label == "Moment met Vera Vrager over 5 dagen"
    assert task.url == reverse("portal:contract_detail", args=[contract.pk])

    # A colleague in the same organisation who does not guide Vera sees no name.
    colleague = make_user("collega@example.org", first="Carla", last="Collega", second_factor=True)
    StaffLink.objects.create(organisation=cast.care, user=colleague, starts_on=timezone.localdate())
    client.force_login(colleague)
    assert all("Vera" not in label for label in _labels(client))
    # Nor does the other care organisation's worker.
    assert all("Vera" not in label for label in _labels(client_for("other_care_worker")))

    # Once overdue it is counted for the organisation, without a name.
    MonitoringMoment.objects.filter(pk=first.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    client = client_for("care_worker")
    assert _labels(client) == ["1 monitoringsmoment te laat"]
    assert _tasks(client)[0].url == reverse("portal:caseload", args=[cast.care.slug])

    # Recorded, it is done.
    record_moment(cast, MonitoringMoment.objects.get(pk=first.pk))
    assert _tasks(client) == []


def _moments_overdue(contract, n: int) -> None:
    have = MonitoringMoment.objects.filter(contract=contract, held_on__isnull=True).count()
    MonitoringMoment.objects.bulk_create(
        MonitoringMoment(
            contract=contract,
            kind="scheduled",
            due_on=timezone.localdate() - dt.timedelta(days=1 + i),
        )
        for i in range(have, n)
    )


def test_the_care_worker_s_query_count_is_the_same_for_2_and_50_moments(cast, client_for):
    contract = start_contract(cast)
    MonitoringMoment.objects.filter(contract=contract).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for("care_worker")
    # session, user, viewer (cached), "Voor jou" (in one query: overdue moments, decisions to
    # sign, the own clients' next moment)
    assert_flat_query_count(
        lambda: client.get(reverse(DASHBOARD)),
        lambda n: _moments_overdue(contract, n),
        queries=4,
        small=2,
        large=50,
    )
    [task] = _tasks(client)
    assert task.label == "50 monitoringsmomenten te laat"


# -- order and the empty state ------------------------------------------------------------------


def test_lines_are_ordered_by_what_is_due_first(cast):
    voting_round = open_round(cast, make_vacancy(cast), hours=24 * 5)
    occurrence = _activity_tomorrow(cast)
    activity_services.signup_create(
        actor=cast.drager, occurrence=occurrence, member=cast.drager_member
    )
    SignUp.objects.get()
    tasks = tasks_for(load_viewer(cast.drager))
    assert [t.url for t in tasks] == [
        reverse("activities:my_calendar"),
        reverse("vacancies:round_detail", args=[voting_round.pk]),
    ]
    assert Activity.objects.count() == 1


def test_every_role_without_tasks_is_told_so(cast, client_for):
    for role in ("vrager", "drager", "board", "selection", "coordinator"):
        assert NOTHING in _html(client_for(role)), role
    for role in ("care_worker", "corporation_staff"):
        assert NOTHING in _html(client_for(role)), role


# -- agreements ---------------------------------------------------------------------------------


def test_an_agreement_version_waits_for_each_side_s_signature(cast, client_for):
    agreement = compliance_services.agreement_create(
        actor=cast.corporation_staff,
        association=cast.association,
        title="Afspraken De Kapel",
        care_organisation=cast.care,
    )
    version = compliance_services.agreement_version_draft(
        actor=cast.corporation_staff,
        agreement=agreement,
        starts_on=timezone.localdate() + dt.timedelta(days=10),
    )
    # A draft without commitments cannot be signed yet: nobody is asked to.
    assert _tasks(client_for("board")) == []
    compliance_services.commitment_add(
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="vacant_days", threshold=60),
    )
    detail = reverse("compliance:agreement_detail", args=[cast.association.slug])
    for role in ("board", "corporation_staff"):
        [task] = _tasks(client_for(role))
        assert task.label == "1 versie van de afspraken wacht op je handtekening", role
        assert task.url == detail
    compliance_services.agreement_version_sign(actor=cast.board, version=version, side=Side.BOARD)
    assert _tasks(client_for("board")) == []
    assert len(_tasks(client_for("corporation_staff"))) == 1
    compliance_services.agreement_version_sign(
        actor=cast.corporation_staff, version=version, side=Side.CORPORATION
    )
    assert _tasks(client_for("corporation_staff")) == []


def test_a_breach_of_a_closed_period_waits_for_the_board_s_follow_up(cast, client_for):
    agreement = compliance_services.agreement_create(
        actor=cast.corporation_staff,
        association=cast.association,
        title="Afspraken De Kapel",
        care_organisation=cast.care,
    )
    version = compliance_services.agreement_version_draft(
        actor=cast.corporation_staff, agreement=agreement, starts_on=dt.date(2020, 1, 1)
    )
    commitment = compliance_services.commitment_add(
        actor=cast.corporation_staff,
        version=version,
        terms=CommitmentTerms(rule="vacant_days", threshold=60),
    )
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month
    end = today.replace(day=1)
    for status, key_start in (("breached", start), ("met", start.replace(year=start.year - 1))):
        FrozenResult.objects.create(
            commitment=commitment,
            association=cast.association,
            key=commitment.key,
            period_start=key_start,
            period_end=key_start + (end - start),
            status=status,
            threshold=Decimal("60"),
            explanation="",
            sha256="0" * 64,
        )
    client = client_for("board")
    tasks = [t for t in _tasks(client) if t.action == "Geef een toelichting"]
    assert [(t.label, t.url) for t in tasks] == [
        (
            "1 afspraak niet nagekomen: je toelichting ontbreekt nog",
            reverse("compliance:association_compliance", args=[cast.association.slug]),
        )
    ]
    FollowUp.objects.create(
        commitment=commitment,
        period_start=start,
        period_end=end,
        explanation="De woning stond leeg door een lekkage.",
        action="Sneller voordragen.",
        due_on=today + dt.timedelta(days=30),
        recorded_by=cast.board,
    )
    assert [t for t in _tasks(client) if t.action == "Geef een toelichting"] == []


# -- member: dates to sign up for, hours to log ---------------------------------------------------

SIGN_UP_LINE = "waar je je nog voor kunt opgeven"


def _plan(cast, days: int, *, association=None, capacity=None, title="Samen koken") -> Occurrence:
    association = association or cast.association
    activity_services.categories_ensure(association=association)
    day = timezone.localdate() + dt.timedelta(days=days)
    activity = activity_services.activity_plan(
        actor=cast.coordinator,
        association=association,
        data=ActivityData(
            title=title,
            category=association.activity_categories.first(),
            location="Tuin",
            starts_at=at(day, 14),
            ends_at=at(day, 16),
            capacity=capacity,
        ),
    )
    return activity.occurrences.get()


def test_dates_the_member_can_still_sign_up_for_this_week_are_a_line(cast, client_for):
    client = client_for("drager")
    first = _plan(cast, 2, title="Klusdag")
    second = _plan(cast, 4, title="Tuinieren")
    _plan(cast, 9, title="Te laat")  # beyond the week
    _plan(cast, 3, association=cast.other_association, title="Elders")  # not their association
    full = _plan(cast, 3, capacity=1, title="Vol")
    activity_services.signup_create(actor=cast.vrager, occurrence=full, member=cast.vrager_member)
    cancelled = _plan(cast, 5, title="Gaat niet door")
    Occurrence.objects.filter(pk=cancelled.pk).update(status=Occurrence.Status.CANCELLED)

    [task] = _tasks(client)
    assert task.label == "2 activiteiten deze week waar je je nog voor kunt opgeven"
    assert task.count == 2
    assert task.url == reverse("activities:calendar_list", args=[cast.association.slug])
    assert task.due == first.starts_at
    html = _html(client)
    assert f'href="{task.url}"' in html and "Bekijk en meld je aan</a>" in html

    # One left: the button leads straight to that date.
    activity_services.signup_create(actor=cast.drager, occurrence=first, member=cast.drager_member)
    [task] = _tasks(client)
    assert task.label == "1 activiteit deze week waar je je nog voor kunt opgeven"
    assert task.url == reverse("activities:occurrence_detail", args=[second.pk])

    activity_services.signup_create(actor=cast.drager, occurrence=second, member=cast.drager_member)
    assert _tasks(client) == []


def test_a_place_coming_free_brings_a_full_date_back(cast, client_for):
    full = _plan(cast, 3, capacity=1)
    signup = activity_services.signup_create(
        actor=cast.vrager, occurrence=full, member=cast.vrager_member
    )
    client = client_for("drager")
    assert _tasks(client) == []
    activity_services.signup_cancel(actor=cast.vrager, signup=signup)
    assert [t.label for t in _tasks(client)] == [
        "1 activiteit deze week waar je je nog voor kunt opgeven"
    ]


def _commit(cast, hours: str = "16") -> None:
    Association.objects.filter(pk=cast.association.pk).update(monthly_hours=Decimal(hours))


def _log(cast, hours: str, *, status: str = "pending") -> ContributionLog:
    return ContributionLog.objects.create(
        member=cast.drager_member,
        date=timezone.localdate(),
        hours=Decimal(hours),
        kind="support",
        status=status,
        decided_at=None if status == "pending" else timezone.now(),
        reason="Dubbel." if status == "rejected" else "",
    )


def test_hours_below_the_commitment_are_a_line_until_it_is_met(cast, client_for):
    _commit(cast)
    client = client_for("drager")
    [task] = _tasks(client)
    assert task.label == "Je hebt deze maand 0 van 16 uur doorgegeven"
    assert task.url == reverse("activities:hours_log")
    html = _html(client)
    assert f'href="{task.url}"' in html and "Uren doorgeven</a>" in html

    _log(cast, "2", status="confirmed")
    _log(cast, "1")
    _log(cast, "5", status="rejected")  # rejected hours do not count
    ContributionLog.objects.create(  # nor do last month's
        member=cast.drager_member,
        date=timezone.localdate().replace(day=1) - dt.timedelta(days=1),
        hours=Decimal("10"),
        kind="support",
    )
    [task] = [t for t in _tasks(client) if t.url == reverse("activities:hours_log")]
    assert task.label == "Je hebt deze maand 3 van 16 uur doorgegeven"

    _log(cast, "13")  # waiting for a coordinator counts: the member has done their part
    assert all(t.url != reverse("activities:hours_log") for t in _tasks(client))


def test_the_hours_line_follows_the_member_s_own_pledge(cast, client_for):
    _commit(cast)
    cast.drager_member.pledged_hours = Decimal("4.5")
    cast.drager_member.save(update_fields=["pledged_hours"])
    _log(cast, "1.5")
    assert _labels(client_for("drager")) == ["Je hebt deze maand 1,5 van 4,5 uur doorgegeven"]
    _log(cast, "3")
    assert _labels(client_for("drager")) == []


def test_no_hours_line_without_a_commitment_for_vragers_or_when_exempt(cast, client_for):
    assert _tasks(client_for("drager")) == []  # the association asks no hours
    _commit(cast)
    # A vrager commits to no hours (as the contribution rule judges only regular and drager).
    assert _tasks(client_for("vrager")) == []
    HoursExemption.objects.create(
        member=cast.drager_member,
        reason=HoursExemption.Reason.ILLNESS,
        starts_on=timezone.localdate() - dt.timedelta(days=3),
        recorded_by=cast.board,
    )
    assert _tasks(client_for("drager")) == []
    # Another association's member counts their own hours against their own association's
    # commitment, whatever the drager logs.
    _log(cast, "16")
    assert _labels(client_for("outsider")) == ["Je hebt deze maand 0 van 16 uur doorgegeven"]


def _dates(cast, n: int) -> None:
    """n dates this week of an activity without a limit, none with the drager's sign-up."""
    activity_services.categories_ensure(association=cast.association)
    have = Occurrence.objects.count()
    if not have:
        _plan(cast, 1)
        have = 1
    activity = Activity.objects.get()
    start = timezone.now() + dt.timedelta(hours=2)
    Occurrence.objects.bulk_create(
        Occurrence(
            activity=activity,
            original_start=start + dt.timedelta(minutes=i),
            starts_at=start + dt.timedelta(minutes=i),
            ends_at=start + dt.timedelta(minutes=i + 60),
        )
        for i in range(have, n)
    )


def test_the_member_s_query_count_is_the_same_for_2_and_50_dates(cast, client_for):
    _commit(cast)
    client = client_for("drager")
    # session, user, viewer (cached), home, rounds, "Voor jou" (in one query: the vote,
    # sign-ups tomorrow, rejected hours, dates to sign up for, hours short of the commitment),
    # the activities card's sign-ups and hours
    assert_flat_query_count(
        lambda: client.get(reverse(DASHBOARD)),
        lambda n: _dates(cast, n),
        queries=8,
        small=2,
        large=50,
    )
    counts = {t.url: t.count for t in _tasks(client)}
    assert counts[reverse("activities:calendar_list", args=[cast.association.slug])] == 50
    assert counts[reverse("activities:hours_log")] == 1
