"""Voting rounds: schedule, open, recuse, cast, remind, and close with the tally."""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.cleaning import clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit
from coop.models import Association, AuditAction, User
from coop.services import audit_record
from members.models import Member
from vacancies import ballots, standing, tally
from vacancies.models import (
    Ballot,
    Candidate,
    Elector,
    Recusal,
    Vacancy,
    VoteRecord,
    VotingRound,
)
from vacancies.selectors import tally_record
from vacancies.services.common import (
    MAX_ROUND_DAYS,
    MIN_ROUND_MINUTES,
    _locked_round,
    _locked_vacancy,
)
from vacancies.services.nomination import _nominate


class RoundClosed(DomainError):
    """The round does not accept ballots (not open yet, or closed)."""


class NotInElectorate(DomainError):
    """The member is not in the round's electorate (views answer 404, as for any stranger)."""


@transaction.atomic
def voting_round_schedule(
    *,
    actor: User,
    vacancy: Vacancy,
    method: str,
    quorum_percent: int,
    tie_break: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> VotingRound:
    """The board sets up a round on the shortlist; it opens at ``starts_at`` (now if past)."""
    now = timezone.now()
    if method not in VotingRound.Method.values:
        raise DomainError(_("Choose a valid voting method."), code="method_invalid", field="method")
    if tie_break not in VotingRound.TieBreak.values:
        raise DomainError(
            _("Choose a valid tie-break rule."), code="tie_break_invalid", field="tie_break"
        )
    if not isinstance(quorum_percent, int) or not 0 <= quorum_percent <= 100:
        raise DomainError(
            _("The quorum is a percentage from 0 to 100."),
            code="quorum_out_of_range",
            field="quorum_percent",
        )
    starts_at = max(starts_at, now)
    if ends_at - starts_at < dt.timedelta(minutes=MIN_ROUND_MINUTES):
        raise DomainError(
            _("A round stays open for at least an hour after it opens."),
            code="round_too_short",
            field="ends_at",
        )
    if ends_at - now > dt.timedelta(days=MAX_ROUND_DAYS):
        raise DomainError(
            _("A round closes within %(days)s days.") % {"days": MAX_ROUND_DAYS},
            code="round_too_long",
            field="ends_at",
        )
    vacancy = _locked_vacancy(vacancy)
    if vacancy.status != Vacancy.Status.SHORTLISTED:
        raise DomainError(
            _("A round can only be opened on a final shortlist."), code="shortlist_not_final"
        )
    candidates = list(vacancy.candidates.filter(status=Candidate.Status.SHORTLISTED))
    if not candidates:
        raise DomainError(
            _("Nobody on the shortlist is still available."), code="shortlist_unavailable"
        )
    number = (vacancy.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    voting_round = VotingRound.objects.create(
        vacancy=vacancy,
        number=number,
        method=method,
        quorum_percent=quorum_percent,
        tie_break=tie_break,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    voting_round.candidates.set(candidates)
    vacancy.status = Vacancy.Status.VOTING
    vacancy.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.ROUND_SCHEDULED,
        target=voting_round,
        data={
            "method": method,
            "quorum_percent": quorum_percent,
            "tie_break": tie_break,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "candidates": [c.pk for c in candidates],
        },
    )
    if starts_at <= now:
        voting_round_open(round_id=voting_round.pk, now=now)
        voting_round.refresh_from_db()
    return voting_round


def round_electorate(association: Association) -> QuerySet[Member]:
    """Who votes in a round that opens now: the active members with an account."""
    return Member.objects.active().filter(association=association, user__isnull=False)


@transaction.atomic
def voting_round_open(*, round_id: int, now: dt.datetime | None = None) -> VotingRound:
    """Open a scheduled round: the electorate is the association's members with an account at
    this moment (only they can vote online); the others are counted and named in the audit."""
    now = now or timezone.now()
    voting_round = _locked_round(VotingRound(pk=round_id))
    if voting_round.status != VotingRound.Status.SCHEDULED:
        return voting_round
    if now < voting_round.starts_at:
        raise DomainError(_("This round opens later."), code="round_not_open")
    association = voting_round.vacancy.association
    members = Member.objects.active().filter(association=association)
    electorate = list(round_electorate(association).select_related("user"))
    without_account = members.filter(user__isnull=True).count()
    Elector.objects.bulk_create(Elector(round=voting_round, member=m) for m in electorate)
    voting_round.status = VotingRound.Status.OPEN
    voting_round.opened_at = now
    voting_round.electorate_size = len(electorate)
    voting_round.save(update_fields=["status", "opened_at", "electorate_size"])
    audit_record(
        actor=None,
        action=AuditAction.ROUND_OPENED,
        target=voting_round,
        data={"electorate": len(electorate), "without_account": without_account},
    )
    context = {
        "round": voting_round,
        "vacancy": voting_round.vacancy,
        "url": absolute_url(reverse("vacancies:round_detail", args=[voting_round.pk])),
    }
    mail_on_commit(
        *electorate,
        template="vacancies/email/round_opened",
        context=context,
        sender=association.name,
    )
    return voting_round


@transaction.atomic
def recusal_declare(*, voting_round: VotingRound, member: Member, reason: str) -> Recusal:
    """A member steps out of a round for a conflict of interest, before voting."""
    now = timezone.now()
    reason = clean_text(reason, field="reason", max_length=1000, required=True, multiline=True)
    # Lock the round: a recusal and the member's own cast must not interleave.
    voting_round = _locked_round(voting_round)
    if voting_round.status == VotingRound.Status.CLOSED or now >= voting_round.ends_at:
        raise RoundClosed(_("This round is closed."), code="round_closed")
    if voting_round.status == VotingRound.Status.SCHEDULED:
        entitled = member.association_id == voting_round.vacancy.association_id
    else:
        entitled = Elector.objects.filter(round=voting_round, member=member).exists()
    if not entitled or member.status != Member.Status.ACTIVE:
        raise DomainError(
            _("You are not in the electorate of this round."), code="not_in_electorate"
        )
    if VoteRecord.objects.filter(round=voting_round, member=member).exists():
        raise DomainError(
            _("You have already voted; a recusal must come before your vote."), code="already_voted"
        )
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(
                round=voting_round, member=member, reason=reason, created_at=now
            )
    except IntegrityError:
        raise DomainError(
            _("You have already stepped out of this round."), code="already_recused"
        ) from None
    audit_record(
        actor=member.user,
        action=AuditAction.ROUND_RECUSAL,
        target=voting_round,
        data={"member": member.pk},
    )
    return recusal


class Standing(NamedTuple):
    voted: bool
    recused: bool


class LockedRound(NamedTuple):
    """A round as a cast reads it once the round is locked, with what its receipt e-mail names."""

    round: VotingRound  # its id, method, status and times
    unit_number: str
    building_name: str
    association_name: str


def _locked_standing(
    round_id: int, member: Member
) -> tuple[LockedRound, list[int], Standing | None]:
    """Lock the round and read it afresh, then the ballot's candidate ids and the member's
    standing (None: not an elector).

    Two statements: the standing is read once the round is ours, so that it sees the member's
    concurrent cast that held the lock before (a statement sees only what was committed when
    it started, and the first one started before it waited for the lock)."""
    vendor = connection.vendor
    rows = list(VotingRound.objects.raw(standing.locked_round_sql(vendor), [round_id]))
    if not rows:
        raise VotingRound.DoesNotExist
    names = vars(rows[0])  # the columns that are not the round's own fields
    locked = LockedRound(
        rows[0], names["unit_number"], names["building_name"], names["association_name"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            standing.ballot_standing_sql(vendor), [member.pk] * len(standing.STANDING) + [round_id]
        )
        candidates = cursor.fetchall()
    is_elector, voted, recused, _candidate = candidates[0]
    candidate_ids = [row[-1] for row in candidates if row[-1] is not None]
    # SQL booleans: 0 or 1 on SQLite.
    found = Standing(voted=bool(voted), recused=bool(recused)) if is_elector else None
    return locked, candidate_ids, found


@transaction.atomic
def ballot_cast(*, voting_round: VotingRound, member: Member, choices: dict) -> str:
    """Cast or replace a member's ballot; returns the receipt code of the counted ballot.

    Who voted (VoteRecord) and what (Ballot) are written apart: the ballot carries no member,
    no time, a random key, encrypted choices, and a seal only the ballot key can recompute.
    Of ``voting_round`` only the id counts: the round is read afresh once it is locked.
    """
    seal = ballots.seal_for(voting_round.pk, member.pk)
    # Mark this cast as under way before queueing for the round, so that the receipt e-mail
    # of the member's previous cast waits for it (see _receipt_stands).
    _cast_under_way(seal, exclusive=False)
    # Lock the round: casting and closing must not interleave, and one member's concurrent
    # casts queue here instead of racing (QUALITY 1 and 2).
    locked, candidate_ids, found = _locked_standing(voting_round.pk, member)
    voting_round = locked.round
    # The clock is read once the round is ours: a cast that queued past the end is late.
    now = timezone.now()
    if voting_round.status == VotingRound.Status.SCHEDULED or now < voting_round.starts_at:
        raise RoundClosed(_("This round is not open yet."), code="round_not_open")
    if not voting_round.is_open_at(now):
        raise RoundClosed(
            _("This round is closed; your vote was not counted."), code="round_closed"
        )
    if not candidate_ids:
        raise DomainError(_("There are no candidates on this ballot."), code="ballot_empty")
    if found is None:
        raise NotInElectorate(
            _("You are not in the electorate of this round."), code="not_in_electorate"
        )
    if found.recused:
        raise DomainError(_("You stepped out of this round and cannot vote in it."), code="recused")
    canonical = tally.clean_choices(voting_round.method, candidate_ids, choices)
    ballot = ballot_sealed(voting_round, candidate_ids, canonical, seal=seal)
    # The last ballot counts: the seal finds the previous one without naming the member, and
    # the new ballot (its own key, receipt and choices) takes its place in one statement.
    replaced = found.voted and Ballot.objects.filter(round=voting_round, seal=seal).update(
        key=ballot.key, receipt=ballot.receipt, sealed_choices=ballot.sealed_choices
    )
    if not replaced:
        if not found.voted:
            VoteRecord.objects.create(round=voting_round, member=member)
        ballot.save(force_insert=True)
    receipt = ballot.receipt
    if member.user_id:
        mail_on_commit(
            member.user,
            template="vacancies/email/ballot_receipt",
            context={
                "unit": locked.unit_number,
                "building": locked.building_name,
                "receipt": receipt,
                "url": absolute_url(reverse("vacancies:round_detail", args=[voting_round.pk])),
            },
            only_if=lambda: _receipt_stands(round_id=voting_round.pk, seal=seal, receipt=receipt),
            sender=locked.association_name,
        )
    return receipt


def ballot_sealed(
    voting_round: VotingRound, candidate_ids: list[int], choices: dict, *, seal: str
) -> Ballot:
    """An unsaved ballot: a random key and receipt, the canonical choices padded and sealed."""
    key = ballots.new_ballot_key()
    size = ballots.padded_size(voting_round.method, candidate_ids)
    return Ballot(
        key=key,
        round=voting_round,
        seal=seal,
        receipt=ballots.new_receipt(),
        sealed_choices=ballots.seal_choices(voting_round.pk, key, choices, size=size),
    )


def _cast_under_way(seal: str, *, exclusive: bool) -> None:
    """A transaction-long advisory lock per member and round, named by the seal (PostgreSQL).

    Each cast holds it shared from its start, also while it waits for the round; taken
    exclusively, it waits until every cast of that member under way has committed. SQLite
    runs one writing transaction at a time, so there is nothing to wait for.
    """
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        # 60 bits of the seal: a signed bigint; a collision only delays an e-mail.
        cursor.execute(f"SELECT {function}(%s)", [int(seal[:15], 16)])


def _receipt_stands(*, round_id: int, seal: str, receipt: str) -> bool:
    """Whether the ballot of this receipt is still in the round (a revote deletes it).

    Asked after a cast commits, before its receipt e-mail goes out, once the member's casts
    under way have committed: in a burst of revotes only the ballot that stands gets an
    e-mail. A receipt outlives the close (its seal does not), so it is looked up by itself.

    After a commit the connection is in autocommit: the exclusive lock is a statement of its
    own, granted (and let go at once) when those casts have committed, and the look-up after
    it sees them.
    """
    _cast_under_way(seal, exclusive=True)
    return Ballot.objects.filter(round_id=round_id, receipt=receipt).exists()


@transaction.atomic
def voting_round_remind(*, round_id: int, now: dt.datetime | None = None) -> int:
    """A day before the close, remind electors who have not voted; sent once per round."""
    now = now or timezone.now()
    voting_round = _locked_round(VotingRound(pk=round_id))
    if (
        voting_round.reminded_at is not None
        or not voting_round.is_open_at(now)
        or voting_round.ends_at - now > dt.timedelta(days=1)
    ):
        return 0
    waiting = (
        Member.objects.filter(
            pk__in=Elector.objects.filter(round=voting_round).values("member_id"),
            status=Member.Status.ACTIVE,
        )
        .exclude(pk__in=VoteRecord.objects.filter(round=voting_round).values("member_id"))
        .exclude(pk__in=Recusal.objects.filter(round=voting_round).values("member_id"))
        .select_related("user")
    )
    reminded = mail_on_commit(
        *waiting,
        template="vacancies/email/round_reminder",
        context={
            "round": voting_round,
            "vacancy": voting_round.vacancy,
            "url": absolute_url(reverse("vacancies:round_detail", args=[voting_round.pk])),
            "closes": reminder_closes(voting_round, now),
        },
        sender=voting_round.vacancy.association.name,
    )
    voting_round.reminded_at = now
    voting_round.save(update_fields=["reminded_at"])
    return reminded


def reminder_closes(voting_round: VotingRound, now: dt.datetime) -> str:
    """When the round closes, seen from ``now``: "hour" (within it), "today" or "tomorrow"."""
    if voting_round.ends_at - now <= dt.timedelta(hours=1):
        return "hour"
    same_day = timezone.localdate(voting_round.ends_at) == timezone.localdate(now)
    return "today" if same_day else "tomorrow"


# What closing a round writes on it (tally_store), for save(update_fields=...) and bulk_update.
TALLY_FIELDS = ["tally", "digest", "outcome", "winner", "status", "closed_at"]


def tally_store(voting_round: VotingRound, record: dict, *, closed_at: dt.datetime) -> None:
    """Set a counted record on the round, closed, as verify_tally checks it (unsaved)."""
    voting_round.tally = {k: v for k, v in record.items() if k != "ballots"}
    voting_round.digest = tally.digest(record)
    voting_round.outcome = record["outcome"]
    elected = record["outcome"] == VotingRound.Outcome.ELECTED
    voting_round.winner_id = record["result"]["winner"] if elected else None
    voting_round.status = VotingRound.Status.CLOSED
    voting_round.closed_at = closed_at


@transaction.atomic
def voting_round_close(*, round_id: int, now: dt.datetime | None = None) -> VotingRound:
    """Close a round at its end time: count, store the tally with its digest, nominate."""
    now = now or timezone.now()
    # Lock the round: no ballot may be cast or replaced while it is counted.
    voting_round = _locked_round(VotingRound(pk=round_id))
    if voting_round.status == VotingRound.Status.CLOSED:
        return voting_round
    if voting_round.status == VotingRound.Status.SCHEDULED:
        voting_round_open(round_id=round_id, now=max(now, voting_round.starts_at))
        voting_round = _locked_round(voting_round)
    if now < voting_round.ends_at:
        raise DomainError(
            _("This round closes at its set time, not before."), code="round_still_open"
        )
    rows = list(voting_round.ballots.all())
    turnout = VoteRecord.objects.filter(round=voting_round).count()
    if turnout != len(rows):
        raise RuntimeError(f"round {round_id}: {turnout} vote records but {len(rows)} ballots")
    recused = Recusal.objects.filter(round=voting_round).count()
    record = tally_record(voting_round, rows, turnout=turnout, recused=recused)
    # Rewrite the ballots in a random order inside this transaction: afterwards they share one
    # transaction id and no physical order, so nothing in the database ties a ballot to the
    # moment (and so the member) of its cast. The seals have done their work (finding a
    # member's ballot to replace): random values take their place, so that the ballot key
    # cannot map a member to a counted ballot any more. Key, receipt and choices stay, so the
    # tally, the digest and the receipts verify as before.
    random.SystemRandom().shuffle(rows)
    for row in rows:
        row.seal = ballots.new_seal_placeholder()
    Ballot.objects.filter(round=voting_round).delete()
    Ballot.objects.bulk_create(rows)
    tally_store(voting_round, record, closed_at=now)
    voting_round.save(update_fields=TALLY_FIELDS)
    vacancy = voting_round.vacancy
    audit_record(
        actor=None,
        action=AuditAction.ROUND_CLOSED,
        target=voting_round,
        data={"outcome": record["outcome"], "turnout": turnout, "digest": voting_round.digest},
    )
    if voting_round.winner_id:
        _nominate(vacancy, voting_round, voting_round.winner_id, now=now)
    else:
        Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.SHORTLISTED)
    electors = Member.objects.filter(
        pk__in=Elector.objects.filter(round=voting_round).values("member_id"),
        status=Member.Status.ACTIVE,
    ).select_related("user")
    mail_on_commit(
        *electors,
        template="vacancies/email/round_closed",
        context={
            "round": voting_round,
            "vacancy": vacancy,
            "url": absolute_url(reverse("vacancies:round_detail", args=[voting_round.pk])),
        },
        sender=vacancy.association.name,
    )
    return voting_round
