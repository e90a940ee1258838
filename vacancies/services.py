"""State changes of vacancies: report, profile, applications, shortlist, voting, nomination."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coop.cleaning import check_date_window, clean_email, clean_name, clean_phone, clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit, send_email_on_commit
from coop.models import Association, AuditAction, StaffLink, Unit, User
from coop.services import audit_record
from members.models import AssociationRole, Member, MixGroup, Role, Tenancy
from members.services import member_register, tenancy_start
from vacancies import ballots, tally
from vacancies.models import (
    Ballot,
    Candidate,
    Elector,
    Nomination,
    Recusal,
    Route,
    Vacancy,
    VoteRecord,
    VotingRound,
)


class RoundClosed(DomainError):
    """The round does not accept ballots (not open yet, or closed)."""


class NotInElectorate(DomainError):
    """The member is not in the round's electorate (views answer 404, as for any stranger)."""


# Longest voting round and application period the product accepts.
MAX_ROUND_DAYS = 60
MAX_APPLICATION_DAYS = 120
MIN_ROUND_MINUTES = 60


def _locked_vacancy(vacancy: Vacancy) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("association", "unit__building")
        .get(pk=vacancy.pk)
    )


def _locked_round(voting_round: VotingRound) -> VotingRound:
    return (
        VotingRound.objects.select_for_update(of=("self",))
        .select_related("vacancy__association", "vacancy__unit__building")
        .get(pk=voting_round.pk)
    )


def _role_holders(association, role: Role, on: dt.date):
    """The association's members who hold ``role`` on a day (each with their account)."""
    return Member.objects.filter(
        pk__in=AssociationRole.objects.current(on)
        .filter(role=role, member__association=association)
        .values("member_id")
    ).select_related("user")


def _corporation_staff(association, on: dt.date) -> list[User]:
    links = (
        StaffLink.objects.current(on)
        .filter(organisation_id=association.corporation_id)
        .select_related("user")
    )
    return [link.user for link in links]


# -- vacancy ---------------------------------------------------------------------------------


def default_route(unit: Unit) -> str:
    """Omklap units are filled through the care organisation; the others by co-optation."""
    return Route.CARE_NOMINATION if unit.kind == Unit.Kind.OMKLAP else Route.COOPTATION


@transaction.atomic
def vacancy_report(
    *,
    actor: User,
    unit: Unit,
    available_from: dt.date,
    route: str | None = None,
    today: dt.date | None = None,
) -> Vacancy:
    """The board reports that a unit falls vacant."""
    today = today or timezone.localdate()
    route = route or default_route(unit)
    if route not in Route.values:
        raise DomainError(_("Choose a valid route."), code="route_invalid", field="route")
    if route == Route.COOPTATION and unit.kind == Unit.Kind.OMKLAP:
        raise DomainError(
            _("An omklap unit is filled through the care organisation, not by co-optation."),
            code="omklap_unit_cooptation",
            field="route",
        )
    check_date_window(available_from, field="available_from", years_back=1)
    # Lock the unit: two reports of the same unit must not both pass the check below.
    unit = Unit.objects.select_for_update(of=("self",)).select_related("building").get(pk=unit.pk)
    if Vacancy.objects.open().filter(unit=unit).exists():
        raise DomainError(
            _("This unit already has an open vacancy."), code="vacancy_already_open", field="unit"
        )
    # The same overlap rule as tenancy_start: otherwise the whole co-optation runs and the
    # corporation cannot confirm the nominee. A tenancy that ends by then is fine.
    let = (
        unit.tenancies.ending_after(available_from)
        .select_related("member")
        .order_by("-starts_on")
        .first()
    )
    if let is not None:
        if let.ends_on is None:
            message = _(
                "%(name)s rents this unit and no end of the tenancy is recorded. Record the end "
                "of the tenancy (the move-out) first."
            ) % {"name": let.member.name}
        else:
            message = _(
                "%(name)s rents this unit until %(end)s; the unit is available from that day."
            ) % {"name": let.member.name, "end": date_format(let.ends_on)}
        raise DomainError(message, code="unit_let_on_date", field="available_from")
    vacancy = Vacancy.objects.create(
        association_id=unit.building.association_id,
        unit=unit,
        route=route,
        available_from=available_from,
        reported_on=today,
        reported_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.VACANCY_REPORTED,
        target=vacancy,
        data={"unit": unit.pk, "route": route, "available_from": available_from.isoformat()},
    )
    if route == Route.COOPTATION:
        # The selection committee writes the profile next: tell them there is work.
        mail_on_commit(
            *_role_holders(vacancy.association, Role.SELECTION, today),
            template="vacancies/email/vacancy_reported",
            context={
                "vacancy": vacancy,
                "url": absolute_url(reverse("vacancies:vacancy_detail", args=[vacancy.pk])),
            },
        )
    return vacancy


