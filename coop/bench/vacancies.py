"""The bench's vacancies: 100 let ones with closed rounds and one open round."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from coop.bench.data import (
    BENCH_BATCH,
    BENCH_DOMAIN,
    BENCH_MEMBER_LOGIN,
    FIRST_NAMES,
    LAST_NAMES,
    BenchData,
    insert_rows,
)
from coop.models import Unit
from members.models import AssociationRole, Member, Role
from vacancies import ballots, tally
from vacancies.models import Ballot, Candidate, Elector, Vacancy, VoteRecord, VotingRound
from vacancies.selectors import tally_record
from vacancies.services import (
    TALLY_FIELDS,
    ballot_sealed,
    round_electorate,
    tally_store,
)

BENCH_VACANCIES = 100
BENCH_CANDIDATES_PER_VACANCY = 4
BENCH_OPEN_ROUND_CANDIDATES = 5


def seed_vacancies(data: BenchData) -> None:
    """100 let vacancies with closed rounds (real encrypted ballots and a verifiable tally),
    and one open round in the bench member's association, who sits on its selection committee
    (so the vacancy page, the ballot and the cast can be measured)."""

    rng = data.rng
    now = timezone.now()
    # Each association's electorate by the vote service's own rule, as a round opening now
    # would have it (every bench member has an account, so all of them).
    members_of = {a.pk: list(round_electorate(a).order_by("pk")) for a in data.associations}
    regular_units: dict[int, list[Unit]] = {}
    association_of = {b.pk: b.association_id for b in data.buildings}
    for unit in data.units:
        if unit.kind == Unit.Kind.REGULAR:
            regular_units.setdefault(association_of[unit.building_id], []).append(unit)

    plans = []  # (vacancy, round, candidates, status)
    for n in range(BENCH_VACANCIES + 1):
        is_open = n == BENCH_VACANCIES
        association = data.associations[0 if is_open else n % len(data.associations)]
        unit = regular_units[association.pk][-1 - n // len(data.associations)]
        reported = data.today - dt.timedelta(days=(5 if is_open else rng.randint(60, 900)))
        vacancy = Vacancy(
            association=association,
            unit=unit,
            route="cooptation",
            status=Vacancy.Status.VOTING if is_open else Vacancy.Status.LET,
            available_from=reported + dt.timedelta(days=30),
            reported_on=reported,
            profile="Een buur die meedoet met de tuin, de maaltijden en de klusdienst.",
            applications_close_at=now - dt.timedelta(days=1 if is_open else 400),
            nominated_on=None if is_open else reported + dt.timedelta(days=rng.randint(20, 50)),
            let_on=None if is_open else reported + dt.timedelta(days=rng.randint(51, 80)),
        )
        vacancy.closed_on = vacancy.let_on
        plans.append(vacancy)
    vacancies = Vacancy.objects.bulk_create(plans)

    candidates = []
    for n, vacancy in enumerate(vacancies):
        count = (
            BENCH_OPEN_ROUND_CANDIDATES if n == BENCH_VACANCIES else BENCH_CANDIDATES_PER_VACANCY
        )
        for c in range(count):
            candidates.append(
                Candidate(
                    vacancy=vacancy,
                    status=Candidate.Status.SHORTLISTED,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    email=f"{data.local(f'kandidaat-{n + 1:03d}-{c + 1}')}@{BENCH_DOMAIN}",
                    household_size=1 + rng.randint(0, 3),
                    motivation="Ik wil graag bijdragen aan een buurt waar mensen naar elkaar "
                    "omkijken. Ik kook graag en help bij klussen.",
                    contribution="Samen koken op woensdag; fietsen repareren.",
                    pledged_hours=Decimal(rng.choice((4, 8, 12, 16))),
                    applied_at=now - dt.timedelta(days=500, minutes=c),
                )
            )
    candidates = Candidate.objects.bulk_create(candidates, batch_size=BENCH_BATCH)
    by_vacancy: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_vacancy.setdefault(candidate.vacancy_id, []).append(candidate)

    rounds = VotingRound.objects.bulk_create(
        [
            VotingRound(
                vacancy=vacancy,
                number=1,
                method=VotingRound.Method.values[n % 3],
                quorum_percent=20,
                tie_break=VotingRound.TieBreak.EARLIEST_APPLICATION,
                starts_at=now - dt.timedelta(days=1)
                if n == BENCH_VACANCIES
                else dt.datetime.combine(vacancy.reported_on, dt.time(12), tzinfo=dt.UTC),
                ends_at=now + dt.timedelta(days=7)
                if n == BENCH_VACANCIES
                else dt.datetime.combine(
                    vacancy.reported_on + dt.timedelta(days=14), dt.time(12), tzinfo=dt.UTC
                ),
                status=VotingRound.Status.OPEN,
                opened_at=now - dt.timedelta(days=1),
                electorate_size=len(members_of[vacancy.association_id]),
            )
            for n, vacancy in enumerate(vacancies)
        ]
    )
    through = VotingRound.candidates.through
    through.objects.bulk_create(
        [
            through(votinground_id=r.pk, candidate_id=c.pk)
            for r in rounds
            for c in by_vacancy[r.vacancy_id]
        ],
        batch_size=BENCH_BATCH,
    )
    electors, records, ballot_rows = [], [], {}
    for r in rounds:
        electorate = members_of[r.vacancy.association_id]
        electors += [{"round_id": r.pk, "member_id": m.pk} for m in electorate]
        if r.status == VotingRound.Status.OPEN and r.ends_at > now:
            continue  # the open round starts empty; the bench casts into it
        ids = [c.pk for c in by_vacancy[r.vacancy_id]]
        voters = rng.sample(electorate, k=min(len(electorate), rng.randint(40, 80)))
        rows = []
        for voter in voters:
            rng.shuffle(ids)
            if r.method == "yes_no":
                raw = {"answers": {str(pk): rng.choice(("yes", "no", "abstain")) for pk in ids}}
            elif r.method == "approval":
                raw = {"approved": ids[: rng.randint(1, len(ids))]}
            else:
                raw = {"ranking": ids[: rng.randint(1, len(ids))]}
            choices = tally.clean_choices(r.method, ids, raw)
            # These rounds are stored closed: their seals are wiped as a close does.
            seal = ballots.new_seal_placeholder()
            rows.append(ballot_sealed(r, ids, choices, seal=seal))
            records.append({"round_id": r.pk, "member_id": voter.pk})
        ballot_rows[r.pk] = rows
    insert_rows(Elector, electors)
    insert_rows(VoteRecord, records)
    Ballot.objects.bulk_create(
        [b for rows in ballot_rows.values() for b in rows], batch_size=BENCH_BATCH
    )
    for r in rounds:
        if r.pk not in ballot_rows:
            continue
        # Counted and stored as voting_round_close does, so verify_tally checks them as real.
        record = tally_record(r, ballot_rows[r.pk], turnout=len(ballot_rows[r.pk]), recused=0)
        tally_store(r, record, closed_at=r.ends_at)
    VotingRound.objects.bulk_update(
        [r for r in rounds if r.pk in ballot_rows], TALLY_FIELDS, batch_size=BENCH_BATCH
    )
    if data.copy == 0:
        bench_member = Member.objects.get(user__email=BENCH_MEMBER_LOGIN.email)
        AssociationRole.objects.create(
            member=bench_member, role=Role.SELECTION, starts_on=bench_member.joined_on
        )
    data.rows.update(
        vacancies=len(vacancies),
        candidates=len(candidates),
        rounds=len(rounds),
        ballots=len(records),
    )
