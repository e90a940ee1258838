"""Applications: apply, shortlist with motivated decisions, interview notes, retention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.cleaning import clean_email, clean_name, clean_phone, clean_text
from coop.exceptions import DomainError
from coop.mail import send_email_on_commit
from coop.models import AuditAction, User
from coop.services import audit_record
from vacancies.models import (
    Candidate,
    Vacancy,
)
from vacancies.services.common import _locked_vacancy


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
) -> Candidate:
    """Someone applies on the public page and gets a confirmation; a repeat from the same
    address changes nothing (the first application is returned) and its owner is told."""
    now = timezone.now()
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
def shortlist_finalise(*, actor: User, vacancy: Vacancy) -> Vacancy:
    """The shortlist becomes final; every candidate not taken gets the reason by e-mail."""
    now = timezone.now()
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