@transaction.atomic
def vacancy_open_applications(
    *,
    actor: User,
    vacancy: Vacancy,
    profile: str,
    closes_at: dt.datetime,
    volunteer_priority: bool,
    now: dt.datetime | None = None,
) -> Vacancy:
    """The selection committee publishes the profile and opens applications until a date."""
    now = now or timezone.now()
    vacancy = _locked_vacancy(vacancy)
    if not vacancy.is_cooptation:
        raise DomainError(
            _("Only co-optation vacancies take applications."), code="vacancy_not_cooptation"
        )
    if vacancy.status not in (Vacancy.Status.REPORTED, Vacancy.Status.OPEN):
        raise DomainError(
            _("Applications can no longer be opened for this vacancy."),
            code="vacancy_past_applications",
        )
    profile = clean_text(profile, field="profile", max_length=4000, required=True, multiline=True)
    if closes_at <= now:
        raise DomainError(
            _("The closing date must lie in the future."), code="closes_in_past", field="closes_at"
        )
    if closes_at > now + dt.timedelta(days=MAX_APPLICATION_DAYS):
        raise DomainError(
            _("Applications can be open for at most %(days)s days.")
            % {"days": MAX_APPLICATION_DAYS},
            code="applications_too_long",
            field="closes_at",
        )
    first = vacancy.status == Vacancy.Status.REPORTED
    vacancy.profile = profile
    vacancy.applications_close_at = closes_at
    vacancy.volunteer_priority = volunteer_priority
    vacancy.status = Vacancy.Status.OPEN
    vacancy.save(update_fields=["profile", "applications_close_at", "volunteer_priority", "status"])
    audit_record(
        actor=actor,
        action=AuditAction.VACANCY_OPENED if first else AuditAction.VACANCY_PROFILE_CHANGED,
        target=vacancy,
        data={"closes_at": closes_at.isoformat(), "volunteer_priority": volunteer_priority},
    )
    return vacancy


@transaction.atomic
def vacancy_withdraw(*, actor: User, vacancy: Vacancy, reason: str) -> Vacancy:
    """The board withdraws a vacancy (the unit is not let through the association after all)."""
    vacancy = _locked_vacancy(vacancy)
    reason = clean_text(reason, field="reason", max_length=1000, required=True)
    if vacancy.status in Vacancy.CLOSED_STATUSES:
        raise DomainError(_("This vacancy is already closed."), code="vacancy_closed")
    if vacancy.status in (Vacancy.Status.VOTING, Vacancy.Status.NOMINATED):
        raise DomainError(
            _("A vote or a nomination is under way; wait for its result before withdrawing."),
            code="vacancy_in_decision",
        )
    vacancy.status = Vacancy.Status.WITHDRAWN
    vacancy.closed_on = timezone.localdate()
    vacancy.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.VACANCY_WITHDRAWN,
        target=vacancy,
        data={"reason": reason},
    )
    return vacancy


# -- applications ------------------------------------------------------------------------------


def _clean_pledge(value, *, allowed: bool) -> Decimal | None:
    if value in (None, ""):
        return None
    if not allowed:
        raise DomainError(
            _("This vacancy does not ask for a volunteering pledge."),
            code="pledge_not_asked",
            field="pledged_hours",
        )
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(
            _("Enter a number of hours."), code="hours_not_a_number", field="pledged_hours"
        ) from None
    if not hours.is_finite() or hours < 0 or hours > 200 or hours != hours.quantize(Decimal("0.1")):
        raise DomainError(
            _("Enter between 0 and 200 hours a month, in steps of 0.1."),
            code="pledge_out_of_range",
            field="pledged_hours",
        )
    return hours


