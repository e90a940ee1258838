"""A vacancy from its report to the opening of applications, or its withdrawal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coop.cleaning import check_date_window, clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit
from coop.models import AuditAction, Unit, User
from coop.services import audit_record
from members.models import Role
from vacancies.models import (
    Route,
    Vacancy,
)
from vacancies.services.common import (
    MAX_APPLICATION_DAYS,
    _locked_vacancy,
    _role_holders,
)


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
) -> Vacancy:
    """The board reports that a unit falls vacant."""
    today = timezone.localdate()
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
) -> Vacancy:
    """The selection committee publishes the profile and opens applications until a date."""
    now = timezone.now()
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
