"""Nomination to the corporation: confirm, refuse, and nominate the next in the ranking."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.cleaning import check_date_window, clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit, replier_name
from coop.models import AuditAction, Unit, User
from coop.services import audit_record
from members.models import Member, MixGroup, Role, Tenancy
from members.services import member_register, tenancy_start
from vacancies.models import (
    Candidate,
    Nomination,
    Vacancy,
    VotingRound,
)
from vacancies.selectors import next_in_ranking
from vacancies.services.applications import _send_rejection
from vacancies.services.common import _corporation_staff, _locked_vacancy, _role_holders


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
        sender=vacancy.association.name,
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
        context={"vacancy": vacancy, "nomination": nomination, "replier": replier_name(actor)},
        sender=vacancy.association.name,
        reply_to=actor.email,
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
        context={"vacancy": vacancy, "nomination": nomination, "replier": replier_name(actor)},
        sender=vacancy.association.name,
        reply_to=actor.email,
    )
    return nomination


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