@transaction.atomic
def candidate_apply(
    *,
    vacancy: Vacancy,
    name: str,
    email: str,
    phone: str,
    household_size: int,
    motivation: str,
    contribution: str,
    pledged_hours=None,
    language: str = "",
    now: dt.datetime | None = None,
) -> Candidate:
    """Someone applies on the public page and gets a confirmation; a repeat from the same
    address changes nothing (the first application is returned) and its owner is told."""
    now = now or timezone.now()
    name = clean_name(name)
    email = clean_email(email, required=True)
    phone = clean_phone(phone)
    motivation = clean_text(
        motivation, field="motivation", max_length=4000, required=True, multiline=True
    )
    contribution = clean_text(
        contribution, field="contribution", max_length=2000, required=False, multiline=True
    )
    if not isinstance(household_size, int) or not 1 <= household_size <= 12:
        raise DomainError(
            _("Enter a household size from 1 to 12."),
            code="household_size_out_of_range",
            field="household_size",
        )
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    # Lock the vacancy: closing the applications and applying must not interleave.
    vacancy = _locked_vacancy(vacancy)
    close = vacancy.applications_close_at
    if not (vacancy.status == Vacancy.Status.OPEN and close is not None and now < close):
        raise DomainError(_("Applications for this home are closed."), code="applications_closed")
    pledge = _clean_pledge(pledged_hours, allowed=vacancy.volunteer_priority)
    earlier = vacancy.candidates.filter(email=email).first()
    if earlier is not None:
        # Answered like a new application, so the form tells nobody whether an address applied;
        # only the address's owner hears of it, from stored data in their own language. At most
        # once an hour: repeating the form must not become a way to flood someone's inbox.
        if cache.add(f"vacancies:applied-again:{earlier.pk}:{now:%Y%m%d%H}", 1, 60 * 60):
            send_email_on_commit(
                template="vacancies/email/application_already_received",
                to=earlier.email,
                context={"candidate": earlier, "vacancy": vacancy},
                language=earlier.language,
            )
        return earlier
    candidate = Candidate.objects.create(
        vacancy=vacancy,
        name=name,
        email=email,
        phone=phone,
        household_size=household_size,
        motivation=motivation,
        contribution=contribution,
        pledged_hours=pledge,
        language=language,
        applied_at=now,
    )
    send_email_on_commit(
        template="vacancies/email/application_received",
        to=email,
        context={"candidate": candidate, "vacancy": vacancy},
        language=language,
    )
    return candidate


# -- shortlist ---------------------------------------------------------------------------------


def _candidate_repr(candidate: Candidate) -> str:
    return f"candidate #{candidate.pk}"


def _locked_candidate(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)


@transaction.atomic
def candidate_shortlist(
    *, actor: User, candidate: Candidate, shortlisted: bool, reason: str = ""
) -> Candidate:
    """The selection committee takes a candidate onto the shortlist or not, with a reason."""
    vacancy = _locked_vacancy(candidate.vacancy)
    candidate = _locked_candidate(candidate)
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError(_("The shortlist of this vacancy is final."), code="shortlist_final")
    reason = clean_text(
        reason, field="reason", max_length=2000, required=not shortlisted, multiline=True
    )
    candidate.status = (
        Candidate.Status.SHORTLISTED if shortlisted else Candidate.Status.NOT_SHORTLISTED
    )
    candidate.decision_reason = "" if shortlisted else reason
    candidate.save(update_fields=["status", "decision_reason"])
    # Named by number only: the log is never changed, and a candidate's data is erased later.
    audit_record(
        actor=actor,
        action=AuditAction.CANDIDATE_SHORTLIST_DECIDED,
        target=candidate,
        target_repr=_candidate_repr(candidate),
        data={"shortlisted": shortlisted},
    )
    return candidate


@transaction.atomic
def candidate_note(*, actor: User, candidate: Candidate, notes: str) -> Candidate:
    """The selection committee keeps interview notes (seen by the committee only)."""
    candidate = _locked_candidate(candidate)
    if candidate.erased_at is not None:
        raise DomainError(_("This candidate's data has been erased."), code="candidate_erased")
    candidate.interview_notes = clean_text(
        notes, field="notes", max_length=4000, required=False, multiline=True
    )
    candidate.save(update_fields=["interview_notes"])
    audit_record(
        actor=actor,
        action=AuditAction.CANDIDATE_NOTES_CHANGED,
        target=candidate,
        target_repr=_candidate_repr(candidate),
    )
    return candidate


@transaction.atomic
def shortlist_finalise(*, actor: User, vacancy: Vacancy, now: dt.datetime | None = None) -> Vacancy:
    """The shortlist becomes final; every candidate not taken gets the reason by e-mail."""
    now = now or timezone.now()
    vacancy = _locked_vacancy(vacancy)
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError(
            _("This vacancy has no shortlist to finalise."), code="no_shortlist_to_finalise"
        )
    if vacancy.applications_close_at is None or now < vacancy.applications_close_at:
        raise DomainError(
            _("Applications are still open; finalise after the closing date."),
            code="applications_still_open",
        )
    candidates = list(vacancy.candidates.select_for_update())
    if any(c.status == Candidate.Status.APPLIED for c in candidates):
        raise DomainError(_("Decide on every candidate first."), code="candidates_undecided")
    shortlisted = [c for c in candidates if c.status == Candidate.Status.SHORTLISTED]
    if not shortlisted:
        raise DomainError(
            _("Take at least one candidate onto the shortlist."), code="shortlist_empty"
        )
    rejected = [c for c in candidates if c.status == Candidate.Status.NOT_SHORTLISTED]
    for candidate in rejected:
        _send_rejection(candidate, vacancy, template="vacancies/email/not_shortlisted")
    Candidate.objects.filter(pk__in=[c.pk for c in rejected]).update(rejection_sent_at=now)
    vacancy.status = Vacancy.Status.SHORTLISTED
    vacancy.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.VACANCY_SHORTLIST_FINAL,
        target=vacancy,
        data={"shortlisted": [c.pk for c in shortlisted], "not_shortlisted": len(rejected)},
    )
    return vacancy


def _send_rejection(candidate: Candidate, vacancy: Vacancy, *, template: str) -> None:
    if candidate.email:
        send_email_on_commit(
            template=template,
            to=candidate.email,
            context={"candidate": candidate, "vacancy": vacancy},
            language=candidate.language,
        )


# -- voting rounds -----------------------------------------------------------------------------


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
    now: dt.datetime | None = None,
) -> VotingRound:
    """The board sets up a round on the shortlist; it opens at ``starts_at`` (now if past)."""
    now = now or timezone.now()
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
    mail_on_commit(*electorate, template="vacancies/email/round_opened", context=context)
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


def _standing(voting_round: VotingRound, member: Member) -> tuple[list[int], Standing | None]:
    """The ballot's candidate ids and the member's standing (None: not an elector), in one
    query; read after the round's lock, so it sees the member's concurrent cast."""
    rows = list(
        VotingRound.candidates.through.objects.filter(votinground_id=voting_round.pk)
        .annotate(
            is_elector=Exists(Elector.objects.filter(round=voting_round, member=member)),
            voted=Exists(VoteRecord.objects.filter(round=voting_round, member=member)),
            recused=Exists(Recusal.objects.filter(round=voting_round, member=member)),
        )
        # The stubs' plugin cannot see annotations on an automatic through model's queryset.
        .values_list("candidate_id", "is_elector", "voted", "recused")  # type: ignore[misc]
    )
    if not rows:
        raise DomainError(_("There are no candidates on this ballot."), code="ballot_empty")
    _candidate, is_elector, voted, recused = rows[0]
    standing = Standing(voted=bool(voted), recused=bool(recused)) if is_elector else None
    return [row[0] for row in rows], standing


@transaction.atomic
def ballot_cast(
    *, voting_round: VotingRound, member: Member, choices: dict, now: dt.datetime | None = None
) -> str:
    """Cast or replace a member's ballot; returns the receipt code of the counted ballot.

    Who voted (VoteRecord) and what (Ballot) are written apart: the ballot carries no member,
    no time, a random key, encrypted choices, and a seal only the ballot key can recompute.
    """
    now = now or timezone.now()
    seal = ballots.seal_for(voting_round.pk, member.pk)
    # Mark this cast as under way before queueing for the round, so that the receipt e-mail
    # of the member's previous cast waits for it (see _receipt_stands).
    _cast_under_way(seal, exclusive=False)
    # Lock the round: casting and closing must not interleave, and one member's concurrent
    # casts queue here instead of racing (QUALITY 1 and 2).
    voting_round = _locked_round(voting_round)
    if voting_round.status == VotingRound.Status.SCHEDULED or now < voting_round.starts_at:
        raise RoundClosed(_("This round is not open yet."), code="round_not_open")
    if not voting_round.is_open_at(now):
        raise RoundClosed(
            _("This round is closed; your vote was not counted."), code="round_closed"
        )
    candidate_ids, standing = _standing(voting_round, member)
    if standing is None:
        raise NotInElectorate(
            _("You are not in the electorate of this round."), code="not_in_electorate"
        )
    if standing.recused:
        raise DomainError(_("You stepped out of this round and cannot vote in it."), code="recused")
    canonical = tally.clean_choices(voting_round.method, candidate_ids, choices)
    if standing.voted:
        # The last ballot counts: the seal finds the previous one without naming the member.
        Ballot.objects.filter(round=voting_round, seal=seal).delete()
    else:
        VoteRecord.objects.create(round=voting_round, member=member)
    ballot = ballot_sealed(voting_round, candidate_ids, canonical, seal=seal)
    ballot.save(force_insert=True)
    receipt = ballot.receipt
    if member.user_id:
        mail_on_commit(
            member.user,
            template="vacancies/email/ballot_receipt",
            context={
                "round": voting_round,
                "vacancy": voting_round.vacancy,
                "receipt": receipt,
                "url": absolute_url(reverse("vacancies:round_detail", args=[voting_round.pk])),
            },
            only_if=lambda: _receipt_stands(round_id=voting_round.pk, seal=seal, receipt=receipt),
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


@transaction.atomic
def _receipt_stands(*, round_id: int, seal: str, receipt: str) -> bool:
    """Whether the ballot of this receipt is still in the round (a revote deletes it).

    Asked after a cast commits, before its receipt e-mail goes out, once the member's casts
    under way have committed: in a burst of revotes only the ballot that stands gets an
    e-mail. A receipt outlives the close (its seal does not), so it is looked up by itself.
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
        },
    )
    voting_round.reminded_at = now
    voting_round.save(update_fields=["reminded_at"])
    return reminded


def _opened_ballots(voting_round: VotingRound, rows) -> list[dict]:
    return [ballots.open_choices(voting_round.pk, b.key, b.sealed_choices) for b in rows]


def tally_record(voting_round: VotingRound, ballot_rows, *, turnout: int, recused: int) -> dict:
    """What the stored tally says and rests on; the digest is taken over this record."""
    choices = _opened_ballots(voting_round, ballot_rows)
    on_ballot = sorted(voting_round.candidates.all(), key=lambda c: (c.applied_at, c.pk))
    seed = (voting_round.tally or {}).get("lot_seed") or secrets.token_hex(16)
    result = tally.count(
        method=voting_round.method,
        candidates=[tally.CandidateOnBallot(c.pk, i) for i, c in enumerate(on_ballot)],
        ballots=choices,
        tie_break=voting_round.tie_break,
        seed=seed,
    )
    base = (voting_round.electorate_size or 0) - recused
    quorum = tally.quorum_met(
        turnout=turnout, base=base, quorum_percent=voting_round.quorum_percent
    )
    if not quorum:
        outcome = VotingRound.Outcome.NO_QUORUM
    elif result["winner"] is None:
        outcome = VotingRound.Outcome.NO_DECISION
    else:
        outcome = VotingRound.Outcome.ELECTED
    return {
        "round": voting_round.pk,
        "method": voting_round.method,
        "quorum_percent": voting_round.quorum_percent,
        "tie_break": voting_round.tie_break,
        "candidates": [c.pk for c in on_ballot],
        "electorate": voting_round.electorate_size or 0,
        "recused": recused,
        "turnout": turnout,
        "quorum_met": quorum,
        "lot_seed": seed,
        "ballots": tally.canonical_ballots(choices),
        "receipts": sorted(b.receipt for b in ballot_rows),
        "result": result,
        "outcome": str(outcome),
    }


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
    )
    return voting_round


class TallyCheck(NamedTuple):
    verified: bool
    digest: str  # recomputed from the stored ballots ("" for a round that is not closed)


def tally_check(voting_round: VotingRound) -> TallyCheck:
    """Recount a closed round from its stored ballots and compare with the stored tally."""
    if voting_round.status != VotingRound.Status.CLOSED:
        return TallyCheck(False, "")
    rows = list(voting_round.ballots.all())
    record = tally_record(
        voting_round,
        rows,
        turnout=VoteRecord.objects.filter(round=voting_round).count(),
        recused=Recusal.objects.filter(round=voting_round).count(),
    )
    recounted = tally.digest(record)
    elected = record["outcome"] == VotingRound.Outcome.ELECTED
    # The digest alone would not notice an edited tally, outcome or winner: compare them too.
    verified = (
        recounted == voting_round.digest
        and {k: v for k, v in record.items() if k != "ballots"} == voting_round.tally
        and record["outcome"] == voting_round.outcome
        and voting_round.winner_id == (record["result"]["winner"] if elected else None)
    )
    return TallyCheck(verified, recounted)


def verify_tally(voting_round: VotingRound) -> bool:
    return tally_check(voting_round).verified


# -- nomination --------------------------------------------------------------------------------


def _nominate(vacancy: Vacancy, voting_round: VotingRound, candidate_id: int, *, now) -> Nomination:
    nomination = Nomination.objects.create(
        vacancy=vacancy, candidate_id=candidate_id, round=voting_round, nominated_at=now
    )
    Candidate.objects.filter(pk=candidate_id).update(status=Candidate.Status.NOMINATED)
    fields: dict[str, object] = {"status": Vacancy.Status.NOMINATED}
    if vacancy.nominated_on is None:
        fields["nominated_on"] = timezone.localdate(now)
    Vacancy.objects.filter(pk=vacancy.pk).update(**fields)
    audit_record(
        actor=None,
        action=AuditAction.VACANCY_NOMINATED,
        target=nomination,
        data={"candidate": candidate_id, "round": voting_round.pk},
    )
    mail_on_commit(
        *_corporation_staff(vacancy.association, timezone.localdate(now)),
        template="vacancies/email/nomination_sent",
        context={
            "vacancy": vacancy,
            "url": absolute_url(reverse("vacancies:nomination_detail", args=[nomination.pk])),
        },
    )
    return nomination


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("candidate", "vacancy__association", "vacancy__unit")
        .get(pk=nomination.pk)
    )


@transaction.atomic
def nomination_confirm(
    *, actor: User, nomination: Nomination, group: str, starts_on: dt.date
) -> Nomination:
    """The corporation confirms: the candidate becomes a member with a tenancy of the unit."""
    if group not in MixGroup.values:
        raise DomainError(
            _("Choose the group of the new resident."), code="group_invalid", field="group"
        )
    vacancy = _locked_vacancy(nomination.vacancy)
    nomination = _locked_nomination(nomination)
    if nomination.status != Nomination.Status.PENDING:
        raise DomainError(_("This nomination has already been decided."), code="nomination_decided")
    if starts_on < vacancy.available_from:
        raise DomainError(
            _("The tenancy cannot start before the unit is available."),
            code="tenancy_before_available",
            field="starts_on",
        )
    # The new member joins on this day, and a joining day lies at most a year ahead.
    check_date_window(starts_on, field="starts_on", years_back=None, years_ahead=1)
    candidate = nomination.candidate
    member = member_register(
        actor=actor,
        association=vacancy.association,
        name=candidate.name,
        email=candidate.email,
        phone=candidate.phone,
        group=group,
        joined_on=starts_on,
    )
    kind = Tenancy.Kind.OMKLAP if vacancy.unit.kind == Unit.Kind.OMKLAP else Tenancy.Kind.REGULAR
    tenancy_start(actor=actor, member=member, unit=vacancy.unit, kind=kind, starts_on=starts_on)
    if candidate.pledged_hours is not None:
        Member.objects.filter(pk=member.pk).update(pledged_hours=candidate.pledged_hours)
    now = timezone.now()
    nomination.status = Nomination.Status.CONFIRMED
    nomination.decided_at = now
    nomination.decided_by = actor
    nomination.group = group
    nomination.member = member
    nomination.save(update_fields=["status", "decided_at", "decided_by", "group", "member"])
    Candidate.objects.filter(pk=candidate.pk).update(status=Candidate.Status.CHOSEN)
    vacancy.status = Vacancy.Status.LET
    vacancy.let_on = timezone.localdate(now)
    vacancy.closed_on = vacancy.let_on
    vacancy.save(update_fields=["status", "let_on", "closed_on"])
    others = vacancy.candidates.filter(status=Candidate.Status.SHORTLISTED)
    for other in others:
        _send_rejection(other, vacancy, template="vacancies/email/not_chosen")
    others.update(rejection_sent_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.VACANCY_LET,
        target=nomination,
        data={
            "member": member.pk,
            "group": group,
            "starts_on": starts_on.isoformat(),
            "days_to_nomination": vacancy.days_to_nomination,
            "days_to_confirmation": vacancy.days_to_confirmation,
        },
    )
    mail_on_commit(
        *_role_holders(vacancy.association, Role.BOARD, vacancy.let_on),
        template="vacancies/email/nomination_decided",
        context={"vacancy": vacancy, "nomination": nomination},
    )
    return nomination


@transaction.atomic
def nomination_refuse(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """The corporation refuses, with a reason; the board nominates the next or votes again."""
    reason = clean_text(reason, field="reason", max_length=2000, required=True, multiline=True)
    vacancy = _locked_vacancy(nomination.vacancy)
    nomination = _locked_nomination(nomination)
    if nomination.status != Nomination.Status.PENDING:
        raise DomainError(_("This nomination has already been decided."), code="nomination_decided")
    nomination.status = Nomination.Status.REFUSED
    now = timezone.now()
    nomination.decided_at = now
    nomination.decided_by = actor
    nomination.refusal_reason = reason
    nomination.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
    Candidate.objects.filter(pk=nomination.candidate_id).update(
        status=Candidate.Status.REFUSED, decision_reason=reason
    )
    vacancy.status = Vacancy.Status.SHORTLISTED
    vacancy.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.NOMINATION_REFUSED,
        target=nomination,
        data={"candidate": nomination.candidate_id, "reason": reason},
    )
    mail_on_commit(
        *_role_holders(vacancy.association, Role.BOARD, timezone.localdate(now)),
        template="vacancies/email/nomination_decided",
        context={"vacancy": vacancy, "nomination": nomination},
    )
    return nomination


def next_in_ranking(vacancy: Vacancy) -> Candidate | None:
    """The best-ranked candidate of the last decided round who is still available."""
    last = vacancy.rounds.filter(outcome=VotingRound.Outcome.ELECTED).order_by("-number").first()
    if last is None:
        return None
    available = {c.pk: c for c in vacancy.candidates.filter(status=Candidate.Status.SHORTLISTED)}
    assert last.tally is not None, "an elected round has its tally"
    for pk in last.tally["result"]["ranking"]:
        if pk in available:
            return available[pk]
    return None


@transaction.atomic
def nomination_next(*, actor: User, vacancy: Vacancy) -> Nomination:
    """After a refusal, the board nominates the next candidate in the last round's ranking."""
    vacancy = _locked_vacancy(vacancy)
    if vacancy.status != Vacancy.Status.SHORTLISTED or not vacancy.nominations.exists():
        raise DomainError(
            _("There is no refused nomination to follow up."), code="no_refused_nomination"
        )
    candidate = next_in_ranking(vacancy)
    if candidate is None:
        raise DomainError(
            _("Nobody else in the ranking is available; open a new round."),
            code="ranking_exhausted",
        )
    last = vacancy.rounds.filter(outcome=VotingRound.Outcome.ELECTED).order_by("-number").first()
    assert last is not None, "a next candidate in the ranking comes from an elected round"
    nomination = _nominate(vacancy, last, candidate.pk, now=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.NOMINATION_NEXT,
        target=nomination,
        data={"candidate": candidate.pk},
    )
    return nomination


# -- retention ---------------------------------------------------------------------------------


@transaction.atomic
def candidates_purge() -> int:
    """Erase contact data and motivations of candidates not chosen, once past retention."""
    now = timezone.now()
    cutoff = timezone.localdate(now) - dt.timedelta(days=settings.COOP_CANDIDATE_RETENTION_DAYS)
    due = Candidate.objects.filter(
        vacancy__status__in=Vacancy.CLOSED_STATUSES,
        vacancy__closed_on__lte=cutoff,
        erased_at__isnull=True,
    ).exclude(status=Candidate.Status.CHOSEN)
    total = 0
    for vacancy in Vacancy.objects.filter(pk__in=due.values("vacancy_id")).select_related(
        "association"
    ):
        erased = due.filter(vacancy=vacancy).update(
            name="",
            email="",
            phone="",
            motivation="",
            contribution="",
            interview_notes="",
            decision_reason="",
            pledged_hours=None,
            erased_at=now,
        )
        audit_record(
            actor=None,
            action=AuditAction.VACANCY_CANDIDATES_ERASED,
            target=vacancy,
            data={"count": erased, "cutoff": cutoff.isoformat()},
        )
        total += erased
    return total
